/*
 * rule_mixed_script.c - Simplified and Traditional characters mixed in one
 * document, or, when a target script is set (--to), characters outside
 * it. Report only: the repair is the conversion itself, which --to makes
 * with OpenCC's phrase-aware dictionaries; a character-by-character guess
 * here would be worse. A few characters of the other script occur in real
 * text (names, quotations), so without a target a document is called mixed
 * only when the minority is at least 2 characters and 5% of the
 * script-specific ones.
 */
#include "data.h"
#include "handle.h"

static zhfix_status scan_mixed_script(zh_scan *scan)
{
    const unsigned char *t = (const unsigned char *)scan->text;
    size_t len = scan->len;
    int target = scan->handle->target_script;
    if (!target) {
        size_t count[3] = {0, 0, 0};
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            if (t[i] < 0x80) {
                i++;
                continue;
            }
            i += zh_utf8_decode(t + i, len - i, &cp);
            count[zh_script_class(cp)]++;
        }
        size_t s = count[ZH_SCRIPT_SIMPLIFIED], tr = count[ZH_SCRIPT_TRADITIONAL];
        size_t minority = s < tr ? s : tr;
        if (minority < 2 || minority * 20 < s + tr)
            return ZHFIX_OK;
        /* Flag the minority script's characters. */
        target = s > tr ? ZH_SCRIPT_SIMPLIFIED : ZH_SCRIPT_TRADITIONAL;
    }
    int other = target == ZH_SCRIPT_SIMPLIFIED ? ZH_SCRIPT_TRADITIONAL
                                               : ZH_SCRIPT_SIMPLIFIED;
    const char *msg = other == ZH_SCRIPT_TRADITIONAL
                          ? "Traditional-only characters in Simplified text"
                          : "Simplified-only characters in Traditional text";
    /* One finding per run of the other script's characters on a line;
     * characters common to both scripts do not end a run. */
    size_t run_start = 0, run_end = 0;
    int in_run = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = t[i] < 0x80 ? 1 : zh_utf8_decode(t + i, len - i, &cp);
        if (t[i] < 0x80)
            cp = t[i];
        int cls = zh_is_han(cp) ? zh_script_class(cp) : -1;
        if (cls == other) {
            if (!in_run)
                run_start = i;
            in_run = 1;
            run_end = i + n;
        } else if (in_run && (cls == -1 || cp == '\n')) {
            zhfix_status st =
                zh_emit(scan, run_start, run_end, NULL, 0, 0, msg, NULL);
            if (st != ZHFIX_OK)
                return st;
            in_run = 0;
        }
        i += n;
    }
    if (in_run)
        return zh_emit(scan, run_start, run_end, NULL, 0, 0, msg, NULL);
    return ZHFIX_OK;
}

const zh_rule zh_rule_mixed_script = {
    {"mixed-script", ZHFIX_CATEGORY_SCRIPT,
     "report Simplified and Traditional mixed in one text, or, with --to, "
     "characters outside the target script (report only: --to converts)",
     0},
    scan_mixed_script,
    0, /* chinese_only */
};
