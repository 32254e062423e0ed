/*
 * rule_line_endings.c - a text whose lines end in more than one way
 * (CRLF, LF, a lone CR), as happens when scraped pieces are pasted
 * together. The minority endings are changed to the block's majority of
 * LF and CRLF (LF on a tie; lone CRs always change); a text with one kind
 * of ending is left as it is.
 */
#include <string.h>

#include "internal.h"

enum { EOL_LF, EOL_CRLF, EOL_CR };

static zhfix_status scan_eol(zh_scan *scan)
{
    const char *t = scan->text;
    size_t len = scan->len;
    if (!memchr(t, '\r', len))
        return ZHFIX_OK;
    size_t count[3] = {0, 0, 0};
    for (size_t i = 0; i < len; i++) {
        if (t[i] == '\n')
            count[EOL_LF]++;
        else if (t[i] == '\r') {
            if (i + 1 < len && t[i + 1] == '\n') {
                count[EOL_CRLF]++;
                i++;
            } else {
                count[EOL_CR]++;
            }
        }
    }
    int kinds = (count[0] > 0) + (count[1] > 0) + (count[2] > 0);
    if (kinds < 2)
        return ZHFIX_OK;
    /* The majority of LF and CRLF; a lone CR is never the target, even
     * where it is the most common: it ends no line for the tools that
     * read the text next (zhfix's own rules, Markdown, git), so making
     * LF lines into CR ones would join them. */
    int major = count[EOL_CRLF] > count[EOL_LF] ? EOL_CRLF : EOL_LF;
    static const char *const text[] = {"\n", "\r\n", "\r"};
    static const char *const msg[] = {
        "line ends with LF, most lines with CRLF or CR",
        "line ends with CRLF, most lines with LF or CR",
        "line ends with a lone CR (classic Mac OS), others with LF"};
    for (size_t i = 0; i < len; i++) {
        int kind;
        size_t n = 1;
        if (t[i] == '\n')
            kind = EOL_LF;
        else if (t[i] == '\r' && i + 1 < len && t[i + 1] == '\n')
            kind = EOL_CRLF, n = 2;
        else if (t[i] == '\r')
            kind = EOL_CR;
        else
            continue;
        if (kind != major) {
            zhfix_status st = zh_emit(scan, i, i + n, text[major],
                                      strlen(text[major]), 1, msg[kind], NULL);
            if (st != ZHFIX_OK)
                return st;
        }
        i += n - 1;
    }
    return ZHFIX_OK;
}

const zh_rule zh_rule_line_endings = {
    {"mixed-line-endings", ZHFIX_CATEGORY_ARTIFACT,
     "make line endings consistent when a text mixes CRLF, LF and CR", 1},
    scan_eol,
    0, /* chinese_only */
};
