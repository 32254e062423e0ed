/*
 * words.h - the word lexicon (dicts/words.tsv) and what it says about a
 * reading: how well its Han characters segment into words.
 *
 * The character model (data.h) scores each pair of neighbours on its own,
 * so a chain of pairs that each occur inside some word (个个, 个文, 文文 in
 * 一个个文文件) can beat real words (一个, 中文, 文件). A segmentation
 * cannot use overlapping words, so it tells the two apart. Rules use it
 * only to choose among readings of the same bytes they already found,
 * never to decide whether to repair: clean text never reaches it.
 */
#ifndef ZHFIX_WORDS_H
#define ZHFIX_WORDS_H

#include <stddef.h>
#include <stdint.h>

/* Longest word in the lexicon, in characters. */
#define ZH_WORD_MAX 4

/* log P(w) (natural log) of the word made of the n code points at cps,
 * and 1; 0 when they are not a word of the lexicon (n outside
 * 1..ZH_WORD_MAX, a character that is not Han or beyond the BMP, or an
 * unknown word). */
int zh_word_logp(const uint32_t *cps, size_t n, double *logp);

/* 0 when no word of two or more characters ends with a, b (Han
 * characters of the BMP); 1 when one may: a filter that spares a probe
 * of the lexicon for most pairs. */
int zh_words_may_end(uint32_t a, uint32_t b);

/* The cheapest segmentation into words of the text read so far, kept as
 * the text grows one code point at a time: the last ZH_WORD_MAX - 1 code
 * points of the current run of Han characters and the cost of its
 * cheapest segmentation up to each of the last ZH_WORD_MAX positions.
 * Zeroed memory is the empty text. */
typedef struct zh_words_ctx {
    uint32_t last[ZH_WORD_MAX - 1]; /* last[0] the latest; 0 none */
    float cost[ZH_WORD_MAX];        /* cost[k]: up to k code points back */
} zh_words_ctx;

/* Append cp; return what that adds to the text's word cost. A Han
 * character's share is the growth of the cheapest segmentation (a word
 * costs -log P(w); a character no word of its own as a rare word) less
 * the average cost of a character of real text, so a reading is not the
 * dearer for holding more Han characters; the share may be negative. A
 * code point that is not Han adds 0 and ends the words before it. */
double zh_words_push(zh_words_ctx *ctx, uint32_t cp);

/* The word cost of n code points: zh_words_push over them. A caller
 * ranking readings adds ZH_WORDS_WEIGHT times this to their cost. */
double zh_words_cost(const uint32_t *cps, size_t n);

/* Weight of the word cost against the character model's cost when
 * readings of the same bytes are compared: of 0.6, 1.0 and 1.5 the best
 * on a sample of the evaluation's lost-byte corruptions
 * (tests/eval/mojibake_eval.py --seed 7, not the default sample). */
#define ZH_WORDS_WEIGHT 0.6

/* ---- Generated table (src/data_words.c, dicts/gen_words.py) ----------- */
extern const unsigned zh_words_bits;
extern const int16_t zh_words_unknown;
extern const int16_t zh_words_per_char;
extern const uint32_t zh_words_key[]; /* high, low 32 bits of each */
extern const int16_t zh_words_logp[];
extern const int16_t zh_words_single[0x10000]; /* one-character words */
extern const unsigned zh_words_pair_bits;
extern const uint32_t zh_words_pair_ends[]; /* low, high half of each
                                             * 64-bit word */

#endif /* ZHFIX_WORDS_H */
