/*
 * test_encoding.c - Check suite for the encoding module: names, codecs and
 * detection.
 *
 * Fixtures live in ZHFIX_FIXTURES_DIR/encoding (see make_fixtures.py there):
 * real prose from Debian packages, encoded with glibc's iconv.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhfix.h"

/* The generated tables, to check they are sorted and consistent. */
#include "encoding_freq.inc"

#ifndef ZHFIX_FIXTURES_DIR
#error "build with -DZHFIX_FIXTURES_DIR=\"/path/to/fixtures\""
#endif

#define FIXTURE(name) ZHFIX_FIXTURES_DIR "/encoding/" name
#define FIXTURE_CAP ((size_t)1 << 20) /* fixtures are a few KB */

/* A byte-string literal and its length (it may hold NUL bytes). */
#define B(s) s, sizeof(s) - 1

/* ---- helpers ----------------------------------------------------------- */

static char *read_fixture(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;
    ck_assert_msg(f != NULL, "cannot open fixture %s", path);
    buf = malloc(FIXTURE_CAP);
    ck_assert_ptr_nonnull(buf);
    n = fread(buf, 1, FIXTURE_CAP, f);
    ck_assert_msg(!ferror(f) && n < FIXTURE_CAP, "cannot read %s", path);
    fclose(f);
    *len = n;
    return buf;
}

typedef struct conv_result {
    char *data;
    size_t len;
    zhfix_status status;
    unsigned long long offset;
    char msg[256];
} conv_result;

/* Convert src as a streaming caller would: input arrives in pieces of
 * `piece` bytes (an incomplete sequence left by the codec is carried over
 * to the next piece) and output goes through a buffer of `outcap` bytes. */
static conv_result convert(zhfix_encoding from, zhfix_encoding to,
                           const char *src, size_t len, size_t piece,
                           size_t outcap)
{
    conv_result r;
    zhfix_codec *c = NULL;
    size_t pos = 0, wlen = 0, cap = 4 * len + 64;
    char *win = malloc(piece + 16), *out = malloc(outcap);

    memset(&r, 0, sizeof r);
    r.data = malloc(cap);
    ck_assert(win && out && r.data);
    ck_assert_int_eq(zhfix_codec_create(from, to, &c), ZHFIX_OK);
    for (;;) {
        size_t take = len - pos < piece ? len - pos : piece;
        const char *s;
        size_t sl;
        int final;
        memcpy(win + wlen, src + pos, take);
        wlen += take;
        pos += take;
        final = pos == len;
        s = win;
        sl = wlen;
        for (;;) {
            char *d = out;
            size_t dc = outcap;
            r.status = zhfix_codec_convert(c, &s, &sl, &d, &dc, final);
            ck_assert_uint_le(r.len + (outcap - dc), cap);
            memcpy(r.data + r.len, out, outcap - dc);
            r.len += outcap - dc;
            if (r.status != ZHFIX_BUFFER_TOO_SMALL)
                break;
            ck_assert_msg(dc < outcap || s != win, "no progress");
        }
        if (r.status != ZHFIX_OK)
            break;
        ck_assert_uint_lt(sl, 8); /* only an incomplete sequence is left */
        memmove(win, s, sl);
        wlen = sl;
        if (final)
            break;
    }
    r.offset = zhfix_codec_offset(c);
    snprintf(r.msg, sizeof r.msg, "%s", zhfix_codec_errmsg(c));
    zhfix_codec_destroy(c);
    free(win);
    free(out);
    return r;
}

static void detect_pieces(const char *src, size_t len, size_t piece,
                          zhfix_detection *out, int *done)
{
    zhfix_detector *d = NULL;
    size_t pos;
    ck_assert_int_eq(zhfix_detector_create(&d), ZHFIX_OK);
    for (pos = 0; pos < len; pos += piece)
        zhfix_detector_feed(d, src + pos,
                            len - pos < piece ? len - pos : piece);
    zhfix_detector_result(d, out);
    *done = zhfix_detector_done(d);
    zhfix_detector_destroy(d);
}

static zhfix_detection detect(const char *src, size_t len)
{
    zhfix_detection det;
    zhfix_detect_encoding(src, len, &det);
    return det;
}

#define ck_assert_enc(got, want)                                               \
    ck_assert_msg((got) == (want), "detected %s, expected %s",                 \
                  zhfix_encoding_name(got), zhfix_encoding_name(want))

/* ---- names ------------------------------------------------------------- */

static const struct {
    const char *name;
    zhfix_encoding enc;
} names[] = {
    {"auto", ZHFIX_ENC_AUTO},           {"utf-8", ZHFIX_ENC_UTF8},
    {"UTF-8", ZHFIX_ENC_UTF8},          {"utf8", ZHFIX_ENC_UTF8},
    {"Utf8", ZHFIX_ENC_UTF8},           {"utf-16le", ZHFIX_ENC_UTF16LE},
    {"UTF16LE", ZHFIX_ENC_UTF16LE},     {"utf-16be", ZHFIX_ENC_UTF16BE},
    {"utf16be", ZHFIX_ENC_UTF16BE},     {"gb18030", ZHFIX_ENC_GB18030},
    {"GB18030", ZHFIX_ENC_GB18030},     {"gbk", ZHFIX_ENC_GBK},
    {"CP936", ZHFIX_ENC_GBK},           {"gb2312", ZHFIX_ENC_GBK},
    {"big5", ZHFIX_ENC_BIG5},           {"Big5", ZHFIX_ENC_BIG5},
    {"cp950", ZHFIX_ENC_BIG5},          {"big5-hkscs", ZHFIX_ENC_BIG5HKSCS},
    {"BIG5HKSCS", ZHFIX_ENC_BIG5HKSCS}, {"AUTO", ZHFIX_ENC_AUTO},
};

START_TEST(test_name_parse)
{
    zhfix_encoding enc = ZHFIX_ENC_COUNT_;
    ck_assert_int_eq(zhfix_encoding_from_name(names[_i].name, &enc), ZHFIX_OK);
    ck_assert_enc(enc, names[_i].enc);
}
END_TEST

static const char *const bad_names[] = {
    "",           "latin1", "utf-16", "gbk ",    " gbk",
    "big5_hkscs", "utf-32", "euc-kr", "utf-8\n", "gb",
};

START_TEST(test_name_unknown)
{
    zhfix_encoding enc = ZHFIX_ENC_GBK;
    ck_assert_int_eq(zhfix_encoding_from_name(bad_names[_i], &enc),
                     ZHFIX_UNKNOWN_ENCODING);
    ck_assert_enc(enc, ZHFIX_ENC_GBK); /* untouched */
}
END_TEST

START_TEST(test_name_canonical)
{
    /* every value's name parses back to it */
    zhfix_encoding enc = ZHFIX_ENC_COUNT_;
    const char *name = zhfix_encoding_name((zhfix_encoding)_i);
    ck_assert_ptr_nonnull(name);
    ck_assert_int_eq(zhfix_encoding_from_name(name, &enc), ZHFIX_OK);
    ck_assert_int_eq(enc, _i);
}
END_TEST

START_TEST(test_name_args)
{
    zhfix_encoding enc;
    ck_assert_str_eq(zhfix_encoding_name(ZHFIX_ENC_BIG5HKSCS), "big5-hkscs");
    ck_assert_str_eq(zhfix_encoding_name(ZHFIX_ENC_UTF16LE), "utf-16le");
    ck_assert_ptr_null(zhfix_encoding_name(ZHFIX_ENC_COUNT_));
    ck_assert_ptr_null(zhfix_encoding_name((zhfix_encoding)-1));
    ck_assert_int_eq(zhfix_encoding_from_name(NULL, &enc),
                     ZHFIX_INVALID_ARGUMENT);
    ck_assert_int_eq(zhfix_encoding_from_name("gbk", NULL),
                     ZHFIX_INVALID_ARGUMENT);
}
END_TEST

/* ---- round trips of the fixtures -------------------------------------- */

static const struct {
    const char *file, *expected;
    zhfix_encoding enc;
    size_t bom;
} trips[] = {
    {FIXTURE("man-ls.utf-8.txt"), FIXTURE("man-ls.expected"), ZHFIX_ENC_UTF8,
     0},
    {FIXTURE("man-ls.utf-8-bom.txt"), FIXTURE("man-ls.expected"),
     ZHFIX_ENC_UTF8, 3},
    {FIXTURE("man-ls.gbk.txt"), FIXTURE("man-ls.expected"), ZHFIX_ENC_GBK, 0},
    {FIXTURE("man-ls.gbk.txt"), FIXTURE("man-ls.expected"), ZHFIX_ENC_GB18030,
     0},
    {FIXTURE("man-ls.utf-16le-nobom.txt"), FIXTURE("man-ls.expected"),
     ZHFIX_ENC_UTF16LE, 0},
    {FIXTURE("man-ls.utf-16be-nobom.txt"), FIXTURE("man-ls.expected"),
     ZHFIX_ENC_UTF16BE, 0},
    {FIXTURE("man-ls.utf-16le-bom.txt"), FIXTURE("man-ls.expected"),
     ZHFIX_ENC_UTF16LE, 2},
    {FIXTURE("man-ls.utf-16be-bom.txt"), FIXTURE("man-ls.expected"),
     ZHFIX_ENC_UTF16BE, 2},
    {FIXTURE("man-ls-tw.big5.txt"), FIXTURE("man-ls-tw.expected"),
     ZHFIX_ENC_BIG5, 0},
    {FIXTURE("man-ls-tw.utf-16le-nobom.txt"), FIXTURE("man-ls-tw.expected"),
     ZHFIX_ENC_UTF16LE, 0},
    {FIXTURE("man-ls-tw.utf-16be-nobom.txt"), FIXTURE("man-ls-tw.expected"),
     ZHFIX_ENC_UTF16BE, 0},
    {FIXTURE("tang300.gb18030.txt"), FIXTURE("tang300.expected"),
     ZHFIX_ENC_GB18030, 0},
    {FIXTURE("fortune-tw.big5.txt"), FIXTURE("fortune-tw.expected"),
     ZHFIX_ENC_BIG5, 0},
    {FIXTURE("fortune-hk.big5-hkscs.txt"), FIXTURE("fortune-hk.expected"),
     ZHFIX_ENC_BIG5HKSCS, 0},
};

/* (input piece, output buffer) sizes: whole, and awkward small ones that
 * split sequences on both sides. */
static const size_t chunkings[][2] = {
    {(size_t)1 << 20, (size_t)1 << 16}, {1, 4}, {3, 5}, {7, 64}, {2, 4096},
};

START_TEST(test_round_trip)
{
    size_t flen, elen, i;
    char *raw = read_fixture(trips[_i].file, &flen);
    char *want = read_fixture(trips[_i].expected, &elen);
    const char *body = raw + trips[_i].bom;
    size_t blen = flen - trips[_i].bom;

    for (i = 0; i < sizeof chunkings / sizeof chunkings[0]; i++) {
        conv_result dec = convert(trips[_i].enc, ZHFIX_ENC_UTF8, body, blen,
                                  chunkings[i][0], chunkings[i][1]);
        conv_result enc = convert(ZHFIX_ENC_UTF8, trips[_i].enc, want, elen,
                                  chunkings[i][0], chunkings[i][1]);
        ck_assert_msg(dec.status == ZHFIX_OK, "decode: %s", dec.msg);
        ck_assert_uint_eq(dec.len, elen);
        ck_assert_mem_eq(dec.data, want, elen);
        ck_assert_uint_eq(dec.offset, blen);
        ck_assert_msg(enc.status == ZHFIX_OK, "encode: %s", enc.msg);
        ck_assert_uint_eq(enc.len, blen);
        ck_assert_mem_eq(enc.data, body, blen);
        free(dec.data);
        free(enc.data);
    }
    free(raw);
    free(want);
}
END_TEST

/* ---- codec edge cases --------------------------------------------------- */

/* Single conversions: status, output (when OK) or offset and a word of the
 * message (when not). */
static const struct {
    zhfix_encoding from, to;
    const char *in;
    size_t inlen;
    zhfix_status status;
    const char *out; /* expected output, or a substring of the message */
    size_t outlen;
    unsigned long long offset;
} cases[] = {
    /* glibc's GBK (= CP936) decodes 0x80 as the euro sign; GB18030 has no
     * single-byte 0x80 and rejects it. */
    {ZHFIX_ENC_GBK, ZHFIX_ENC_UTF8, B("a\x80\x62"), ZHFIX_OK,
     B("a\xe2\x82\xac\x62"), 3},
    {ZHFIX_ENC_GB18030, ZHFIX_ENC_UTF8, B("a\x80\x62"), ZHFIX_INVALID_INPUT,
     B("offset 1: 0x80"), 1},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_GBK, B("\xe2\x82\xac"), ZHFIX_OK, B("\x80"), 3},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_GB18030, B("\xe2\x82\xac"), ZHFIX_OK,
     B("\xa2\xe3"), 3},
    /* GB18030's four-byte form: U+30FB, and U+1F600 beyond the BMP */
    {ZHFIX_ENC_GB18030, ZHFIX_ENC_UTF8, B("\x81\x39\xa7\x39"), ZHFIX_OK,
     B("\xe3\x83\xbb"), 4},
    {ZHFIX_ENC_GB18030, ZHFIX_ENC_UTF8, B("\x94\x39\xfc\x36"), ZHFIX_OK,
     B("\xf0\x9f\x98\x80"), 4},
    {ZHFIX_ENC_GBK, ZHFIX_ENC_UTF8, B("ab\x81\x39\xa7\x39"),
     ZHFIX_INVALID_INPUT, B("invalid gbk sequence at byte offset 2"), 2},
    /* Big5 characters whose trail byte is 0x5C, the ASCII backslash:
     * 許 B35C, 功 A55C. */
    {ZHFIX_ENC_BIG5, ZHFIX_ENC_UTF8, B("\xb3\x5c\xa5\x5c\\"), ZHFIX_OK,
     B("\xe8\xa8\xb1\xe5\x8a\x9f\\"), 5},
    {ZHFIX_ENC_BIG5HKSCS, ZHFIX_ENC_UTF8, B("\xb3\x5c\xa5\x5c"), ZHFIX_OK,
     B("\xe8\xa8\xb1\xe5\x8a\x9f"), 4},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_BIG5, B("\xe8\xa8\xb1\xe5\x8a\x9f"), ZHFIX_OK,
     B("\xb3\x5c\xa5\x5c"), 6},
    /* BIG5 is not a subset of BIG5-HKSCS: the euro at A3E1 */
    {ZHFIX_ENC_BIG5, ZHFIX_ENC_UTF8, B("\xa3\xe1"), ZHFIX_OK, B("\xe2\x82\xac"),
     2},
    {ZHFIX_ENC_BIG5HKSCS, ZHFIX_ENC_UTF8, B("\xa3\xe1"), ZHFIX_INVALID_INPUT,
     B("offset 0: 0xa3 0xe1"), 0},
    /* HKSCS-only code: 户 8BFC */
    {ZHFIX_ENC_BIG5HKSCS, ZHFIX_ENC_UTF8, B("\x8b\xfc"), ZHFIX_OK,
     B("\xe6\x88\xb7"), 2},
    {ZHFIX_ENC_BIG5, ZHFIX_ENC_UTF8, B("\x8b\xfc"), ZHFIX_INVALID_INPUT,
     B("invalid big5 sequence"), 0},
    /* HKSCS composed sequence 8862 = U+00CA U+0304, and back (the encoder
     * holds Ê until it knows what follows: the final flush emits it) */
    {ZHFIX_ENC_BIG5HKSCS, ZHFIX_ENC_UTF8, B("\x88\x62"), ZHFIX_OK,
     B("\xc3\x8a\xcc\x84"), 2},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_BIG5HKSCS, B("\xc3\x8a\xcc\x84"), ZHFIX_OK,
     B("\x88\x62"), 4},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_BIG5HKSCS, B("\xc3\x8a"), ZHFIX_OK,
     B("\x88\x66"), 2},
    /* UTF-16 without BOM is read in the stated order, never the host's */
    {ZHFIX_ENC_UTF16LE, ZHFIX_ENC_UTF8, B("\x2d\x4e\x87\x65\x41\x00"), ZHFIX_OK,
     B("\xe4\xb8\xad\xe6\x96\x87\x41"), 6},
    {ZHFIX_ENC_UTF16BE, ZHFIX_ENC_UTF8, B("\x4e\x2d\x65\x87\x00\x41"), ZHFIX_OK,
     B("\xe4\xb8\xad\xe6\x96\x87\x41"), 6},
    {ZHFIX_ENC_UTF16BE, ZHFIX_ENC_UTF8, B("\x2d\x4e\x87\x65\x41\x00"), ZHFIX_OK,
     B("\xe2\xb5\x8e\xe8\x9d\xa5\xe4\x84\x80"), 6},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_UTF16LE, B("\xe4\xb8\xad\x41"), ZHFIX_OK,
     B("\x2d\x4e\x41\x00"), 4},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_UTF16BE, B("\xe4\xb8\xad\x41"), ZHFIX_OK,
     B("\x4e\x2d\x00\x41"), 4},
    {ZHFIX_ENC_UTF16LE, ZHFIX_ENC_UTF8, B("\x3d\xd8\x00\xde"), ZHFIX_OK,
     B("\xf0\x9f\x98\x80"), 4},
    /* a BOM is an ordinary U+FEFF to the codec: callers strip bom_length */
    {ZHFIX_ENC_UTF16LE, ZHFIX_ENC_UTF8, B("\xff\xfe\x41\x00"), ZHFIX_OK,
     B("\xef\xbb\xbf\x41"), 4},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_UTF8, B("\xef\xbb\xbf\x41"), ZHFIX_OK,
     B("\xef\xbb\xbf\x41"), 4},
    /* lone surrogates are invalid UTF-16 */
    {ZHFIX_ENC_UTF16LE, ZHFIX_ENC_UTF8, B("A\x00\x00\xdc\x42\x00"),
     ZHFIX_INVALID_INPUT, B("offset 2: 0x00 0xdc"), 2},
    {ZHFIX_ENC_UTF16LE, ZHFIX_ENC_UTF8, B("A\x00\x00\xd8\x42\x00"),
     ZHFIX_INVALID_INPUT, B("invalid utf-16le sequence at byte offset 2"), 2},
    {ZHFIX_ENC_UTF16BE, ZHFIX_ENC_UTF8, B("\x00\x41\xdc\x00"),
     ZHFIX_INVALID_INPUT, B("offset 2: 0xdc 0x00"), 2},
    {ZHFIX_ENC_UTF16BE, ZHFIX_ENC_UTF8, B("\xdc\x00\xd8\x00"),
     ZHFIX_INVALID_INPUT, B("offset 0"), 0},
    /* characters the target lacks */
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_GBK, B("ab\xed\x95\x9c"), ZHFIX_INVALID_INPUT,
     B("U+D55C at byte offset 2 cannot be encoded in gbk"), 2},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_BIG5HKSCS, B("\xe2\x82\xac"),
     ZHFIX_INVALID_INPUT, B("U+20AC at byte offset 0"), 0},
};

START_TEST(test_codec_case)
{
    conv_result r = convert(cases[_i].from, cases[_i].to, cases[_i].in,
                            cases[_i].inlen, (size_t)1 << 20, 256);
    ck_assert_msg(r.status == cases[_i].status, "status %d, message '%s'",
                  (int)r.status, r.msg);
    ck_assert_uint_eq(r.offset, cases[_i].offset);
    if (cases[_i].status == ZHFIX_OK) {
        ck_assert_uint_eq(r.len, cases[_i].outlen);
        ck_assert_mem_eq(r.data, cases[_i].out, cases[_i].outlen);
    } else {
        ck_assert_msg(strstr(r.msg, cases[_i].out) != NULL,
                      "message '%s' lacks '%s'", r.msg, cases[_i].out);
    }
    free(r.data);
}
END_TEST

/* Invalid UTF-8, validated the same way whatever the target: the offset of
 * the bad sequence and why it is bad. */
static const struct {
    const char *in;
    size_t len;
    unsigned long long offset;
    const char *why;
} bad_utf8[] = {
    {B("ab\xc0\x80"), 2, "0xc0 0x80 (overlong form)"},
    {B("ab\xc1\xbf"), 2, "overlong form"},
    {B("ab\xe0\x80\xaf"), 2, "0xe0 0x80 0xaf (overlong form)"},
    {B("ab\xe0\x9f\xbf"), 2, "overlong form"},
    {B("ab\xf0\x8f\xbf\xbf"), 2, "overlong form"},
    {B("ab\xed\xa0\x80"), 2, "0xed 0xa0 0x80 (surrogate)"},
    {B("ab\xed\xbf\xbf"), 2, "surrogate"},
    {B("ab\xf4\x90\x80\x80"), 2, "above U+10FFFF"},
    {B("ab\xf5\x80\x80\x80"), 2, "above U+10FFFF"},
    {B("ab\xff"), 2, "0xff (invalid byte)"},
    {B("ab\x80"), 2, "unexpected continuation byte"},
    {B("ab\xe4\xb8\x41"), 2, "0xe4 0xb8 (missing continuation byte)"},
    {B("\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xe4"), 6, "missing continuation byte"},
    /* past the 8-byte ASCII fast path */
    {B("0123456789abcdefghijklmnopqrstuvwxyz0123\xed\xa0\x80"), 40,
     "surrogate"},
    {B("0123456789abcdefghijklmnopqrstuvwxyz012\xc0\xaf"), 39, "overlong form"},
};

START_TEST(test_utf8_invalid)
{
    static const zhfix_encoding targets[] = {ZHFIX_ENC_UTF8, ZHFIX_ENC_UTF16LE,
                                             ZHFIX_ENC_GBK, ZHFIX_ENC_BIG5};
    size_t t;
    for (t = 0; t < sizeof targets / sizeof targets[0]; t++) {
        conv_result r = convert(ZHFIX_ENC_UTF8, targets[t], bad_utf8[_i].in,
                                bad_utf8[_i].len, (size_t)1 << 20, 256);
        char where[64];
        ck_assert_int_eq(r.status, ZHFIX_INVALID_INPUT);
        ck_assert_uint_eq(r.offset, bad_utf8[_i].offset);
        snprintf(where, sizeof where,
                 "byte offset %llu: ", bad_utf8[_i].offset);
        ck_assert_msg(strstr(r.msg, where) && strstr(r.msg, bad_utf8[_i].why),
                      "message '%s'", r.msg);
        if (targets[t] == ZHFIX_ENC_UTF8) {
            /* the valid prefix was copied */
            ck_assert_uint_eq(r.len, bad_utf8[_i].offset);
            ck_assert_mem_eq(r.data, bad_utf8[_i].in, r.len);
        }
        free(r.data);
    }
}
END_TEST

/* Long input takes the validator's fast path (4 KiB chunks in four lanes):
 * an invalid sequence is still found at its exact offset, wherever it falls
 * relative to chunks and lanes, and a valid text passes whole. */
static const struct {
    size_t at; /* first character start at or after this offset */
    const char *bad;
    size_t badlen;
} large_bad[] = {
    {0, B("\xed\xa0\x80")},
    {1023, B("\xc0\xaf")},
    {1024, B("\xe0\x80\x80")},
    {1025, B("\x80")},
    {2047, B("\xf4\x90\x80\x80")},
    {3071, B("\xff")},
    {4095, B("\xe4\xb8\x41")},
    {4096, B("\xed\xbf\xbf")},
    {4101, B("\xc1\x81")},
    {8190, B("\xf5\x80")},
    {12289, B("\xe4")},
    {19990, B("\x80\x80")},
    /* each row of the DFA: overlong E0 9F, F0 8F; F4 A0 beyond U+10FFFF;
     * a stray A0; ASCII inside a sequence */
    {5000, B("\xe0\x9f\xbf")},
    {6000, B("\xf0\x8f\xbf\xbf")},
    {7000, B("\xf0\x80\x80\x80")},
    {9000, B("\xf4\xa0\x80\x80")},
    {10000, B("\xa0")},
    {11000, B("\xf1\x80\x41")},
    {(size_t)-1, B("")}, /* no error: the whole text is valid */
};

START_TEST(test_utf8_large)
{
    const size_t size = 20000;
    size_t elen, len = 0, at = size;
    char *text = read_fixture(FIXTURE("man-ls.expected"), &elen);
    char *buf = malloc(size + 16);
    conv_result r;
    ck_assert_ptr_nonnull(buf);
    while (len < size + 8) {
        size_t take = size + 8 - len < elen ? size + 8 - len : elen;
        memcpy(buf + len, text, take);
        len += take;
    }
    len = size;
    while (((unsigned char)buf[len] & 0xC0) == 0x80)
        len--; /* end between characters */
    if (large_bad[_i].at != (size_t)-1) {
        at = large_bad[_i].at;
        while (((unsigned char)buf[at] & 0xC0) == 0x80)
            at++;
        memmove(buf + at + large_bad[_i].badlen, buf + at, len - at);
        memcpy(buf + at, large_bad[_i].bad, large_bad[_i].badlen);
        len += large_bad[_i].badlen;
    }
    r = convert(ZHFIX_ENC_UTF8, ZHFIX_ENC_UTF8, buf, len, len, len);
    if (at == size) {
        ck_assert_msg(r.status == ZHFIX_OK, "%s", r.msg);
        ck_assert_uint_eq(r.len, len);
        ck_assert_mem_eq(r.data, buf, len);
    } else {
        ck_assert_int_eq(r.status, ZHFIX_INVALID_INPUT);
        ck_assert_uint_eq(r.offset, at);
        ck_assert_uint_eq(r.len, at);
        ck_assert_mem_eq(r.data, buf, at);
    }
    free(r.data);
    /* the detector agrees on validity */
    ck_assert_int_eq(detect(buf, len).encoding == ZHFIX_ENC_UTF8, at == size);
    free(buf);
    free(text);
}
END_TEST

/* Valid edges of UTF-8 are copied unchanged. */
static const struct {
    const char *in;
    size_t len;
} good_utf8[] = {
    {B("\xf4\x8f\xbf\xbf")}, {B("\xef\xbf\xbf")}, {B("\xed\x9f\xbf")},
    {B("\xee\x80\x80")},     {B("\xc2\x80")},     {B("\xe0\xa0\x80")},
    {B("\xf0\x90\x80\x80")}, {B("a\x00z")},       {B("\x7f")},
};

START_TEST(test_utf8_valid)
{
    conv_result r = convert(ZHFIX_ENC_UTF8, ZHFIX_ENC_UTF8, good_utf8[_i].in,
                            good_utf8[_i].len, 1, 4);
    ck_assert_msg(r.status == ZHFIX_OK, "%s", r.msg);
    ck_assert_uint_eq(r.len, good_utf8[_i].len);
    ck_assert_mem_eq(r.data, good_utf8[_i].in, r.len);
    free(r.data);
}
END_TEST

/* A multibyte sequence cut by the end of the input: kept pending unless the
 * input is final, then an error naming its offset. */
static const struct {
    zhfix_encoding from;
    const char *in;
    size_t len, pending;
    const char *out;
    size_t outlen;
} truncated[] = {
    {ZHFIX_ENC_UTF8, B("ab\xe4\xb8"), 2, B("ab")},
    {ZHFIX_ENC_UTF8, B("ab\xf0\x9f\x98"), 3, B("ab")},
    {ZHFIX_ENC_UTF8, B("\xc3"), 1, B("")},
    {ZHFIX_ENC_GBK, B("ab\xc4"), 1, B("ab")},
    {ZHFIX_ENC_GB18030, B("ab\x81\x30\x81"), 3, B("ab")},
    {ZHFIX_ENC_BIG5, B("ab\xa4"), 1, B("ab")},
    {ZHFIX_ENC_BIG5HKSCS, B("ab\x88"), 1, B("ab")},
    {ZHFIX_ENC_UTF16LE, B("a\x00\x2d"), 1, B("a")},
    {ZHFIX_ENC_UTF16LE, B("a\x00\x3d\xd8"), 2, B("a")},
    {ZHFIX_ENC_UTF16BE, B("\x00\x61\xd8\x3d\xde"), 3, B("a")},
};

START_TEST(test_truncated)
{
    zhfix_codec *c = NULL;
    char buf[64], *d = buf;
    size_t dc = sizeof buf, sl = truncated[_i].len;
    const char *s = truncated[_i].in;
    zhfix_status st;

    ck_assert_int_eq(zhfix_codec_create(truncated[_i].from, ZHFIX_ENC_UTF8, &c),
                     ZHFIX_OK);
    st = zhfix_codec_convert(c, &s, &sl, &d, &dc, 0);
    ck_assert_int_eq(st, ZHFIX_OK);
    ck_assert_uint_eq(sl, truncated[_i].pending);
    ck_assert_ptr_eq(s, truncated[_i].in + truncated[_i].len - sl);
    ck_assert_uint_eq(sizeof buf - dc, truncated[_i].outlen);
    ck_assert_mem_eq(buf, truncated[_i].out, truncated[_i].outlen);
    ck_assert_uint_eq(zhfix_codec_offset(c),
                      truncated[_i].len - truncated[_i].pending);

    st = zhfix_codec_convert(c, &s, &sl, &d, &dc, 1);
    ck_assert_int_eq(st, ZHFIX_INVALID_INPUT);
    ck_assert_uint_eq(sl, truncated[_i].pending);
    ck_assert_uint_eq(zhfix_codec_offset(c),
                      truncated[_i].len - truncated[_i].pending);
    ck_assert_msg(strstr(zhfix_codec_errmsg(c), "truncated") != NULL,
                  "message '%s'", zhfix_codec_errmsg(c));
    zhfix_codec_destroy(c);
}
END_TEST

static const struct {
    zhfix_encoding from, to;
    zhfix_status status;
} creations[] = {
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_UTF8, ZHFIX_OK},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_BIG5HKSCS, ZHFIX_OK},
    {ZHFIX_ENC_GB18030, ZHFIX_ENC_UTF8, ZHFIX_OK},
    {ZHFIX_ENC_AUTO, ZHFIX_ENC_UTF8, ZHFIX_INVALID_ARGUMENT},
    {ZHFIX_ENC_UTF8, ZHFIX_ENC_AUTO, ZHFIX_INVALID_ARGUMENT},
    {ZHFIX_ENC_GBK, ZHFIX_ENC_BIG5, ZHFIX_INVALID_ARGUMENT},
    {ZHFIX_ENC_GBK, ZHFIX_ENC_GBK, ZHFIX_INVALID_ARGUMENT},
    {ZHFIX_ENC_COUNT_, ZHFIX_ENC_UTF8, ZHFIX_INVALID_ARGUMENT},
    {(zhfix_encoding)-1, ZHFIX_ENC_UTF8, ZHFIX_INVALID_ARGUMENT},
};

START_TEST(test_codec_create)
{
    zhfix_codec *c = (zhfix_codec *)&c; /* must be overwritten */
    ck_assert_int_eq(
        zhfix_codec_create(creations[_i].from, creations[_i].to, &c),
        creations[_i].status);
    if (creations[_i].status == ZHFIX_OK)
        ck_assert_ptr_nonnull(c);
    else
        ck_assert_ptr_null(c);
    zhfix_codec_destroy(c);
}
END_TEST

START_TEST(test_codec_args)
{
    zhfix_codec *c = NULL;
    const char *s = "abc";
    size_t sl = 3, dc = 8;
    char buf[8], *d = buf;
    ck_assert_int_eq(zhfix_codec_create(ZHFIX_ENC_UTF8, ZHFIX_ENC_GBK, NULL),
                     ZHFIX_INVALID_ARGUMENT);
    ck_assert_int_eq(zhfix_codec_create(ZHFIX_ENC_UTF8, ZHFIX_ENC_GBK, &c),
                     ZHFIX_OK);
    ck_assert_int_eq(zhfix_codec_convert(NULL, &s, &sl, &d, &dc, 1),
                     ZHFIX_INVALID_ARGUMENT);
    ck_assert_int_eq(zhfix_codec_convert(c, NULL, &sl, &d, &dc, 1),
                     ZHFIX_INVALID_ARGUMENT);
    ck_assert_int_eq(zhfix_codec_convert(c, &s, &sl, NULL, &dc, 1),
                     ZHFIX_INVALID_ARGUMENT);
    /* no room at all */
    dc = 0;
    ck_assert_int_eq(zhfix_codec_convert(c, &s, &sl, &d, &dc, 1),
                     ZHFIX_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(sl, 3);
    dc = sizeof buf;
    ck_assert_int_eq(zhfix_codec_convert(c, &s, &sl, &d, &dc, 1), ZHFIX_OK);
    ck_assert_uint_eq(sizeof buf - dc, 3);
    ck_assert_mem_eq(buf, "abc", 3);
    ck_assert_str_eq(zhfix_codec_errmsg(c), "");
    zhfix_codec_destroy(c);
    zhfix_codec_destroy(NULL);
    ck_assert_str_eq(zhfix_codec_errmsg(NULL), "");
    ck_assert_uint_eq(zhfix_codec_offset(NULL), 0);
}
END_TEST

/* ---- detection ---------------------------------------------------------- */

static const struct {
    const char *file;
    zhfix_encoding enc;
    size_t bom;
    int done; /* zhfix_detector_done() after the whole file */
} detections[] = {
    {FIXTURE("man-ls.utf-8.txt"), ZHFIX_ENC_UTF8, 0, 0},
    {FIXTURE("man-ls.utf-8-bom.txt"), ZHFIX_ENC_UTF8, 3, 1},
    {FIXTURE("man-ls.gbk.txt"), ZHFIX_ENC_GBK, 0, 0},
    {FIXTURE("man-ls.utf-16le-nobom.txt"), ZHFIX_ENC_UTF16LE, 0, 1},
    {FIXTURE("man-ls.utf-16be-nobom.txt"), ZHFIX_ENC_UTF16BE, 0, 1},
    {FIXTURE("man-ls.utf-16le-bom.txt"), ZHFIX_ENC_UTF16LE, 2, 1},
    {FIXTURE("man-ls.utf-16be-bom.txt"), ZHFIX_ENC_UTF16BE, 2, 1},
    {FIXTURE("man-ls-tw.big5.txt"), ZHFIX_ENC_BIG5, 0, 0},
    {FIXTURE("man-ls-tw.utf-16le-nobom.txt"), ZHFIX_ENC_UTF16LE, 0, 1},
    {FIXTURE("man-ls-tw.utf-16be-nobom.txt"), ZHFIX_ENC_UTF16BE, 0, 1},
    /* four-byte sequences (U+30FB) make GBK text GB18030 */
    {FIXTURE("tang300.gb18030.txt"), ZHFIX_ENC_GB18030, 0, 1},
    {FIXTURE("fortune-tw.big5.txt"), ZHFIX_ENC_BIG5, 0, 0},
    /* HKSCS-only codes make Big5 text BIG5-HKSCS */
    {FIXTURE("fortune-hk.big5-hkscs.txt"), ZHFIX_ENC_BIG5HKSCS, 0, 1},
};

START_TEST(test_detect_fixture)
{
    size_t len;
    char *data = read_fixture(detections[_i].file, &len);
    zhfix_detection det;
    int done;
    detect_pieces(data, len, len, &det, &done);
    ck_assert_enc(det.encoding, detections[_i].enc);
    ck_assert_uint_eq(det.bom_length, detections[_i].bom);
    ck_assert_int_eq(det.binary, 0);
    ck_assert_int_ge(det.confidence, 95);
    ck_assert_int_eq(done, detections[_i].done);
    free(data);
}
END_TEST

/* Feeding byte by byte, in odd pieces or whole gives the same verdict. */
START_TEST(test_detect_split)
{
    static const size_t pieces[] = {1, 2, 3, 7, 64, 1000};
    size_t len, i;
    char *data = read_fixture(detections[_i].file, &len);
    zhfix_detection whole, part;
    int done_whole, done_part;
    detect_pieces(data, len, len, &whole, &done_whole);
    for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
        detect_pieces(data, len, pieces[i], &part, &done_part);
        ck_assert_enc(part.encoding, whole.encoding);
        ck_assert_int_eq(part.confidence, whole.confidence);
        ck_assert_uint_eq(part.bom_length, whole.bom_length);
        ck_assert_int_eq(part.binary, whole.binary);
        ck_assert_int_eq(done_part, done_whole);
    }
    free(data);
}
END_TEST

/* Length of the character at s (n bytes left) in a fixture's encoding. */
static size_t char_length(zhfix_encoding enc, const unsigned char *s, size_t n)
{
    size_t len;
    switch (enc) {
    case ZHFIX_ENC_UTF8:
        len = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
        break;
    case ZHFIX_ENC_UTF16LE:
        len = n > 1 && s[1] >= 0xD8 && s[1] <= 0xDB ? 4 : 2;
        break;
    case ZHFIX_ENC_UTF16BE: len = s[0] >= 0xD8 && s[0] <= 0xDB ? 4 : 2; break;
    default:
        len = s[0] < 0x80 ? 1 : n > 1 && s[1] >= 0x30 && s[1] <= 0x39 ? 4 : 2;
        break;
    }
    return len;
}

/* Does the codec for enc accept the whole of s? */
static int decodes(zhfix_encoding enc, const char *s, size_t len)
{
    conv_result r = convert(enc, ZHFIX_ENC_UTF8, s, len, len + 1, 4 * len + 16);
    free(r.data);
    return r.status == ZHFIX_OK;
}

/* The same with a codec kept across calls (decoders keep no state between
 * characters, and a final call ends in the initial state); *pua tells
 * whether the result is one private-use character (U+E000-U+F8FF). */
static int accepts(zhfix_codec *c, const char *s, size_t len, int *pua)
{
    char out[32], *d = out;
    size_t dc = sizeof out;
    const unsigned char *u = (const unsigned char *)out;
    int ok = zhfix_codec_convert(c, &s, &len, &d, &dc, 1) == ZHFIX_OK;
    *pua = ok && sizeof out - dc == 3 &&
           ((u[0] == 0xEE) || (u[0] == 0xEF && u[1] <= 0xA3));
    return ok;
}

/* Every 20-byte window of real text (cut at character boundaries, with at
 * least one non-ASCII character) is detected right. The expected name is
 * the narrowest that decodes the window: GBK unless GB18030 is needed, BIG5
 * unless BIG5-HKSCS is. */
START_TEST(test_detect_short)
{
    size_t len, start = detections[_i].bom, windows = 0;
    char *data = read_fixture(detections[_i].file, &len);
    zhfix_encoding family = detections[_i].enc;

    while (start < len) {
        size_t end = start, next, k;
        int non_ascii = 0;
        zhfix_encoding want = family;
        zhfix_detection det;
        while (end < len &&
               (next = end + char_length(family, (unsigned char *)data + end,
                                         len - end)) <= start + 20 &&
               next <= len)
            end = next;
        if (end == start)
            break;
        for (k = start; k < end; k++)
            non_ascii |= (unsigned char)data[k] >= 0x80;
        if (family == ZHFIX_ENC_UTF16LE || family == ZHFIX_ENC_UTF16BE)
            non_ascii = 1;
        if (family == ZHFIX_ENC_GB18030 &&
            decodes(ZHFIX_ENC_GBK, data + start, end - start))
            want = ZHFIX_ENC_GBK;
        if (family == ZHFIX_ENC_BIG5HKSCS &&
            decodes(ZHFIX_ENC_BIG5, data + start, end - start))
            want = ZHFIX_ENC_BIG5;
        if (non_ascii) {
            det = detect(data + start, end - start);
            ck_assert_msg(
                det.encoding == want, "%s: bytes %zu..%zu: %s, expected %s",
                detections[_i].file, start, end,
                zhfix_encoding_name(det.encoding), zhfix_encoding_name(want));
            windows++;
        }
        start = end;
    }
    ck_assert_uint_ge(windows, 30);
    free(data);
}
END_TEST

/* A long ASCII prefix says nothing: one line at the end decides, and the
 * detector does not claim to be done before it. */
static const struct {
    const char *tail;
    size_t len;
    zhfix_encoding enc;
} tails[] = {
    /* 中文编码测试。 in GBK */
    {B("\xd6\xd0\xce\xc4\xb1\xe0\xc2\xeb\xb2\xe2\xca\xd4\xa1\xa3\n"),
     ZHFIX_ENC_GBK},
    /* 中文編碼測試。 in Big5 */
    {B("\xa4\xa4\xa4\xe5\xbd\x73\xbd\x58\xb4\xfa\xb8\xd5\xa1\x43\n"),
     ZHFIX_ENC_BIG5},
    /* the same in UTF-8 */
    {B("\xe4\xb8\xad\xe6\x96\x87\xe7\xbc\x96\xe7\xa0\x81\n"), ZHFIX_ENC_UTF8},
    {B("\n"), ZHFIX_ENC_UTF8},
};

START_TEST(test_detect_ascii_then_tail)
{
    const size_t ascii = (size_t)4 << 20, piece = (size_t)1 << 16;
    char *buf = malloc(ascii + 64);
    zhfix_detector *d = NULL;
    zhfix_detection det;
    size_t i;
    ck_assert_ptr_nonnull(buf);
    for (i = 0; i < ascii; i++)
        buf[i] = "The quick brown fox jumps over the lazy dog.\n"[i % 45];
    memcpy(buf + ascii, tails[_i].tail, tails[_i].len);
    ck_assert_int_eq(zhfix_detector_create(&d), ZHFIX_OK);
    for (i = 0; i < ascii; i += piece) {
        zhfix_detector_feed(d, buf + i, piece);
        ck_assert_int_eq(zhfix_detector_done(d), 0);
    }
    zhfix_detector_feed(d, buf + ascii, tails[_i].len);
    zhfix_detector_result(d, &det);
    ck_assert_enc(det.encoding, tails[_i].enc);
    ck_assert_int_eq(det.binary, 0);
    /* the one-shot call agrees */
    zhfix_detect_encoding(buf, ascii + tails[_i].len, &det);
    ck_assert_enc(det.encoding, tails[_i].enc);
    zhfix_detector_destroy(d);
    free(buf);
}
END_TEST

/* UTF-8 cut inside its last character is still UTF-8 (the codec reports the
 * cut); cut inside a GBK character, GBK stays GBK. */
START_TEST(test_detect_cut)
{
    static const struct {
        const char *file;
        zhfix_encoding enc;
    } files[] = {
        {FIXTURE("man-ls.utf-8.txt"), ZHFIX_ENC_UTF8},
        {FIXTURE("man-ls.gbk.txt"), ZHFIX_ENC_GBK},
        {FIXTURE("man-ls-tw.big5.txt"), ZHFIX_ENC_BIG5},
    };
    size_t f, len, at, cut;
    for (f = 0; f < sizeof files / sizeof files[0]; f++) {
        char *data = read_fixture(files[f].file, &len);
        at = len / 2;
        while ((unsigned char)data[at] < 0x80)
            at++; /* a multibyte character */
        for (cut = at + 1; cut < at + 3; cut++) {
            zhfix_detection det = detect(data, cut);
            ck_assert_msg(det.encoding == files[f].enc, "%s cut at %zu: %s",
                          files[f].file, cut,
                          zhfix_encoding_name(det.encoding));
        }
        free(data);
    }
}
END_TEST

static const struct {
    const char *in;
    size_t len;
    zhfix_encoding enc;
    size_t bom;
    int binary;
} small[] = {
    {B(""), ZHFIX_ENC_UTF8, 0, 0},
    {B("plain ascii"), ZHFIX_ENC_UTF8, 0, 0},
    {B("abc\0def"), ZHFIX_ENC_UTF8, 0, 1},
    {B("\0\0\0\0"), ZHFIX_ENC_UTF8, 0, 1},
    /* a few bytes with a NUL read as UTF-16 units of anything (慢c搊):
     * too little to tell them from binary */
    {B("ab\0cd\n"), ZHFIX_ENC_UTF8, 0, 1},
    {B("a\0b\n"), ZHFIX_ENC_UTF8, 0, 1},
    {B("hi\0\n"), ZHFIX_ENC_UTF8, 0, 1},
    /* 你好 NUL 世界 in GBK */
    {B("\xc4\xe3\xba\xc3\x00\xca\xc0\xbd\xe7"), ZHFIX_ENC_GBK, 0, 1},
    /* NUL bytes of UTF-16 are text */
    {B("h\0e\0l\0l\0o\0,\0 \0w\0o\0r\0l\0d\0"), ZHFIX_ENC_UTF16LE, 0, 0},
    {B("\0h\0e\0l\0l\0o\0,\0 \0w\0o\0r\0l\0d"), ZHFIX_ENC_UTF16BE, 0, 0},
    {B("\xef\xbb\xbf"), ZHFIX_ENC_UTF8, 3, 0},
    {B("\xef\xbb\xbf\x61\0b"), ZHFIX_ENC_UTF8, 3, 1},
    {B("\xff\xfe"), ZHFIX_ENC_UTF16LE, 2, 0},
    {B("\xfe\xff\x4e\x2d"), ZHFIX_ENC_UTF16BE, 2, 0},
    {B("\xff\xfe\x2d\x4e"), ZHFIX_ENC_UTF16LE, 2, 0},
    /* not a BOM: two bytes of one, then 中文 in GBK */
    {B("\xef\xbb\xd6\xd0\xce\xc4"), ZHFIX_ENC_GBK, 0, 0},
    /* GBK text with 0x80 (the euro): GBK, never GB18030 */
    {B("\xd6\xd0\xce\xc4\xbc\xdb\xb8\xf1 100 \x80\xa1\xa3"), ZHFIX_ENC_GBK, 0,
     0},
    /* the same with a four-byte sequence instead: GB18030 */
    {B("\xd6\xd0\xce\xc4\xbc\xdb\xb8\xf1 100 \x81\x39\xa7\x39\xa1\xa3"),
     ZHFIX_ENC_GB18030, 0, 0},
};

START_TEST(test_detect_small)
{
    zhfix_detection det = detect(small[_i].in, small[_i].len);
    ck_assert_enc(det.encoding, small[_i].enc);
    ck_assert_uint_eq(det.bom_length, small[_i].bom);
    ck_assert_int_eq(det.binary, small[_i].binary);
    ck_assert_int_ge(det.confidence, 0);
    ck_assert_int_le(det.confidence, 100);
}
END_TEST

START_TEST(test_detect_null)
{
    zhfix_detection det;
    zhfix_detector *d = NULL;
    zhfix_detect_encoding(NULL, 0, &det);
    ck_assert_enc(det.encoding, ZHFIX_ENC_UTF8);
    ck_assert_int_eq(det.confidence, 100);
    ck_assert_int_eq(zhfix_detector_create(NULL), ZHFIX_INVALID_ARGUMENT);
    ck_assert_int_eq(zhfix_detector_create(&d), ZHFIX_OK);
    zhfix_detector_feed(d, NULL, 5);
    zhfix_detector_feed(NULL, "x", 1);
    zhfix_detector_result(d, NULL);
    zhfix_detector_result(d, &det);
    ck_assert_enc(det.encoding, ZHFIX_ENC_UTF8);
    ck_assert_int_eq(zhfix_detector_done(NULL), 0);
    zhfix_detector_destroy(d);
    zhfix_detector_destroy(NULL);
}
END_TEST

/* Confidence follows the evidence: high for real Chinese text, low for one
 * ambiguous character and for Korean, Japanese or French text (which has
 * to be reported as some Chinese encoding). */
static const struct {
    const char *file, *in;
    size_t len;
    int lo, hi;
} confidences[] = {
    {FIXTURE("man-ls.gbk.txt"), NULL, 0, 95, 100},
    {FIXTURE("man-ls-tw.big5.txt"), NULL, 0, 95, 100},
    {FIXTURE("man-ko.euc-kr.txt"), NULL, 0, 0, 30},
    {FIXTURE("man-ja.shift_jis.txt"), NULL, 0, 0, 30},
    {FIXTURE("man-fr.iso-8859-1.txt"), NULL, 0, 0, 30},
    {NULL, B("\xc4\xe3"), 0, 90},         /* 你, or Big5's 衤 */
    {NULL, B("\xb5\xc4\xa1\xa3"), 0, 90}, /* 的。 */
    {NULL, B("ascii only"), 100, 100},
};

START_TEST(test_detect_confidence)
{
    size_t len = confidences[_i].len;
    char *data =
        confidences[_i].file ? read_fixture(confidences[_i].file, &len) : NULL;
    zhfix_detection det = detect(data ? data : confidences[_i].in, len);
    ck_assert_int_ge(det.confidence, confidences[_i].lo);
    ck_assert_int_le(det.confidence, confidences[_i].hi);
    free(data);
}
END_TEST

/* The generated tables agree with this machine's iconv: for every two-byte
 * code, GBK text ending in it is called GB18030 exactly when GBK's codec
 * rejects the code and GB18030's accepts it; Big5 text ending in it is
 * BIG5-HKSCS exactly when only BIG5-HKSCS's codec makes a character of it;
 * and a code neither accepts costs the verdict its confidence. */
START_TEST(test_tables_match_iconv)
{
    size_t glen, blen;
    char *gbk = read_fixture(FIXTURE("man-ls.gbk.txt"), &glen);
    char *big5 = read_fixture(FIXTURE("fortune-tw.big5.txt"), &blen);
    unsigned lead, trail;
    zhfix_codec *c_gbk = NULL, *c_gb18030 = NULL, *c_big5 = NULL, *c_hk = NULL;
    ck_assert(glen + 4 < FIXTURE_CAP && blen + 4 < FIXTURE_CAP);
    ck_assert_int_eq(zhfix_codec_create(ZHFIX_ENC_GBK, ZHFIX_ENC_UTF8, &c_gbk),
                     ZHFIX_OK);
    ck_assert_int_eq(
        zhfix_codec_create(ZHFIX_ENC_GB18030, ZHFIX_ENC_UTF8, &c_gb18030),
        ZHFIX_OK);
    ck_assert_int_eq(
        zhfix_codec_create(ZHFIX_ENC_BIG5, ZHFIX_ENC_UTF8, &c_big5), ZHFIX_OK);
    ck_assert_int_eq(
        zhfix_codec_create(ZHFIX_ENC_BIG5HKSCS, ZHFIX_ENC_UTF8, &c_hk),
        ZHFIX_OK);
    for (lead = 0x81; lead <= 0xFE; lead++) {
        for (trail = 0x40; trail <= 0xFE; trail++) {
            char code[2];
            int in_gbk, in_gb18030, in_big5, in_hkscs, pua5, puahk;
            zhfix_detection det;
            code[0] = (char)lead;
            code[1] = (char)trail;
            if (trail != 0x7F) {
                in_gbk = accepts(c_gbk, code, 2, &pua5);
                in_gb18030 = accepts(c_gb18030, code, 2, &pua5);
                memcpy(gbk + glen, code, 2);
                det = detect(gbk, glen + 2);
                if (in_gbk)
                    ck_assert_msg(det.encoding == ZHFIX_ENC_GBK, "GBK %02X%02X",
                                  lead, trail);
                else if (in_gb18030)
                    ck_assert_msg(det.encoding == ZHFIX_ENC_GB18030,
                                  "GB18030 %02X%02X", lead, trail);
            }
            if (trail <= 0x7E || trail >= 0xA1) {
                in_big5 = accepts(c_big5, code, 2, &pua5);
                in_hkscs = accepts(c_hk, code, 2, &puahk);
                memcpy(big5 + blen, code, 2);
                det = detect(big5, blen + 2);
                /* HKSCS-only: BIG5 rejects it, or makes private use of what
                 * BIG5-HKSCS decodes as a character */
                if (in_hkscs && (!in_big5 || (pua5 && !puahk)))
                    ck_assert_msg(det.encoding == ZHFIX_ENC_BIG5HKSCS,
                                  "HKSCS %02X%02X", lead, trail);
                else
                    ck_assert_msg(det.encoding == ZHFIX_ENC_BIG5,
                                  "Big5 %02X%02X", lead, trail);
                if (!in_big5 && !in_hkscs)
                    ck_assert_msg(det.confidence <= 30, "%02X%02X: %d", lead,
                                  trail, det.confidence);
            }
        }
    }
    zhfix_codec_destroy(c_gbk);
    zhfix_codec_destroy(c_gb18030);
    zhfix_codec_destroy(c_big5);
    zhfix_codec_destroy(c_hk);
    free(gbk);
    free(big5);
}
END_TEST

/* Four-byte GB18030: the defined ranges and their edges. */
START_TEST(test_tables_four_byte)
{
    static const uint32_t probes[] = {
        0,      1,      19056,   19057,   19064,   19065,  39075,
        39076,  39085,  39086,   39419,   39420,   100000, 188999,
        189000, 500000, 1237575, 1237576, 1587599,
    };
    size_t glen, i;
    char *gbk = read_fixture(FIXTURE("man-ls.gbk.txt"), &glen);
    for (i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        uint32_t v = probes[i];
        char seq[4];
        zhfix_detection det;
        seq[3] = (char)(0x30 + v % 10);
        seq[2] = (char)(0x81 + v / 10 % 126);
        seq[1] = (char)(0x30 + v / 1260 % 10);
        seq[0] = (char)(0x81 + v / 12600);
        memcpy(gbk + glen, seq, 4);
        det = detect(gbk, glen + 4);
        if (decodes(ZHFIX_ENC_GB18030, seq, 4))
            ck_assert_msg(det.encoding == ZHFIX_ENC_GB18030 &&
                              det.confidence >= 95,
                          "linear %u: %s %d", (unsigned)v,
                          zhfix_encoding_name(det.encoding), det.confidence);
        else
            ck_assert_msg(det.confidence <= 30, "linear %u: %d", (unsigned)v,
                          det.confidence);
    }
    free(gbk);
}
END_TEST

/* Tables sorted, without duplicates, and their indexes consistent. */
static void check_cost_table(const uint16_t *code, const uint8_t *cost,
                             size_t n, const uint16_t *start)
{
    size_t i;
    for (i = 0; i < n; i++) {
        ck_assert_uint_gt(cost[i], 0);
        if (i > 0)
            ck_assert_msg(code[i - 1] < code[i], "unsorted at %zu", i);
        ck_assert_uint_le(start[code[i] >> 8], i);
        ck_assert_uint_gt(start[(code[i] >> 8) + 1], i);
    }
    ck_assert_uint_eq(start[256], n);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_tables_sorted)
{
    size_t i;
    check_cost_table(enc_gbk_code, enc_gbk_cost, COUNT(enc_gbk_code),
                     enc_gbk_start);
    check_cost_table(enc_big5_code, enc_big5_cost, COUNT(enc_big5_code),
                     enc_big5_start);
    check_cost_table(enc_uni_code, enc_uni_cost, COUNT(enc_uni_code),
                     enc_uni_start);
    ck_assert_uint_eq(COUNT(enc_gbk_code), COUNT(enc_gbk_cost));
    ck_assert_uint_eq(COUNT(enc_big5_code), COUNT(enc_big5_cost));
    ck_assert_uint_eq(COUNT(enc_uni_code), COUNT(enc_uni_cost));
    for (i = 0; i + 1 < COUNT(enc_gb18030_only); i += 2) {
        ck_assert_uint_le(enc_gb18030_only[i], enc_gb18030_only[i + 1]);
        if (i >= 2)
            ck_assert_uint_gt(enc_gb18030_only[i], enc_gb18030_only[i - 1] + 1);
    }
    for (i = 0; i + 1 < COUNT(enc_gb18030_four); i += 2) {
        ck_assert_uint_le(enc_gb18030_four[i], enc_gb18030_four[i + 1]);
        if (i >= 2)
            ck_assert_uint_gt(enc_gb18030_four[i], enc_gb18030_four[i - 1] + 1);
    }
    for (i = 0; i + 2 < COUNT(enc_big5_runs); i += 3) {
        ck_assert_uint_le(enc_big5_runs[i], enc_big5_runs[i + 1]);
        ck_assert(enc_big5_runs[i + 2] == 1 || enc_big5_runs[i + 2] == 2 ||
                  enc_big5_runs[i + 2] == 3 || enc_big5_runs[i + 2] == 7);
        if (i >= 3)
            ck_assert_uint_gt(enc_big5_runs[i], enc_big5_runs[i - 2]);
    }
    ck_assert(strstr(ENC_FREQ_SOURCES, "jieba") != NULL);
}
END_TEST

/* ---- suite ------------------------------------------------------------- */

#define LOOP(tc, fn, table) tcase_add_loop_test(tc, fn, 0, (int)COUNT(table))

static Suite *encoding_suite(void)
{
    Suite *s = suite_create("encoding");
    TCase *tc;

    tc = tcase_create("names");
    LOOP(tc, test_name_parse, names);
    LOOP(tc, test_name_unknown, bad_names);
    tcase_add_loop_test(tc, test_name_canonical, 0, ZHFIX_ENC_COUNT_);
    tcase_add_test(tc, test_name_args);
    suite_add_tcase(s, tc);

    tc = tcase_create("codec");
    LOOP(tc, test_round_trip, trips);
    LOOP(tc, test_codec_case, cases);
    LOOP(tc, test_utf8_invalid, bad_utf8);
    LOOP(tc, test_utf8_valid, good_utf8);
    LOOP(tc, test_utf8_large, large_bad);
    LOOP(tc, test_truncated, truncated);
    LOOP(tc, test_codec_create, creations);
    tcase_add_test(tc, test_codec_args);
    suite_add_tcase(s, tc);

    tc = tcase_create("detect");
    tcase_set_timeout(tc, 60);
    LOOP(tc, test_detect_fixture, detections);
    LOOP(tc, test_detect_split, detections);
    LOOP(tc, test_detect_short, detections);
    LOOP(tc, test_detect_ascii_then_tail, tails);
    LOOP(tc, test_detect_small, small);
    tcase_add_test(tc, test_detect_null);
    tcase_add_test(tc, test_detect_cut);
    LOOP(tc, test_detect_confidence, confidences);
    suite_add_tcase(s, tc);

    tc = tcase_create("tables");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_tables_match_iconv);
    tcase_add_test(tc, test_tables_four_byte);
    tcase_add_test(tc, test_tables_sorted);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(encoding_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
