/*
 * plaus.c - how plausible a reading of a text is.
 *
 * The cost of a sequence is the sum, over its characters, of the cost of
 * the character itself and of its transition from the previous one, in
 * nats. Characters are grouped into classes whose costs reflect how often
 * they occur in real text; the transitions penalise what mojibake produces
 * and real text does not: scripts changing inside a word, a symbol glued
 * between two letters, runs of rare letters. Han characters are scored by
 * the character model of data.h (unigram and bigram log-probabilities from
 * jieba's dictionary and running prose), so a reading made of frequent characters that
 * follow each other in real words beats one made of rare characters.
 */
#include "plaus.h"

#include <math.h>
#include <stdatomic.h>

#include "data.h"
#include "internal.h"

enum cls {
    K_SPACE,
    K_DIGIT,
    K_ALPHA,   /* ASCII letters */
    K_PUNCT,   /* ASCII punctuation */
    K_LATIN,   /* non-ASCII Latin letters */
    K_GREEK,
    K_CYRIL,
    K_LETTER,  /* letters of other alphabets and abjads */
    K_HAN,
    K_KANA,
    K_HANGUL,
    K_CJKP,    /* CJK and general punctuation of prose */
    K_SYMBOL,  /* symbols, math, modifiers */
    K_BOX,     /* box drawing and blocks: they come in runs */
    K_MARK,    /* combining marks */
    K_BAD      /* controls, private use, U+FFFD, noncharacters */
};

static int is_upper_latin(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'A' && cp <= 'Z';
    if (cp >= 0xC0 && cp <= 0xDE)
        return cp != 0xD7;
    if (cp >= 0x100 && cp <= 0x17F)
        return (cp & 1) == (cp >= 0x139 && cp <= 0x148 ? 1 : cp >= 0x179 ? 1 : 0);
    return 0;
}

static enum cls classify_high(uint32_t cp);

static enum cls classify_slow(uint32_t cp)
{
    if (cp >= 0x4E00 && cp <= 0x9FFF)
        return K_HAN; /* the common case first */
    if (cp >= 0x2070)
        return classify_high(cp); /* none of the ranges below reach it */
    if (cp < 0x80) {
        if (cp == ' ' || cp == '\t')
            return K_SPACE;
        if (cp >= '0' && cp <= '9')
            return K_DIGIT;
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
            return K_ALPHA;
        return cp < 0x20 || cp == 0x7F ? K_BAD : K_PUNCT;
    }
    if (cp < 0xA0)
        return K_BAD;
    if (cp == 0xA0)
        return K_SPACE;
    if (cp < 0xC0)
        return K_SYMBOL;
    if (cp <= 0x24F)
        return cp == 0xD7 || cp == 0xF7 ? K_SYMBOL : K_LATIN;
    if (cp < 0x300)
        return K_SYMBOL; /* IPA, spacing modifiers */
    if (cp < 0x370)
        return K_MARK;
    if (cp < 0x400)
        return K_GREEK;
    if (cp < 0x530)
        return K_CYRIL;
    if (cp < 0x1100)
        return K_LETTER;
    if (cp >= 0x1E00 && cp < 0x1F00)
        return K_LATIN; /* Vietnamese and other extended Latin */
    if (cp >= 0x1F00 && cp < 0x2000)
        return K_GREEK;
    if (cp >= 0x2010 && cp <= 0x2027 && cp != 0x201A && cp != 0x201E &&
        (cp < 0x2020 || cp > 0x2023))
        return K_CJKP; /* dashes, quotes, ellipsis of prose */
    if (cp >= 0x2000 && cp < 0x2070)
        return cp == 0x2030 || cp == 0x2039 || cp == 0x203A ? K_SYMBOL
               : cp <= 0x200F || (cp >= 0x2028 && cp <= 0x202F) ? K_BAD
                                                                 : K_SYMBOL;
    return classify_high(cp);
}

/* classify_slow of the BMP by page of 256 code points, each page filled
 * the first time it is asked: the models classify every character they
 * score, the restoration of lost bytes whole blocks of punctuation,
 * fullwidth forms and box drawing, each through a dozen range tests and
 * two calls. A page's state goes from 0 (empty) to 1 (being filled, by
 * the thread that set it) to 2 (ready, read-only from then on); a thread
 * that finds it being filled classifies on its own. */
static uint8_t bmp_class[256][256];
static atomic_uchar bmp_state[256];

static enum cls classify_page(uint32_t cp)
{
    unsigned pg = cp >> 8;
    unsigned char empty = 0;
    if (atomic_compare_exchange_strong(&bmp_state[pg], &empty, 1)) {
        for (unsigned t = 0; t < 256; t++)
            bmp_class[pg][t] = (uint8_t)classify_slow(pg << 8 | t);
        atomic_store_explicit(&bmp_state[pg], 2, memory_order_release);
    }
    return classify_slow(cp);
}

/* The class of cp: the main block of Han at once, the rest of the BMP from
 * its page. */
static inline enum cls classify(uint32_t cp)
{
    if (cp >= 0x4E00 && cp <= 0x9FFF)
        return K_HAN;
    if (cp <= 0xFFFF &&
        atomic_load_explicit(&bmp_state[cp >> 8], memory_order_acquire) == 2)
        return (enum cls)bmp_class[cp >> 8][cp & 255];
    return cp <= 0xFFFF ? classify_page(cp) : classify_slow(cp);
}

/* classify for the code points from U+1100 that the ranges of the Latin,
 * Greek and general punctuation blocks above do not take. */
static enum cls classify_high(uint32_t cp)
{
    if (zh_is_han(cp))
        return K_HAN;
    if (zh_is_kana(cp))
        return K_KANA;
    if (zh_is_cjk_punct(cp) || (cp >= 0x3000 && cp <= 0x303F))
        return K_CJKP;
    /* The Hangul fillers stand for an empty part of a syllable in
     * encoders' tables, never in text. */
    if (cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0)
        return K_BAD;
    if ((cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0x1100 && cp < 0x1200))
        return K_HANGUL;
    if ((cp >= 0xE000 && cp <= 0xF8FF) || cp == 0xFFFD ||
        (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE ||
        cp >= 0xF0000)
        return K_BAD;
    if (cp >= 0xFE20 && cp <= 0xFE2F)
        return K_MARK;
    if (cp >= 0x2500 && cp <= 0x259F)
        return K_BOX;
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        return K_CJKP;
    return K_SYMBOL;
}

/* The emoji of the blocks of supplemental arrows and mathematical symbols
 * (⤴ ⤵ ⬅ ⬆ ⬇ ⬛ ⬜ ⭐ ⭕): posts use them. */
static int math_or_arrow_emoji(uint32_t cp)
{
    return cp == 0x2934 || cp == 0x2935 || (cp >= 0x2B05 && cp <= 0x2B07) ||
           cp == 0x2B1B || cp == 0x2B1C || cp == 0x2B50 || cp == 0x2B55;
}

/* Symbols of blocks that running text does not use, Chinese or Western:
 * Braille patterns (but the blank one, U+2800, which social media posts
 * space with where spaces would be collapsed), the radicals and strokes of
 * dictionaries' indexes (Kangxi radicals, the CJK radicals supplement, CJK
 * strokes), ideographic description characters, Yijing hexagrams, squared
 * katakana, the supplemental arrows and mathematical operators but their
 * emoji, and halfwidth Hangul. GB18030 maps byte pairs to several of them,
 * and GBK text read as UTF-8 makes others, so misreadings make them (鉅扁。
 * read as UTF-8 read as GBK gives ⠱⡣, the GBK bytes of 猕猴镜 are UTF-8's
 * ⨺ﾵ); as rare as a rare character. */
static int rare_symbol(uint32_t cp)
{
    if (cp >= 0x2900 && cp <= 0x2BFF)
        return !math_or_arrow_emoji(cp);
    return (cp >= 0x2801 && cp <= 0x28FF) || (cp >= 0x2E80 && cp <= 0x2FFF) ||
           (cp >= 0x31C0 && cp <= 0x31EF) || (cp >= 0x4DC0 && cp <= 0x4DFF) ||
           (cp >= 0x3300 && cp <= 0x3357) || (cp >= 0xFFA1 && cp <= 0xFFDC);
}

/* Cost of a Han character without context: the model's unigram. */
static double han_cost(uint32_t cp)
{
    return -zh_char_logp(cp);
}

/* Own cost of a character. */
static double char_cost(uint32_t cp, enum cls k)
{
    switch (k) {
    case K_SPACE: return cp == 0xA0 ? 5.0 : 1.5;
    case K_DIGIT: return 2.0;
    case K_ALPHA: return 1.5;
    case K_PUNCT: return 2.5;
    case K_LATIN:
        /* The letters of the Latin-1 row that real text rarely uses but
         * UTF-8 lead bytes turn into. */
        if (cp == 0xC2 || cp == 0xC3 || cp == 0xD0 ||
            cp == 0xDE || cp == 0xF0 || cp == 0xFE || cp == 0x192)
            return 7.0;
        /* Letters of a single orthography each (Catalan's middle-dot L,
         * Afrikaans' 'n, long s, Greenlandic kra, Sami's T with stroke). */
        if (cp == 0x13F || cp == 0x140 || cp == 0x149 || cp == 0x17F ||
            cp == 0x138 || cp == 0x166 || cp == 0x167)
            return 9.0;
        if (cp >= 0x180 && cp <= 0x24F)
            return 7.0; /* Latin Extended-B: African, Romanian, pinyin */
        if (cp >= 0x1E00 && cp < 0x1EA0)
            return 9.0; /* transliteration (ṭ ṣ), Welsh ẃ: Latin Extended
                         * Additional before its Vietnamese letters */
        return is_upper_latin(cp) ? 5.0 : 4.0;
    case K_GREEK:
        return (cp >= 0x391 && cp <= 0x3C9) ? 4.0 : 7.0;
    case K_CYRIL:
        /* Russian's alphabet; then the other modern letters; then the
         * historic and minority-language letters. */
        return (cp >= 0x410 && cp <= 0x44F) ? 4.0 : cp < 0x460 ? 5.0 : 8.0;
    case K_LETTER: return 5.0;
    case K_HAN: return han_cost(cp);
    case K_KANA: return 7.0;
    case K_HANGUL: return 8.0;
    case K_CJKP:
        if (cp >= 0xFF21 && cp <= 0xFF5A)
            return 8.0; /* fullwidth letters */
        if (cp >= 0x2010 && cp <= 0x2015 && cp != 0x2014)
            return cp == 0x2013 ? 4.0 : 6.0; /* rare dashes */
        if (cp == 0x2016 || cp == 0x2017 || cp == 0x2024 || cp == 0x2025)
            return 8.0; /* double bar, low line, one- and two-dot leaders */
        if (cp == 0x3000)
            return 5.0; /* ideographic space: indentation, not prose */
        if (cp == 0x3002 || cp == 0xFF0C)
            return 2.2; /* 。， */
        if (cp == 0x3001)
            return 3.0; /* 、 */
        /* The rest of the CJK symbols block: Hangzhou numerals, postal
         * marks, tone marks and brackets prose hardly uses. */
        if (cp > 0x3003 && cp <= 0x303F && cp != 0x3007 &&
            !zh_is_cjk_punct(cp))
            return cp >= 0x301C && cp <= 0x301F ? 6.0 : 9.0;
        return cp >= 0xFF01 && !zh_is_cjk_punct(cp) ? 6.0 : 3.5;
    case K_SYMBOL:
        if (cp == 0xA9 || cp == 0xAE || cp == 0xB0 || cp == 0xB1 ||
            cp == 0xB7 || cp == 0xD7 || cp == 0xF7 || cp == 0xA7 ||
            cp == 0x2122 || cp == 0x20AC || cp == 0xA3)
            return 5.0;
        if (cp >= 0x2B0 && cp < 0x300)
            return 9.0; /* modifier letters */
        if (cp >= 0x1D00 && cp < 0x1DC0)
            return 11.0; /* phonetic extensions: linguists' notation */
        if (rare_symbol(cp))
            return 12.0;
        return cp < 0x100 ? 6.0 : 7.0;
    case K_BOX: return 6.0;
    case K_MARK: return 8.0;
    case K_BAD: return cp == 0xFFFD ? 10.0 : 14.0;
    }
    return 8.0;
}

/* Script of a letter class for the "script changes inside a word" test:
 * ASCII and other Latin letters are one script. */
static int script(enum cls k)
{
    return k == K_ALPHA ? K_LATIN : (int)k;
}

#define CLS_BIT(k) (1u << (k))
#define CLS_LETTERS                                                        \
    (CLS_BIT(K_ALPHA) | CLS_BIT(K_LATIN) | CLS_BIT(K_GREEK) |              \
     CLS_BIT(K_CYRIL) | CLS_BIT(K_LETTER) | CLS_BIT(K_HAN) |               \
     CLS_BIT(K_KANA) | CLS_BIT(K_HANGUL))

/* Counted in half nats: every term is a multiple of one half, so the sum
 * is exact in any order (and a double's halving of it too). */
static double transition(uint32_t prev, enum cls a, uint32_t cp, enum cls b)
{
    if (!prev)
        return 0.0;
    unsigned ba = CLS_BIT(a), bb = CLS_BIT(b);
    int la = (ba & CLS_LETTERS) != 0, lb = (bb & CLS_LETTERS) != 0;
    int h = 0;
    if (la && lb && script(a) != script(b)) {
        /* Chinese mixes freely with ASCII words and with kana (Japanese). */
        int soft = ((a == K_HAN || b == K_HAN) &&
                    ((ba | bb) & (CLS_BIT(K_ALPHA) | CLS_BIT(K_KANA))));
        h += soft ? 2 : 10;
    }
    if (a == K_LATIN && b == K_LATIN)
        h += 6; /* runs of accented letters */
    if ((ba & (CLS_BIT(K_ALPHA) | CLS_BIT(K_LATIN))) &&
        (bb & (CLS_BIT(K_ALPHA) | CLS_BIT(K_LATIN))) && !is_upper_latin(prev) &&
        is_upper_latin(cp))
        h += b == K_LATIN ? 6 : 2; /* lower then upper case */
    /* Chinese writes its dash doubled (——): a lone em dash is unusual. */
    if ((prev == 0x2014) != (cp == 0x2014))
        h += 3;
    /* Â and Ã end no word of any language; UTF-8 lead bytes C2/C3 before
     * a no-break space (turned into a space) produce exactly that. */
    if ((prev == 0xC2 || prev == 0xC3) && b == K_SPACE)
        h += 6;
    /* A no-break space glued to a word on its right (French puts it
     * before punctuation and inside numbers); an opening quote glued to
     * the letter before it, a closing double quote glued to the letter
     * after it. */
    if (lb && (prev == 0xA0 || prev == 0x201D))
        h += 4;
    if (la && (cp == 0x2018 || cp == 0x201C))
        h += 4;
    /* A frame continues where a line's right arm meets the next one's
     * left arm, or neither has one (│ │, ┐┌); a table's line ends in a
     * character without a right arm before a space or ASCII (─┤ │, not
     * ── │): which of ─ │ ┤ ┐ a lost byte of E2 94 xx was. Chinese
     * writes its dash as ── between Han characters: no cost there. */
    int pbox = 0, cbox = 0;
    unsigned pr = 0, cl = 0;
    if ((ba | bb) & CLS_BIT(K_BOX)) {
        unsigned ps = a == K_BOX ? zh_box_sides(prev) : 0;
        unsigned cs = b == K_BOX ? zh_box_sides(cp) : 0;
        const unsigned ascii = CLS_BIT(K_SPACE) | CLS_BIT(K_DIGIT) |
                               CLS_BIT(K_ALPHA) | CLS_BIT(K_PUNCT);
        pr = ps & ZH_BOX_RIGHT;
        cl = cs & ZH_BOX_LEFT;
        pbox = ps != 0;
        cbox = cs != 0;
        if (a == K_BOX && b == K_BOX)
            h -= pbox && cbox && !pr != !cl ? 0 : 8;
        if (pr && (bb & ascii))
            h += 4;
        if (cl && (ba & ascii))
            h += 4;
    }
    if (prev - 0xFF10u <= 9u && cp - 0xFF10u <= 9u)
        h -= 6; /* so does a number in fullwidth digits (１０４５) */
    /* (A table's border without an arm toward a word of letters is no
     * symbol glued to it: │IP. Next to Han either line may be a dash.) */
    if (la &&
        (bb & (CLS_BIT(K_SYMBOL) | CLS_BIT(K_BOX) | CLS_BIT(K_MARK) |
               CLS_BIT(K_BAD))) &&
        !(cbox && !cl && a != K_HAN))
        h += cp == 0x2122 || cp == 0xAE || b == K_MARK ? 0 : 4;
    if ((ba & (CLS_BIT(K_SYMBOL) | CLS_BIT(K_BOX) | CLS_BIT(K_BAD))) && lb &&
        !(pbox && !pr && b != K_HAN))
        h += 4;
    if (a == K_SYMBOL && b == K_SYMBOL)
        h += 4;
    if (a == K_HAN && (bb & (CLS_BIT(K_SYMBOL) | CLS_BIT(K_LATIN))))
        h += 4;
    return h * 0.5;
}

/* zh_plaus_step with the classes of prev (a, unused when prev is 0) and
 * of cp (b) known. */
static double step_cls(uint32_t prev, enum cls a, uint32_t cp, enum cls b)
{
    if (!prev)
        return char_cost(cp, b);
    if (a == K_HAN && b == K_HAN)
        return -zh_bigram_logp(prev, cp); /* the model's own context */
    return char_cost(cp, b) + transition(prev, a, cp, b);
}

double zh_plaus_step(uint32_t prev, uint32_t cp)
{
    enum cls b = classify(cp);
    if (!prev)
        return char_cost(cp, b);
    return step_cls(prev, classify(prev), cp, b);
}

double zh_plaus_end(uint32_t last, uint32_t first)
{
    unsigned ls = zh_box_sides(last), fs = zh_box_sides(first);
    int h = 0; /* half nats, as transition() counts */
    if (ls & ZH_BOX_RIGHT)
        h += 4;
    if (ls && fs) {
        unsigned mirror = (fs & (ZH_BOX_UP | ZH_BOX_DOWN)) |
                          (fs & ZH_BOX_LEFT ? ZH_BOX_RIGHT : 0) |
                          (fs & ZH_BOX_RIGHT ? ZH_BOX_LEFT : 0);
        if (ls != mirror)
            h += 4;
    }
    return zh_line_end_cost(last) + h * 0.5;
}

void zh_plaus_steps(uint32_t prev, const uint32_t *cps, size_t n, double *out,
                    zh_plaus_memo *m)
{
    enum cls a = prev ? classify(prev) : K_BAD;
    if (a != K_HAN) {
        /* A Han-class character costs its own cost plus a transition from
         * prev that is the same for all of them (transition() reads no
         * particular Han character). */
        double th = 0.0;
        int th_known = 0;
        for (size_t i = 0; i < n; i++) {
            enum cls b = classify(cps[i]);
            if (b == K_HAN) {
                if (!prev) {
                    out[i] = char_cost(cps[i], K_HAN);
                    continue;
                }
                if (!th_known) {
                    th = transition(prev, a, cps[i], K_HAN);
                    th_known = 1;
                }
                out[i] = char_cost(cps[i], K_HAN) + th;
                continue;
            }
            out[i] = m ? zh_plaus_memo_step(m, prev, cps[i])
                       : step_cls(prev, a, cps[i], b);
        }
        return;
    }
    /* The Han characters through one pass over prev's successors: when
     * all are Han (most values of a lost byte in Chinese), straight into
     * out. */
    size_t all = 0;
    /* Most often every one lies in the main block of Han, which classify
     * takes at once: tested without a branch a character first. */
    uint32_t outside = 0;
    for (size_t i = 0; i < n; i++)
        outside |= cps[i] - 0x4E00u > 0x9FFFu - 0x4E00u;
    if (!outside)
        all = n;
    while (all < n && classify(cps[all]) == K_HAN)
        all++;
    if (all == n) {
        zh_bigram_logps(prev, cps, n, out);
        for (size_t i = 0; i < n; i++)
            out[i] = -out[i];
        return;
    }
    uint32_t han[64];
    double lp[64];
    size_t at[64];
    size_t nh = 0;
    for (size_t i = 0; i < n; i++) {
        enum cls b = classify(cps[i]);
        if (b != K_HAN) {
            /* transition() reads no particular Han character before a
             * character of another class (zh_plaus_block_init too). */
            out[i] = m ? zh_plaus_memo_step(m, 0x4E00, cps[i])
                       : step_cls(prev, a, cps[i], b);
            continue;
        }
        han[nh] = cps[i];
        at[nh++] = i;
        if (nh == 64 || i + 1 == n) {
            zh_bigram_logps(prev, han, nh, lp);
            for (size_t j = 0; j < nh; j++)
                out[at[j]] = -lp[j];
            nh = 0;
        }
    }
    if (nh) {
        zh_bigram_logps(prev, han, nh, lp);
        for (size_t j = 0; j < nh; j++)
            out[at[j]] = -lp[j];
    }
}

/* After a Han character, the cost of a Han character is the model's
 * bigram, and that of any other character depends on its class and on
 * the previous one's class only (transition() looks at no particular Han
 * character): so the block splits into the Han characters, whose best is
 * one walk of the model's pairs (zh_bigram_best), and the rest, whose
 * best after a Han character is known in advance. */
void zh_plaus_block_init(zh_plaus_block *blk, uint32_t base, uint64_t mask)
{
    uint64_t han = 0;
    blk->base = base;
    blk->mask = mask;
    blk->other_after_han = HUGE_VAL;
    blk->hanc = 0;
    blk->hanc_min = HUGE_VAL;
    for (unsigned t = 0; t < 64; t++) {
        if (!(mask >> t & 1))
            continue;
        uint32_t cp = base + t;
        blk->cls[t] = (uint8_t)classify(cp);
        if (blk->cls[t] == K_HAN) {
            blk->hanc |= (uint64_t)1 << t;
            if (char_cost(cp, K_HAN) < blk->hanc_min)
                blk->hanc_min = char_cost(cp, K_HAN);
        }
        /* zh_bigram_best wants the characters the model does not know to
         * be Han; a K_HAN code point that is neither has the constant
         * cost of a non-Han one. */
        if (classify(cp) == K_HAN &&
            (zh_is_han(cp) || zh_char_logp(cp) != ZH_LOGP_NONHAN)) {
            han |= (uint64_t)1 << t;
            continue;
        }
        double c = zh_plaus_step(0x4E00 /* 一: any Han character */, cp);
        if (c < blk->other_after_han)
            blk->other_after_han = c;
    }
    zh_bigram_block_init(&blk->han, base, han);
}

double zh_plaus_step_min(const zh_plaus_block *blk, uint32_t prev)
{
    double best = HUGE_VAL;
    enum cls a = prev ? classify(prev) : K_BAD;
    if (a == K_HAN) {
        best = blk->other_after_han;
        if (blk->han.mask) {
            double c = -zh_bigram_best(prev, &blk->han);
            if (c < best)
                best = c;
        }
        return best;
    }
    /* After anything else, what a Han character costs is its own cost
     * plus a transition that does not depend on which Han character it
     * is: the cheapest is the one of least own cost. */
    if (blk->hanc)
        best = prev ? blk->hanc_min + transition(prev, a, 0x4E00, K_HAN)
                    : blk->hanc_min;
    for (unsigned t = 0; t < 64; t++) {
        if (!((blk->mask & ~blk->hanc) >> t & 1))
            continue;
        double c = step_cls(prev, a, blk->base + t, (enum cls)blk->cls[t]);
        if (c < best)
            best = c;
    }
    return best;
}

void zh_plaus_step_mins(const zh_plaus_block *blks, size_t n, uint32_t prev,
                        double *out)
{
    if (!prev || classify(prev) != K_HAN) {
        for (size_t k = 0; k < n; k++)
            out[k] = zh_plaus_step_min(&blks[k], prev);
        return;
    }
    /* As zh_plaus_step_min after a Han character, the model's part of
     * every block in one walk. */
    const zh_bigram_block *han[64];
    double best[64];
    for (size_t at = 0; at < n; at += 64) {
        size_t m = n - at < 64 ? n - at : 64;
        for (size_t k = 0; k < m; k++)
            han[k] = &blks[at + k].han;
        zh_bigram_best_many(prev, han, m, best);
        for (size_t k = 0; k < m; k++) {
            const zh_plaus_block *blk = &blks[at + k];
            double b = blk->other_after_han;
            if (blk->han.mask && -best[k] < b)
                b = -best[k];
            out[at + k] = b;
        }
    }
}

double zh_plaus_memo_fill(zh_plaus_memo *m, size_t h, uint32_t prev,
                          uint32_t cp)
{
    m->e[h].prev = prev;
    m->e[h].cp = cp | ZH_PLAUS_MEMO_SET;
    m->e[h].cost = zh_plaus_step(prev, cp);
    return m->e[h].cost;
}

double zh_plaus_cost(uint32_t prev, const uint32_t *cps, size_t n)
{
    double c = 0.0;
    for (size_t i = 0; i < n; i++) {
        c += zh_plaus_step(prev, cps[i]);
        prev = cps[i];
    }
    return c;
}


