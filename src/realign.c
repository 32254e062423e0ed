/*
 * realign.c - in-step re-decoding of GBK runs (see realign.h).
 *
 * A beam search over the corrupted characters of the run. Each hypothesis
 * holds the characters decoded in step so far and the lead byte that
 * waits for its trail. Reading one corrupted character either continues
 * the run (its two GBK bytes: the first completes the waiting character,
 * the second waits), or ends it (an ASCII trail byte, a '?' that stood
 * for a lone byte, the euro sign of byte 0x80). Hypotheses may also
 * restore a pair that is missing because it decoded to a private-use
 * character, and read an ASCII character as the fullwidth form the
 * misreading produced (Ｊ folded to J). Scores are the character model's
 * bigram log-probabilities; a "(syllable)" right after the run must be a
 * reading of the last character.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "gbk.h"
#include "internal.h"
#include "pinyin.h"
#include "prose.h"
#include "realign.h"
#include "words.h"

#define BEAM 24
#define MAX_STEPS 48
#define SCORE_PUNCT (-4.0)
#define SCORE_ASCII (-8.0)
#define SCORE_OTHER (-20.0)
#define READING_BONUS 10.0
/* A dropped pair costs little by itself: the bytes decide where one can
 * be (a private-use pair, every time), so the cost only offsets the
 * model's pick among the many pairs that fit. */
#define HIDDEN_COST 3.0
#define FOLD_COST 2.0
#define HIDDEN_PER_STEP 8
#define HIDDEN_KEEP 12

/* Log-weight of a Chinese mark: the model knows Han characters only, so
 * the marks get fixed weights in the order of their use in prose (the
 * comma and full stop are about as common as the commonest characters,
 * the others rarer). */
static double punct_score(uint32_t cp)
{
    switch (cp) {
    case 0xFF0C: return SCORE_PUNCT;                  /* ， */
    case 0x3002: return SCORE_PUNCT - 0.3;            /* 。 */
    case 0x3001: return SCORE_PUNCT - 0.5;            /* 、 */
    case 0x201C: case 0x201D: return SCORE_PUNCT - 1; /* “ ” */
    case 0xFF1A: case 0xFF1B: return SCORE_PUNCT - 2; /* ： ； */
    default: return SCORE_PUNCT - 3;
    }
}

/* Pause and stop marks: two in a row (。。 ，。) is not prose. */
static int is_stop(uint32_t cp)
{
    return cp == 0xFF0C || cp == 0x3002 || cp == 0x3001 || cp == 0xFF1B ||
           cp == 0xFF1A;
}

/* Marks that stand inside a sentence and never right after its pause or
 * stop (in 10 MB of clean prose, 。· 。— ，～ and the like: none): the
 * middle dot, dashes, the wave dash, the ellipsis, the tortoise shell
 * brackets. */
static int follows_no_stop(uint32_t cp)
{
    return cp == 0x00B7 || cp == 0x2014 || cp == 0x2E3A || cp == 0xFF5E ||
           cp == 0x2026 || (cp >= 0x3014 && cp <= 0x3017);
}

/* Whether the mark cp cannot follow prev: two pause or stop marks in a
 * row (。。 ，。), or a mark of a sentence's inside right after its end. */
static int misplaced_after(uint32_t prev, uint32_t cp)
{
    if (is_stop(cp))
        return is_stop(prev);
    return follows_no_stop(cp) &&
           (is_stop(prev) || prev == 0xFF01 || prev == 0xFF1F);
}

/* Opening marks: “ ‘ 《 「 『 （ 【 〈. */
static int is_opening(uint32_t cp)
{
    return cp == 0x201C || cp == 0x2018 || cp == 0x300A || cp == 0x300C ||
           cp == 0x300E || cp == 0xFF08 || cp == 0x3010 || cp == 0x3008;
}

/* Quotation marks and brackets, each opener beside its closer. */
static const uint32_t quote_pairs[][2] = {
    {0x201C, 0x201D}, {0x2018, 0x2019}, {0x300C, 0x300D}, {0x300E, 0x300F},
    {0x300A, 0x300B}, {0xFF08, 0xFF09}, {0x3010, 0x3011}, {0x3008, 0x3009},
};
#define NQUOTE_PAIRS (sizeof quote_pairs / sizeof quote_pairs[0])
/* Openers a hypothesis keeps track of, innermost last. */
#define QUOTE_DEPTH 6
/* A lost mark read as the closer of the quotation open at that point
 * (‘苟合矣。’ in a line that opened ‘), against one read as another
 * closer (。” there): the model knows pairs of characters only, and after
 * 。 it prefers ” everywhere. */
#define QUOTE_MATCH 2.5
#define QUOTE_MISMATCH 4.0

/* Index of the pair cp opens (which = 0) or closes (which = 1), or -1. */
static int quote_index(uint32_t cp, int which)
{
    if (cp < 0x2018)
        return -1;
    for (size_t k = 0; k < NQUOTE_PAIRS; k++)
        if (quote_pairs[k][which] == cp)
            return (int)k;
    return -1;
}

/* A closer with no quotation of its kind open in its paragraph (長保。
 * read as 長。” at the end of a line of verse that quotes nobody): the
 * pair 。” is among the model's commonest, and a lost byte before a line
 * end makes either reading fit. */
#define QUOTE_UNOPENED 3.0
/* How far back a quotation may have opened: the paragraph (to a blank
 * line), at most this many bytes. */
#define QUOTE_LOOKBACK 4096

/* The openers still open on the line: a stack of pair indices; and, for
 * the lines before it in the paragraph, a bit per pair whose last mark
 * there opened it (a quotation that runs over several lines), valid for
 * the pairs whose bit is set in known. */
typedef struct quotes {
    uint8_t open[QUOTE_DEPTH];
    uint8_t n;
    uint8_t outer; /* bit k: pair k is open from a line before */
    uint8_t known; /* bit k: whether pair k is open there is known */
} quotes;

/* Score change of writing cp with the quotations q open, and q after it:
 * an opener is pushed; a closer is weighed against the innermost open
 * pair, and closes it. With none open on the line, against what the
 * lines before left open, where that is known. */
static double quote_step(quotes *q, uint32_t cp)
{
    int k = quote_index(cp, 0);
    if (k >= 0) {
        if (q->n < QUOTE_DEPTH)
            q->open[q->n++] = (uint8_t)k;
        return 0.0;
    }
    k = quote_index(cp, 1);
    if (k < 0)
        return 0.0;
    if (q->n == 0) {
        uint8_t bit = (uint8_t)(1u << k);
        if (!(q->known & bit))
            return 0.0;
        if (q->outer & bit) {
            q->outer &= (uint8_t)~bit;
            return QUOTE_MATCH;
        }
        return -QUOTE_UNOPENED;
    }
    if (q->open[q->n - 1] == k) {
        q->n--;
        return QUOTE_MATCH;
    }
    return -QUOTE_MISMATCH;
}

/* Start of the paragraph around the line start at: after the last blank
 * line before it, or the start of text; *whole is 0 when the search
 * stopped QUOTE_LOOKBACK bytes back instead (then at a line start). */
static size_t paragraph_start(const char *text, size_t at, int *whole)
{
    size_t floor = at > QUOTE_LOOKBACK ? at - QUOTE_LOOKBACK : 0;
    size_t i = at;
    *whole = 1;
    while (i > floor) {
        if (text[i - 1] != '\n') {
            i--;
            continue;
        }
        /* text[i - 1] ends the line before i: is that line blank? */
        size_t k = i - 1;
        while (k > floor && (text[k - 1] == ' ' || text[k - 1] == '\t' ||
                             text[k - 1] == '\r'))
            k--;
        if (k == 0 || text[k - 1] == '\n')
            return i;
        i--;
    }
    if (i == 0)
        return 0;
    *whole = 0;
    while (i < at && text[i - 1] != '\n')
        i++; /* a whole line only */
    return i;
}

/* A run read out of step starts at t[i]: a lost byte's mark, then a mark
 * the fold left (?! ?, ?:). Any quotation mark may be hidden in it, in
 * its bytes paired out of step or in the lost byte (。” and 。“ alike
 * become `?!`). */
static size_t run_start_at(const char *t, size_t end, size_t i)
{
    size_t m = zh_lost_byte_mark(t, end, i);
    return m && i + m < end && zh_folded_lead(t[i + m]) ? m + 1 : 0;
}

/* The quotations open at byte q of text: a stack counted from its line's
 * start (where it is most telling, since a line of verse or a manual's
 * often closes what it opened), and whether each pair was left open by
 * the lines before in the paragraph. After a run that may hide marks,
 * the lines before say nothing of a pair until it shows again. */
static quotes quotes_before(const char *text, size_t q)
{
    quotes open = {{0}, 0, 0, 0};
    size_t i = q;
    while (i > 0 && text[i - 1] != '\n')
        i--;
    int whole;
    size_t j = paragraph_start(text, i, &whole);
    open.known = whole ? 0xFF : 0;
    while (j < q) {
        size_t k = run_start_at(text, q, j);
        if (k && j + k < q) { /* not the run being read, which ends at q */
            open.known = 0;
            j += k;
            continue;
        }
        uint32_t cp = zh_cp_at(text, q, j, &k);
        j += k ? k : 1;
        if (j <= i) {
            int o = quote_index(cp, 0), c = quote_index(cp, 1);
            if (o >= 0) {
                open.outer |= (uint8_t)(1u << o);
                open.known |= (uint8_t)(1u << o);
            } else if (c >= 0) {
                open.outer &= (uint8_t) ~(1u << c);
                open.known |= (uint8_t)(1u << c);
            }
        } else {
            (void)quote_step(&open, cp);
        }
    }
    return open;
}

/* ---- The block's own usage (realign.h) ------------------------------ */

/* Weight of the block's usage beside the model: a pair the block shows
 * after a gets a's share of successors in the block as extra
 * probability, in full (a document repeats its words). */
#define USAGE_WEIGHT 1.0
#define USAGE_PRIOR 2.0

/* Key of a character the block shows annotated with a reading of its
 * own, "產(chǎn)": apart from the pairs' keys, which stay below 2^42. */
#define ANNOTATED_KEY ((uint64_t)1 << 62)
/* A lost character named by an annotation, read as one the block
 * annotates elsewhere: an annotator pastes readings after a fixed set of
 * characters, so of the characters the syllable names, those are the
 * likely ones (聲 beside 生 for "(shēng)"). */
#define ANNOTATED_BONUS 3.0

struct zh_doc_usage {
    uint64_t *keys; /* pair (a << 21 | b), or (a << 21) for a's total */
    uint32_t *counts;
    size_t mask;
    /* The script the block is not written in (enum zh_script), or
     * ZH_SCRIPT_BOTH when it shows neither clearly. */
    int other_script;
};

/* A block is written in one script when its characters of that script
 * alone outnumber those of the other SCRIPT_RATIO times (and there are
 * SCRIPT_MIN of them). The runs' own misread characters are of either
 * script; in fortunes-zh and manpages-zh converted to Traditional they
 * are at most 6% of the Traditional ones. */
#define SCRIPT_MIN 8
#define SCRIPT_RATIO 8
/* A character of the other script read for lost bytes: the model's
 * counts are half Simplified, so 單位于 (位于, a Simplified word) beats
 * 單位有 in a Traditional manual. */
#define SCRIPT_COST 4.0

/* What a run of GBK prose decodes to: Han, Chinese marks, the
 * ideographic space (A1 A1), which indents paragraphs and parts the lines
 * of verse, and the box-drawing line (A9 A4) that text from Big5, which
 * has no em dash, writes the dash with (──); a run passes through them
 * like through any character. */
static int prose_char(uint32_t cp)
{
    return zh_is_han(cp) || zh_is_cjk_punct(cp) || cp == 0x3000 ||
           cp == 0x2500;
}


static size_t usage_slot(const zh_doc_usage *u, uint64_t key)
{
    uint64_t h = key * 0x9E3779B97F4A7C15ull;
    size_t i = (size_t)(h >> 32) & u->mask;
    while (u->keys[i] && u->keys[i] != key)
        i = (i + 1) & u->mask;
    return i;
}

static void usage_add(zh_doc_usage *u, uint64_t key)
{
    size_t i = usage_slot(u, key);
    u->keys[i] = key;
    u->counts[i]++;
}

static uint32_t usage_get(const zh_doc_usage *u, uint64_t key)
{
    size_t i = usage_slot(u, key);
    return u->keys[i] ? u->counts[i] : 0;
}

zh_doc_usage *zh_doc_usage_new(const char *text, size_t len)
{
    size_t npairs = 0;
    uint32_t prev = 0;
    for (size_t i = 0; i < len;) {
        size_t k;
        uint32_t cp = zh_cp_at(text, len, i, &k);
        npairs += (prose_char(prev) && prose_char(cp)) ||
                  (cp == '(' && zh_is_han(prev));
        prev = cp;
        i += k ? k : 1;
    }
    zh_doc_usage *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    size_t cap = 64;
    while (cap < npairs * 4)
        cap *= 2;
    u->keys = calloc(cap, sizeof *u->keys);
    u->counts = calloc(cap, sizeof *u->counts);
    if (!u->keys || !u->counts) {
        zh_doc_usage_free(u);
        return NULL;
    }
    u->mask = cap - 1;
    prev = 0;
    size_t simplified = 0, traditional = 0;
    for (size_t i = 0; i < len;) {
        size_t k;
        uint32_t cp = zh_cp_at(text, len, i, &k);
        int sc = zh_script_class(cp);
        simplified += sc == ZH_SCRIPT_SIMPLIFIED;
        traditional += sc == ZH_SCRIPT_TRADITIONAL;
        if (prose_char(prev) && prose_char(cp)) {
            usage_add(u, (uint64_t)prev << 21 | cp);
            usage_add(u, (uint64_t)prev << 21);
        }
        size_t syl, syllen;
        if (cp == '(' && zh_is_han(prev) &&
            zh_pinyin_annotation(text, len, i, &syl, &syllen) &&
            zh_reading_matches(prev, text + syl, syllen))
            usage_add(u, ANNOTATED_KEY | prev);
        prev = cp;
        i += k ? k : 1;
    }
    if (traditional >= SCRIPT_MIN && simplified * SCRIPT_RATIO <= traditional)
        u->other_script = ZH_SCRIPT_SIMPLIFIED;
    else if (simplified >= SCRIPT_MIN &&
             traditional * SCRIPT_RATIO <= simplified)
        u->other_script = ZH_SCRIPT_TRADITIONAL;
    return u;
}

void zh_doc_usage_free(zh_doc_usage *u)
{
    if (!u)
        return;
    free(u->keys);
    free(u->counts);
    free(u);
}

/* The usage in force for one search or one score, and the corrupted
 * characters being read: their own pairs are in the block's counts and
 * must not vouch for themselves. */
static _Thread_local struct {
    const zh_doc_usage *usage;
    uint32_t prev;
    const uint32_t *own;
    size_t nown;
    int other_script; /* in a search only: what SCRIPT_COST hits */
} active;

static uint32_t own_pairs(uint32_t a, uint32_t b)
{
    uint32_t n = 0;
    uint32_t p = active.prev;
    for (size_t i = 0; i < active.nown; i++) {
        n += p == a && (b == 0 ? prose_char(active.own[i])
                               : active.own[i] == b);
        p = active.own[i];
    }
    return n;
}

/* base, the model's log-probability of cp after prev, raised by the share
 * of prev's successors in the block that are cp. */
static double with_usage(uint32_t prev, uint32_t cp, double base)
{
    const zh_doc_usage *u = active.usage;
    if (!u || !prose_char(prev))
        return base;
    uint32_t pair = usage_get(u, (uint64_t)prev << 21 | cp);
    if (!pair)
        return base;
    uint32_t own = own_pairs(prev, cp);
    if (pair <= own)
        return base;
    uint32_t total = usage_get(u, (uint64_t)prev << 21) - own_pairs(prev, 0);
    if (total == 0)
        return base;
    /* A character seen once or twice vouches for its successor less
     * than one seen often: the share is taken over USAGE_PRIOR more. */
    return log(exp(base) + USAGE_WEIGHT * (double)(pair - own) /
                               ((double)total + USAGE_PRIOR));
}

static double annotated_bonus(uint32_t cp)
{
    return active.usage && usage_get(active.usage, ANNOTATED_KEY | cp)
               ? ANNOTATED_BONUS
               : 0.0;
}

static double char_score(uint32_t prev, uint32_t cp, int *garbage)
{
    if (zh_is_han(cp))
        return with_usage(prev, cp, zh_bigram_logp(prev, cp)) -
               (active.other_script != ZH_SCRIPT_BOTH &&
                        zh_script_class(cp) == active.other_script
                    ? SCRIPT_COST
                    : 0.0);
    if (zh_is_cjk_punct(cp) || cp == 0x3000 || cp == 0x2500)
        return with_usage(prev, cp,
                          punct_score(cp) +
                              (misplaced_after(prev, cp) ? -6.0 : 0.0));
    if (cp < 0x80)
        return SCORE_ASCII;
    if (garbage)
        *garbage = 1;
    return SCORE_OTHER;
}

/* The character after the "(syllable)" at text[next], when it is Chinese
 * prose, or 0: the annotation was pasted in, so in the original that
 * character followed the annotated one (聲(shēng)明: 聲明, where the
 * reading alone fits 生 as well). */
static uint32_t after_annotation(const char *text, size_t len, size_t next)
{
    size_t syl, syllen;
    size_t a = zh_pinyin_annotation(text, len, next, &syl, &syllen);
    if (!a)
        return 0;
    uint32_t cp = zh_cp_at(text, len, next + a, NULL);
    return prose_char(cp) ? cp : 0;
}

/* Score of what follows the span at text[next]: a "(syllable)" must be a
 * reading of last, which is then read with the character after the
 * annotation (and is likelier one the block annotates elsewhere);
 * otherwise the next character in context. */
static double tail_score(uint32_t last, const char *text, size_t len,
                         size_t next)
{
    size_t syl, syllen;
    if (zh_pinyin_annotation(text, len, next, &syl, &syllen)) {
        const uint32_t *chars;
        if (zh_reading_chars(text + syl, syllen, &chars) == 0)
            return 0.0;
        if (!zh_reading_matches(last, text + syl, syllen))
            return -READING_BONUS;
        uint32_t after = after_annotation(text, len, next);
        return READING_BONUS + annotated_bonus(last) +
               (after ? char_score(last, after, NULL) : 0.0);
    }
    uint32_t cp = zh_cp_at(text, len, next, NULL);
    if (!cp || cp == '\n' || cp == '\r')
        /* no line ends in “, nor in the ideographic space that parts
         * verse (。　 for 常。 read back from `?!?` at a line end) */
        return is_opening(last) || last == 0x3000 ? -6.0 : 0.0;
    return char_score(last, cp, NULL);
}

double zh_realign_score(const zh_doc_usage *u, uint32_t prev,
                        const uint32_t *cps, size_t n, const char *text,
                        size_t len, size_t next, int *garbage)
{
    active.usage = u;
    active.prev = prev;
    active.own = cps;
    active.nown = n;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        s += char_score(prev, cps[i], garbage);
        prev = cps[i];
    }
    s += tail_score(prev, text, len, next);
    active.usage = NULL;
    return s;
}

typedef struct hyp {
    double score;
    uint32_t out[ZH_REALIGN_MAX_OUT];
    size_t nout;
    unsigned pending;
    int hidden, garbage;
    quotes open; /* the quotations open after out */
} hyp;

static uint32_t last_of(const hyp *h, uint32_t prev)
{
    return h->nout ? h->out[h->nout - 1] : prev;
}

/* Append d to a copy of h. A character that prose does not have ends the
 * hypothesis: such a decoding is never applied. */
static int extend(hyp *dst, const hyp *h, uint32_t prev, uint32_t d,
                  double extra, unsigned pending)
{
    if (h->nout >= ZH_REALIGN_MAX_OUT ||
        !prose_char(d))
        return 0;
    if (dst != h)
        *dst = *h;
    dst->score += extra + char_score(last_of(h, prev), d, &dst->garbage) +
                  quote_step(&dst->open, d);
    dst->out[dst->nout++] = d;
    dst->pending = pending;
    return 1;
}

static int cmp_hyp(const void *a, const void *b)
{
    const hyp *x = a, *y = b;
    return (x->score < y->score) - (x->score > y->score);
}

/* Keep the best BEAM of the sorted hyps[0..n) that differ in what the
 * rest of the search sees: the last character (the model is a bigram
 * one) and the byte waiting for its trail. Hypotheses that differ only in
 * an earlier character (the 128 starts of the lost lead byte, 。何 常何
 * 海何 ...) have the same future; without merging them they fill the
 * beam and push out every other reading of the run. Returns how many. */
static size_t keep_distinct(hyp *hyps, size_t n, uint32_t prev)
{
    size_t kept = 0;
    for (size_t i = 0; i < n && kept < BEAM; i++) {
        uint32_t last = last_of(&hyps[i], prev);
        int dup = 0;
        for (size_t j = 0; j < kept && !dup; j++)
            dup = hyps[j].pending == hyps[i].pending &&
                  last_of(&hyps[j], prev) == last &&
                  hyps[j].hidden <= hyps[i].hidden;
        if (dup)
            continue;
        if (kept != i)
            hyps[kept] = hyps[i];
        kept++;
    }
    return kept;
}

/* Readings the character model ranks best, kept for the word model to
 * choose among (see rerank_by_words). */
#define FINALISTS 8

typedef struct finalist {
    zh_realign_result r;
    double total; /* the character model's score over the whole stretch */
} finalist;

/* The corrupted characters of the run (up to the end of the line or
 * MAX_STEPS), and for each index k the score of the characters after k
 * as they are: hypotheses that end at different places are compared over
 * the same stretch of text. */
typedef struct search {
    const char *text;
    size_t len;
    uint32_t prev;
    size_t pos[MAX_STEPS + 1];
    uint32_t cps[MAX_STEPS];
    double suffix[MAX_STEPS + 1];
    size_t n;
    finalist top[FINALISTS]; /* best first */
    size_t ntop;
} search;

static int same_reading(const finalist *f, const hyp *h, size_t end)
{
    return f->r.end == end && f->r.nchars == h->nout &&
           !memcmp(f->r.chars, h->out, h->nout * sizeof h->out[0]);
}

/* h has consumed the corrupted characters before index k. */
static void finish(search *s, const hyp *h, size_t k)
{
    uint32_t last = last_of(h, s->prev);
    size_t end = s->pos[k];
    double span = h->score + tail_score(last, s->text, s->len, end);
    double total = span + s->suffix[k];
    if (s->ntop == FINALISTS && total <= s->top[FINALISTS - 1].total)
        return;
    for (size_t i = 0; i < s->ntop; i++)
        if (same_reading(&s->top[i], h, end)) {
            if (total <= s->top[i].total)
                return;
            memmove(&s->top[i], &s->top[i + 1],
                    (s->ntop - i - 1) * sizeof s->top[0]);
            s->ntop--;
            break;
        }
    /* After any of equal total, which came first. */
    size_t at = s->ntop < FINALISTS ? s->ntop++ : FINALISTS - 1;
    while (at > 0 && s->top[at - 1].total < total) {
        s->top[at] = s->top[at - 1];
        at--;
    }
    finalist *f = &s->top[at];
    f->total = total;
    f->r.end = end;
    f->r.nchars = h->nout;
    memcpy(f->r.chars, h->out, h->nout * sizeof h->out[0]);
    f->r.score = span;
    f->r.avg = h->nout ? span / (double)h->nout : span;
    f->r.garbage = h->garbage;
    f->r.hidden = h->hidden;
}

/* Word cost (words.h) of a finalist's stretch: the character before the
 * run, the reading, then the text after it as it stands to the end of the
 * stretch, annotations left out (聲(shēng)明 is the word 聲明). */
static double stretch_words(const search *s, const finalist *f)
{
    zh_words_ctx ctx = {{0}, {0}};
    double cost = zh_words_push(&ctx, s->prev);
    for (size_t i = 0; i < f->r.nchars; i++)
        cost += zh_words_push(&ctx, f->r.chars[i]);
    size_t stop = s->pos[s->n];
    for (size_t i = f->r.end; i < stop;) {
        size_t syl, syllen;
        size_t ann = zh_pinyin_annotation(s->text, s->len, i, &syl, &syllen);
        if (ann) {
            i += ann;
            continue;
        }
        size_t clen;
        uint32_t cp = zh_cp_at(s->text, s->len, i, &clen);
        cost += zh_words_push(&ctx, cp);
        i += clen ? clen : 1;
    }
    return cost;
}

/* Whether the word model may choose reading a over the character
 * model's best, b: a covers the same bytes with as many characters, and
 * a Han character wherever b has one. The word model weighs Han
 * characters only and a mark costs it nothing, so it would turn a guessed
 * character into marks (常。 into 。” at a line end, where the bytes fit
 * both); a mark into a word is its to judge (。湖 into 模糊). */
static int may_rerank(const zh_realign_result *a, const zh_realign_result *b)
{
    if (a->end != b->end || a->nchars != b->nchars)
        return 0;
    for (size_t i = 0; i < a->nchars; i++)
        if (zh_is_han(b->chars[i]) && !zh_is_han(a->chars[i]))
            return 0;
    return 1;
}

/* The character model scores pairs, so a reading whose every pair occurs
 * in some word can beat one made of words (年初 against 完成 after a lost
 * byte). Of the readings it ranks best that may replace its first, the
 * one that also segments best into words is taken, with the weight the
 * mojibake rule gives words. */
static void rerank_by_words(search *s, zh_realign_result *res)
{
    size_t best = 0;
    double best_rank = 0.0;
    for (size_t i = 0; i < s->ntop; i++) {
        if (i > 0 && !may_rerank(&s->top[i].r, &s->top[0].r))
            continue;
        double rank =
            s->top[i].total - ZH_WORDS_WEIGHT * stretch_words(s, &s->top[i]);
        if (i == 0 || rank > best_rank) {
            best = i;
            best_rank = rank;
        }
    }
    *res = s->top[best].r;
}

/* The byte the decoder read after the corrupted character ending at i:
 * text[i], except that a no-break space stood there as "&nbsp;" (GBK has
 * no such character; the html-entity rule decoded the reference since),
 * whose '&' left the byte before it without a partner (適當?&nbsp;環境:
 * 的 lost its trail C4, not 0x80). */
static unsigned char next_byte(const char *text, size_t len, size_t i)
{
    if (i + 1 < len && (unsigned char)text[i] == 0xC2 &&
        (unsigned char)text[i + 1] == 0xA0)
        return '&';
    return i < len ? (unsigned char)text[i] : 0;
}

/* Try to end the run of h with the corrupted character c at [i, i2). */
static void try_end(search *s, const hyp *h, size_t k, double extra)
{
    uint32_t c = s->cps[k];
    size_t i2 = s->pos[k + 1];
    hyp t;
    if (c >= 0x40 && c <= 0x7E) {
        uint32_t d = zh_gbk_decode2(h->pending, c);
        if (d && extend(&t, h, s->prev, d, extra, 0))
            finish(s, &t, k + 1);
    } else if (c == 0x20AC) {
        uint32_t d = zh_gbk_decode2(h->pending, 0x80);
        if (d && extend(&t, h, s->prev, d, extra, 0))
            finish(s, &t, k + 1);
    } else if (c == '?' || c == 0xFFFD) {
        /* A lone byte the decoder could not pair: the next byte is below
         * 0x40. Its value is lost; choose it by the model. */
        unsigned char nb = next_byte(s->text, s->len, i2);
        if (nb >= 0x40) {
            /* Not a byte left without a partner: the byte 0x80, which a
             * GB18030 decoder refuses wherever it stands (線 = BE 80). */
            uint32_t d = zh_gbk_decode2(h->pending, 0x80);
            if (d && extend(&t, h, s->prev, d, extra, 0))
                finish(s, &t, k + 1);
            return;
        }
        hyp best;
        double bs = 0.0;
        int have = 0;
        for (unsigned tb = 0x80; tb <= 0xFE; tb++) {
            uint32_t d = zh_gbk_decode2(h->pending, tb);
            if (!d || !extend(&t, h, s->prev, d, extra, 0))
                continue;
            double sc = t.score + tail_score(d, s->text, s->len, i2);
            if (!have || sc > bs) {
                best = t;
                bs = sc;
                have = 1;
            }
        }
        if (have)
            finish(s, &best, k + 1);
    }
}

/* A pair dropped before an annotated character whose trail byte met the
 * '(' of its annotation and was lost (c is that '?'): 之後 read out of
 * step shows 芍 (C9 D6), the pair AE E1 of the user-defined area was
 * dropped, and E1 before "(hòu)" became '?'. The bytes alone leave the
 * last character open; the reading names it, and with it the dropped
 * pair's second byte. */
static void try_hidden_named(search *s, const hyp *h, size_t k)
{
    size_t syl, syllen;
    const uint32_t *named;
    if (!zh_pinyin_annotation(s->text, s->len, s->pos[k + 1], &syl, &syllen))
        return;
    size_t nnamed = zh_reading_chars(s->text + syl, syllen, &named);
    uint32_t last = last_of(h, s->prev);
    double best = 0.0;
    uint32_t d1best = 0, d2best = 0;
    for (size_t m = 0; m < nnamed; m++) {
        unsigned char b[2];
        if (zh_gbk_encode(named[m], b) != 2 || b[1] < 0x80)
            continue; /* a trail below 0x80 would show, not be lost */
        /* what finish adds after it: the same reading bonus for all */
        double next = tail_score(named[m], s->text, s->len, s->pos[k + 1]);
        for (unsigned p1 = 0x81; p1 <= 0xFE; p1++) {
            if (!zh_gbk_unmapped(p1, b[0]))
                continue;
            uint32_t d1 = zh_gbk_decode2(h->pending, p1);
            if (!d1 || !prose_char(d1))
                continue;
            double sc = char_score(last, d1, NULL) +
                        char_score(d1, named[m], NULL) + next;
            if (!d1best || sc > best) {
                best = sc;
                d1best = d1;
                d2best = named[m];
            }
        }
    }
    hyp t, u;
    if (d1best && extend(&t, h, s->prev, d1best, -HIDDEN_COST, 0) &&
        extend(&u, &t, s->prev, d2best, 0.0, 0)) {
        u.hidden++;
        finish(s, &u, k + 1);
    }
}

/* GBK bytes of a corrupted character read as part of a run: its own two
 * bytes, or for ASCII the fullwidth form it may have been folded from.
 * Returns the number of readings (0..1) and sets fold. */
static int run_bytes(uint32_t c, unsigned char b[2], int *fold)
{
    *fold = 0;
    if (c > 0x20 && c < 0x7F) {
        b[0] = 0xA3;
        b[1] = (unsigned char)(c + 0x80);
        *fold = 1;
        return 1;
    }
    return zh_gbk_encode(c, b) == 2;
}

int zh_realign(const zh_doc_usage *usage, const char *text, size_t len, size_t q,
               uint32_t prev, const zh_realign_start *starts, size_t nstarts,
               zh_realign_result *res)
{
    if (!zh_gbk_ready() || nstarts == 0)
        return 0;
    size_t cap = BEAM * 2 + nstarts + HIDDEN_PER_STEP * HIDDEN_KEEP;
    hyp *beam = malloc(cap * sizeof *beam);
    hyp *next = malloc(cap * sizeof *next);
    if (!beam || !next) {
        free(beam);
        free(next);
        return 0;
    }
    search *s = calloc(1, sizeof *s);
    if (!s) {
        free(beam);
        free(next);
        return 0;
    }
    s->text = text;
    s->len = len;
    s->prev = prev;
    for (size_t i = q; s->n < MAX_STEPS && i < len;) {
        size_t clen;
        uint32_t c = zh_cp_at(text, len, i, &clen);
        if (c == '\n' || c == '\r')
            break;
        s->pos[s->n] = i;
        s->cps[s->n++] = c;
        i += clen;
        /* The annotator matched these very bytes, the code of the
         * misread character c, and pasted its reading after them (嘗 =
         * 87 4C after 以 = D2 D4: 以嘗 read out of step shows 試 = D4 87,
         * so "(shì)" sits between 87 and 4C): skip it, it is not text. */
        size_t syl, syllen;
        size_t ann = c >= 0x80 ? zh_pinyin_annotation(text, len, i, &syl,
                                                       &syllen)
                               : 0;
        if (ann && zh_reading_matches(c, text + syl, syllen))
            i += ann;
        s->pos[s->n] = i;
    }
    if (s->n == 0)
        s->pos[0] = q;
    /* The corrupted characters reach at most to the first ASCII one,
     * mostly (a trail byte below 0x40 ends the run); the text after it
     * is in step and its pairs are evidence. */
    active.usage = usage;
    active.other_script = usage ? usage->other_script : ZH_SCRIPT_BOTH;
    active.prev = 0; /* the '?' and the mark stand between */
    active.own = s->cps;
    active.nown = 0;
    while (active.nown < s->n && s->cps[active.nown] >= 0x80)
        active.nown++;
    s->suffix[s->n] = 0.0;
    for (size_t k = s->n; k-- > 0;)
        s->suffix[k] = s->suffix[k + 1] +
                       (k + 1 < s->n
                            ? char_score(s->cps[k], s->cps[k + 1], NULL)
                            : 0.0);
    size_t nb = 0;
    quotes open = quotes_before(text, q);
    for (size_t k = 0; k < nstarts && nb < cap; k++) {
        hyp *h = &beam[nb++];
        memset(h, 0, sizeof *h);
        h->score = starts[k].bias;
        h->pending = starts[k].pending;
        h->open = open;
        uint32_t p = prev;
        for (size_t j = 0; j < starts[k].nchars; j++) {
            h->score += char_score(p, starts[k].chars[j], &h->garbage) +
                        quote_step(&h->open, starts[k].chars[j]);
            h->out[h->nout++] = p = starts[k].chars[j];
        }
    }
    /* Every start takes the first step: they differ in the lost lead
     * byte only, merge after it (keep_distinct), and the one that reads
     * best with what follows must not be cut before that. */
    if (nb > 1)
        qsort(beam, nb, sizeof *beam, cmp_hyp);
    for (size_t k = 0; k < s->n && nb > 0; k++) {
        uint32_t c = s->cps[k];
        size_t nn = 0;
        unsigned char b[2];
        int fold;
        int readable = run_bytes(c, b, &fold);
        for (size_t j = 0; j < nb; j++) {
            const hyp *h = &beam[j];
            try_end(s, h, k, 0.0);
            if (readable && b[1] < 0x80) {
                /* A character whose trail byte is ASCII (琻 = AC 6E): its
                 * lead completes the waiting character and the trail is
                 * itself again, in step. */
                uint32_t d = zh_gbk_decode2(h->pending, b[0]);
                hyp t;
                if (d && extend(&t, h, prev, d, 0.0, 0) &&
                    t.nout < ZH_REALIGN_MAX_OUT) {
                    t.score += SCORE_ASCII;
                    t.out[t.nout++] = b[1];
                    finish(s, &t, k + 1);
                }
            } else if (readable && nn < cap) {
                uint32_t d = zh_gbk_decode2(h->pending, b[0]);
                if (d && extend(&next[nn], h, prev, d,
                                fold ? -FOLD_COST : 0.0, b[1]))
                    nn++;
            }
            /* A pair dropped before c: (h->pending, p1) and (p2, c...). */
            if (j >= HIDDEN_PER_STEP || h->hidden >= 2)
                continue;
            if (c == '?' || c == 0xFFFD)
                try_hidden_named(s, h, k);
            /* Keep the best few: the model picks among many pairs, and
             * the right one may only show its worth a step later. Scores
             * first, hypotheses built only for the winners. */
            typedef struct cand {
                double score;
                uint32_t d1, d2;
                unsigned p2;
            } cand;
            cand top[HIDDEN_KEEP];
            size_t ntop = 0;
            cand end_best = {0.0, 0, 0, 0};
            int have_end = 0;
            uint32_t last = last_of(h, prev);
            int c_trail = c >= 0x40 && c <= 0x7E;
            for (unsigned p1 = 0x81; p1 <= 0xFE; p1++) {
                uint32_t d1 = zh_gbk_decode2(h->pending, p1);
                if (!d1 || !prose_char(d1))
                    continue;
                const unsigned char *p2s;
                size_t np2 = zh_gbk_unmapped_after(p1, &p2s);
                if (!np2)
                    continue;
                double s1 = h->score - HIDDEN_COST + char_score(last, d1, NULL);
                for (size_t m = 0; m < np2; m++) {
                    unsigned p2 = p2s[m];
                    if (c_trail) {
                        uint32_t d2 = zh_gbk_decode2(p2, c);
                        if (d2 && prose_char(d2)) {
                            double sc = s1 + char_score(d1, d2, NULL) +
                                        tail_score(d2, s->text, s->len,
                                                   s->pos[k + 1]);
                            if (!have_end || sc > end_best.score) {
                                end_best = (cand){sc, d1, d2, p2};
                                have_end = 1;
                            }
                        }
                    }
                    if (!readable || b[1] < 0x80)
                        continue;
                    uint32_t d2 = zh_gbk_decode2(p2, b[0]);
                    if (!d2 || !prose_char(d2))
                        continue;
                    double sc = s1 + char_score(d1, d2, NULL) -
                                (fold ? FOLD_COST : 0.0);
                    size_t at = ntop;
                    while (at > 0 && top[at - 1].score < sc)
                        at--;
                    if (at >= HIDDEN_KEEP)
                        continue;
                    size_t lastk = ntop < HIDDEN_KEEP ? ntop : HIDDEN_KEEP - 1;
                    memmove(&top[at + 1], &top[at], (lastk - at) * sizeof top[0]);
                    top[at] = (cand){sc, d1, d2, p2};
                    if (ntop < HIDDEN_KEEP)
                        ntop++;
                }
            }
            if (have_end) {
                hyp t, u;
                if (extend(&t, h, prev, end_best.d1, -HIDDEN_COST, 0) &&
                    extend(&u, &t, prev, end_best.d2, 0.0, 0)) {
                    u.hidden++;
                    finish(s, &u, k + 1);
                }
            }
            for (size_t m = 0; m < ntop && nn < cap; m++) {
                hyp t;
                if (extend(&t, h, prev, top[m].d1, -HIDDEN_COST, 0) &&
                    extend(&next[nn], &t, prev, top[m].d2,
                           fold ? -FOLD_COST : 0.0, b[1])) {
                    next[nn].hidden++;
                    nn++;
                }
            }
        }
        if (nn > 1)
            qsort(next, nn, sizeof *next, cmp_hyp);
        nb = keep_distinct(next, nn, prev);
        hyp *tmp = beam;
        beam = next;
        next = tmp;
    }
    int found = s->ntop > 0;
    if (found)
        rerank_by_words(s, res);
    active.usage = NULL;
    active.other_script = ZH_SCRIPT_BOTH;
    free(s);
    free(beam);
    free(next);
    return found;
}

unsigned zh_folded_lead(char c)
{
    switch (c) {
    case '!': return 0xA1;
    case ',': return 0xAC;
    case ':': return 0xBA;
    case ';': return 0xBB;
    case '?': return 0xBF;
    case '(': return 0xA8;
    case ')': return 0xA9;
    default: return 0;
    }
}

size_t zh_lost_byte_mark(const char *t, size_t len, size_t i)
{
    if (t[i] == '?')
        return 1;
    if ((unsigned char)t[i] == 0xEF && i + 3 < len &&
        (unsigned char)t[i + 1] == 0xBF && (unsigned char)t[i + 2] == 0xBD)
        return 3;
    return 0;
}
