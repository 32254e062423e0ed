/*
 * test_words.c - Check suite for the word lexicon and the segmentation
 * cost (src/words.h): lookups, the committed dicts/words.tsv against the
 * compiled table, and readings the word cost must order.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "words.h"

#ifndef ZHFIX_SOURCE_DIR
#error "ZHFIX_SOURCE_DIR must name the repository root"
#endif

/* Code points of a UTF-8 string (valid by construction); their number. */
static size_t cps_of(const char *s, uint32_t *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p && n < cap) {
        uint32_t cp = *p;
        int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        cp &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
        for (p++; more-- > 0 && (*p & 0xC0) == 0x80; p++)
            cp = cp << 6 | (*p & 0x3Fu);
        out[n++] = cp;
    }
    return n;
}

/* ---- Lookups ----------------------------------------------------------- */

static const struct {
    const char *word;
    int known;
} lookup_rows[] = {
    {"中文", 1},
    {"文件", 1},
    {"一个", 1},
    {"檔案", 1},     /* s2tw of 文件 */
    {"計算機", 1},   /* s2t of 计算机 */
    {"中华民国", 1}, /* four characters */
    {"中", 1},       /* a character that is a word of its own */
    {"个文", 0},     /* a pair inside 一个文件, no word */
    {"文中文", 0},
    {"中华人民共和国", 0}, /* longer than ZH_WORD_MAX */
    {"ab", 0},
    {"中a", 0},
    {"", 0},
};

START_TEST(test_lookup)
{
    uint32_t cps[16];
    size_t n = cps_of(lookup_rows[_i].word, cps, 16);
    double lp = 1.0;
    int got = zh_word_logp(cps, n, &lp);
    ck_assert_msg(got == lookup_rows[_i].known, "%s: %d", lookup_rows[_i].word,
                  got);
    if (got)
        ck_assert_msg(lp < 0.0 && lp > -30.0, "%s: log P %f",
                      lookup_rows[_i].word, lp);
}
END_TEST

/* A frequent word is likelier than a rare one. */
START_TEST(test_lookup_order)
{
    uint32_t a[4], b[4];
    double la, lb;
    ck_assert(zh_word_logp(a, cps_of("文件", a, 4), &la));
    ck_assert(zh_word_logp(b, cps_of("如皋", b, 4), &lb));
    ck_assert_msg(la > lb + 2.0, "文件 %f, 如皋 %f", la, lb);
}
END_TEST

/* The pair filter lets every word's last pair through (test_table_agrees)
 * and stops most others: of the pairs of a row of frequent characters,
 * few end a word. */
START_TEST(test_pair_filter)
{
    uint32_t cps[64];
    size_t n = cps_of("的一是在不了有和人这中大为上个国我以要他时来用们生到作"
                      "地于出就分对成会可主发年动同工也能下过子说产种面而方后",
                      cps, 64);
    size_t pass = 0, pairs = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++, pairs++)
            pass += (size_t)zh_words_may_end(cps[i], cps[j]);
    ck_assert_msg(pass * 2 < pairs, "%zu of %zu pairs pass", pass, pairs);
}
END_TEST

/* ---- The committed table ----------------------------------------------- */

/* Every row of dicts/words.tsv: a header with Source and License, rows in
 * increasing order of code points, none twice, each one the compiled
 * table returns with its logp. */
START_TEST(test_table_agrees)
{
    char path[1024];
    int len = snprintf(path, sizeof path, "%s/dicts/words.tsv",
                       ZHFIX_SOURCE_DIR);
    ck_assert(len > 0 && (size_t)len < sizeof path);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
    char line[256];
    uint32_t prev[ZH_WORD_MAX] = {0};
    size_t nprev = 0;
    long lineno = 0, rows = 0;
    int source = 0, license = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t ll = strlen(line);
        ck_assert_msg(ll > 0 && line[ll - 1] == '\n', "words.tsv:%ld: long",
                      lineno);
        line[ll - 1] = '\0';
        if (line[0] == '#') {
            ck_assert_msg(rows == 0, "words.tsv:%ld: comment after data",
                          lineno);
            source |= strncmp(line, "# Source: ", 10) == 0;
            license |= strncmp(line, "# License: ", 11) == 0;
            continue;
        }
        char *tab1 = strchr(line, '\t');
        ck_assert_ptr_nonnull(tab1);
        char *tab2 = strchr(tab1 + 1, '\t');
        ck_assert_ptr_nonnull(tab2);
        *tab1 = '\0';
        uint32_t w[ZH_WORD_MAX + 1];
        size_t n = cps_of(line, w, ZH_WORD_MAX + 1);
        ck_assert_msg(n >= 1 && n <= ZH_WORD_MAX, "words.tsv:%ld: length",
                      lineno);
        /* Lexicographic by code point, a prefix first. */
        int cmp = 0;
        for (size_t k = 0; k < n && k < nprev && !cmp; k++)
            cmp = w[k] < prev[k] ? -1 : w[k] > prev[k];
        if (!cmp)
            cmp = n < nprev ? -1 : n > nprev;
        ck_assert_msg(rows == 0 || cmp > 0, "words.tsv:%ld: %s", lineno,
                      cmp ? "unsorted" : "duplicated");
        memcpy(prev, w, n * sizeof *w);
        nprev = n;
        double lp;
        ck_assert_msg(zh_word_logp(w, n, &lp), "words.tsv:%ld: not compiled",
                      lineno);
        ck_assert_msg(n < 2 || zh_words_may_end(w[n - 2], w[n - 1]),
                      "words.tsv:%ld: filtered out", lineno);
        long want = strtol(tab2 + 1, NULL, 10);
        ck_assert_msg(lround(lp * ZH_LOGP_SCALE) == want,
                      "words.tsv:%ld: logp %f, want %ld", lineno, lp, want);
        rows++;
    }
    fclose(f);
    ck_assert(source && license);
    ck_assert_int_gt(rows, 100000);
}
END_TEST

/* ---- Segmentation ------------------------------------------------------- */

/* Each pair reads the same bytes two ways (a restored byte or character
 * chosen differently); the true one segments into likelier words. */
static const struct {
    const char *truth, *wrong;
} order_rows[] = {
    /* UTF-8 read as GBK, a byte lost: the character model takes 个 for
     * 中 as 一个文件 fills its pairs; no word holds 个文. */
    {"这是一个中文文件的测试", "这是一个个文文件的测试"},
    /* UTF-8 read as Big5: a rare word of a place name (如皋) for 如果. */
    {"如果没有指定", "如皋没有指定"},
    {"但也在幾個方面有小的改進", "但也在幾個方面會將會方進"},
    {"以及他们的进程", "以及他们经过程"},
};

START_TEST(test_order)
{
    uint32_t a[64], b[64];
    size_t na = cps_of(order_rows[_i].truth, a, 64);
    size_t nb = cps_of(order_rows[_i].wrong, b, 64);
    double ca = zh_words_cost(a, na), cb = zh_words_cost(b, nb);
    ck_assert_msg(ca < cb, "%s %f, %s %f", order_rows[_i].truth, ca,
                  order_rows[_i].wrong, cb);
}
END_TEST

/* The cost grows one code point at a time, and what is not Han ends the
 * words before it: two words apart cost twice one. */
START_TEST(test_push)
{
    uint32_t cps[16];
    size_t n = cps_of("中文, 中文", cps, 16);
    zh_words_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    double sum = 0.0, one = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = zh_words_push(&ctx, cps[i]);
        if (!zh_is_han(cps[i]))
            ck_assert(d == 0.0);
        if (i < 2)
            one += d;
        sum += d;
    }
    ck_assert(fabs(sum - zh_words_cost(cps, n)) < 1e-9);
    ck_assert_msg(fabs(sum - 2.0 * one) < 1e-6, "%f, %f", sum, one);
    /* A word is cheaper than its characters apart. */
    uint32_t apart[2] = {cps[0], 'x'};
    double singles = zh_words_cost(apart, 2) + zh_words_cost(cps + 1, 1);
    ck_assert_msg(one < singles, "中文 %f, 中 文 %f", one, singles);
    ck_assert(zh_words_cost(cps, 0) == 0.0);
}
END_TEST

/* A character's cost alone, which zh_words_push reads from a table of its
 * own, is its one-character word's in the lexicon (zh_word_logp), or the
 * unknown word's, for every Han character of the BMP. */
START_TEST(test_push_single_agrees)
{
    size_t han = 0, words = 0;
    for (uint32_t cp = 1; cp < 0x10000; cp++) {
        if (!zh_is_han(cp))
            continue;
        han++;
        double lp;
        int known = zh_word_logp(&cp, 1, &lp);
        words += known;
        double want = -(known ? lp : zh_words_unknown / (double)ZH_LOGP_SCALE) -
                      zh_words_per_char / (double)ZH_LOGP_SCALE;
        zh_words_ctx ctx;
        memset(&ctx, 0, sizeof ctx);
        double got = zh_words_push(&ctx, cp);
        ck_assert_msg(fabs(got - want) < 1e-9, "U+%04X: %f, want %f", cp, got,
                      want);
    }
    ck_assert_uint_gt(han, 20000);
    ck_assert_uint_gt(words, 5000);
    ck_assert_uint_lt(words, han);
}
END_TEST

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *words_suite(void)
{
    Suite *s = suite_create("words");
    TCase *tc = tcase_create("lexicon");
    tcase_add_loop_test(tc, test_lookup, 0, N_ELEMS(lookup_rows));
    tcase_add_test(tc, test_lookup_order);
    tcase_add_test(tc, test_pair_filter);
    tcase_add_test(tc, test_table_agrees);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("segmentation");
    tcase_add_loop_test(tc, test_order, 0, N_ELEMS(order_rows));
    tcase_add_test(tc, test_push);
    tcase_add_test(tc, test_push_single_agrees);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(words_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
