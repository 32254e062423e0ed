/*
 * rule_lossy.c - marks left where text was lost, and debug fill.
 *
 * lossy-mark (report only: the content is gone, no repair can be known):
 *   - runs of U+FFFD, the replacement character;
 *   - 锟斤拷 (and its Traditional form 錕斤拷): UTF-8 replacement characters
 *     read as GBK, the mark of text that was decoded lossily and then
 *     misread again;
 *   - '?' standing where Chinese characters were lost by an encoder that
 *     could not represent them: '?' glued to Chinese text, when the line
 *     has a run of them between Chinese characters, two or more such
 *     places, or replacement characters. A '?' after a question particle
 *     (吗呢吧) is a question mark, and '?' next to an ASCII word (What??,
 *     a ?? b, x?y) is never considered.
 * debug-fill (repaired: removed): runs of three or more 烫 or 屯, the
 *   characters MSVC's debug fill bytes 0xCC and 0xCD show as in GBK, printed
 *   from uninitialised memory. Two or fewer are words (烫伤, 屯田).
 */
#include <string.h>

#include "internal.h"

static uint32_t cp_at(const char *t, size_t len, size_t i, size_t *n)
{
    uint32_t cp;
    *n = zh_utf8_decode((const unsigned char *)t + i, len - i, &cp);
    return cp;
}

/* The code point ending just before i (0 at the start). */
static uint32_t cp_before(const char *t, size_t i)
{
    if (i == 0)
        return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80)
        j--;
    uint32_t cp;
    zh_utf8_decode((const unsigned char *)t + j, i - j, &cp);
    return cp;
}

static int chinese(uint32_t cp)
{
    return zh_is_han(cp) || zh_is_cjk_punct(cp);
}

static int ascii_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static int is_question_particle(uint32_t cp)
{
    return cp == 0x5417 /* 吗 */ || cp == 0x55CE /* 嗎 */ ||
           cp == 0x5462 /* 呢 */ || cp == 0x5427 /* 吧 */ ||
           cp == 0x4E48 /* 么 */ || cp == 0x9EBC /* 麼 */;
}

/* First bytes of what this rule looks for: '?', U+FFFD, 锟錕, 烫, 屯. */
static const unsigned char interesting[256] = {
    ['?'] = 1, [0xEF] = 1, [0xE9] = 1, [0xE7] = 1, [0xE5] = 1,
};

typedef struct qrun {
    size_t start, end;
} qrun;

extern const zh_rule zh_rule_debug_fill;

/* 1 when [i, j) stands alone between quotation marks on its line, as in
 * “锟斤拷”也是一种乱码: a mention of the marks, not a loss. */
static int quoted(const char *t, size_t s, size_t e, size_t i, size_t j)
{
    if (i <= s || j >= e)
        return 0;
    size_t k = i - 1;
    while (k > s && ((unsigned char)t[k] & 0xC0) == 0x80)
        k--;
    size_t n;
    uint32_t open = cp_at(t, e, k, &n), close = cp_at(t, e, j, &n);
    switch (open) {
    case 0x201C: return close == 0x201D; /* “ ” */
    case 0x2018: return close == 0x2019; /* ‘ ’ */
    case 0x300C: return close == 0x300D; /* 「 」 */
    case 0x300E: return close == 0x300F; /* 『 』 */
    case 0x300A: return close == 0x300B; /* 《 》 */
    case '"': case '\'': case '`': return close == open;
    default: return 0;
    }
}

static zhfix_status scan_line(zh_scan *scan, size_t s, size_t e)
{
    int fill = scan->rule == &zh_rule_debug_fill;
    const char *t = scan->text;
    /* Quick exit: nothing of interest on most lines. */
    int any = 0;
    for (size_t i = s; i < e && !any; i++) {
        unsigned char b = (unsigned char)t[i];
        if (!interesting[b])
            continue;
        unsigned char c = i + 1 < e ? (unsigned char)t[i + 1] : 0;
        any = b == '?' || (b == 0xEF && c == 0xBF) /* U+FFFD */ ||
              (b == 0xE9 && (c == 0x94 || c == 0x8C)) /* 锟 錕 */ ||
              (b == 0xE7 && c == 0x83) /* 烫 */ ||
              (b == 0xE5 && c == 0xB1) /* 屯 */;
    }
    if (!any)
        return ZHFIX_OK;
    qrun runs[64];
    size_t nruns = 0, strong = 0, fffd = 0;
    zhfix_status st = ZHFIX_OK;
    size_t i = s;
    while (i < e && st == ZHFIX_OK) {
        size_t n;
        uint32_t cp = cp_at(t, e, i, &n);
        if (cp == 0xFFFD) {
            size_t j = i + n;
            while (j < e && cp_at(t, e, j, &n) == 0xFFFD)
                j += n;
            fffd++;
            if (!fill && !quoted(t, s, e, i, j))
                st = zh_emit(scan, i, j, NULL, 0, 0,
                         "replacement characters: text was lost in decoding",
                         NULL);
            i = j;
            continue;
        }
        if (cp == 0x951F /* 锟 */ || cp == 0x9315 /* 錕 */) {
            size_t n2, n3;
            if (i + n < e && cp_at(t, e, i + n, &n2) == 0x65A4 /* 斤 */ &&
                i + n + n2 < e &&
                cp_at(t, e, i + n + n2, &n3) == 0x62F7 /* 拷 */) {
                size_t j = i + n + n2 + n3;
                if (!fill && !quoted(t, s, e, i, j))
                    st = zh_emit(scan, i, j, NULL, 0, 0,
                             "锟斤拷: replacement characters read as GBK; the "
                             "original text is lost",
                             NULL);
                i = j;
                continue;
            }
        }
        if (cp == 0x70EB /* 烫 */ || cp == 0x5C6F /* 屯 */) {
            size_t j = i + n, count = 1, m;
            while (j < e && cp_at(t, e, j, &m) == cp) {
                j += m;
                count++;
            }
            if (count >= 3 && fill && !quoted(t, s, e, i, j))
                st = zh_emit(scan, i, j, "", 0, 1,
                             "debug fill (uninitialised memory printed as "
                             "GBK): removed",
                             NULL);
            i = j;
            continue;
        }
        if (cp == '?') {
            size_t j = i + 1;
            while (j < e && t[j] == '?')
                j++;
            uint32_t before = cp_before(t, i);
            size_t m;
            uint32_t after = j < e ? cp_at(t, e, j, &m) : 0;
            /* A candidate: a lost character sits inside the text, so a
             * single '?' needs Chinese on both sides; a run of them needs
             * it on one side and no ASCII word on the other. A '?' before
             * a space, a closing mark or the end of the line ends a
             * question (问题? or Tcl's ?选项?), as after a particle. */
            int both = chinese(before) && chinese(after);
            int lost = !is_question_particle(before) &&
                       (both || (j - i >= 2 &&
                                 ((chinese(after) && !ascii_alnum(before)) ||
                                  (chinese(before) && !ascii_alnum(after)))));
            strong += both && j - i >= 2;
            if (lost && nruns < 64) {
                runs[nruns].start = i;
                runs[nruns].end = j;
                nruns++;
            }
            i = j;
            continue;
        }
        i += n;
    }
    /* One candidate alone is a question mark as often as a lost character
     * (什么意思?该如何); a run of them between Chinese characters, several
     * candidates, or other losses on the line decide. */
    if (fill || !(strong || nruns >= 2 || (nruns >= 1 && fffd)))
        nruns = 0;
    for (size_t k = 0; k < nruns && st == ZHFIX_OK; k++) {
            st = zh_emit(scan, runs[k].start, runs[k].end, NULL, 0, 0,
                         "'?' between Chinese characters: characters were "
                         "lost in an encoding conversion",
                         NULL);
    }
    return st;
}

static zhfix_status scan_lossy(zh_scan *scan)
{
    size_t cursor = 0, start, end;
    while (zh_hot_next(scan, ZH_TRIG_QUESTION | ZH_TRIG_FFFD | ZH_TRIG_GARBAGE,
                       &cursor, &start, &end)) {
        zhfix_status st = scan_line(scan, start, end);
        if (st != ZHFIX_OK)
            return st;
    }
    return ZHFIX_OK;
}

const zh_rule zh_rule_lossy_mark = {
    {"lossy-mark", ZHFIX_CATEGORY_ENCODING,
     "report text lost in decoding: U+FFFD, 锟斤拷, '?' for lost Chinese "
     "characters (report only: the content is gone)",
     1},
    scan_lossy,
};

const zh_rule zh_rule_debug_fill = {
    {"debug-fill", ZHFIX_CATEGORY_ENCODING,
     "remove runs of 烫烫烫 / 屯屯屯: uninitialised memory printed as GBK",
     1},
    scan_lossy,
};
