/*
 * rule_fullwidth_alnum.c - fullwidth Latin letters and digits (ＵＲＬ,
 * ２０２０) in Chinese text, folded to ASCII. Opt-in (not a default rule):
 * fullwidth forms are a style some publishers keep on purpose. Japanese
 * lines (kana), code and fenced blocks are left be.
 */
#include <string.h>

#include "internal.h"
#include "prose.h"

/* The ASCII letter or digit of a fullwidth one (EF BC 90..99, A1..BA,
 * EF BD 81..9A), or 0. */
static char fold(const unsigned char *u)
{
    if (u[0] != 0xEF)
        return 0;
    if (u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99)
        return (char)('0' + (u[2] - 0x90));
    if (u[1] == 0xBC && u[2] >= 0xA1 && u[2] <= 0xBA)
        return (char)('A' + (u[2] - 0xA1));
    if (u[1] == 0xBD && u[2] >= 0x81 && u[2] <= 0x9A)
        return (char)('a' + (u[2] - 0x81));
    return 0;
}

static zhfix_status scan_fullwidth(zh_scan *scan)
{
    const char *t = scan->text;
    if (!memchr(t, 0xEF, scan->len))
        return ZHFIX_OK;
    zh_lines it;
    zh_line ln;
    zh_lines_init_hot(&it, scan, ZH_TRIG_FULLWIDTH);
    while (zh_lines_next(&it, &ln)) {
        int checked = 0, prose = 0;
        for (size_t i = ln.start; i + 3 <= ln.end;
             i++) {
            char c = fold((const unsigned char *)t + i);
            if (!c)
                continue;
            if (!checked) {
                prose = zh_line_is_prose(&it, &ln);
                checked = 1;
            }
            if (!prose)
                break;
            zhfix_status st = zh_emit(scan, i, i + 3, &c, 1, 1,
                                      "fullwidth Latin letter or digit", NULL);
            if (st != ZHFIX_OK)
                return st;
            i += 2;
        }
    }
    return ZHFIX_OK;
}

const zh_rule zh_rule_fullwidth_alnum = {
    {"fullwidth-alnum", ZHFIX_CATEGORY_WIDTH,
     "fold fullwidth Latin letters and digits to ASCII (opt-in)", 0},
    scan_fullwidth,
    0, /* chinese_only */
};
