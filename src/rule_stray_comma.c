/*
 * rule_stray_comma.c - ASCII commas that a scraper slipped in before the
 * marks of Chinese prose.
 *
 * The mechanism: a stray ',' lands before a Chinese mark, and the mark may
 * itself have been folded to ASCII afterwards. So `,，` arrives as `,,`,
 * `,。` and `,、` keep their mark, `,；` and `,？` arrive as `,;` and `,?`.
 * Undoing it removes the stray comma and restores the mark it stood
 * before: `,,` becomes `，`, `,;` `；`, `,。` `。` (a stray comma stands
 * before Chinese marks only, so that mark was fullwidth). The other folded
 * marks are the halfwidth-punct rule's, which runs first and reads these
 * commas as its evidence.
 * Only in Chinese prose: `,,` next to Chinese text or between marks
 * (`76),,0`) in a line with Chinese, or between Latin words in a line of
 * Chinese prose of a block that shows the mechanism (`TERM,, 這`
 * `CREATE,,ALTER`), never between two numbers or in a line without
 * Chinese (`a,,b`, `1,,2`: empty fields; troff's `\fB,,\fP`); a comma
 * before a Chinese mark anywhere but at a line start; before a folded
 * mark after Chinese text (seen through a closing bracket, `命令),;`) or
 * before it (`null,;這`); never in code, tables or URLs, and a run of
 * three or more commas (a CSV row with empty fields) is left be.
 */
#include <string.h>

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#define ZH_STRAY_SIMD 1
#include <emmintrin.h>
#else
#define ZH_STRAY_SIMD 0
#endif

#include "internal.h"
#include "prose.h"
#include "scraped.h"

static int is_digit(uint32_t cp)
{
    return cp >= '0' && cp <= '9';
}

static int is_blank(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0;
}

/* The fullwidth form of a folded mark the stray comma stood before. */
static uint32_t widen(uint32_t c)
{
    switch (c) {
    case ',': return 0xFF0C;
    case ';': return 0xFF1B;
    case '?': return 0xFF1F;
    case '!': return 0xFF01;
    case ':': return 0xFF1A;
    default: return 0;
    }
}

/* Remove the stray comma at `at`; when the mark after it was folded
 * (next, one ASCII byte), restore it too: `,,` -> `，`, `,;` -> `；`. A
 * stray comma stands before Chinese marks only, so the mark after it was
 * fullwidth whatever the rest of the block writes. */
static zhfix_status remove_stray(zh_scan *scan, size_t at, uint32_t next,
                                 int fixable, const char *msg)
{
    uint32_t w = widen(next);
    if (!w)
        return zh_emit(scan, at, at + 1, "", 0, fixable, msg, NULL);
    char buf[4];
    size_t n = zh_utf8_encode(w, buf);
    return zh_emit(scan, at, at + 2, buf, n, fixable, msg, NULL);
}

static int pattern_shown(const char *t, size_t len);

/* pattern_shown for the block (*fixable, -2 until then), read the first
 * time a line needs it: most blocks never do, and it reads all of one. */
static int evidence(zh_scan *scan, int *fixable)
{
    if (*fixable == -2)
        *fixable = pattern_shown(scan->text, scan->len);
    return *fixable;
}

/* 1 when the comma at i of the line is alone between a Han character and
 * a Chinese mark (`文件,。`): what a line that is not prose is read for. */
static int lone_comma_after_han(const char *t, const zh_line *ln, size_t i)
{
    return i > ln->start && t[i - 1] != ',' && i + 1 < ln->end &&
           t[i + 1] != ',' &&
           zh_stray_target_mark(zh_cp_at(t, ln->end, i + 1, NULL)) &&
           zh_is_han(zh_cp_before(t, i, NULL));
}

/* 1 when the line holds such a comma. Tested before the block's evidence,
 * which reads the whole block: clean text with commas in its program
 * lines never needs it. */
static int strict_candidate(const char *t, const zh_line *ln)
{
    for (const char *c = t + ln->start;
         (c = memchr(c, ',', (size_t)(t + ln->end - c))) != NULL; c++)
        if (lone_comma_after_han(t, ln, (size_t)(c - t)))
            return 1;
    return 0;
}

/* At -1 (the block says nothing of the mechanism) the line is left, and
 * the caller stops. In a line that is not prose (strict), only a comma
 * between a Han character and a Chinese mark is read, in a block that
 * shows the mechanism: `文件,。` is no code, path or table
 * (`/usr/share/vim/vimrc 系統層面的初始化文件,。`), where `中文,,測試` may
 * be (a string in C). */
static zhfix_status scan_line(zh_scan *scan, const zh_line *ln, int *fixable,
                              int strict)
{
    const char *t = scan->text;
    size_t i = ln->start;
    while (i < ln->end) {
        const char *c = memchr(t + i, ',', ln->end - i);
        if (!c)
            break;
        i = (size_t)(c - t);
        size_t k = 0;
        while (i + k < ln->end && t[i + k] == ',')
            k++;
        size_t at = i;
        i += k;
        if (k > 2 || (at > ln->start && t[at - 1] == ','))
            continue;
        if (zh_in_code_or_url(t, ln->start, ln->end, at))
            continue;
        uint32_t prev = zh_cp_before(t, at, NULL);
        if (at == ln->start)
            prev = 0;
        size_t nlen;
        uint32_t next = zh_cp_at(t, ln->end, at + k, &nlen);
        /* Chinese before the comma, seen through a closing ASCII bracket
         * or quote (`命令),,` `"別名"),,`). */
        uint32_t left = prev;
        for (size_t p = at; p > ln->start &&
                            (left == ')' || left == '"' || left == ']');) {
            size_t s0;
            zh_cp_before(t, p, &s0);
            p = s0;
            left = p > ln->start ? zh_cp_before(t, p, NULL) : 0;
        }
        zhfix_status st = ZHFIX_OK;
        if (strict && !lone_comma_after_han(t, ln, at))
            continue;
        if (k == 2) {
            /* `,,`: the stray comma and a folded Chinese comma. Between
             * Chinese text; after Latin text or a space only when Chinese
             * follows; between Latin words in a line of Chinese prose of a
             * block that shows the mechanism (`TERM,, 這` `CREATE,,ALTER`). */
            int ok = zh_is_chinese(prev) || zh_is_chinese(left) ||
                     (zh_is_chinese(next) && next != 0) ||
                     (((!zh_is_ascii_alnum(prev) && !is_blank(prev) &&
                        !is_blank(next)) ||
                       (!zh_is_ascii_alnum(next) && !is_blank(next) &&
                        !is_blank(prev))) &&
                      zh_line_has_han(t, ln->start, ln->end)) ||
                     (prev != 0 && next != 0 && evidence(scan, fixable) > 0 &&
                      !(is_digit(prev) && is_digit(next)) &&
                      zh_line_has_han(t, ln->start, ln->end));
            if (!ok)
                continue;
            if (evidence(scan, fixable) < 0)
                return ZHFIX_OK;
            st = remove_stray(scan, at, ',', *fixable,
                              "stray comma before a folded Chinese comma");
        } else if (zh_stray_target_mark(next)) {
            if (at == ln->start)
                continue;
            if (evidence(scan, fixable) < 0)
                return ZHFIX_OK;
            st = zh_emit(scan, at, at + 1, "", 0, *fixable,
                         "stray comma before a Chinese mark", NULL);
        } else if (zh_stray_folded_mark(next)) {
            /* `,;` `,?`: after Chinese text, or before it (`null,;這`). */
            uint32_t after = zh_cp_at(t, ln->end, at + 2, NULL);
            if (!zh_is_chinese(prev) && !zh_is_chinese(left) &&
                !(prev != 0 && !is_blank(prev) && zh_is_chinese(after)))
                continue;
            if (evidence(scan, fixable) < 0)
                return ZHFIX_OK;
            st = remove_stray(scan, at, next, *fixable,
                              "stray comma before a folded Chinese mark");
        }
        if (st != ZHFIX_OK)
            return st;
    }
    return ZHFIX_OK;
}

/* The block's evidence for the mechanism: stray commas come before most
 * of the marks of a scraped text, so they are many (at least three) and a
 * fair share (one in twenty) of its marks. Returns 1 for that, 0 when
 * the share is there but not the number (report, do not remove), -1 when
 * the commas are too few among the marks to say anything: a hand-typed
 * `,,` in long clean prose is a typo, not this mechanism. */
static int pattern_shown(const char *t, size_t len)
{
    const unsigned char *u = (const unsigned char *)t;
    size_t stray = 0, marks = 0;
    /* This reads the whole block, byte by byte: the text is valid UTF-8,
     * where ',' and the lead bytes E3 and EF only ever start a character,
     * so the bytes that are none of them are passed over without finding
     * where characters start, sixteen at a time where the CPU can. */
    for (size_t i = 0; i + 1 < len;) {
#if ZH_STRAY_SIMD
        if (len - i >= 17) {
            __m128i v = _mm_loadu_si128((const __m128i *)(u + i));
            __m128i hit = _mm_or_si128(
                _mm_cmpeq_epi8(v, _mm_set1_epi8(',')),
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE3)),
                             _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xEF))));
            unsigned m = (unsigned)_mm_movemask_epi8(hit);
            if (!m) {
                i += 16;
                continue;
            }
            i += (size_t)__builtin_ctz(m);
        }
#endif
        unsigned char b = u[i];
        if (b != ',' && b != 0xE3 && b != 0xEF) {
            i++;
            continue;
        }
        if (b == ',') {
            unsigned char c = u[i + 1];
            stray += c == ',' || c == ';' || c == '?' ||
                     (c == 0xE3 && i + 3 < len && u[i + 2] == 0x80 &&
                      (u[i + 3] == 0x81 || u[i + 3] == 0x82));
            marks += i > 0 && (u[i - 1] & 0x80);
        } else if (b == 0xE3 && i + 2 < len && u[i + 1] == 0x80 &&
                   (u[i + 2] == 0x81 || u[i + 2] == 0x82)) {
            marks++;
        } else if (b == 0xEF && i + 2 < len && u[i + 1] == 0xBC &&
                   (u[i + 2] == 0x8C || u[i + 2] == 0x9B || u[i + 2] == 0x9F)) {
            marks++;
        }
        i += zh_utf8_seqlen(b);
    }
    if (stray * 20 < marks)
        return -1; /* nothing to say */
    return stray >= 3;
}

static zhfix_status scan_stray_comma(zh_scan *scan)
{
    if (!memchr(scan->text, ',', scan->len))
        return ZHFIX_OK;
    int fixable = -2;
    zh_lines it;
    zh_line ln;
    zh_lines_init_hot(&it, scan, ZH_TRIG_COMMA);
    while (zh_lines_next(&it, &ln)) {
        if (!memchr(scan->text + ln.start, ',', ln.end - ln.start))
            continue;
        /* The block's evidence is read at the first line that needs it:
         * a prose line, or one that looks like a table row but may be a
         * folded stanza. */
        int prose = zh_line_is_prose(&it, &ln);
        int strict = 0;
        if (!prose && (fixable == 0 ||
                       !zh_folded_row_is_prose(&ln, scan->text) ||
                       evidence(scan, &fixable) <= 0)) {
            if (fixable == -1)
                return ZHFIX_OK;
            if (fixable == 0 || !strict_candidate(scan->text, &ln) ||
                evidence(scan, &fixable) <= 0) {
                if (fixable == -1)
                    return ZHFIX_OK;
                continue;
            }
            strict = 1;
        }
        zhfix_status st = scan_line(scan, &ln, &fixable, strict);
        if (st != ZHFIX_OK || fixable == -1)
            return st;
    }
    return ZHFIX_OK;
}

const zh_rule zh_rule_stray_comma = {
    {"stray-comma", ZHFIX_CATEGORY_ARTIFACT,
     "remove ASCII commas slipped in before the marks of Chinese prose "
     "(`,,` `,。` `,、` `,;`)",
     1},
    scan_stray_comma,
    1, /* chinese_only */
};
