/*
 * words.c - lookups in the word lexicon and the segmentation cost, a
 * max-probability path over the lexicon's words as jieba computes it.
 */
#include "words.h"

#include "data.h"

#define WORDS_HASH_MUL 0x9E3779B97F4A7C15ULL /* dicts/gen_words.py */

/* The key of a word: its characters 16 bits each, the first highest;
 * 0 when it cannot be in the table. */
static uint64_t word_key(const uint32_t *cps, size_t n)
{
    if (n < 1 || n > ZH_WORD_MAX)
        return 0;
    uint64_t key = 0;
    for (size_t i = 0; i < n; i++) {
        if (cps[i] > 0xFFFF || !zh_is_han(cps[i]))
            return 0;
        key = key << 16 | cps[i];
    }
    return key << (16 * (ZH_WORD_MAX - n));
}

/* log P(w) of the word with the key, in 1/ZH_LOGP_SCALE nats; 1 when it
 * is in the table. */
static int lookup(uint64_t key, int *logp)
{
    uint64_t mask = ((uint64_t)1 << zh_words_bits) - 1;
    uint64_t s = (key * WORDS_HASH_MUL) >> (64 - zh_words_bits);
    uint32_t hi = (uint32_t)(key >> 32), lo = (uint32_t)key;
    for (; zh_words_key[2 * s]; s = (s + 1) & mask) {
        if (zh_words_key[2 * s] == hi && zh_words_key[2 * s + 1] == lo) {
            *logp = zh_words_logp[s];
            return 1;
        }
    }
    return 0;
}

int zh_word_logp(const uint32_t *cps, size_t n, double *logp)
{
    uint64_t key = word_key(cps, n);
    int lp;
    if (!key || !lookup(key, &lp))
        return 0;
    *logp = lp / (double)ZH_LOGP_SCALE;
    return 1;
}

int zh_words_may_end(uint32_t a, uint32_t b)
{
    uint64_t bit = (((uint64_t)a << 16 | b) * WORDS_HASH_MUL) >>
                   (64 - zh_words_pair_bits);
    return zh_words_pair_ends[bit >> 5] >> (bit & 31) & 1;
}

double zh_words_push(zh_words_ctx *ctx, uint32_t cp)
{
    if (cp > 0xFFFF || !zh_is_han(cp)) {
        /* Characters beyond the BMP are in no word either: they end the
         * run like any other, costing nothing (they are rare enough for
         * the character model to price). */
        *ctx = (zh_words_ctx){{0}, {0}};
        return 0.0;
    }
    /* The last word ends at cp: cp alone, or cp after the last len - 1
     * (all Han characters of the BMP: only those enter last). Keys as
     * word_key builds them. */
    int lp;
    uint64_t key;
    double best = ctx->cost[0] - zh_words_single[cp] / (double)ZH_LOGP_SCALE;
    uint64_t head = 0; /* the len - 1 characters before cp, as a key */
    size_t maxlen = ctx->last[0] && zh_words_may_end(ctx->last[0], cp)
                        ? ZH_WORD_MAX
                        : 1;
    for (size_t len = 2; len <= maxlen && ctx->last[len - 2]; len++) {
        head |= (uint64_t)ctx->last[len - 2] << 16 * (len - 2);
        key = (head << 16 | cp) << 16 * (ZH_WORD_MAX - len);
        if (lookup(key, &lp) &&
            ctx->cost[len - 1] - lp / (double)ZH_LOGP_SCALE < best)
            best = ctx->cost[len - 1] - lp / (double)ZH_LOGP_SCALE;
    }
    double grew = best - ctx->cost[0];
    for (size_t k = ZH_WORD_MAX - 1; k > 0; k--)
        ctx->cost[k] = ctx->cost[k - 1];
    ctx->cost[0] = (float)best;
    for (size_t k = ZH_WORD_MAX - 2; k > 0; k--)
        ctx->last[k] = ctx->last[k - 1];
    ctx->last[0] = cp;
    return grew - zh_words_per_char / (double)ZH_LOGP_SCALE;
}

double zh_words_cost(const uint32_t *cps, size_t n)
{
    zh_words_ctx ctx = {{0}, {0}};
    double cost = 0.0;
    for (size_t i = 0; i < n; i++)
        cost += zh_words_push(&ctx, cps[i]);
    return cost;
}
