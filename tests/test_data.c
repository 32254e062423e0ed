/*
 * test_data.c - Check suite for the generated data tables (src/data.h):
 * readings, character model, script classes, data version, the committed
 * TSVs in dicts/ (sorted, no duplicate keys, agree with the compiled
 * tables), and the trigger tables made at build time (checked against
 * glibc's iconv).
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iconv.h>

#define ZH_DATA_TABLES /* the model's rows, to build masks from them */
#include "codec_tables.h"
#include "data.h"
#include "plaus.h"
#include "trigger_classes.h"

#ifndef ZHFIX_SOURCE_DIR
#error "ZHFIX_SOURCE_DIR must name the repository root"
#endif

/* ---- Build-time trigger tables (src/gen/trigger_classes.c) ------------ */

/* The code point glibc's iconv decodes the bytes b[0..n) of encoding to,
 * when they make exactly one character; else 0. iconv is not what the
 * tables were built from (the charmaps through gen_codec_tables.py), so
 * the tables are checked against another reading of the same codes. */
static uint32_t iconv_one(const char *encoding, const unsigned char *b,
                          size_t n)
{
    iconv_t cd = iconv_open("UTF-32LE", encoding);
    ck_assert_msg(cd != (iconv_t)-1, "iconv cannot read %s", encoding);
    char in[4], out[8];
    memcpy(in, b, n);
    char *ip = in, *op = out;
    size_t il = n, ol = sizeof out;
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    if (r == (size_t)-1 || il != 0 || ol != sizeof out - 4)
        return 0;
    return (uint32_t)(unsigned char)out[0] |
           (uint32_t)(unsigned char)out[1] << 8 |
           (uint32_t)(unsigned char)out[2] << 16 |
           (uint32_t)(unsigned char)out[3] << 24;
}

/* Every character a single-byte code page decodes a UTF-8 lead byte
 * (C2-F4) to carries that page's bit in zh_trig_sb_lead, and every one it
 * decodes a continuation byte (80-BF) to carries it in zh_trig_sb_cont:
 * the triggers pass must find each line UTF-8 read as that page makes. */
START_TEST(test_trigger_sb_bits_agree_with_iconv)
{
    static const char *const names[ZH_SB_COUNT] = {
        [ZH_SB_CP1252] = "CP1252",        [ZH_SB_CP1250] = "CP1250",
        [ZH_SB_CP1251] = "CP1251",        [ZH_SB_CP1257] = "CP1257",
        [ZH_SB_ISO8859_2] = "ISO-8859-2", [ZH_SB_MACROMAN] = "MACINTOSH",
        [ZH_SB_CP437] = "IBM437"};
    size_t checked = 0;
    for (int sb = 0; sb < ZH_SB_COUNT; sb++) {
        for (unsigned b = 0x80; b <= 0xF4; b++) {
            unsigned char byte = (unsigned char)b;
            uint32_t cp = iconv_one(names[sb], &byte, 1);
            if (!cp || cp > 0xFFFF || (b > 0xBF && b < 0xC2))
                continue; /* undefined in iconv; C0 C1 lead nothing */
            const uint8_t *table =
                b >= 0xC2 ? zh_trig_sb_lead : zh_trig_sb_cont;
            ck_assert_msg(table[cp] & (1u << sb),
                          "%s byte %02X = U+%04X lacks its %s bit", names[sb],
                          b, (unsigned)cp, b >= 0xC2 ? "lead" : "continuation");
            checked++;
        }
    }
    ck_assert_uint_gt(checked, 700);
}
END_TEST

/* UTF-8 Chinese read as GBK or Big5 begins with the pair of a lead byte
 * E4-E9 and a continuation byte: the character that pair decodes to must
 * start that chain's mojibake in zh_trig_moji8 (中 = E4 B8 AD shows 涓 =
 * E4 B8 in GBK), or the pass would leave such lines cold. Big5 pairs only
 * the continuation bytes A1-BF. */
START_TEST(test_trigger_starts_agree_with_iconv)
{
    static const struct {
        const char *encoding;
        unsigned bit;
    } chains[] = {{"GB18030", MOJI_START_GBK}, {"BIG5", MOJI_START_BIG5}};
    for (size_t c = 0; c < sizeof chains / sizeof chains[0]; c++) {
        size_t checked = 0;
        for (unsigned lead = 0xE4; lead <= 0xE9; lead++)
            for (unsigned cont = 0x80; cont <= 0xBF; cont++) {
                unsigned char pair[2] = {(unsigned char)lead,
                                         (unsigned char)cont};
                uint32_t cp = iconv_one(chains[c].encoding, pair, 2);
                if (!cp || cp > 0xFFFF || (cp >= 0xE000 && cp <= 0xF8FF))
                    continue; /* undefined, or the user-defined area */
                ck_assert_msg(zh_trig_moji8[cp] & chains[c].bit,
                              "%s %02X %02X = U+%04X does not start mojibake",
                              chains[c].encoding, lead, cont, (unsigned)cp);
                ck_assert_msg(zh_trig_cls[cp] & (chains[c].bit << MOJI_SHIFT),
                              "%s %02X %02X = U+%04X: slow path lacks the bit",
                              chains[c].encoding, lead, cont, (unsigned)cp);
                checked++;
            }
        ck_assert_uint_gt(checked, 150);
    }
}
END_TEST

/* The characters that are triggers by themselves take the slow path. */
START_TEST(test_trigger_singles)
{
    static const struct {
        uint32_t cp;
        unsigned bit;
    } cases[] = {{0xFFFD, ZH_TRIG_FFFD},      {0x951F, ZH_TRIG_GARBAGE},
                 {0x200B, ZH_TRIG_INVISIBLE}, {0xFEFF, ZH_TRIG_INVISIBLE},
                 {0x3002, CLASS_MARK},        {0xFF0C, CLASS_MARK},
                 {0xFF21, ZH_TRIG_FULLWIDTH}, {0xFF10, ZH_TRIG_FULLWIDTH}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ck_assert_msg(zh_trig_cls[cases[i].cp] & cases[i].bit,
                      "U+%04X lacks its trigger", (unsigned)cases[i].cp);
        ck_assert_msg(zh_trig_moji8[cases[i].cp] & SLOW8,
                      "U+%04X not on the slow path", (unsigned)cases[i].cp);
    }
    /* and plain prose does not: 中 文 and ASCII letters */
    ck_assert_uint_eq(zh_trig_cls[0x4E2D] & 0xFF, 0);
    ck_assert_uint_eq(zh_trig_cls[0x6587] & 0xFF, 0);
    ck_assert_uint_eq(zh_trig_moji8['a'] & SLOW8, 0);
}
END_TEST

/* ---- Readings ---------------------------------------------------------- */

struct reading_case {
    uint32_t cp;
    const char *syllable;
    int toneless; /* use zh_reading_matches_toneless */
    int expect;
};

static const struct reading_case reading_cases[] = {
    {0x7522, "chǎn", 0, 1},          /* 產 */
    {0x7522, "chan3", 0, 1},
    {0x7522, "CHAN3", 0, 1},
    {0x7522, "Chǎn", 0, 1},
    {0x7522, "cha\xcc\x8cn", 0, 1},   /* combining caron */
    {0x7522, "zhōng", 0, 0},
    {0x7522, "chan4", 0, 0},
    {0x7522, "chan", 0, 0},           /* no tone: neutral */
    {0x7522, "chan", 1, 1},
    {0x7522, "chàn", 1, 1},
    {0x7522, "zhan", 1, 0},
    {0x7522, "chǎn3", 0, 1},          /* mark and number agree */
    {0x7522, "chǎn2", 0, 0},          /* ... or not */
    {0x7522, "chan3x", 0, 0},
    {0x7522, "", 0, 0},
    {0x7522, "ch an3", 0, 0},
    {0x4EA7, "chǎn", 0, 1},          /* 产 */
    {0x4E1A, "yè", 0, 1},            /* 业 */
    {0x4E1A, "ye4", 0, 1},
    {0x4E1A, "yē", 0, 0},
    {0x4E86, "le", 0, 1},            /* 了 */
    {0x4E86, "le5", 0, 1},
    {0x4E86, "le0", 0, 1},
    {0x4E86, "liǎo", 0, 1},
    {0x4E86, "liao3", 0, 1},
    {0x4E86, "le4", 0, 0},
    {0x5973, "nǚ", 0, 1},            /* 女 */
    {0x5973, "nv3", 0, 1},
    {0x5973, "NV3", 0, 1},
    {0x5973, "nü3", 0, 1},
    {0x5973, "nu:3", 0, 1},
    {0x5973, "Nǚ", 0, 1},
    {0x5973, "nu\xcc\x88\xcc\x8c", 0, 1}, /* u + combining diaeresis, caron */
    {0x5973, "nu3", 0, 0},            /* 努's nǔ is another syllable */
    {0x5973, "nu", 1, 0},
    {0x5973, "nv", 1, 1},
    {0x5C45, "jū", 0, 1},            /* 居: ju is jü */
    {0x5C45, "jv1", 0, 1},
    {0x5C45, "jü1", 0, 1},
    {0x7EFF, "lǜ", 0, 1},            /* 绿 */
    {0x7EFF, "lv4", 0, 1},
    {0x7EFF, "lù", 0, 1},
    {0x6B38, "ê̄", 0, 1},             /* 欸: ê with combining macron */
    {0x6B38, "ê1", 0, 1},
    {0x6B38, "ế", 0, 1},
    {0x6B38, "e1", 0, 0},
    {0x5463, "ḿ", 0, 1},             /* 呣 */
    {0x5463, "m2", 0, 1},
    {0x5463, "m4", 0, 1},
    {0x55EF, "ňg", 0, 1},            /* 嗯 */
    {0x55EF, "ng3", 0, 1},
    {0x4E2D, "zhōng", 0, 1},         /* 中 */
    {0x4E2D, "zhong4", 0, 1},
    {0x4E2D, "zhong6", 0, 0},
    {0x0041, "a1", 0, 0},             /* not Han */
    {0x110000, "a1", 0, 0},           /* not a code point */
};

START_TEST(test_reading_matches)
{
    const struct reading_case *c = &reading_cases[_i];
    int got = c->toneless
                  ? zh_reading_matches_toneless(c->cp, c->syllable,
                                                strlen(c->syllable))
                  : zh_reading_matches(c->cp, c->syllable,
                                       strlen(c->syllable));

    ck_assert_msg(got == c->expect, "U+%04X %s%s: got %d, want %d",
                  (unsigned)c->cp, c->syllable,
                  c->toneless ? " (toneless)" : "", got, c->expect);
}
END_TEST

struct canon_case {
    const char *in;
    const char *out; /* "" when not a syllable */
    int tone;
};

static const struct canon_case canon_cases[] = {
    {"Nǚ", "nv3", 3},       {"le", "le5", 5},        {"LE0", "le5", 5},
    {"zhōng", "zhong1", 1}, {"jü", "ju5", 5},        {"qv4", "qu4", 4},
    {"lu:e4", "lve4", 4},   {"ê̄", "ê1", 1},          {"ǹg", "ng4", 4},
    {"", "", 0},            {"3", "", 0},            {"ā́", "", 0},
    {"zhōng2", "", 0},      {"ch\xff", "", 0},       {"a-b", "", 0},
    {"zhuangzhuang1", "", 0},
};

START_TEST(test_syllable_canonical)
{
    const struct canon_case *c = &canon_cases[_i];
    char out[ZH_SYL_SIZE];
    int tone = zh_syllable_canonical(c->in, strlen(c->in), out);

    ck_assert_msg(tone == c->tone && strcmp(out, c->out) == 0,
                  "%s: got \"%s\" tone %d, want \"%s\" tone %d", c->in, out,
                  tone, c->out, c->tone);
}
END_TEST

START_TEST(test_readings_list)
{
    const char *r[16];
    size_t n = zh_readings(0x4E86, r, 16); /* 了 */
    size_t i;
    int liao = 0;

    ck_assert_uint_ge(n, 2);
    ck_assert_str_eq(r[0], "le"); /* customary reading first */
    for (i = 0; i < n; i++)
        liao |= strcmp(r[i], "liǎo") == 0;
    ck_assert(liao);
    ck_assert_uint_eq(zh_readings(0x4E86, NULL, 0), n);
    ck_assert_uint_eq(zh_readings(0x0041, r, 16), 0);
}
END_TEST

START_TEST(test_reading_chars)
{
    const uint32_t *cps;
    size_t n = zh_reading_chars("chan3", 5, &cps);
    size_t i;
    int simp = 0, trad = 0;

    ck_assert_uint_gt(n, 2);
    for (i = 0; i < n; i++) {
        simp |= cps[i] == 0x4EA7;
        trad |= cps[i] == 0x7522;
        if (i > 0)
            ck_assert_uint_lt(cps[i - 1], cps[i]);
    }
    ck_assert(simp && trad);
    ck_assert_uint_eq(zh_reading_chars("xyz1", 4, &cps), 0);
    ck_assert_ptr_null(cps);
}
END_TEST

/* ---- Character model --------------------------------------------------- */

struct logp_case {
    const char *what;
    uint32_t a1, b1; /* b1 == 0: unigram of a1; else bigram a1 -> b1 */
    uint32_t a2, b2;
    double margin; /* first must exceed second by this many nats */
};

static const struct logp_case logp_cases[] = {
    {"的 vs 鍳", 0x7684, 0, 0x9373, 0, 8.0},
    {"中 vs 涓", 0x4E2D, 0, 0x6D93, 0, 3.0},
    {"產 (Traditional) vs 鍳", 0x7522, 0, 0x9373, 0, 5.0},
    {"rare known vs unknown Han", 0x6783, 0, 0x2A6D6, 0, 0.0},
    {"中文 vs 涓枃", 0x4E2D, 0x6587, 0x6D93, 0x6783, 6.0},
    {"中文 vs 中枃", 0x4E2D, 0x6587, 0x4E2D, 0x6783, 3.0},
    {"產生 vs 産生", 0x7522, 0x751F, 0x7523, 0x751F, 1.0},
    {"P(文|中) vs P(文)", 0x4E2D, 0x6587, 0x6587, 0, 0.5},
};

static double logp_of(uint32_t a, uint32_t b)
{
    return b == 0 ? zh_char_logp(a) : zh_bigram_logp(a, b);
}

START_TEST(test_logp_order)
{
    const struct logp_case *c = &logp_cases[_i];
    double x = logp_of(c->a1, c->b1), y = logp_of(c->a2, c->b2);

    ck_assert_msg(x > y + c->margin, "%s: %.2f vs %.2f (margin %.1f)",
                  c->what, x, y, c->margin);
    ck_assert_msg(x < 0.0 && y < 0.0, "%s: log-probs must be negative",
                  c->what);
}
END_TEST

START_TEST(test_logp_edges)
{
    double floor = zh_char_logp(0x2A6D6); /* unknown Han: the floor */

    ck_assert(floor < -15.0 && floor > -25.0);
    ck_assert(zh_char_logp(0x0041) == ZH_LOGP_NONHAN);
    ck_assert(zh_char_logp(0xFFFFFFFFu) == ZH_LOGP_NONHAN);
    ck_assert(zh_bigram_logp(0x4E2D, 0x0041) == ZH_LOGP_NONHAN);
    /* No context: the unigram. */
    ck_assert(zh_bigram_logp(0x0041, 0x4E2D) == zh_char_logp(0x4E2D));
    ck_assert(zh_bigram_logp(0x2A6D6, 0x4E2D) == zh_char_logp(0x4E2D));
    /* Unknown successor of a known character: backoff weight + floor. */
    ck_assert(zh_bigram_logp(0x4E2D, 0x2A6D6) <= floor);
}
END_TEST

/* zh_bigram_logp's search of a row finds exactly what a walk of the row
 * finds: for every character of the model, each of its successors gets the
 * stored pair, and the characters just before and after each (and the
 * first and last of the model) the backoff weight plus their unigram
 * unless they are successors too. Rows of every length are there, from
 * none to the longest. */
START_TEST(test_bigram_lookup_rows)
{
    for (uint32_t ia = 0; ia < zh_cm_count; ia++) {
        uint32_t lo = zh_cm_row[ia], hi = zh_cm_row[ia + 1];
        uint32_t probes[3];
        for (uint32_t k = lo; k <= hi; k++) {
            size_t np = 0;
            if (k < hi) {
                probes[np++] = zh_cm_next[k];
                if (zh_cm_next[k] > 0)
                    probes[np++] = zh_cm_next[k] - 1u;
                if (zh_cm_next[k] + 1u < zh_cm_count)
                    probes[np++] = zh_cm_next[k] + 1u;
            } else {
                probes[np++] = 0;
                probes[np++] = zh_cm_count - 1;
            }
            for (size_t j = 0; j < np; j++) {
                uint32_t ib = probes[j];
                int want = zh_cm_bow[ia] + zh_cm_logp[ib];
                for (uint32_t r = lo; r < hi; r++) /* the plain walk */
                    if (zh_cm_next[r] == ib)
                        want = zh_cm_pair_logp[r];
                double got = zh_bigram_logp(zh_cm_cp[ia], zh_cm_cp[ib]);
                /* Plain comparisons: Check records every passing one. */
                if (got != (double)want / ZH_LOGP_SCALE)
                    ck_abort_msg("U+%04X U+%04X: %.2f, want %.2f",
                                 (unsigned)zh_cm_cp[ia],
                                 (unsigned)zh_cm_cp[ib], got,
                                 (double)want / ZH_LOGP_SCALE);
            }
        }
    }
}
END_TEST

#define N_PREV (sizeof prev_cases / sizeof prev_cases[0] + 24)

/* A small deterministic generator for the sampled masks below. */
static uint64_t mix64(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Characters before a block: Han the model knows (common and rare), Han
 * it does not, and the other classes plaus.c tells apart. */
static const uint32_t prev_cases[] = {
    0, 0x4E00, 0x4E2D, 0x6587, 0x7684, 0x662F, 0x8BF4, 0x9F98, 0x4E28,
    0x3400, 0x4DB5, 0x2A6D6, 0xF900, 0x9FEF, 0x9FFF, 'A', 'z', '7', ' ',
    ',', 0xA0, 0xC2, 0xC3, 0xE9, 0xC9, 0x2014, 0x201C, 0x201D, 0x2018,
    0x3001, 0x3002, 0x300A, 0xFF0C, 0xFF21, 0x3042, 0xAC00, 0x0416,
    0x03B1, 0x2500, 0x00A9, 0xFFFD, 0x0301, 0xE000};

/* The oracle: the largest zh_bigram_logp(a, base + t) over the set bits t
 * of mask, one lookup each (-HUGE_VAL for an empty mask). */
static double best_by_walk(uint32_t a, uint32_t base, uint64_t mask)
{
    double best = -HUGE_VAL;
    for (unsigned t = 0; t < 64; t++)
        if (mask >> t & 1) {
            double x = zh_bigram_logp(a, base + t);
            if (x > best)
                best = x;
        }
    return best;
}

/* zh_bigram_best is the largest zh_bigram_logp over its mask. */
START_TEST(test_bigram_best_agrees)
{
    uint64_t seed = 0x9E3779B97F4A7C15u;
    for (uint32_t base = 0x3400; base < 0xA000; base += 64) {
        /* The characters the precondition allows: Han, or known. */
        uint64_t allowed = 0;
        for (unsigned t = 0; t < 64; t++)
            if (zh_is_han(base + t) ||
                zh_char_logp(base + t) != ZH_LOGP_NONHAN)
                allowed |= (uint64_t)1 << t;
        uint64_t masks[3] = {allowed, allowed & mix64(&seed),
                             allowed & mix64(&seed) & mix64(&seed)};
        zh_bigram_block bb[3];
        for (int m = 0; m < 3; m++)
            zh_bigram_block_init(&bb[m], base, masks[m]);
        for (size_t pi = 0; pi < N_PREV; pi++) {
            /* The listed characters, then a Han character varying with the
             * block so that many rows of the model are walked. */
            uint32_t a = pi < sizeof prev_cases / sizeof prev_cases[0]
                             ? prev_cases[pi]
                             : 0x4E00 + (uint32_t)((base * 7 + pi * 331) % 0x51A6);
            for (int m = 0; m < 3; m++) {
                double want = best_by_walk(a, base, masks[m]);
                ck_assert_msg(zh_bigram_best(a, &bb[m]) == want,
                              "U+%04X after U+%04X, mask %d", base,
                              (unsigned)a, m);
            }
        }
    }
    zh_bigram_block none;
    zh_bigram_block_init(&none, 0x4E00, 0);
    ck_assert(zh_bigram_best(0x4E2D, &none) == -HUGE_VAL);
}
END_TEST

/* Blocks where the characters a pairs with are most of the mask, so
 * that the likeliest ones zh_bigram_best looks at first are all paired
 * and it walks the rest. (A pair is at least as likely as the backoff
 * of the same character, so there the pairs nearly always decide; the
 * walk keeps the answer exact where rounding would not.) */
START_TEST(test_bigram_best_paired)
{
    static const uint32_t common[] = {0x7684, 0x4E00, 0x662F, 0x4E0D,
                                      0x4E86, 0x4EBA, 0x5728, 0x6709,
                                      0x4E2D, 0x5927, 0x5B50, 0x4E3A};
    uint64_t seed = 0x5851F42D4C957F2Du;
    size_t fallbacks = 0;
    for (size_t k = 0; k < sizeof common / sizeof common[0]; k++) {
        uint32_t a = common[k];
        uint32_t lo = 0, hi = zh_cm_count;
        while (lo < hi) { /* a's model index */
            uint32_t mid = lo + (hi - lo) / 2;
            if (zh_cm_cp[mid] < a)
                lo = mid + 1;
            else
                hi = mid;
        }
        ck_assert(lo < zh_cm_count && zh_cm_cp[lo] == a);
        for (uint32_t r = zh_cm_row[lo]; r < zh_cm_row[lo + 1];) {
            uint32_t base = zh_cm_cp[zh_cm_next[r]] & ~63u;
            uint64_t paired = 0;
            for (; r < zh_cm_row[lo + 1] &&
                   (zh_cm_cp[zh_cm_next[r]] & ~63u) == base;
                 r++)
                paired |= (uint64_t)1 << (zh_cm_cp[zh_cm_next[r]] - base);
            uint64_t others = 0;
            for (unsigned t = 0; t < 64; t++)
                if (zh_is_han(base + t) && !(paired >> t & 1))
                    others |= (uint64_t)1 << t;
            /* The pairs with one, two or a few others, or alone. */
            uint64_t x = mix64(&seed);
            uint64_t masks[4] = {paired | (others & x & (x >> 17) & (x >> 33)),
                                 paired | (others & mix64(&seed)),
                                 paired, paired | others};
            for (int m = 0; m < 4; m++) {
                zh_bigram_block bb;
                zh_bigram_block_init(&bb, base, masks[m]);
                double want = best_by_walk(a, base, masks[m]);
                ck_assert_msg(zh_bigram_best(a, &bb) == want,
                              "U+%04X after U+%04X, mask %d", base,
                              (unsigned)a, m);
                fallbacks += bb.more && __builtin_popcountll(paired) >
                                            ZH_BIGRAM_TOP;
            }
        }
    }
    ck_assert(fallbacks > 0); /* the case this test is for did occur */
}
END_TEST

/* The cache answers what zh_plaus_step does, through collisions and
 * for the zero code point an empty entry looks like. */
START_TEST(test_plaus_memo_agrees)
{
    zh_plaus_memo *m = calloc(1, sizeof *m);
    uint64_t seed = 0x853C49E6748FEA9Bu;
    ck_assert(m != NULL);
    ck_assert(zh_plaus_memo_step(m, 0, 0) == zh_plaus_step(0, 0));
    for (int k = 0; k < 200000; k++) {
        uint64_t x = mix64(&seed);
        /* Few distinct pairs at first, so that they come back; then many. */
        uint32_t range = k < 100000 ? 600 : 0x11000;
        uint32_t prev = x % 7 == 0 ? 0 : 0x3000 + (uint32_t)(x >> 8) % range;
        uint32_t cp = x % 11 == 0 ? (uint32_t)(x >> 40) % 0x80
                                  : 0x4E00 + (uint32_t)(x >> 24) % range;
        if (zh_plaus_memo_step(m, prev, cp) != zh_plaus_step(prev, cp))
            ck_abort_msg("U+%04X after U+%04X", (unsigned)cp, (unsigned)prev);
    }
    free(m);
}
END_TEST

/* zh_plaus_step_min is the lowest zh_plaus_step over its block, for
 * every block of three-byte UTF-8 (BMP from U+0800). */
START_TEST(test_plaus_step_min_agrees)
{
    uint64_t seed = 0x2545F4914F6CDD1Du;
    for (uint32_t base = 0x800; base < 0x10000; base += 64) {
        uint64_t all = 0;
        for (unsigned t = 0; t < 64; t++)
            if ((base + t < 0xD800 || base + t > 0xDFFF) &&
                !zh_plaus_forbidden(base + t))
                all |= (uint64_t)1 << t;
        uint64_t masks[2] = {all, all & mix64(&seed)};
        for (int m = 0; m < 2; m++) {
            zh_plaus_block blk;
            zh_plaus_block_init(&blk, base, masks[m]);
            for (size_t pi = 0; pi < N_PREV; pi += 3) {
                uint32_t prev =
                    pi < sizeof prev_cases / sizeof prev_cases[0]
                        ? prev_cases[pi]
                        : 0x4E00 + (uint32_t)((base * 13 + pi * 97) % 0x51A6);
                double want = HUGE_VAL;
                for (unsigned t = 0; t < 64; t++)
                    if (masks[m] >> t & 1) {
                        double x = zh_plaus_step(prev, base + t);
                        if (x < want)
                            want = x;
                    }
                ck_assert_msg(zh_plaus_step_min(&blk, prev) == want,
                              "U+%04X after U+%04X, mask %d", base,
                              (unsigned)prev, m);
            }
        }
    }
}
END_TEST

/* Every step of the plausibility model costs >= 0 (plaus.h): the encoding
 * rules stop weighing a reading once what it has cost so far reaches
 * what they would keep (window_cost_from, fill_fast, fill_run, the
 * stream beam), which is exact only so. Holds when no log-probability of
 * the character model, backed off or not, is above 0. */
START_TEST(test_model_logps_at_most_zero)
{
    int max_logp = zh_cm_floor, max_bow = INT_MIN, max_pair = INT_MIN;
    for (uint32_t i = 0; i < zh_cm_count; i++) {
        if (zh_cm_logp[i] > max_logp)
            max_logp = zh_cm_logp[i];
        if (zh_cm_bow[i] > max_bow)
            max_bow = zh_cm_bow[i];
    }
    for (uint32_t r = 0; r < zh_cm_row[zh_cm_count]; r++)
        if (zh_cm_pair_logp[r] > max_pair)
            max_pair = zh_cm_pair_logp[r];
    ck_assert_int_le(max_logp, 0);
    ck_assert_int_le(max_pair, 0);
    ck_assert_int_le(max_bow + max_logp, 0);
}
END_TEST

/* zh_plaus_steps answers what zh_plaus_step does for each character: the
 * 64 values of one byte of three-byte UTF-8 at each of its places (in
 * increasing order, as try_fill asks), then in a shuffled order, after
 * Han and other characters. */
START_TEST(test_plaus_steps_agree)
{
    uint64_t seed = 0x9E3779B97F4A7C15u;
    zh_plaus_memo *m = calloc(1, sizeof *m);
    ck_assert(m != NULL);
    for (uint32_t base = 0x800; base < 0x10000; base += 64) {
        for (int stride = 1; stride <= 64; stride += 63) {
            uint32_t cps[64];
            double got[64];
            size_t n = 0;
            /* Stride 64: the second byte varies, the third is the one
             * base's second byte would be (each set once per 4096). */
            uint32_t b0 = stride == 1 ? base
                                      : (base & 0xF000) | ((base >> 6) & 63);
            for (unsigned t = 0; t < 64; t++) {
                uint32_t cp = b0 + t * (uint32_t)stride;
                if ((cp < 0xD800 || cp > 0xDFFF) && !zh_plaus_forbidden(cp))
                    cps[n++] = cp;
            }
            for (int order = 0; order < 1 + ((base >> 6) % 4 == 0); order++) {
                if (order == 1)
                    for (size_t i = n; i > 1; i--) {
                        size_t j = mix64(&seed) % i;
                        uint32_t x = cps[i - 1];
                        cps[i - 1] = cps[j];
                        cps[j] = x;
                    }
                for (size_t pi = (base >> 6) % 7; pi < N_PREV; pi += 7) {
                    uint32_t prev =
                        pi < sizeof prev_cases / sizeof prev_cases[0]
                            ? prev_cases[pi]
                            : 0x4E00 +
                                  (uint32_t)((base * 13 + pi * 97) % 0x51A6);
                    for (int cached = 0; cached < 2; cached++) {
                        zh_plaus_steps(prev, cps, n, got, cached ? m : NULL);
                        for (size_t i = 0; i < n; i++)
                            ck_assert_msg(got[i] ==
                                              zh_plaus_step(prev, cps[i]),
                                          "U+%04X after U+%04X%s",
                                          (unsigned)cps[i], (unsigned)prev,
                                          cached ? " (cached)" : "");
                    }
                }
            }
        }
    }
    free(m);
}
END_TEST

/* ---- Script ------------------------------------------------------------ */

struct script_case {
    uint32_t cp;
    int han;
    int cls;
};

static const struct script_case script_cases[] = {
    {0x4EA7, 1, ZH_SCRIPT_SIMPLIFIED},  /* 产 */
    {0x7522, 1, ZH_SCRIPT_TRADITIONAL}, /* 產 */
    {0x4E2D, 1, ZH_SCRIPT_BOTH},        /* 中 */
    {0x540E, 1, ZH_SCRIPT_BOTH},        /* 后: also a Traditional character */
    {0x5F8C, 1, ZH_SCRIPT_TRADITIONAL}, /* 後 */
    {0x4E3A, 1, ZH_SCRIPT_SIMPLIFIED},  /* 为 */
    {0x70BA, 1, ZH_SCRIPT_TRADITIONAL}, /* 為 */
    {0x88E1, 1, ZH_SCRIPT_TRADITIONAL}, /* 裡 */
    {0x3400, 1, ZH_SCRIPT_BOTH},        /* first of Extension A */
    {0x323AF, 1, ZH_SCRIPT_BOTH},       /* last of Extension H */
    {0xF900, 1, ZH_SCRIPT_BOTH},        /* compatibility ideograph */
    {0x0041, 0, ZH_SCRIPT_BOTH},
    {0x3002, 0, ZH_SCRIPT_BOTH},        /* 。 */
    {0x4DC0, 0, ZH_SCRIPT_BOTH},        /* hexagram after Extension A */
    {0x110000, 0, ZH_SCRIPT_BOTH},
    {0xFFFFFFFFu, 0, ZH_SCRIPT_BOTH},
};

START_TEST(test_script_class)
{
    const struct script_case *c = &script_cases[_i];

    ck_assert_msg(zh_is_han(c->cp) == c->han, "U+%04X: is_han %d",
                  (unsigned)c->cp, zh_is_han(c->cp));
    ck_assert_msg(zh_script_class(c->cp) == c->cls, "U+%04X: class %d",
                  (unsigned)c->cp, zh_script_class(c->cp));
}
END_TEST

/* ---- Version ----------------------------------------------------------- */

START_TEST(test_data_version)
{
    const char *v = zh_data_version();

    ck_assert_ptr_nonnull(v);
    ck_assert_uint_gt(strlen(v), 0);
    ck_assert_ptr_nonnull(strstr(v, "Unihan"));
    ck_assert_ptr_nonnull(strstr(v, "jieba"));
    ck_assert_ptr_nonnull(strstr(v, "OpenCC"));
}
END_TEST

/* ---- Committed TSVs ---------------------------------------------------- */

/* Decode one UTF-8 character at *s; 0 on malformed input. Only used on
 * the committed tables, which are valid UTF-8 by construction. */
static uint32_t decode(const char **s)
{
    const unsigned char *p = (const unsigned char *)*s;
    uint32_t cp;
    int n, k;

    if (p[0] < 0x80) {
        cp = p[0];
        n = 1;
    } else if ((p[0] & 0xE0) == 0xC0) {
        cp = p[0] & 0x1Fu;
        n = 2;
    } else if ((p[0] & 0xF0) == 0xE0) {
        cp = p[0] & 0x0Fu;
        n = 3;
    } else if ((p[0] & 0xF8) == 0xF0) {
        cp = p[0] & 0x07u;
        n = 4;
    } else {
        return 0;
    }
    for (k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[k] & 0x3Fu);
    }
    *s += n;
    return cp;
}

/* A key field: one character, or "U+XXXX". 0 when it is neither. */
static uint32_t parse_key(const char *field, size_t len)
{
    if (len > 2 && field[0] == 'U' && field[1] == '+') {
        char buf[16];
        char *end;
        unsigned long v;
        if (len - 2 >= sizeof buf)
            return 0;
        memcpy(buf, field + 2, len - 2);
        buf[len - 2] = '\0';
        errno = 0;
        v = strtoul(buf, &end, 16);
        if (errno != 0 || *end != '\0' || v > 0x10FFFF)
            return 0;
        return (uint32_t)v;
    } else {
        const char *p = field;
        uint32_t cp = decode(&p);
        return (size_t)(p - field) == len ? cp : 0;
    }
}

/* Split a line (no newline) at tabs; returns the number of fields. */
static size_t split_tabs(char *line, char **fields, size_t cap)
{
    size_t n = 0;
    char *p = line;

    while (n < cap) {
        char *tab = strchr(p, '\t');
        fields[n++] = p;
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static FILE *open_table(const char *name)
{
    char path[1024];
    FILE *f;
    int n = snprintf(path, sizeof path, "%s/dicts/%s", ZHFIX_SOURCE_DIR,
                     name);

    ck_assert(n > 0 && (size_t)n < sizeof path);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
    return f;
}

/* Read a line into buf, dropping the newline; 0 at end of file. A line
 * longer than the buffer fails the test rather than being split. */
static int read_line(FILE *f, char *buf, size_t cap, const char *name,
                     long lineno)
{
    size_t len;

    if (fgets(buf, (int)cap, f) == NULL)
        return 0;
    len = strlen(buf);
    ck_assert_msg(len > 0 && buf[len - 1] == '\n',
                  "%s:%ld: line too long or without newline", name, lineno);
    buf[len - 1] = '\0';
    return 1;
}

struct table_case {
    const char *name;
    size_t keys;    /* leading columns that form the key */
    size_t columns; /* columns in every row */
};

static const struct table_case table_cases[] = {
    {"readings.tsv", 1, 4},
    {"charfreq.tsv", 1, 5},
    {"charbigram.tsv", 2, 4},
    {"script.tsv", 1, 5},
    {"han.tsv", 1, 3},
    {"box.tsv", 1, 4},
    {"marks.tsv", 1, 6},
    {"markpairs.tsv", 2, 4},
    {"hanedges.tsv", 1, 7},
};

START_TEST(test_table_sorted)
{
    const struct table_case *t = &table_cases[_i];
    FILE *f = open_table(t->name);
    char line[4096];
    char *fields[8];
    uint32_t prev[2] = {0, 0};
    long lineno = 0, rows = 0;
    int in_header = 1, source = 0, license = 0;

    while (read_line(f, line, sizeof line, t->name, lineno + 1)) {
        uint32_t key[2] = {0, 0};
        size_t n, k;
        int cmp = 0;

        lineno++;
        if (line[0] == '#') {
            ck_assert_msg(in_header, "%s:%ld: comment after the data",
                          t->name, lineno);
            source |= strncmp(line, "# Source: ", 10) == 0;
            license |= strncmp(line, "# License: ", 11) == 0;
            continue;
        }
        in_header = 0;
        n = split_tabs(line, fields, 8);
        ck_assert_msg(n == t->columns, "%s:%ld: %zu columns, want %zu",
                      t->name, lineno, n, t->columns);
        for (k = 0; k < t->keys; k++) {
            key[k] = parse_key(fields[k], strlen(fields[k]));
            ck_assert_msg(key[k] != 0, "%s:%ld: bad key \"%s\"", t->name,
                          lineno, fields[k]);
        }
        for (k = 0; k < t->keys && cmp == 0; k++)
            cmp = key[k] < prev[k] ? -1 : key[k] > prev[k] ? 1 : 0;
        ck_assert_msg(rows == 0 || cmp > 0, "%s:%ld: key %s after %s",
                      t->name, lineno, cmp == 0 ? "duplicated" : "unsorted",
                      "the previous row");
        prev[0] = key[0];
        prev[1] = key[1];
        rows++;
    }
    fclose(f);
    ck_assert_msg(source && license, "%s: header lacks Source or License",
                  t->name);
    ck_assert_msg(rows > 0, "%s: no rows", t->name);
}
END_TEST

/* Every row of readings.tsv agrees with the compiled tables. */
START_TEST(test_readings_table_agrees)
{
    FILE *f = open_table("readings.tsv");
    char line[4096];
    char *fields[8];
    long lineno = 0;

    while (read_line(f, line, sizeof line, "readings.tsv", lineno + 1)) {
        const char *first[1];
        char *r, *sp;
        uint32_t cp;

        lineno++;
        if (line[0] == '#')
            continue;
        ck_assert_uint_eq(split_tabs(line, fields, 8), 4);
        cp = parse_key(fields[0], strlen(fields[0]));
        ck_assert_msg(zh_readings(cp, first, 1) > 0, "line %ld", lineno);
        sp = strchr(fields[3], ' ');
        r = fields[3];
        ck_assert_msg(strncmp(first[0], r,
                              sp ? (size_t)(sp - r) : strlen(r)) == 0 &&
                          strlen(first[0]) ==
                              (sp ? (size_t)(sp - r) : strlen(r)),
                      "line %ld: first reading %s", lineno, first[0]);
        for (;;) {
            size_t len;
            sp = strchr(r, ' ');
            len = sp ? (size_t)(sp - r) : strlen(r);
            ck_assert_msg(zh_reading_matches(cp, r, len),
                          "line %ld: %.*s does not match", lineno, (int)len,
                          r);
            if (sp == NULL)
                break;
            r = sp + 1;
        }
    }
    fclose(f);
}
END_TEST

/* Every row of script.tsv and charfreq.tsv agrees with the compiled
 * tables. */
START_TEST(test_script_and_model_tables_agree)
{
    FILE *f = open_table("script.tsv");
    char line[4096];
    char *fields[8];
    long lineno = 0;
    double floor = zh_char_logp(0x2A6D6);

    while (read_line(f, line, sizeof line, "script.tsv", lineno + 1)) {
        uint32_t cp;
        int want;

        lineno++;
        if (line[0] == '#')
            continue;
        ck_assert_uint_eq(split_tabs(line, fields, 8), 5);
        cp = parse_key(fields[0], strlen(fields[0]));
        want = strcmp(fields[2], "simplified") == 0    ? ZH_SCRIPT_SIMPLIFIED
               : strcmp(fields[2], "traditional") == 0 ? ZH_SCRIPT_TRADITIONAL
                                                       : ZH_SCRIPT_BOTH;
        ck_assert_msg(zh_script_class(cp) == want, "script.tsv:%ld",
                      lineno);
    }
    fclose(f);

    f = open_table("charfreq.tsv");
    lineno = 0;
    while (read_line(f, line, sizeof line, "charfreq.tsv", lineno + 1)) {
        uint32_t cp;

        lineno++;
        if (line[0] == '#')
            continue;
        ck_assert_uint_eq(split_tabs(line, fields, 8), 5);
        cp = parse_key(fields[0], strlen(fields[0]));
        ck_assert_msg(zh_is_han(cp) && zh_char_logp(cp) > floor,
                      "charfreq.tsv:%ld: U+%04X not in the model", lineno,
                      (unsigned)cp);
    }
    fclose(f);
}
END_TEST

/* Every row of box.tsv agrees with the compiled arms, and the
 * plausibility model joins a frame by them: ─┤ before a space costs less
 * than ── before it, │ between spaces less than ─. */
START_TEST(test_box_table_agrees)
{
    FILE *f = open_table("box.tsv");
    char line[4096];
    char *fields[8];
    long lineno = 0, rows = 0;

    while (read_line(f, line, sizeof line, "box.tsv", lineno + 1)) {
        lineno++;
        if (line[0] == '#')
            continue;
        ck_assert_uint_eq(split_tabs(line, fields, 8), 4);
        uint32_t cp = parse_key(fields[0], strlen(fields[0]));
        unsigned want = 0;
        for (const char *c = fields[2]; *c && *c != '-'; c++)
            want |= *c == 'L'   ? ZH_BOX_LEFT
                    : *c == 'R' ? ZH_BOX_RIGHT
                    : *c == 'U' ? ZH_BOX_UP
                                : ZH_BOX_DOWN;
        ck_assert_msg(zh_box_sides(cp) == want, "box.tsv:%ld", lineno);
        rows++;
    }
    fclose(f);
    ck_assert_int_eq(rows, 128);
    ck_assert_uint_eq(zh_box_sides(0x2580), 0); /* block elements */
    ck_assert_uint_eq(zh_box_sides(0x24FF), 0);
    double dash_end = zh_plaus_step(0x2500, 0x2524) +
                      zh_plaus_step(0x2524, ' ');
    double dash_on = zh_plaus_step(0x2500, 0x2500) +
                     zh_plaus_step(0x2500, ' ');
    ck_assert(dash_end < dash_on);
    double bar = zh_plaus_step(' ', 0x2502) + zh_plaus_step(0x2502, ' ');
    double rule = zh_plaus_step(' ', 0x2500) + zh_plaus_step(0x2500, ' ');
    ck_assert(bar < rule);
    /* Chinese writes a dash as ── between Han characters: no cost. */
    ck_assert(zh_plaus_step(0x4E2D, 0x2500) ==
              zh_plaus_step(0x4E2D, 0x2502));
}
END_TEST

/* Every row of marks.tsv agrees with the compiled tables: a listed mark's
 * unigram (or none, '-') and line-end cost; and each class's line-end
 * cost in its header ("# class: NAME<TAB>...<TAB>end N"), by a member. */
START_TEST(test_marks_table_agrees)
{
    FILE *f = open_table("marks.tsv");
    char line[4096];
    char *fields[8];
    long lineno = 0, marks = 0, classes = 0;

    while (read_line(f, line, sizeof line, "marks.tsv", lineno + 1)) {
        lineno++;
        if (strncmp(line, "# class: ", 9) == 0) {
            ck_assert_uint_eq(split_tabs(line + 9, fields, 8), 4);
            const char *name = fields[0];
            uint32_t cp = strcmp(name, "han") == 0     ? 0x4E2D
                          : strcmp(name, "alnum") == 0 ? 'a'
                          : strcmp(name, "ascii") == 0 ? ';'
                                                       : 0xE9;
            ck_assert_msg(strncmp(fields[3], "end ", 4) == 0, "marks.tsv:%ld",
                          lineno);
            ck_assert_msg(zh_line_end_cost(cp) == atoi(fields[3] + 4) / 100.0,
                          "marks.tsv:%ld", lineno);
            classes++;
            continue;
        }
        if (line[0] == '#')
            continue;
        ck_assert_uint_eq(split_tabs(line, fields, 8), 6);
        uint32_t cp = parse_key(fields[0], strlen(fields[0]));
        double unigram = strcmp(fields[4], "-") == 0 ? -1.0
                                                     : atoi(fields[4]) / 100.0;
        ck_assert_msg(zh_mark_unigram(cp) == unigram, "marks.tsv:%ld", lineno);
        ck_assert_msg(zh_line_end_cost(cp) == atoi(fields[5]) / 100.0,
                      "marks.tsv:%ld", lineno);
        marks++;
    }
    fclose(f);
    ck_assert_int_eq(classes, 4);
    ck_assert_int_gt(marks, 10);
    /* Outside the blocks no character is a mark; inside them letters,
     * digits and spaces are none either. */
    ck_assert(zh_mark_unigram(0x4E2D) == -1.0);
    ck_assert(zh_mark_unigram(',') == -1.0);
    ck_assert(zh_mark_unigram(0xFF14) == -1.0); /* ４ */
    ck_assert(zh_mark_unigram(0x3000) == -1.0);
    ck_assert(zh_mark_unigram(0xFF1F) >= 0.0); /* ？ */
}
END_TEST

/* Every row of markpairs.tsv agrees with zh_mark_costs; a mark the table
 * has not seen after a listed character costs more than one it has seen
 * there more often, and after a character never seen before marks, or
 * after no Han character, a mark costs its unigram. */
START_TEST(test_markpairs_table_agrees)
{
    FILE *f = open_table("markpairs.tsv");
    char line[4096];
    char *fields[8];
    long lineno = 0, rows = 0;

    while (read_line(f, line, sizeof line, "markpairs.tsv", lineno + 1)) {
        lineno++;
        if (line[0] == '#')
            continue;
        ck_assert_uint_eq(split_tabs(line, fields, 8), 4);
        uint32_t h = parse_key(fields[0], strlen(fields[0]));
        uint32_t m = parse_key(fields[1], strlen(fields[1]));
        double got;
        zh_mark_costs(h, &m, 1, &got);
        ck_assert_msg(got == atoi(fields[3]) / 100.0, "markpairs.tsv:%ld",
                      lineno);
        rows++;
    }
    fclose(f);
    ck_assert_int_gt(rows, 1000);
    /* 时 is followed by ， far more often than by ： in the sources. */
    static const uint32_t marks[] = {0xFF0C, 0xFF1A};
    double after_shi[2];
    zh_mark_costs(0x65F6, marks, 2, after_shi);
    ck_assert(after_shi[0] < after_shi[1]);
    double none[2], ascii[2];
    zh_mark_costs(0x2A6D6, marks, 2, none); /* a Han character seen never */
    zh_mark_costs('a', marks, 2, ascii);
    for (int i = 0; i < 2; i++) {
        ck_assert(none[i] == zh_mark_unigram(marks[i]));
        ck_assert(ascii[i] == zh_mark_unigram(marks[i]));
    }
    uint32_t letter = 0xFF21; /* Ａ: no mark */
    double no;
    zh_mark_costs(0x65F6, &letter, 1, &no);
    ck_assert(no == -1.0);
}
END_TEST

/* Every row of hanedges.tsv agrees with zh_han_edges, which gives 0 for
 * a character it does not list; 或 stands next to ASCII more often than
 * 我 on either side. */
START_TEST(test_hanedges_table_agrees)
{
    FILE *f = open_table("hanedges.tsv");
    char line[4096];
    char *fields[8];
    long lineno = 0, rows = 0;

    while (read_line(f, line, sizeof line, "hanedges.tsv", lineno + 1)) {
        lineno++;
        if (line[0] == '#')
            continue;
        ck_assert_uint_eq(split_tabs(line, fields, 8), 7);
        uint32_t cp = parse_key(fields[0], strlen(fields[0]));
        double left, right;
        zh_han_edges(&cp, 1, &left, &right);
        ck_assert_msg(left == atoi(fields[5]) / 100.0 &&
                          right == atoi(fields[6]) / 100.0,
                      "hanedges.tsv:%ld", lineno);
        rows++;
    }
    fclose(f);
    ck_assert_int_gt(rows, 1000);
    static const uint32_t cps[] = {0x6211, 0x6216, 0x2A6D6}; /* 我 或 */
    double left[3], right[3];
    zh_han_edges(cps, 3, left, right);
    ck_assert(left[1] < left[0] && right[1] < right[0]);
    ck_assert(left[2] == 0.0 && right[2] == 0.0);
}
END_TEST

/* The line's end after a frame's last character: one whose right arm
 * points on costs more, and so does one that is not the mirror of the
 * line's first (├ ... ┤, ┌ ... ┐, └ ... ┘, │ ... │). */
START_TEST(test_plaus_end_frames)
{
    static const uint32_t rows[][2] = {
        {0x251C, 0x2524}, {0x250C, 0x2510}, {0x2514, 0x2518}, {0x2502, 0x2502},
    };
    static const uint32_t lasts[] = {0x2524, 0x2510, 0x2518, 0x2502, 0x2500};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
        for (size_t k = 0; k < sizeof lasts / sizeof lasts[0]; k++) {
            if (lasts[k] == rows[r][1])
                continue;
            ck_assert_msg(zh_plaus_end(rows[r][1], rows[r][0]) <
                              zh_plaus_end(lasts[k], rows[r][0]),
                          "U+%04X ... U+%04X against U+%04X",
                          (unsigned)rows[r][0], (unsigned)rows[r][1],
                          (unsigned)lasts[k]);
        }
    /* Without the first character, the right arm alone. */
    ck_assert(zh_plaus_end(0x2524, 0) < zh_plaus_end(0x2500, 0));
    /* Outside frames, the line-end counts alone. */
    ck_assert(zh_plaus_end(0xFF1A, 0x251C) == zh_line_end_cost(0xFF1A));
    ck_assert(zh_plaus_end(0xFF1A, 0) < zh_plaus_end(0xFF0C, 0)); /* ：， */
}
END_TEST

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *data_suite(void)
{
    Suite *s = suite_create("data");
    TCase *tc;

    tc = tcase_create("readings");
    tcase_add_loop_test(tc, test_reading_matches, 0, N_ELEMS(reading_cases));
    tcase_add_loop_test(tc, test_syllable_canonical, 0,
                        N_ELEMS(canon_cases));
    tcase_add_test(tc, test_readings_list);
    tcase_add_test(tc, test_reading_chars);
    suite_add_tcase(s, tc);

    tc = tcase_create("charmodel");
    tcase_add_loop_test(tc, test_logp_order, 0, N_ELEMS(logp_cases));
    tcase_add_test(tc, test_logp_edges);
    tcase_add_test(tc, test_bigram_lookup_rows);
    tcase_add_test(tc, test_bigram_best_agrees);
    tcase_add_test(tc, test_bigram_best_paired);
    tcase_add_test(tc, test_plaus_step_min_agrees);
    tcase_add_test(tc, test_plaus_memo_agrees);
    tcase_add_test(tc, test_plaus_steps_agree);
    tcase_add_test(tc, test_model_logps_at_most_zero);
    /* test_plaus_steps_agree walks every block of the BMP: seconds on a
     * loaded machine, past Check's default of 4. */
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("script");
    tcase_add_loop_test(tc, test_script_class, 0, N_ELEMS(script_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("triggers");
    tcase_add_test(tc, test_trigger_sb_bits_agree_with_iconv);
    tcase_add_test(tc, test_trigger_starts_agree_with_iconv);
    tcase_add_test(tc, test_trigger_singles);
    suite_add_tcase(s, tc);

    tc = tcase_create("tables");
    tcase_add_test(tc, test_data_version);
    tcase_add_loop_test(tc, test_table_sorted, 0, N_ELEMS(table_cases));
    tcase_add_test(tc, test_readings_table_agrees);
    tcase_add_test(tc, test_script_and_model_tables_agree);
    tcase_add_test(tc, test_box_table_agrees);
    tcase_add_test(tc, test_marks_table_agrees);
    tcase_add_test(tc, test_markpairs_table_agrees);
    tcase_add_test(tc, test_hanedges_table_agrees);
    tcase_add_test(tc, test_plaus_end_frames);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(data_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
