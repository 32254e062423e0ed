/*
 * plaus.h - the plausibility model the encoding rules compare readings
 * with: a cost (negative log-likelihood, in nats) of a sequence of code
 * points. Lower is more plausible. A repair is made only when the repaired
 * reading costs far less than the text as it is.
 */
#ifndef ZHFIX_PLAUS_H
#define ZHFIX_PLAUS_H

#include <stddef.h>
#include <stdint.h>

#include "data.h"

/* Cost of cp after prev (prev 0 at the start of a line): its own cost
 * plus the cost of the transition. */
double zh_plaus_step(uint32_t prev, uint32_t cp);

/* Cost of the line's end after last (>= 0), in a line that begins with
 * first (0 when not known): how much less often lines end after last
 * than after the mark that ends them most often (zh_line_end_cost), and
 * for a line of a frame, a last character whose right arm points on, or
 * that is not the mirror of the first (a row that opens with ├ closes
 * with ┤, one that opens with ┌ with ┐), as a right arm before a space. */
double zh_plaus_end(uint32_t last, uint32_t first);

/* zh_plaus_step(prev, cps[i]) into out[i] for each of the n characters
 * of cps, faster than one call each when prev is Han and cps are in
 * increasing order (the values of a lost byte). The steps the model does
 * not score go through the cache m when it is not NULL (after a Han
 * character, such a step does not depend on which one: they share
 * entries). */
struct zh_plaus_memo;
void zh_plaus_steps(uint32_t prev, const uint32_t *cps, size_t n, double *out,
                    struct zh_plaus_memo *m);

/* The characters base + t (base a multiple of 64, t a set bit of mask)
 * among which a caller looks for the cheapest, e.g. the completions of a
 * UTF-8 sequence missing its last byte; prepared by zh_plaus_block_init
 * for zh_plaus_step_min. */
typedef struct zh_plaus_block {
    uint32_t base;
    uint64_t mask;
    zh_bigram_block han;    /* those the character model scores */
    double other_after_han; /* lowest cost of the rest after a Han
                             * character; HUGE_VAL when there are none */
    uint8_t cls[64];        /* plaus.c's class of each character */
    uint64_t hanc;          /* those of the Han class */
    double hanc_min;        /* their lowest own cost */
} zh_plaus_block;

void zh_plaus_block_init(zh_plaus_block *blk, uint32_t base, uint64_t mask);

/* The lowest zh_plaus_step(prev, c) over the characters c of blk
 * (HUGE_VAL when it has none), in a few table reads where prev is Han. */
double zh_plaus_step_min(const zh_plaus_block *blk, uint32_t prev);

/* zh_plaus_step_min(&blks[k], prev) into out[k] for n blocks by increasing
 * base: after a Han character, one walk of its successors for all of them
 * (zh_bigram_best_many). */
void zh_plaus_step_mins(const zh_plaus_block *blks, size_t n, uint32_t prev,
                        double *out);

/* A cache of zh_plaus_step for a caller that scores the same transitions
 * again and again: direct-mapped, by (prev, cp). Zeroed memory is an
 * empty cache; it is 1 MB, so callers allocate it (the mojibake rule, one
 * per handle). 65536 entries: the restoration of lost bytes scores each
 * value of a byte with the character after it, pairs seen once that
 * evicted the line's own from 4096 (a quarter fewer misses on UTF-8 read
 * as GBK), and at 16384 still made nearly half the misses (on 1 MB of
 * mojibake 1.4% fewer instructions at 65536; 131072 took more CPU time). */
#define ZH_PLAUS_MEMO_BITS 16
typedef struct zh_plaus_memo {
    struct {
        uint32_t prev, cp; /* cp with ZH_PLAUS_MEMO_SET or'ed in; 0 empty */
        double cost;
    } e[(size_t)1 << ZH_PLAUS_MEMO_BITS];
} zh_plaus_memo;
#define ZH_PLAUS_MEMO_SET 0x80000000u /* above every code point */

/* zh_plaus_memo_step's miss: computes, stores in slot h, returns. */
double zh_plaus_memo_fill(zh_plaus_memo *m, size_t h, uint32_t prev,
                          uint32_t cp);
/* zh_plaus_step(prev, cp), from the cache when it holds it. Inline: the
 * restoration of lost bytes asks millions of times per megabyte, and
 * most answers are in the cache. */
static inline double zh_plaus_memo_step(zh_plaus_memo *m, uint32_t prev,
                                        uint32_t cp)
{
    size_t h = (uint32_t)(prev * 0x9E3779B1u ^ cp * 0x85EBCA6Bu) >>
               (32 - ZH_PLAUS_MEMO_BITS);
    if (m->e[h].cp == (cp | ZH_PLAUS_MEMO_SET) && m->e[h].prev == prev)
        return m->e[h].cost;
    return zh_plaus_memo_fill(m, h, prev, cp);
}

/* Cost of n code points following prev (0 for none). */
double zh_plaus_cost(uint32_t prev, const uint32_t *cps, size_t n);

/* 1 for a code point no real text contains where mojibake is repaired:
 * C0/C1 controls other than tab, noncharacters, private use. */
static inline int zh_plaus_forbidden(uint32_t cp)
{
    if (cp < 0x20)
        return cp != '\t';
    if (cp >= 0x7F && cp < 0xA0)
        return 1;
    return (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
           (cp & 0xFFFE) == 0xFFFE || (cp >= 0xD800 && cp <= 0xDFFF);
}

#endif /* ZHFIX_PLAUS_H */
