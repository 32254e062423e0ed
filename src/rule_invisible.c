/*
 * rule_invisible.c - invisible characters left in Chinese text by editors
 * and scrapers: zero-width space, word joiner, a byte-order mark inside the
 * text, soft hyphen. Chinese needs none of them. They are removed only next
 * to Chinese text: elsewhere they can be deliberate (a soft hyphen is a
 * hyphenation hint in European text), and the joiners used by emoji
 * sequences (U+200D) and by Indic and Persian scripts (U+200C) are never
 * touched. A BOM at the very start of the input is the file's own mark.
 */
#include <string.h>

#include "internal.h"

static const char *invisible_name(uint32_t cp)
{
    switch (cp) {
    case 0x200B: return "zero-width space";
    case 0x2060: return "word joiner";
    case 0xFEFF: return "byte-order mark inside the text";
    case 0x00AD: return "soft hyphen";
    default: return NULL;
    }
}

static int is_chinese_context(uint32_t cp)
{
    return zh_is_han(cp) || zh_is_cjk_punct(cp);
}

/* The code point before position i that is not itself invisible. */
static uint32_t visible_before(const char *text, size_t i)
{
    while (i > 0) {
        size_t j = i - 1;
        while (j > 0 && ((unsigned char)text[j] & 0xC0) == 0x80)
            j--;
        uint32_t cp;
        zh_utf8_decode((const unsigned char *)text + j, i - j, &cp);
        if (!invisible_name(cp))
            return cp;
        i = j;
    }
    return 0;
}

static uint32_t visible_after(const char *text, size_t len, size_t i)
{
    while (i < len) {
        uint32_t cp;
        i += zh_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        if (!invisible_name(cp))
            return cp;
    }
    return 0;
}

static zhfix_status scan_invisible(zh_scan *scan)
{
    const char *t = scan->text;
    size_t len = scan->len;
    /* All four characters start with lead bytes C2 or E2/EF: skip to them,
     * on the lines that hold one. */
    zh_hot_walk walk = {0, 0};
    for (size_t i = 0; zh_hot_pos(scan, ZH_TRIG_INVISIBLE, &walk, &i); i++) {
        unsigned char b = (unsigned char)t[i];
        if (b != 0xC2 && b != 0xE2 && b != 0xEF)
            continue;
        uint32_t cp;
        size_t n = zh_utf8_decode((const unsigned char *)t + i, len - i, &cp);
        const char *name = invisible_name(cp);
        if (!name || (cp == 0xFEFF && i == 0 && scan->at_input_start)) {
            i += n - 1;
            continue;
        }
        if (is_chinese_context(visible_before(t, i)) ||
            is_chinese_context(visible_after(t, len, i + n))) {
            zhfix_status st = zh_emit(scan, i, i + n, "", 0, 1, name, NULL);
            if (st != ZHFIX_OK)
                return st;
        }
        i += n - 1;
    }
    return ZHFIX_OK;
}

const zh_rule zh_rule_invisible_char = {
    {"invisible-char", ZHFIX_CATEGORY_ARTIFACT,
     "remove zero-width spaces, word joiners, stray BOMs and soft hyphens "
     "in Chinese text",
     1},
    scan_invisible,
    0, /* chinese_only */
};
