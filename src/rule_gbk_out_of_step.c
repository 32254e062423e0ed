/*
 * rule_gbk_out_of_step.c - runs of GBK text decoded one byte out of step
 * after a fullwidth mark was folded to ASCII inside the bytes.
 *
 * The mechanism: a scraper replaced the bytes of ！ (A3 A1), ， (A3 AC),
 * ： (A3 BA), ； (A3 BB), ？ (A3 BF), （ (A3 A8) or ） (A3 A9) with the ASCII
 * mark in raw GBK. Where those two bytes straddled two characters (the
 * trail A3 of 。 = A1 A3 and the lead A1 of ” = A1 B1), the first
 * character lost its trail and decoded as '?', the mark appeared, and the
 * rest of the second character was paired with the next one, and so on,
 * until a trail byte below 0x80 put the decoder back in step:
 *     。”對抓住這  A1A3 A1B1 8CA6 D7A5 D7A1 DF40
 *     ?!睂ψプ∵@  A1 21 B18C A6D7 A5D7 A1DF 40
 * The signature is '?' followed by one of those marks. The repair encodes
 * the run back to GBK, puts the folded pair back (the mark names the lead
 * byte of the second character), and decodes in step (realign.h); the
 * lost lead byte of the first character is chosen by the character model.
 * The result is applied only when the model finds it far more plausible
 * than the text as it is and it contains nothing but Han and Chinese
 * marks; a '?' before an ASCII mark in ordinary text (真的?!) has no such
 * reading and stays.
 *
 * The fold hits every fullwidth mark of a document. Where the text around
 * the run does not show it (zh_fold_near), "?!" before Chinese is most likely
 * the writer's own, and verse of rare characters after it (有集維鷮?!辰彼碩女)
 * can score worse than the junk a re-decoding makes of it (常〕奖舜T女).
 * There the run must show the misreading itself (misreading_shown), and
 * where nothing on the line does, the search is not run at all. Nor is it
 * where the line keeps a fullwidth mark the fold would have replaced
 * (line_unfolded, a ， or ！): a block of many documents may show the
 * fold in some and not in others.
 */
#include <string.h>

#include "data.h"
#include "gbk.h"
#include "internal.h"
#include "pinyin.h"
#include "prose.h"
#include "realign.h"
#include "scraped.h"

/* A repair must beat the text as it is by this many nats. */
#define MIN_GAIN 6.0
/* ... and read like prose: average log-probability per character, */
#define MIN_AVG (-11.0)
/* ... unless the gain alone is this large (classical text with rare
 * characters reads poorly under a model of modern prose). Calibrated on
 * scrape_eval: from 12 to 10, two more runs of verse come back on seeds 2
 * and 3, and no clean line changes on any seed. */
#define STRONG_GAIN 10.0
/* A short run (up to SHORT_RUN characters back in step) in a block that
 * shows the fold elsewhere needs only this gain: the '?', the mark and a
 * trail byte that ends the run are the mechanism's own signature, and a
 * rare character of verse (藿。縶) scores hardly better than the junk it
 * replaces. */
#define WEAK_GAIN 2.0
#define SHORT_RUN 3

/* Marks that never begin a line of prose (GB/T 15834: closing and pause
 * marks follow what they close or end). */
static int never_begins_line(uint32_t cp)
{
    switch (cp) {
    case 0x3002: case 0xFF0C: case 0x3001: case 0xFF1B: case 0xFF1A:
    case 0xFF1F: case 0xFF01: case 0xFF09: case 0x300B: case 0x300D:
    case 0x300F: case 0x3009: case 0x3011: case 0x201D: case 0x2019:
        return 1;
    default:
        return 0;
    }
}

/* 1 when t[at] begins its line, after indentation (spaces, tabs, the
 * ideographic space of a stanza). */
static int begins_line(const char *t, size_t at)
{
    size_t k = at;
    for (;;) {
        if (k == 0 || t[k - 1] == '\n' || t[k - 1] == '\r')
            return 1;
        if (t[k - 1] == ' ' || t[k - 1] == '\t')
            k--;
        else if (k >= 3 && (unsigned char)t[k - 3] == 0xE3 &&
                 (unsigned char)t[k - 2] == 0x80 &&
                 (unsigned char)t[k - 1] == 0x80)
            k -= 3;
        else
            return 0;
    }
}

/* 1 when t[from, end) shows GBK read out of step on its own: a pair of a
 * trail byte and the next lead byte falls in GBK's rows of symbols, kana,
 * Greek and box drawing (A1-A9: ∵ ♂ ψ プ ㄟ ─) or, before a trail byte
 * below 0x80, leaves that one byte as ASCII between the characters (這 =
 * DF 40 shows ∵@次); a lost byte may carry the annotation of the
 * character it ended (?(jiǎn)). Chinese prose shows none of them between
 * its characters: Han, its marks, spaces, digits, ASCII punctuation and
 * words (\*(L"native" in a manual), and readings after the characters
 * they belong to. */
static int misreading_shown(const char *t, size_t len, size_t from,
                            size_t end)
{
    uint32_t before = 0x80; /* what precedes the run: its '?' and mark */
    for (size_t i = from; i < end;) {
        size_t n, syl, syllen;
        uint32_t c = zh_cp_at(t, len, i, &n);
        i += n;
        size_t ann = zh_pinyin_annotation(t, len, i, &syl, &syllen);
        if (c == '?' || c == 0xFFFD) {
            if (ann)
                return 1;
        } else if (c >= 0x80) {
            if (!zh_is_chinese(c) && c != 0x3000)
                return 1;
            if (ann && zh_reading_matches(c, t + syl, syllen))
                i += ann;
        } else if (c >= 0x40 && c <= 0x7E && before >= 0x80 &&
                   (ann || (i < len && (unsigned char)t[i] >= 0x80))) {
            return 1;
        }
        before = c;
    }
    return 0;
}

/* 1 when t[from, end) holds a fullwidth ， or ！, the marks the fold
 * replaces first of all: it replaced every one of them in the document,
 * and those a misreading made as well, so such a line was not folded and
 * its "?!" is its writer's. (The fold takes ：；？（） too; a document
 * folded in part keeps some of those, and prose seldom writes them
 * without a comma in the line.) */
static int line_unfolded(const char *t, size_t from, size_t end)
{
    for (const char *p = t + from;
         (p = memchr(p, 0xEF, (size_t)(t + end - p))) != NULL; p++)
        if ((size_t)(t + end - p) >= 3 && (unsigned char)p[1] == 0xBC &&
            ((unsigned char)p[2] == 0x8C || (unsigned char)p[2] == 0x81))
            return 1;
    return 0;
}

static zhfix_status emit_repair(zh_scan *scan, size_t start,
                                const zh_realign_result *r, double gain)
{
    char buf[ZH_REALIGN_MAX_OUT * 4];
    size_t n = 0;
    for (size_t i = 0; i < r->nchars; i++)
        n += zh_utf8_encode(r->chars[i], buf + n);
    const char *detail = zh_arena_printf(
        scan->arena,
        "GBK bytes re-decoded in step (%zu dropped pair%s restored); "
        "model gain %.1f nats",
        (size_t)r->hidden, r->hidden == 1 ? "" : "s", gain);
    return zh_emit(scan, start, r->end, buf, n, 1,
                   "text decoded one byte out of step (GBK)", detail);
}

/* Decide on the repair of the span [start, r->end) of t; the corrupted
 * characters are re-read from the text. */
int zh_realign_accept(const zh_doc_usage *u, const char *t, size_t len,
                      size_t start, uint32_t prev, const zh_realign_result *r,
                      int bare, double *gain)
{
    uint32_t old[ZH_REALIGN_MAX_OUT * 2];
    size_t n = 0;
    for (size_t i = start; i < r->end && n < sizeof old / sizeof old[0];) {
        size_t k;
        old[n++] = zh_cp_at(t, len, i, &k);
        i += k;
    }
    /* The run must carry information: a "???" re-decodes to anything; an
     * annotation after it names its last character. */
    size_t syl, syllen;
    size_t known = zh_pinyin_annotation(t, len, r->end, &syl, &syllen) > 0;
    for (size_t i = 2; i < n; i++)
        known += old[i] != '?' && old[i] != 0xFFFD;
    if (!known && !bare)
        return 0;
    int garbage = 0;
    double before =
        zh_realign_score(u, prev, old, n, t, len, r->end, &garbage);
    *gain = r->score - before;
    /* The average is only telling over a few characters; one or two are
     * judged by the gain alone. */
    return !r->garbage && r->nchars > 0 && *gain >= MIN_GAIN &&
           (r->nchars < 3 || r->avg >= MIN_AVG || *gain >= STRONG_GAIN);
}

static zhfix_status scan_out_of_step(zh_scan *scan)
{
    const char *t = scan->text;
    size_t len = scan->len;
    zh_fold_cache fold = {0, -1};
    zh_doc_usage *usage = NULL;
    int usage_built = 0;
    zhfix_status st = ZHFIX_OK;
    zh_hot_walk walk = {0, 0};
    for (size_t i = 0;
         zh_hot_pos(scan, ZH_TRIG_QUESTION | ZH_TRIG_FFFD, &walk, &i) &&
         i + 1 < len;
         i++) {
        size_t m = zh_next_lost_mark(t, i, walk.end);
        if (m != i) {
            i = m - 1;
            continue;
        }
        size_t qlen = zh_lost_byte_mark(t, len, i);
        if (!qlen)
            continue;
        /* One lone byte, not a run of marks: three or more '?' in a row
         * are characters an encoder lost (lossy-mark's), and reading
         * them as GBK bytes leaves new runs for the next fix to read. */
        if (t[i] == '?' &&
            ((i > 0 && t[i - 1] == '?') ||
             (i + 2 < len && t[i + 1] == '?' && t[i + 2] == '?')))
            continue;
        unsigned lead = zh_folded_lead(t[i + qlen]);
        size_t syl, syllen;
        if (!lead || (lead == 0xA8 && zh_pinyin_closed(t, len, i + qlen + 1,
                                                       &syl, &syllen)))
            continue; /* "?(syllable)" is pinyin-straddle's */
        /* What follows must look like a run: a non-ASCII character within
         * the next three, before any space or line end (ASCII in a run is
         * a trail byte or a folded fullwidth form), or the annotation of
         * the run's last character after its trail byte or the '?' that
         * stands for it (?,F(xiàn), ?:?(jiǎn)). Ordinary "a?(b)" and
         * "Really?! Yes" end here, cheaply. */
        size_t q = i + qlen + 1;
        int runlike = q + 1 < len && t[q] >= 0x40 && t[q] <= 0x7E &&
                      t[q + 1] == '(';
        for (size_t k = q; k < len && k < q + 3; k++) {
            unsigned char c = (unsigned char)t[k];
            if (c >= 0x80 || (c == '(' && k > q)) {
                runlike = 1;
                break;
            }
            if (c <= ' ' || c == 0x7F)
                break;
        }
        /* `?!?` before a line end or ASCII: 。” with the trail of ” lost
         * to the line end (A1 A3 A1 B1 \n), 。“ with the lead of “ lost to
         * the '/' after it (當中?!?/usr”). Nothing of the run is left to
         * read, so only where the text around shows the fold. */
        int bare = 0;
        if (!runlike && q < len && zh_lost_byte_mark(t, len, q)) {
            bare = runlike = zh_fold_near(t, len, i, &fold);
        }
        if (!runlike)
            continue;
        /* Only in a line with Chinese: a run out of step leaves Han
         * characters, read in step or out of it, and a line of ASCII
         * with `?!` or `?:` is a regular expression ((?!/?(HEAD|info)),
         * (?:if(?:n?arch)?)). */
        size_t bol = i;
        while (bol > 0 && t[bol - 1] != '\n')
            bol--;
        if (!zh_line_has_han(t, bol, walk.end) ||
            line_unfolded(t, bol, walk.end))
            continue;
        int fold_shown = zh_fold_near(t, len, i, &fold);
        if (!fold_shown && !misreading_shown(t, len, q, walk.end))
            continue;
        if (!zh_gbk_ready())
            continue;
        /* The run follows this character; through an annotation
         * (擔(dān)?!...) it is the annotated one, and through the
         * scraper's stray comma (苗,??{ 時(shí),?!?) the one before the
         * comma. */
        size_t at = i;
        int comma = at > 1 && t[at - 1] == ',' &&
                    (((unsigned char)t[at - 2] & 0x80) ||
                     zh_pinyin_char_before(t, at - 1) >= 0x80);
        at -= (size_t)comma;
        /* After the scraper's stray comma the lost character is a mark
         * (。): the commas stand before marks only. */
        comma = comma && fold_shown;
        /* The lost character begins its line: it is no closing or pause
         * mark (`夜夜孤燈。\n?:...` is 常恐, not 。恐). */
        int line_start = !comma && begins_line(t, at);
        zh_realign_start starts[128];
        size_t ns = 0;
        for (unsigned x = 0x81; x <= 0xFE && ns < 128; x++) {
            uint32_t d = zh_gbk_decode2(x, 0xA3);
            if (!d || (comma && zh_is_han(d)) ||
                (line_start && never_begins_line(d)))
                continue;
            starts[ns].chars[0] = d;
            starts[ns].nchars = 1;
            starts[ns].pending = lead;
            starts[ns].bias = 0.0;
            ns++;
        }
        uint32_t prev = zh_pinyin_char_before(t, at);
        if (bare && !zh_is_chinese(prev))
            continue; /* What?!? */
        /* The block's own word pairs name lost bytes only where the text
         * shows the fold: counting a whole block is most of the cost, and
         * a clean one (a '?' before Chinese in a manual) would pay it for
         * every such question mark. */
        if (fold_shown && !usage_built) {
            usage = zh_doc_usage_new(t, len);
            usage_built = 1;
        }
        const zh_doc_usage *u = fold_shown ? usage : NULL;
        zh_realign_result r;
        double gain;
        if (!zh_realign(u, t, len, i + qlen + 1, prev, starts, ns, &r) ||
            (!fold_shown && !misreading_shown(t, len, q, r.end)))
            continue;
        gain = 0.0;
        /* With the comma, the mark and the fold all in place, any gain
         * will do. */
        int accept = zh_realign_accept(u, t, len, i, prev, &r, bare, &gain);
        if (!accept && !r.garbage && r.nchars > 0)
            accept = (comma && gain > 0.0) ||
                     (fold_shown && r.nchars <= SHORT_RUN && gain >= WEAK_GAIN);
        if (!accept)
            continue;
        st = emit_repair(scan, i, &r, gain);
        if (st != ZHFIX_OK)
            break;
        i = r.end - 1;
    }
    zh_doc_usage_free(usage);
    return st;
}

const zh_rule zh_rule_gbk_out_of_step = {
    {"gbk-out-of-step", ZHFIX_CATEGORY_ENCODING,
     "re-decode runs of GBK text read one byte out of step after a "
     "fullwidth mark was folded in the bytes (?!睂ψプ -> 。”對抓)",
     1},
    scan_out_of_step,
    1, /* chinese_only */
};
