/*
 * test_jsonstr.c - the CLI's JSON string bodies (src/cli/jsonstr.c):
 * decoding escapes and surrogate pairs, rejecting what is not text, and
 * encoding back in the style of the original.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

typedef struct decode_case {
    const char *in;
    const char *out; /* NULL: rejected */
    size_t outlen;
    int u_nonascii, raw_nonascii, upper_hex, slash;
} decode_case;

static const decode_case decodes[] = {
    {"plain", "plain", 5, 0, 0, 0, 0},
    {"\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t", 8, 0, 0, 0, 1},
    {"\\u4e2d\\u6587", "中文", 6, 1, 0, 0, 0},
    {"\\u4E2D", "中", 3, 1, 0, 1, 0},
    {"中\\u0041", "中A", 4, 0, 1, 0, 0},
    {"\\ud83d\\ude00", "\xF0\x9F\x98\x80", 4, 1, 0, 0, 0},
    {"a\\u0000b", "a\0b", 3, 0, 0, 0, 0},
    {"\\u00e9", "\xC3\xA9", 2, 1, 0, 0, 0},
    {"\\ud83d", NULL, 0, 0, 0, 0, 0},         /* high surrogate alone */
    {"\\ud83dx\\ude00", NULL, 0, 0, 0, 0, 0}, /* not followed by the low */
    {"\\ude00", NULL, 0, 0, 0, 0, 0},         /* low surrogate alone */
    {"\\ud83d\\u0041", NULL, 0, 0, 0, 0, 0},  /* high, then not a low */
    {"a\tb", NULL, 0, 0, 0, 0, 0},            /* raw control character */
    {"\\x", NULL, 0, 0, 0, 0, 0},
    {"\\u12", NULL, 0, 0, 0, 0, 0},
};

START_TEST(decode_table)
{
    const decode_case *c = &decodes[_i];
    char *out = NULL;
    size_t outlen = 0, at = 99;
    json_style st = {0, 0, 0, 0};
    int r = json_string_decode(c->in, strlen(c->in), &out, &outlen, &st, &at);
    if (!c->out) {
        ck_assert_msg(r == 1, "%s: accepted", c->in);
        ck_assert_uint_lt(at, strlen(c->in));
        return;
    }
    ck_assert_msg(r == 0, "%s: rejected at %zu", c->in, at);
    ck_assert_uint_eq(outlen, c->outlen);
    ck_assert(!memcmp(out, c->out, outlen));
    ck_assert_int_eq(out[outlen], '\0');
    ck_assert_int_eq(st.u_nonascii, c->u_nonascii);
    ck_assert_int_eq(st.raw_nonascii, c->raw_nonascii);
    ck_assert_int_eq(st.upper_hex, c->upper_hex);
    ck_assert_int_eq(st.slash, c->slash);
    free(out);
}
END_TEST

typedef struct encode_case {
    const char *in;
    size_t inlen;
    json_style style;
    const char *out;
} encode_case;

#define ASCII                                                                  \
    {                                                                          \
        1, 0, 0, 0                                                             \
    }
#define UTF8                                                                   \
    {                                                                          \
        0, 1, 0, 0                                                             \
    }

static const encode_case encodes[] = {
    /* UTF-8 style: non-ASCII raw, only what JSON requires escaped. */
    {"中文", 6, UTF8, "中文"},
    {"a\"b\\c/d", 7, UTF8, "a\\\"b\\\\c/d"},
    {"\b\f\n\r\t", 5, UTF8, "\\b\\f\\n\\r\\t"},
    {"\x01\x1f\x7f", 3, UTF8, "\\u0001\\u001f\x7f"},
    {"a\0b", 3, UTF8, "a\\u0000b"},
    /* ASCII style (Python's json.dumps default). */
    {"中文", 6, ASCII, "\\u4e2d\\u6587"},
    {"\xF0\x9F\x98\x80", 4, ASCII, "\\ud83d\\ude00"},
    {"\xC3\xA9\x7f", 3, ASCII, "\\u00e9\\u007f"},
    {"中", 3, {1, 0, 1, 0}, "\\u4E2D"},
    /* PHP's escaped slashes. */
    {"a/b", 3, {0, 0, 0, 1}, "a\\/b"},
    /* Both raw and escaped seen: raw wins (UTF-8). */
    {"中", 3, {1, 1, 0, 0}, "中"},
};

START_TEST(encode_table)
{
    const encode_case *c = &encodes[_i];
    char *out = NULL;
    size_t outlen = 0;
    ck_assert_int_eq(
        json_string_encode(c->in, c->inlen, &c->style, &out, &outlen), 0);
    ck_assert_msg(outlen == strlen(c->out) && !memcmp(out, c->out, outlen),
                  "case %d: got '%s', want '%s'", _i, out, c->out);
    free(out);
}
END_TEST

/* Whatever is encoded decodes to itself, in both styles. */
START_TEST(round_trip)
{
    static const char text[] = "中文 \"q\" \\ / \n\t\x01 \xC3\xA9 "
                               "\xF0\x9F\x98\x80 \x7f end";
    size_t len = sizeof text - 1;
    json_style styles[] = {ASCII, UTF8, {1, 0, 1, 1}};
    for (size_t k = 0; k < sizeof styles / sizeof styles[0]; k++) {
        char *enc = NULL, *dec = NULL;
        size_t enclen, declen, at;
        json_style seen = {0, 0, 0, 0};
        ck_assert_int_eq(
            json_string_encode(text, len, &styles[k], &enc, &enclen), 0);
        ck_assert_int_eq(
            json_string_decode(enc, enclen, &dec, &declen, &seen, &at), 0);
        ck_assert_uint_eq(declen, len);
        ck_assert(!memcmp(dec, text, len));
        ck_assert_int_eq(json_style_ascii(&seen), json_style_ascii(&styles[k]));
        free(enc);
        free(dec);
    }
}
END_TEST

START_TEST(style_scan)
{
    json_style st = {0, 0, 0, 0};
    const char rec[] = "{\"a\":\"\\u00E9\",\"b\":\"x\\/y\"}";
    json_style_scan(rec, sizeof rec - 1, &st);
    ck_assert_int_eq(st.u_nonascii, 1);
    ck_assert_int_eq(st.raw_nonascii, 0);
    ck_assert_int_eq(st.upper_hex, 1);
    ck_assert_int_eq(st.slash, 1);
    ck_assert_int_eq(json_style_ascii(&st), 1);
    json_style st2 = {0, 0, 0, 0};
    const char rec2[] = "{\"a\":\"\\\\u00e9 中\"}"; /* an escaped backslash */
    json_style_scan(rec2, sizeof rec2 - 1, &st2);
    ck_assert_int_eq(st2.u_nonascii, 0);
    ck_assert_int_eq(st2.raw_nonascii, 1);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("jsonstr");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, decode_table, 0,
                        (int)(sizeof decodes / sizeof decodes[0]));
    tcase_add_loop_test(tc, encode_table, 0,
                        (int)(sizeof encodes / sizeof encodes[0]));
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, style_scan);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
