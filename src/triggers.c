/*
 * triggers.c - one pass over a block that tells each rule which lines it
 * needs to read (see triggers.h).
 */
#include <pthread.h>
#include <stdlib.h>

#include "codec_tables.h"
#include "triggers.h"

/* A CJK mark that can be typed twice (。、，；：); the pass turns it into
 * ZH_TRIG_HALFWIDTH when another CJK mark follows. No character carries
 * ZH_TRIG_FENCE, so its bit is free for this. */
#define CLASS_MARK ZH_TRIG_FENCE

/* Triggers of each BMP character (ASCII is handled by the pass itself). */
static uint8_t classes[65536];
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static void build_classes(void)
{
    static const uint8_t mojibake_starts =
        ZH_MF_UTF8_GBK | ZH_MF_UTF8_BIG5 | ZH_MF_UTF8_SB | ZH_MF_GBK_SB |
        ZH_MF_DBCS;
    for (uint32_t cp = 0x80; cp < 0x10000; cp++)
        if ((zh_moji_flags[cp] & mojibake_starts) ||
            (cp >= 0xE000 && cp <= 0xF8FF) || cp < 0xA0)
            classes[cp] |= ZH_TRIG_MOJIBAKE;
    classes[0xFFFD] |= ZH_TRIG_FFFD | ZH_TRIG_MOJIBAKE;
    static const uint16_t garbage[] = {0x951F, 0x9315, 0x70EB, 0x5C6F};
    for (size_t k = 0; k < sizeof garbage / sizeof garbage[0]; k++)
        classes[garbage[k]] |= ZH_TRIG_GARBAGE;
    static const uint16_t invisible[] = {0x200B, 0x2060, 0xFEFF, 0x00AD};
    for (size_t k = 0; k < sizeof invisible / sizeof invisible[0]; k++)
        classes[invisible[k]] |= ZH_TRIG_INVISIBLE;
    static const uint16_t marks[] = {0x3001, 0x3002, 0xFF0C, 0xFF1A, 0xFF1B};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++)
        classes[marks[k]] |= CLASS_MARK;
    for (uint32_t cp = 0xFF10; cp <= 0xFF5A; cp++)
        if (cp <= 0xFF19 || (cp >= 0xFF21 && cp <= 0xFF3A) || cp >= 0xFF41)
            classes[cp] |= ZH_TRIG_FULLWIDTH;
}

/* What the pass stops at: a line end, the ASCII marks, non-ASCII. */
enum { PLAIN, NEWLINE, MARK };
static const uint8_t stops[256] = {
    ['\n'] = NEWLINE, [','] = MARK, [':'] = MARK, [';'] = MARK,
    ['?'] = MARK,     ['!'] = MARK, ['('] = MARK,
#define X4(b) [b] = MARK, [b + 1] = MARK, [b + 2] = MARK, [b + 3] = MARK
#define X16(b) X4(b), X4(b + 4), X4(b + 8), X4(b + 12)
    X16(0x80),        X16(0x90),    X16(0xA0),    X16(0xB0),
    X16(0xC0),        X16(0xD0),    X16(0xE0),    X16(0xF0),
#undef X16
#undef X4
};

/* ``` or ~~~ after at most three spaces (prose.c's fence test). */
static int fence_at(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 3 && s[i] == ' ')
        i++;
    return n - i >= 3 && (s[i] == '`' || s[i] == '~') && s[i + 1] == s[i] &&
           s[i + 2] == s[i];
}

static int append(zh_hot_lines *hl, size_t start, size_t next, uint32_t mask)
{
    if (hl->n == hl->cap) {
        size_t cap = hl->cap ? hl->cap * 2 : 256;
        zh_hot_line *l = realloc(hl->lines, cap * sizeof *l);
        if (!l)
            return 0;
        hl->lines = l;
        hl->cap = cap;
    }
    hl->lines[hl->n].start = (uint32_t)start;
    hl->lines[hl->n].next = (uint32_t)next;
    hl->lines[hl->n].mask = mask;
    hl->n++;
    return 1;
}

int zh_hot_lines_scan(zh_hot_lines *hl, const char *text, size_t len)
{
    pthread_once(&classes_once, build_classes);
    const unsigned char *s = (const unsigned char *)text;
    hl->n = 0;
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        uint32_t mask = fence_at(s + i, len - i) ? ZH_TRIG_FENCE : 0;
        for (;;) {
            /* Three-byte characters (all of Chinese) first, in a tight
             * loop: the text is valid UTF-8 (the pipeline validated it). */
            while (i + 3 <= len && (s[i] & 0xF0) == 0xE0) {
                uint32_t cp = (uint32_t)(s[i] & 0x0F) << 12 |
                              (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu);
                uint8_t c = classes[cp];
                i += 3;
                if (c) {
                    mask |= c & (uint32_t)~CLASS_MARK;
                    if ((c & CLASS_MARK) && i < len &&
                        (s[i] == 0xE3 || s[i] == 0xEF))
                        mask |= ZH_TRIG_HALFWIDTH;
                }
            }
            while (i < len && stops[s[i]] == PLAIN)
                i++;
            if (i >= len)
                break;
            unsigned char b = s[i];
            if (b == '\n') {
                i++;
                break;
            }
            if (b < 0x80) {
                /* An ASCII mark: next to a non-ASCII byte it may be a
                 * folded Chinese mark. */
                if (b == '?')
                    mask |= ZH_TRIG_QUESTION;
                if (b == ',' && i + 1 < len &&
                    (s[i + 1] >= 0x80 || s[i + 1] == ',' || s[i + 1] == ';' ||
                     s[i + 1] == '?' || s[i + 1] == '!' || s[i + 1] == ':'))
                    mask |= ZH_TRIG_COMMA;
                if ((i > start && s[i - 1] >= 0x80) ||
                    (i + 1 < len && s[i + 1] >= 0x80))
                    mask |= ZH_TRIG_HALFWIDTH;
                i++;
            } else if (b < 0xE0) {
                uint32_t cp = (uint32_t)(b & 0x1F) << 6 | (s[i + 1] & 0x3Fu);
                mask |= classes[cp] & (uint32_t)~CLASS_MARK;
                i += 2;
            } else if (b < 0xF0 && i + 3 <= len) {
                continue; /* the three-byte loop above takes it */
            } else {
                /* No trigger beyond the BMP. (A character cut by the end
                 * cannot occur in valid UTF-8; the clamp keeps the walk
                 * finite even so.) */
                i += b >= 0xF0 ? 4 : 3;
                if (i > len)
                    i = len;
            }
        }
        if (mask && !append(hl, start, i, mask))
            return 0;
    }
    return 1;
}

void zh_hot_lines_free(zh_hot_lines *hl)
{
    free(hl->lines);
    hl->lines = NULL;
    hl->n = hl->cap = 0;
}
