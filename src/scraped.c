/*
 * scraped.c - traces of the scraper that folded marks and slipped in
 * commas (see scraped.h).
 */
#include <string.h>

#include "internal.h"
#include "scraped.h"

int zh_stray_folded_mark(uint32_t cp)
{
    return cp == ';' || cp == '?' || cp == '!' || cp == ':';
}

int zh_stray_target_mark(uint32_t cp)
{
    switch (cp) {
    case 0x3002: case 0x3001: case 0xFF0C: case 0xFF1B: case 0xFF1F:
    case 0xFF01: case 0xFF1A:
        return 1;
    default:
        return 0;
    }
}

int zh_stray_comma_at(const char *t, size_t len, size_t i)
{
    if (t[i] != ',' || i == 0 || i + 1 >= len ||
        !((unsigned char)t[i - 1] & 0x80))
        return 0;
    unsigned char c = (unsigned char)t[i + 1];
    if (c == ',' || zh_stray_folded_mark(c))
        return 1;
    return zh_stray_target_mark(zh_cp_at(t, len, i + 1, NULL));
}

int zh_stray_before_wide(const char *t, size_t len)
{
    for (const char *p = t; (p = memchr(p, ',', (size_t)(t + len - p)));
         p++) {
        size_t i = (size_t)(p - t);
        if (i + 1 < len && ((unsigned char)t[i + 1] & 0x80) &&
            zh_stray_target_mark(zh_cp_at(t, len, i + 1, NULL)))
            return 1;
    }
    return 0;
}

int zh_fold_shown(const char *t, size_t len)
{
    size_t ascii = 0, full = 0, stray = 0;
    if (len < 4)
        return 0;
    /* Bytes 1 .. len - 3 are looked at; memchr finds the two that count
     * (the ASCII comma and the lead of ， ！), as the block is long. */
    const char *end = t + len - 2;
    for (const char *p = t + 1; (p = memchr(p, ',', (size_t)(end - p)));
         p++) {
        size_t i = (size_t)(p - t);
        if (!((unsigned char)t[i - 1] & 0x80))
            continue;
        stray += (size_t)zh_stray_comma_at(t, len, i);
        ascii += zh_is_han(zh_cp_before(t, i, NULL));
    }
    /* Clean Chinese text stops here: it has no ASCII commas after Han
     * characters, and its fullwidth ones (a lead byte every few
     * characters) need not be counted. */
    if (ascii < 3 || stray < 3)
        return 0;
    for (const char *p = t + 1; (p = memchr(p, 0xEF, (size_t)(end - p)));
         p++) {
        full += (unsigned char)p[1] == 0xBC &&
                ((unsigned char)p[2] == 0x8C || (unsigned char)p[2] == 0x81);
        if (full * 10 > ascii)
            return 0;
    }
    return 1;
}

int zh_fold_near(const char *t, size_t len, size_t i, zh_fold_cache *fc)
{
    size_t k = i / ZH_FOLD_TILE;
    if (fc->shown >= 0 && fc->tile == k)
        return fc->shown;
    size_t a = k ? (k - 1) * ZH_FOLD_TILE : 0;
    size_t b = (k + 2) * ZH_FOLD_TILE < len ? (k + 2) * ZH_FOLD_TILE : len;
    /* Whole lines: a comma's neighbours are read whole. */
    if (a > 0) {
        const char *nl = memchr(t + a, '\n', b - a);
        a = nl ? (size_t)(nl - t) + 1 : a;
    }
    if (b < len) {
        size_t e = b;
        while (e > a && t[e - 1] != '\n')
            e--;
        b = e > a ? e : b;
    }
    fc->tile = k;
    fc->shown = zh_fold_shown(t + a, b - a);
    return fc->shown;
}

int zh_line_has_han(const char *t, size_t start, size_t end)
{
    for (size_t i = start; i < end;) {
        if (!((unsigned char)t[i] & 0x80)) {
            i++;
            continue;
        }
        size_t n;
        if (zh_is_han(zh_cp_at(t, end, i, &n)))
            return 1;
        i += n;
    }
    return 0;
}

/* A Han character followed right away by a folded ; ? ! or :, by a
 * stray comma and one of them, or by the comma (or two) ending the
 * line. */
static int folded_mark_in(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        /* a comma ending the line, as a stanza's lines end (`白浪滔天,`
         * `大雨落幽燕,,`); a row of data ends in a field */
        if (c == ',' && (i + 1 == n || (i + 2 == n && s[i + 1] == ',')))
            c = ';';
        /* through the scraper's stray comma (`如何創建一個類,?`) */
        else if (c == ',' && i + 1 < n)
            c = s[i + 1];
        if ((c == ';' || c == '?' || c == '!' || c == ':') &&
            ((unsigned char)s[i - 1] & 0x80) &&
            zh_is_han(zh_cp_before(s, i, NULL)))
            return 1;
    }
    return 0;
}

int zh_folded_row_is_prose(const zh_line *line, const char *text)
{
    const char *s = text + line->start;
    size_t n = line->end - line->start;
    if (!folded_mark_in(s, n))
        return 0;
    /* The line on its own, without neighbours to make a table of: prose
     * unless it is code, Japanese or inside a fence. */
    zh_lines alone;
    zh_lines_init(&alone, s, n);
    zh_line ln;
    memset(&ln, 0, sizeof ln);
    ln.end = n;
    ln.next = n;
    ln.in_fence = line->in_fence;
    return zh_line_is_prose(&alone, &ln);
}
