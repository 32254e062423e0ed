/*
 * data.c - lookups over the generated tables in src/data_*.c.
 *
 * Everything here reads const data only: no initialisation, no state, so
 * any function may be called from any thread at any time.
 */
#define ZH_DATA_TABLES
#include "data.h"
#include "internal.h" /* zh_is_ascii_alnum */

#include <limits.h>
#include <math.h>
#include <string.h>

#define ZH_MAX_CP 0x10FFFFu

/* ---- Pinyin syllables -------------------------------------------------- */

/* Decode one UTF-8 sequence at s[*i] (i < len). Returns the code point
 * and advances *i, or returns UINT32_MAX for a malformed, overlong or
 * surrogate sequence. Syllables are tiny, so simplicity wins here. */
static uint32_t utf8_next(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = len - *i;
    uint32_t cp;
    size_t n, k;

    if (p[0] < 0x80) {
        *i += 1;
        return p[0];
    }
    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2;
        cp = p[0] & 0x1Fu;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        cp = p[0] & 0x0Fu;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4;
        cp = p[0] & 0x07u;
    } else {
        return UINT32_MAX;
    }
    if (left < n)
        return UINT32_MAX;
    for (k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return UINT32_MAX;
        cp = (cp << 6) | (p[k] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        cp > ZH_MAX_CP || (cp >= 0xD800 && cp <= 0xDFFF))
        return UINT32_MAX;
    *i += n;
    return cp;
}

/* Base letter and tone of a precomposed pinyin letter (generated table,
 * sorted by code point); 0 if cp is not one. */
static char pinyin_letter(uint32_t cp, int *tone)
{
    size_t lo = 0, hi = zh_pinyin_letter_count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (zh_pinyin_letter_cp[mid] < cp) {
            lo = mid + 1;
        } else if (zh_pinyin_letter_cp[mid] > cp) {
            hi = mid;
        } else {
            *tone = zh_pinyin_letter_tone[mid];
            return zh_pinyin_letter_base[mid];
        }
    }
    return 0;
}

/* Set a tone once; a second, different tone makes the syllable invalid. */
static int set_tone(int *tone, int t)
{
    if (*tone != 0 && *tone != t)
        return 0;
    *tone = t;
    return 1;
}

/* Parse a syllable into base letters (ASCII, 'v' for ü, 'E' for ê) and a
 * tone (0 when none is written). Returns the number of letters, or 0 when
 * the input is not a syllable. The rules are those listed in data.h; the
 * generator (dicts/gen_readings.py, canonical()) applies the same ones to
 * Unihan's readings. */
static size_t parse_syllable(const char *s, size_t len, char *base,
                             size_t cap, int *tone)
{
    size_t i = 0, n = 0;
    int digit_seen = 0;

    *tone = 0;
    while (i < len) {
        uint32_t cp = utf8_next(s, len, &i);
        char letter = 0;
        int t = 0;

        if (cp == UINT32_MAX || digit_seen)
            return 0; /* nothing may follow a tone number */
        if (cp >= 'A' && cp <= 'Z') {
            letter = (char)(cp - 'A' + 'a');
        } else if (cp >= 'a' && cp <= 'z') {
            letter = (char)cp;
        } else if (cp >= '0' && cp <= '5') {
            if (n == 0 || !set_tone(tone, cp == '0' ? 5 : (int)(cp - '0')))
                return 0;
            digit_seen = 1;
            continue;
        } else if (cp == ':' && n > 0 && base[n - 1] == 'u') {
            base[n - 1] = 'v'; /* "u:" is the CEDICT spelling of ü */
            continue;
        } else if (cp == 0x0308 && n > 0 && base[n - 1] == 'u') {
            base[n - 1] = 'v'; /* combining diaeresis */
            continue;
        } else if (cp == 0x0302 && n > 0 && base[n - 1] == 'e') {
            base[n - 1] = 'E'; /* combining circumflex: ê */
            continue;
        } else if (cp == 0x0304 || cp == 0x0301 || cp == 0x030C ||
                   cp == 0x0300) {
            /* Combining tone marks: macron 1, acute 2, caron 3, grave 4. */
            t = cp == 0x0304 ? 1 : cp == 0x0301 ? 2 : cp == 0x030C ? 3 : 4;
            if (n == 0 || !set_tone(tone, t))
                return 0;
            continue;
        } else {
            letter = pinyin_letter(cp, &t);
            if (letter == 0 || (t != 0 && !set_tone(tone, t)))
                return 0;
        }
        if (n == cap)
            return 0;
        base[n++] = letter;
    }
    if (n >= 2 && base[1] == 'v' &&
        (base[0] == 'j' || base[0] == 'q' || base[0] == 'x' || base[0] == 'y'))
        base[1] = 'u'; /* pinyin writes jü, qü, xü, yü as ju, qu, xu, yu */
    return n;
}

/* Spell parsed letters as the generated tables do ('E' is ê in UTF-8),
 * without the tone. Returns the length, or 0 if out is too small. */
static size_t spell(const char *base, size_t n, char *out, size_t cap)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++) {
        if (base[i] == 'E') {
            if (k + 2 > cap)
                return 0;
            out[k++] = (char)0xC3;
            out[k++] = (char)0xAA;
        } else {
            if (k + 1 > cap)
                return 0;
            out[k++] = base[i];
        }
    }
    return k;
}

int zh_syllable_canonical(const char *syllable, size_t len,
                          char out[ZH_SYL_SIZE])
{
    char base[ZH_SYL_SIZE];
    size_t n, k;
    int tone;

    out[0] = '\0';
    if (syllable == NULL)
        return 0;
    n = parse_syllable(syllable, len, base, sizeof base, &tone);
    if (n == 0)
        return 0;
    /* Leave room for the tone digit and the NUL. */
    k = spell(base, n, out, ZH_SYL_SIZE - 2);
    if (k == 0) {
        out[0] = '\0';
        return 0;
    }
    if (tone == 0)
        tone = 5;
    out[k] = (char)('0' + tone);
    out[k + 1] = '\0';
    return tone;
}

/* Index of a canonical syllable in zh_syl_numbered, or -1. */
static long find_syllable(const char *canon)
{
    size_t lo = 0, hi = zh_syl_count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(zh_syl_numbered[mid], canon);
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return (long)mid;
    }
    return -1;
}

/* Position of cp in zh_rd_cp, or -1 when it has no readings. */
static long find_reading_char(uint32_t cp)
{
    size_t lo = 0, hi = zh_rd_count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (zh_rd_cp[mid] < cp)
            lo = mid + 1;
        else if (zh_rd_cp[mid] > cp)
            hi = mid;
        else
            return (long)mid;
    }
    return -1;
}

int zh_reading_matches(uint32_t cp, const char *syllable, size_t len)
{
    char canon[ZH_SYL_SIZE];
    long c;
    uint32_t k;

    if (zh_syllable_canonical(syllable, len, canon) == 0)
        return 0;
    c = find_reading_char(cp);
    if (c < 0)
        return 0;
    for (k = zh_rd_off[c]; k < zh_rd_off[c + 1]; k++) {
        if (strcmp(zh_syl_numbered[zh_rd_syl[k]], canon) == 0)
            return 1;
    }
    return 0;
}

int zh_reading_matches_toneless(uint32_t cp, const char *syllable,
                                size_t len)
{
    char canon[ZH_SYL_SIZE];
    size_t n;
    long c;
    uint32_t k;

    if (zh_syllable_canonical(syllable, len, canon) == 0)
        return 0;
    n = strlen(canon) - 1; /* drop the tone digit */
    c = find_reading_char(cp);
    if (c < 0)
        return 0;
    for (k = zh_rd_off[c]; k < zh_rd_off[c + 1]; k++) {
        const char *r = zh_syl_numbered[zh_rd_syl[k]];
        if (strlen(r) == n + 1 && memcmp(r, canon, n) == 0)
            return 1;
    }
    return 0;
}

size_t zh_readings(uint32_t cp, const char **out, size_t cap)
{
    long c = find_reading_char(cp);
    size_t count, k;

    if (c < 0)
        return 0;
    count = zh_rd_off[c + 1] - zh_rd_off[c];
    for (k = 0; k < count && k < cap; k++)
        out[k] = zh_syl_marked[zh_rd_syl[zh_rd_off[c] + k]];
    return count;
}

size_t zh_reading_chars(const char *syllable, size_t len,
                        const uint32_t **out)
{
    char canon[ZH_SYL_SIZE];
    long s;

    *out = NULL;
    if (zh_syllable_canonical(syllable, len, canon) == 0)
        return 0;
    s = find_syllable(canon);
    if (s < 0)
        return 0;
    *out = zh_syl_cp + zh_syl_off[s];
    return zh_syl_off[s + 1] - zh_syl_off[s];
}

/* ---- Character model --------------------------------------------------- */

/* Model index of cp plus one, 0 when the model does not know cp. */
static uint32_t model_index(uint32_t cp)
{
    if (cp > ZH_MAX_CP)
        return 0;
    return zh_cm_stage2[((uint32_t)zh_cm_stage1[cp >> 8] << 8) | (cp & 255u)];
}

static double unscale(int v)
{
    return (double)v / ZH_LOGP_SCALE;
}

/* Index of cp in the tables of marks, or -1 outside their blocks. */
static int mark_index(uint32_t cp)
{
    for (size_t k = 0; k < zh_mk_nblocks; k++)
        if (cp - zh_mk_first[k] < zh_mk_size[k])
            return zh_mk_base[k] + (int)(cp - zh_mk_first[k]);
    return -1;
}

int zh_in_mark_blocks(uint32_t cp)
{
    return mark_index(cp) >= 0;
}

double zh_mark_unigram(uint32_t cp)
{
    int i = mark_index(cp);
    return i < 0 || zh_mk_unigram[i] < 0 ? -1.0 : unscale(zh_mk_unigram[i]);
}

/* Index of the first of the n code points of a (increasing) not below
 * cp. */
static size_t lower_bound_cp(const uint32_t *a, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void zh_mark_costs(uint32_t prev, const uint32_t *cps, size_t n, double *out)
{
    size_t c = lower_bound_cp(zh_mk_ctx_cp, zh_mk_nctx, prev);
    int known = c < zh_mk_nctx && zh_mk_ctx_cp[c] == prev;
    const uint32_t *row = known ? zh_mk_pair_mark + zh_mk_ctx_row[c] : NULL;
    size_t len = known ? (size_t)(zh_mk_ctx_row[c + 1] - zh_mk_ctx_row[c]) : 0;
    for (size_t i = 0; i < n; i++) {
        double u = zh_mark_unigram(cps[i]);
        if (u < 0.0 || !known) {
            out[i] = u;
            continue;
        }
        size_t k = lower_bound_cp(row, len, cps[i]);
        out[i] = k < len && row[k] == cps[i]
                     ? unscale(zh_mk_pair_cost[zh_mk_ctx_row[c] + k])
                     : u - unscale(zh_mk_ctx_bow[c]);
    }
}

void zh_han_edges(const uint32_t *cps, size_t n, double *left,
                  double *right)
{
    size_t i = n ? lower_bound_cp(zh_he_cp, zh_he_count, cps[0]) : 0;
    for (size_t k = 0; k < n; k++) {
        while (i < zh_he_count && zh_he_cp[i] < cps[k])
            i++;
        int known = i < zh_he_count && zh_he_cp[i] == cps[k];
        left[k] = known ? unscale(zh_he_left[i]) : 0.0;
        right[k] = known ? unscale(zh_he_right[i]) : 0.0;
    }
}

double zh_line_end_cost(uint32_t cp)
{
    int i = mark_index(cp);
    if (i >= 0)
        return unscale(zh_mk_end[i]);
    if (zh_is_han(cp))
        return unscale(zh_mk_end_han);
    if (cp < 0x80)
        return unscale(zh_is_ascii_alnum(cp) ? zh_mk_end_alnum
                                             : zh_mk_end_ascii);
    return unscale(zh_mk_end_other);
}

double zh_char_logp(uint32_t cp)
{
    uint32_t i = model_index(cp);

    if (i != 0)
        return unscale(zh_cm_logp[i - 1]);
    return zh_is_han(cp) ? unscale(zh_cm_floor) : ZH_LOGP_NONHAN;
}

double zh_bigram_logp(uint32_t a, uint32_t b)
{
    uint32_t ia, ib, lo, hi;
    int lpb;

    ib = model_index(b);
    if (ib == 0) {
        if (!zh_is_han(b))
            return ZH_LOGP_NONHAN;
        lpb = zh_cm_floor;
    } else {
        lpb = zh_cm_logp[ib - 1];
    }
    ia = model_index(a);
    if (ia == 0)
        return unscale(lpb); /* no usable context */
    if (ib != 0) {
        /* Successors of a are sorted by index: lower-bound search. Rows
         * are short (a few dozen on average, at most about 1300). The
         * halving takes no branch on the comparison (the compiler makes it
         * a conditional move): the mojibake rule asks for the successors
         * of one character in every order, which no predictor learns, and
         * the mispredictions cost more than the reads. */
        uint16_t key = (uint16_t)(ib - 1);
        lo = zh_cm_row[ia - 1];
        hi = zh_cm_row[ia];
        if (lo < hi) {
            uint32_t n = hi - lo;
            while (n > 1) {
                uint32_t half = n / 2;
                lo = zh_cm_next[lo + half] < key ? lo + half : lo;
                n -= half;
            }
            lo += zh_cm_next[lo] < key; /* the first at or above key */
        }
        if (lo < hi && zh_cm_next[lo] == key)
            return unscale(zh_cm_pair_logp[lo]);
    }
    return unscale(zh_cm_bow[ia - 1] + lpb);
}

void zh_bigram_logps(uint32_t a, const uint32_t *bs, size_t n, double *out)
{
    uint32_t ia = model_index(a), row, lo, hi, last = 0;

    if (ia == 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = zh_bigram_logp(a, bs[i]);
        return;
    }
    int bow = zh_cm_bow[ia - 1];
    row = lo = zh_cm_row[ia - 1];
    hi = zh_cm_row[ia];
    for (size_t i = 0; i < n; i++) {
        uint32_t ib = model_index(bs[i]);
        if (ib == 0) {
            out[i] = zh_is_han(bs[i]) ? unscale(bow + zh_cm_floor)
                                      : ZH_LOGP_NONHAN;
            continue;
        }
        /* The model lists its characters by code point: a larger b is
         * at or after where the last search ended. */
        if (ib < last)
            lo = row;
        last = ib;
        uint16_t key = (uint16_t)(ib - 1);
        if (lo < hi && zh_cm_next[lo] < key) {
            /* Gallop: the next key is usually near (a lost byte's values
             * are close in code), then halve what is left. */
            uint32_t top = lo + 1, step = 1;
            while (top < hi && zh_cm_next[top] < key) {
                lo = top;
                step *= 2;
                top = lo + step;
            }
            if (top > hi)
                top = hi;
            /* zh_cm_next[lo] < key, and top is hi or at or above key: the
             * first at or above key is in (lo, top]. */
            uint32_t m = top - lo;
            while (m > 1) {
                uint32_t half = m / 2;
                lo = zh_cm_next[lo + half] < key ? lo + half : lo;
                m -= half;
            }
            lo++;
        }
        if (lo < hi && zh_cm_next[lo] == key)
            out[i] = unscale(zh_cm_pair_logp[lo]);
        else
            out[i] = unscale(bow + zh_cm_logp[ib - 1]);
    }
}

void zh_bigram_block_init(zh_bigram_block *bb, uint32_t base, uint64_t mask)
{
    uint64_t known = 0;

    memset(bb, 0, sizeof *bb);
    bb->base = base;
    bb->mask = mask;
    /* The model lists its characters by code point, so those of
     * [base, base + 64) have consecutive indices from the first one at
     * or above base. */
    uint32_t lo = (uint32_t)lower_bound_cp(zh_cm_cp, zh_cm_count, base), hi;
    bb->lo = lo;
    for (hi = lo; hi < zh_cm_count && zh_cm_cp[hi] - base < 64; hi++) {
        unsigned t = zh_cm_cp[hi] - base;
        if (!(mask >> t & 1))
            continue;
        known |= (uint64_t)1 << t;
        /* Insertion into the few likeliest, by unigram. */
        size_t k = bb->ntop < ZH_BIGRAM_TOP ? bb->ntop++ : ZH_BIGRAM_TOP;
        if (k == ZH_BIGRAM_TOP) {
            bb->more = 1;
            if (zh_cm_logp[hi] <= zh_cm_logp[bb->top[k - 1]])
                continue;
            k--;
        }
        while (k > 0 && zh_cm_logp[bb->top[k - 1]] < zh_cm_logp[hi]) {
            bb->top[k] = bb->top[k - 1];
            k--;
        }
        bb->top[k] = (uint16_t)hi;
    }
    bb->hi = hi;
    bb->unknown = (mask & ~known) != 0;
}

/* The best of the characters of bb (mask nonzero) after the character
 * whose backoff weight is bow and whose successors are zh_cm_next[*r ..
 * rend): a's pairs into the block are few (a row holds a few dozen
 * successors among thousands of characters), and of the rest the
 * likeliest alone can be the best, as the backoff weight is a's for all
 * of them. *r moves on past the block, so that a walk over blocks by
 * increasing base continues from there. Scaled like the tables. */
static int block_best(const zh_bigram_block *bb, int bow, uint32_t *r,
                      uint32_t rend)
{
    uint64_t paired = 0;
    int best = INT_MIN;
    size_t j;
    uint32_t p = *r;

    /* The first successor at or above the block: where the walk over
     * the blocks before it ended, or further on. */
    if (p < rend && zh_cm_next[p] < bb->lo) {
        uint32_t hi = rend;
        while (p < hi) {
            uint32_t mid = p + (hi - p) / 2;
            if (zh_cm_next[mid] < bb->lo)
                p = mid + 1;
            else
                hi = mid;
        }
    }
    for (; p < rend && zh_cm_next[p] < bb->hi; p++) {
        unsigned t = zh_cm_cp[zh_cm_next[p]] - bb->base;
        if (!(bb->mask >> t & 1))
            continue;
        paired |= (uint64_t)1 << t;
        if (zh_cm_pair_logp[p] > best)
            best = zh_cm_pair_logp[p];
    }
    *r = p;
    for (j = 0; j < bb->ntop; j++) {
        uint32_t i = bb->top[j];
        if (!(paired >> (zh_cm_cp[i] - bb->base) & 1)) {
            if (bow + zh_cm_logp[i] > best)
                best = bow + zh_cm_logp[i];
            break;
        }
    }
    if (j == bb->ntop && bb->more) {
        /* Every one of the likeliest is paired: the others, one by one. */
        for (uint32_t i = bb->lo; i < bb->hi; i++) {
            unsigned t = zh_cm_cp[i] - bb->base;
            if ((bb->mask >> t & 1) && !(paired >> t & 1) &&
                bow + zh_cm_logp[i] > best)
                best = bow + zh_cm_logp[i];
        }
    }
    /* Han characters the model does not know: the floor, backed off. */
    if (bb->unknown && bow + zh_cm_floor > best)
        best = bow + zh_cm_floor;
    return best;
}

double zh_bigram_best(uint32_t a, const zh_bigram_block *bb)
{
    uint32_t ia, r;
    int best = INT_MIN;

    if (!bb->mask)
        return -HUGE_VAL;
    ia = model_index(a);
    if (ia == 0) {
        /* No context: the unigrams. */
        if (bb->ntop)
            best = zh_cm_logp[bb->top[0]];
        if (bb->unknown && zh_cm_floor > best)
            best = zh_cm_floor;
        return unscale(best);
    }
    r = zh_cm_row[ia - 1];
    return unscale(block_best(bb, zh_cm_bow[ia - 1], &r, zh_cm_row[ia]));
}

/* zh_bigram_best for several blocks after the same a, in one walk of a's
 * successors instead of one search per block: the restoration of a lost
 * second byte of a three-byte sequence asks for the 64 blocks of its lead
 * byte together. The blocks must come by increasing base; each answer is
 * the one zh_bigram_best gives. */
void zh_bigram_best_many(uint32_t a, const zh_bigram_block *const *bbs,
                         size_t n, double *out)
{
    uint32_t ia = model_index(a), r, rend;
    int bow;

    if (ia == 0) {
        for (size_t k = 0; k < n; k++)
            out[k] = zh_bigram_best(a, bbs[k]);
        return;
    }
    bow = zh_cm_bow[ia - 1];
    r = zh_cm_row[ia - 1];
    rend = zh_cm_row[ia];
    for (size_t k = 0; k < n; k++)
        out[k] = bbs[k]->mask ? unscale(block_best(bbs[k], bow, &r, rend))
                              : -HUGE_VAL;
}
