/*
 * script.c - which script a text is written in, from the generated
 * Simplified-only / Traditional-only character classes.
 */
#include "data.h"
#include "handle.h"

const char *zhfix_data_version(void) { return zh_data_version(); }

zhfix_status zhfix_script_count(zhfix *h, const char *src, size_t srclen,
                                zhfix_script_counts *counts)
{
    if (!h || !counts || (!src && srclen))
        return ZHFIX_INVALID_ARGUMENT;
    counts->han = counts->simplified = counts->traditional = 0;
    size_t bad = zh_utf8_validate(src, srclen);
    if (bad != srclen)
        return zh_set_error(h, ZHFIX_INVALID_INPUT,
                            "invalid UTF-8 at byte offset %zu", bad);
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0;
    while (i < srclen) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        i += zh_utf8_decode(s + i, srclen - i, &cp);
        if (!zh_is_han(cp))
            continue;
        counts->han++;
        switch (zh_script_class(cp)) {
        case ZH_SCRIPT_SIMPLIFIED: counts->simplified++; break;
        case ZH_SCRIPT_TRADITIONAL: counts->traditional++; break;
        default: break;
        }
    }
    return ZHFIX_OK;
}
