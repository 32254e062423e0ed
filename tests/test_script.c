/*
 * test_script.c - script counts and the mixed-script rule.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "zhfix.h"

static const struct {
    const char *text;
    size_t han, simplified, traditional;
} count_cases[] = {
    {"产业互联网", 5, 4, 0},     /* 产业互联网: 互 is in both */
    {"產業互聯網", 5, 4, 0},
    {"中文", 2, 0, 0},
    {"abc，。", 0, 0, 0},
    {"", 0, 0, 0},
};

START_TEST(script_counts)
{
    zhfix *h;
    ck_assert_int_eq(zhfix_create(NULL, &h, NULL, 0), ZHFIX_OK);
    zhfix_script_counts c;
    const char *t = count_cases[_i].text;
    ck_assert_int_eq(zhfix_script_count(h, t, strlen(t), &c), ZHFIX_OK);
    ck_assert_uint_eq(c.han, count_cases[_i].han);
    /* 產業互聯網 counts as Traditional, 产业互联网 as Simplified */
    if (_i == 1) {
        ck_assert_uint_eq(c.traditional, count_cases[_i].simplified);
        ck_assert_uint_eq(c.simplified, 0);
    } else {
        ck_assert_uint_eq(c.simplified, count_cases[_i].simplified);
        ck_assert_uint_eq(c.traditional, count_cases[_i].traditional);
    }
    ck_assert_int_eq(zhfix_script_count(h, "\xff", 1, &c), ZHFIX_INVALID_INPUT);
    zhfix_destroy(h);
}
END_TEST

static const struct {
    const char *target;
    const char *text;
    const char *first; /* text of the first finding, or NULL for none */
    size_t findings;
} mixed_cases[] = {
    /* no target: mixed only with a real share of both */
    {NULL, "这是简体中文的一段话，其中只有一个繁體字。", NULL, 0},
    {NULL, "这是简体中文的一段话，这里有繁體字與幾個別的。",
     "这是简体中文的一段话", 2}, /* a run ends at a non-Han character */
    {NULL, "全是繁體中文的一段話，沒有問題。", NULL, 0},
    {NULL, "English only, no Han at all.", NULL, 0},
    /* a target: everything outside it */
    {"simplified", "產業互聯網，发展。", "產業互聯網", 1},
    {"simplified", "产业互联网，发展。", NULL, 0},
    {"traditional", "產業互聯網，发展。", "发", 1}, /* 展 is in both */
    /* Japanese is neither script: the no-target rule applies, and one
     * character is not a mix */
    {"japanese", "產業互聯網，发展。", NULL, 0},
};

START_TEST(mixed_script)
{
    zhfix_options o;
    zhfix_options_init(&o);
    o.select = "mixed-script";
    o.target = mixed_cases[_i].target;
    zhfix *h;
    ck_assert_int_eq(zhfix_create(&o, &h, NULL, 0), ZHFIX_OK);
    const char *t = mixed_cases[_i].text;
    ck_assert_int_eq(zhfix_check(h, t, strlen(t)), ZHFIX_OK);
    ck_assert_uint_eq(zhfix_finding_count(h), mixed_cases[_i].findings);
    if (mixed_cases[_i].first) {
        const zhfix_finding *f = zhfix_finding_get(h, 0);
        ck_assert_str_eq(f->text, mixed_cases[_i].first);
        ck_assert_str_eq(f->rule, "mixed-script");
        ck_assert_int_eq(f->category, ZHFIX_CATEGORY_SCRIPT);
        ck_assert_ptr_null(f->replacement);
        ck_assert_int_eq(f->applied, 0);
    }
    /* report only: fix without a target changes nothing */
    if (!mixed_cases[_i].target) {
        char *out;
        size_t n;
        ck_assert_int_eq(zhfix_fix_alloc(h, t, strlen(t), &out, &n), ZHFIX_OK);
        ck_assert_uint_eq(n, strlen(t));
        ck_assert_mem_eq(out, t, n);
        zhfix_free(out);
    }
    zhfix_destroy(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("script");
    TCase *t = tcase_create("script");
    tcase_add_loop_test(t, script_counts, 0,
                        sizeof count_cases / sizeof count_cases[0]);
    tcase_add_loop_test(t, mixed_script, 0,
                        sizeof mixed_cases / sizeof mixed_cases[0]);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
