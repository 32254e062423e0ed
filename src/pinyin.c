/*
 * pinyin.c - recognising "(syllable)" annotations (see pinyin.h).
 */
#include "internal.h"
#include "pinyin.h"
#include "prose.h"

/* Letters pinyin is written with: ASCII letters, Latin letters with the
 * tone marks and diaeresis (U+00C0..U+01DC, ḿ U+1E3F, ê) and combining
 * tone marks. */
static int pinyin_letter(uint32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 0xC0 && cp <= 0x1DC && cp != 0xD7 && cp != 0xF7) ||
           cp == 0x1E3F || (cp >= 0x300 && cp <= 0x30C);
}

size_t zh_pinyin_closed(const char *text, size_t len, size_t i, size_t *syl,
                        size_t *syllen)
{
    size_t j = i, letters = 0;
    while (j < len && j - i < 16) {
        uint32_t cp;
        size_t n = zh_utf8_decode((const unsigned char *)text + j, len - j,
                                  &cp);
        if (pinyin_letter(cp)) {
            letters++;
            j += n;
            continue;
        }
        if (cp >= '0' && cp <= '5' && letters && j + 1 < len &&
            text[j + 1] == ')')
            j++;
        break;
    }
    if (!letters || j >= len || text[j] != ')' || j - i > 12)
        return 0;
    *syl = i;
    *syllen = j - i;
    return j + 1 - i;
}

size_t zh_pinyin_annotation(const char *text, size_t len, size_t i,
                            size_t *syl, size_t *syllen)
{
    if (i >= len || text[i] != '(')
        return 0;
    size_t n = zh_pinyin_closed(text, len, i + 1, syl, syllen);
    return n ? n + 1 : 0;
}

uint32_t zh_pinyin_char_before(const char *t, size_t i)
{
    size_t s0;
    uint32_t prev = zh_cp_before(t, i, &s0);
    if (prev != ')')
        return prev;
    size_t open = s0;
    while (open > 0 && s0 - open < 16 && t[open - 1] != '(')
        open--;
    if (open == 0 || t[open - 1] != '(')
        return prev;
    size_t syl, syllen;
    if (zh_pinyin_annotation(t, i, open - 1, &syl, &syllen) != i - (open - 1))
        return prev;
    uint32_t han = zh_cp_before(t, open - 1, NULL);
    return zh_is_han(han) ? han : prev;
}
