/*
 * triggers.c - one pass over a block that tells each rule which lines it
 * needs to read (see triggers.h).
 */
#include <stdlib.h>

#include "codec_tables.h"
#include "internal.h"
#include "trigger_classes.h"
#include "triggers.h"

/* In the pass's record of a line's pairs: mojibake without doubt. */
#define MOJI_SURE 8
/* Bytes within which two rare characters count (rule_mojibake.c's
 * ZH_DBCS_REACH). */
#define MOJI_RARE_REACH 9
int zh_sb_pair_in(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    /* Pages in which the previous character is a lead byte, and in which
     * it may begin a sequence; whether it starts GBK read as cp1252. */
    uint8_t lead_before = 0, starts = 0;
    int gbk_sb = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += zh_utf8_decode(s + i, len - i, &cp);
        /* A no-break space turned into a plain one. */
        if (cp == ' ' && (starts || gbk_sb))
            return 1;
        if (cp > 0xFFFF)
            cp = 0; /* beyond the tables: a character with no bits */
        if (starts & zh_trig_sb_cont[cp])
            return 1;
        if (gbk_sb && cp >= 0x80 && cp < 0x3000 && !zh_is_han(cp))
            return 1;
        uint8_t f = zh_moji_flags[cp];
        /* Two lead bytes in a row are no UTF-8, and cp437, the page of
         * box drawing, decodes every byte: a lead after a lead begins
         * nothing there (───┤ is a table, not Ĵ). Pages that drop the
         * bytes they lack (Windows-1252 read with errors ignored) can put
         * two leads together, so they keep the pair. */
        starts = (f & ZH_MF_UTF8_SB)
                     ? (uint8_t)(zh_trig_sb_lead[cp] &
                                 ~(lead_before & (1u << ZH_SB_CP437)))
                     : 0;
        gbk_sb = (f & ZH_MF_GBK_SB) != 0;
        lead_before = zh_trig_sb_lead[cp];
    }
    return 0;
}

/* What the pass stops at: a line end, the ASCII marks, '&', non-ASCII. */
enum { PLAIN, NEWLINE, MARK, AMPERSAND };
static const uint8_t stops[256] = {
    ['\n'] = NEWLINE, [','] = MARK, [':'] = MARK, [';'] = MARK,
    ['?'] = MARK,     ['!'] = MARK, ['('] = MARK, ['&'] = AMPERSAND,
#define X4(b) [b] = MARK, [b + 1] = MARK, [b + 2] = MARK, [b + 3] = MARK
#define X16(b) X4(b), X4(b + 4), X4(b + 8), X4(b + 12)
    X16(0x80),        X16(0x90),    X16(0xA0),    X16(0xB0),
    X16(0xC0),        X16(0xD0),    X16(0xE0),    X16(0xF0),
#undef X16
#undef X4
};

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#define ZH_TRIG_SSE2 1
#endif

/* The first byte at or after i that the pass stops at, or len. */
static size_t plain_end(const unsigned char *s, size_t i, size_t len)
{
#ifdef ZH_TRIG_SSE2
    /* Sixteen bytes at a time: a loop of a byte at a time mispredicts its
     * exit at almost every run, and the runs (words, numbers, spaces
     * between Chinese) are many. A byte >= 0x80 stops by its high bit. */
    while (len - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(v, _mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8(';')));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('?')));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('!')));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('(')));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8('&')));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < len && stops[s[i]] == PLAIN)
        i++;
    return i;
}

/* ``` or ~~~ after at most three spaces (prose.c's fence test). */
static int fence_at(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 3 && s[i] == ' ')
        i++;
    return n - i >= 3 && (s[i] == '`' || s[i] == '~') && s[i + 1] == s[i] &&
           s[i + 2] == s[i];
}

int zh_hot_lines_add(zh_hot_lines *hl, size_t start, size_t next,
                     uint32_t mask)
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

/* The slow part of a character with bits c (zh_trig_cls), bytes [at, i): its
 * triggers, and 1 when it alone makes the line's mojibake trigger: a
 * lost-byte mark, a private-use character or a C1 control, or the second
 * rare character within MOJI_RARE_REACH bytes (offsets + 1 of their
 * starts in *last_rare, as rule_mojibake.c counts them). */
static int slow_char(unsigned c, const unsigned char *s, size_t at, size_t i,
                     size_t len, uint32_t *mask, size_t *last_rare)
{
    *mask |= c & 0xFFu & (uint32_t)~CLASS_MARK;
    if ((c & CLASS_MARK) && i < len && (s[i] == 0xE3 || s[i] == 0xEF))
        *mask |= ZH_TRIG_HALFWIDTH;
    unsigned m = c >> MOJI_SHIFT;
    if (m & MOJI_ALONE)
        return 1;
    if (m & MOJI_RARE) {
        int close = *last_rare && at + 1 - *last_rare <= MOJI_RARE_REACH;
        *last_rare = at + 1;
        return close;
    }
    return 0;
}

/* Append the hot lines of text[from, len): from starts a line, and len is
 * the end of the text or just after a '\n' (a line's triggers are read
 * from its own bytes and its '\n'). */
static int scan_lines(zh_hot_lines *hl, const char *text, size_t from,
                      size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = from;
    while (i < len) {
        size_t start = i;
        uint32_t mask = fence_at(s + i, len - i) ? ZH_TRIG_FENCE : 0;
        /* Mojibake: the start bits of the character before (0 after
         * ASCII), the pairs seen (MOJI_START_* bits; MOJI_SURE for a
         * character alone or a lost byte), and where the last rare
         * character began (+ 1). A single-byte pair seen this coarsely is
         * checked page by page at the line's end (zh_sb_pair_in). */
        unsigned prev = 0, moji = 0;
        size_t last_rare = 0;
        for (;;) {
            /* Three-byte characters (all of Chinese) first, in a tight
             * loop: the text is valid UTF-8 (the pipeline validated it). */
            while (i + 3 <= len && (s[i] & 0xF0) == 0xE0) {
                uint32_t cp = (uint32_t)(s[i] & 0x0F) << 12 |
                              (s[i + 1] & 0x3Fu) << 6 | (s[i + 2] & 0x3Fu);
                unsigned c = zh_trig_moji8[cp];
                i += 3;
                /* A continuation bit (1 << k + 3) meets the start bit
                 * (1 << k) of the character before. */
                moji |= (c >> 3) & prev;
                prev = c & MOJI_STARTS;
                if (c & SLOW8)
                    moji |= slow_char(zh_trig_cls[cp], s, i - 3, i, len, &mask,
                                      &last_rare)
                                ? MOJI_SURE
                                : 0;
            }
            if (i < len && stops[s[i]] == PLAIN) {
                /* A space after a character that starts a single-byte
                 * chain's mojibake (a no-break space turned into one). */
                if (s[i] == ' ' && (prev & MOJI_START_SB))
                    moji |= MOJI_START_SB;
                prev = 0;
                i = plain_end(s, i + 1, len);
            }
            if (i >= len)
                break;
            unsigned char b = s[i];
            if (b == '\n') {
                i++;
                break;
            }
            if (b == '&') {
                mask |= ZH_TRIG_AMPERSAND;
                prev = 0;
                i++;
            } else if (b < 0x80) {
                /* An ASCII mark: next to a non-ASCII byte it may be a
                 * folded Chinese mark. */
                if (b == '?') {
                    mask |= ZH_TRIG_QUESTION;
                    /* A lost byte after a double-byte chain's start. */
                    if (prev & (MOJI_START_GBK | MOJI_START_BIG5))
                        moji |= MOJI_SURE;
                }
                if (b == ',' && i + 1 < len &&
                    (s[i + 1] >= 0x80 || s[i + 1] == ',' || s[i + 1] == ';' ||
                     s[i + 1] == '?' || s[i + 1] == '!' || s[i + 1] == ':'))
                    mask |= ZH_TRIG_COMMA;
                if ((i > start && s[i - 1] >= 0x80) ||
                    (i + 1 < len && s[i + 1] >= 0x80))
                    mask |= ZH_TRIG_HALFWIDTH;
                prev = 0;
                i++;
            } else if (b < 0xE0) {
                uint32_t cp = (uint32_t)(b & 0x1F) << 6 | (s[i + 1] & 0x3Fu);
                unsigned c = zh_trig_moji8[cp];
                i += 2;
                moji |= (c >> 3) & prev;
                prev = c & MOJI_STARTS;
                if (c & SLOW8)
                    moji |= slow_char(zh_trig_cls[cp], s, i - 2, i, len, &mask,
                                      &last_rare)
                                ? MOJI_SURE
                                : 0;
            } else if (b < 0xF0 && i + 3 <= len) {
                continue; /* the three-byte loop above takes it */
            } else {
                prev = 0;
                /* No trigger beyond the BMP. (A character cut by the end
                 * cannot occur in valid UTF-8; the clamp keeps the walk
                 * finite even so.) */
                i += b >= 0xF0 ? 4 : 3;
                if (i > len)
                    i = len;
            }
        }
        if ((moji & ~(unsigned)MOJI_START_SB) ||
            (moji && zh_sb_pair_in(text + start, i - start)))
            mask |= ZH_TRIG_MOJIBAKE;
        if (mask && !zh_hot_lines_add(hl, start, i, mask))
            return 0;
    }
    return 1;
}

int zh_hot_lines_scan(zh_hot_lines *hl, const char *text, size_t len)
{
    hl->n = 0;
    return scan_lines(hl, text, 0, len);
}

int zh_hot_lines_scan_more(zh_hot_lines *hl, const char *text, size_t from,
                           size_t to)
{
    return scan_lines(hl, text, from, to);
}

void zh_hot_lines_free(zh_hot_lines *hl)
{
    free(hl->lines);
    hl->lines = NULL;
    hl->n = hl->cap = 0;
}
