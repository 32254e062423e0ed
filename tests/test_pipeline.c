/*
 * test_pipeline.c - the handle, rule selection, the fix/check pipeline,
 * caller-sized buffers, blocks, and the invisible-char rule.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise (hugemap.h) */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hugemap.h"
#include "internal.h"
#include "newlines.h"
#include "protect.h"
#include "triggers.h"
#include "zhfix.h"

static zhfix *make(const char *select, const char *ignore, const char *target)
{
    zhfix_options o;
    zhfix_options_init(&o);
    o.select = select;
    o.ignore = ignore;
    o.target = target;
    zhfix *h = NULL;
    char err[256];
    ck_assert_int_eq(zhfix_create(&o, &h, err, sizeof err), ZHFIX_OK);
    ck_assert_ptr_nonnull(h);
    return h;
}

/* ---- status and names -------------------------------------------------- */

START_TEST(status_names)
{
    ck_assert_str_eq(zhfix_status_name(ZHFIX_OK), "OK");
    ck_assert_str_eq(zhfix_status_name(ZHFIX_BUFFER_TOO_SMALL),
                     "BUFFER_TOO_SMALL");
    ck_assert_str_eq(zhfix_strerror(ZHFIX_NOMEM), "out of memory");
    ck_assert_str_eq(zhfix_status_name((zhfix_status)999), "UNKNOWN");
    for (int s = 0; s < ZHFIX_STATUS_COUNT_; s++)
        ck_assert(strlen(zhfix_strerror((zhfix_status)s)) > 0);
    ck_assert_str_eq(zhfix_category_name(ZHFIX_CATEGORY_WIDTH), "width");
    ck_assert_ptr_null(zhfix_category_name((zhfix_category)99));
    ck_assert_str_eq(zhfix_version(), ZHFIX_VERSION_STRING);
    ck_assert(strlen(zhfix_data_version()) > 10);
}
END_TEST

START_TEST(rule_table_shape)
{
    size_t n = zhfix_rule_count();
    ck_assert_uint_gt(n, 0);
    ck_assert_ptr_null(zhfix_rule_get(n));
    for (size_t i = 0; i < n; i++) {
        const zhfix_rule_info *r = zhfix_rule_get(i);
        ck_assert_ptr_nonnull(r);
        /* ids are kebab-case and unique */
        for (const char *p = r->id; *p; p++)
            ck_assert_msg((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
                              *p == '-',
                          "rule id %s is not kebab-case", r->id);
        for (size_t k = 0; k < i; k++)
            ck_assert_str_ne(zhfix_rule_get(k)->id, r->id);
        ck_assert_uint_lt(r->category, ZHFIX_CATEGORY_COUNT_);
        ck_assert(strlen(r->description) > 10);
        ck_assert_ptr_null(strchr(r->description, '\n'));
        /* width and script are opt-in */
        if (r->category == ZHFIX_CATEGORY_WIDTH ||
            r->category == ZHFIX_CATEGORY_SCRIPT)
            ck_assert_int_eq(r->default_on, 0);
    }
}
END_TEST

static const struct {
    const char *select, *ignore, *target;
    zhfix_status want;
} create_cases[] = {
    {NULL, NULL, NULL, ZHFIX_OK},
    {"all", NULL, NULL, ZHFIX_OK},
    {"artifact, encoding", NULL, NULL, ZHFIX_OK},
    {"invisible-char", NULL, NULL, ZHFIX_OK},
    {NULL, "artifact", NULL, ZHFIX_OK},
    {"no-such-rule", NULL, NULL, ZHFIX_UNKNOWN_RULE},
    {NULL, "bogus", NULL, ZHFIX_UNKNOWN_RULE},
    {NULL, NULL, "simplified", ZHFIX_OK},
    {NULL, NULL, "hongkong", ZHFIX_OK},
    {NULL, NULL, "martian", ZHFIX_UNKNOWN_TARGET},
};

START_TEST(create_options)
{
    zhfix_options o;
    zhfix_options_init(&o);
    o.select = create_cases[_i].select;
    o.ignore = create_cases[_i].ignore;
    o.target = create_cases[_i].target;
    zhfix *h = (zhfix *)1;
    char err[256] = "";
    zhfix_status st = zhfix_create(&o, &h, err, sizeof err);
    ck_assert_int_eq(st, create_cases[_i].want);
    if (st == ZHFIX_OK) {
        ck_assert_ptr_nonnull(h);
    } else {
        ck_assert_ptr_null(h);
        ck_assert(strlen(err) > 0);
    }
    zhfix_destroy(h);
}
END_TEST

START_TEST(destroy_null) { zhfix_destroy(NULL); }
END_TEST

/* ---- fix and check ----------------------------------------------------- */

/* invisible-char: removed only next to Chinese text. */
static const struct {
    const char *in, *out;
    size_t findings;
} invisible_cases[] = {
    {"中\u200b文", "中文", 1},
    {"中文\u200b", "中文", 1},
    {"\u200b中文", "中文", 1},
    {"中\u00ad文", "中文", 1},
    {"中\u2060文", "中文", 1},
    {"中\ufeff文", "中文", 1},
    {"一\u200b\u200b二", "一二", 2},
    {"，\u200b。", "，。", 1},
    /* traps */
    {"\ufeff中文", "\ufeff中文", 0},             /* the file's own BOM */
    {"co\u00adoperate", "co\u00adoperate", 0},   /* hyphenation hint */
    {"a\u200bb", "a\u200bb", 0},                 /* not Chinese context */
    {"👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧", 0}, /* emoji ZWJ */
    {"中\u200c文", "中\u200c文", 0},             /* ZWNJ is never touched */
    {"纯文本，没有问题。", "纯文本，没有问题。", 0},
    {"", "", 0},
};

START_TEST(invisible_fix)
{
    zhfix *h = make("invisible-char", NULL, NULL);
    const char *in = invisible_cases[_i].in;
    char *out = NULL;
    size_t outlen = 0;
    ck_assert_int_eq(zhfix_fix_alloc(h, in, strlen(in), &out, &outlen),
                     ZHFIX_OK);
    ck_assert_uint_eq(outlen, strlen(invisible_cases[_i].out));
    ck_assert_mem_eq(out, invisible_cases[_i].out, outlen);
    ck_assert_uint_eq(zhfix_finding_count(h), invisible_cases[_i].findings);
    zhfix_free(out);
    /* check reports the same findings and changes nothing */
    ck_assert_int_eq(zhfix_check(h, in, strlen(in)), ZHFIX_OK);
    ck_assert_uint_eq(zhfix_finding_count(h), invisible_cases[_i].findings);
    zhfix_destroy(h);
}
END_TEST

/* Each rule reports its findings in order; the findings of a block come
 * out merged in order of offset, lines and columns following them. */
START_TEST(findings_merged_in_order)
{
    zhfix *h = make(NULL, NULL, NULL);
    const char *in = "中文\u200b好的,我们走吧。\n"
                     "第二行\u200b的文字,这是中文。\n"
                     "中\u200b文里的字,好的。\n";
    static const struct {
        const char *rule;
        size_t line, column;
    } want[] = {
        {"invisible-char", 1, 3}, {"halfwidth-punct", 1, 6},
        {"invisible-char", 2, 4}, {"halfwidth-punct", 2, 8},
        {"invisible-char", 3, 2}, {"halfwidth-punct", 3, 7},
    };
    ck_assert_int_eq(zhfix_check(h, in, strlen(in)), ZHFIX_OK);
    ck_assert_uint_eq(zhfix_finding_count(h), sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const zhfix_finding *f = zhfix_finding_get(h, i);
        ck_assert_str_eq(f->rule, want[i].rule);
        ck_assert_uint_eq(f->line, want[i].line);
        ck_assert_uint_eq(f->column, want[i].column);
        if (i > 0)
            ck_assert_uint_lt(zhfix_finding_get(h, i - 1)->offset, f->offset);
    }
    zhfix_destroy(h);
}
END_TEST

START_TEST(finding_position)
{
    zhfix *h = make(NULL, NULL, NULL);
    const char *in = "第一行\nab中文\u200b好\n";
    ck_assert_int_eq(zhfix_check(h, in, strlen(in)), ZHFIX_OK);
    ck_assert_uint_eq(zhfix_finding_count(h), 1);
    const zhfix_finding *f = zhfix_finding_get(h, 0);
    ck_assert_uint_eq(f->line, 2);
    ck_assert_uint_eq(f->column, 5); /* a b 中 文 then U+200B */
    ck_assert_uint_eq(f->offset, strlen("第一行\nab中文"));
    ck_assert_uint_eq(f->length, 3);
    ck_assert_str_eq(f->rule, "invisible-char");
    ck_assert_int_eq(f->category, ZHFIX_CATEGORY_ARTIFACT);
    ck_assert_str_eq(f->text, "\u200b");
    ck_assert_str_eq(f->replacement, "");
    ck_assert_int_eq(f->applied, 1);
    ck_assert_ptr_null(zhfix_finding_get(h, 1));
    zhfix_destroy(h);
}
END_TEST

START_TEST(ignore_removes_rule)
{
    zhfix *h = make(NULL, "invisible-char", NULL);
    const char *in = "中\u200b文";
    char *out;
    size_t n;
    ck_assert_int_eq(zhfix_fix_alloc(h, in, strlen(in), &out, &n), ZHFIX_OK);
    ck_assert_mem_eq(out, in, strlen(in));
    ck_assert_uint_eq(zhfix_finding_count(h), 0);
    zhfix_free(out);
    zhfix_destroy(h);
}
END_TEST

START_TEST(caller_sized_buffer)
{
    zhfix *h = make(NULL, NULL, NULL);
    const char *in = "中\u200b文";
    size_t needed = 0;
    /* Asking for the size with no buffer. */
    ck_assert_int_eq(zhfix_fix(h, in, strlen(in), NULL, 0, &needed),
                     ZHFIX_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(needed, strlen("中文"));
    char small[3];
    ck_assert_int_eq(zhfix_fix(h, in, strlen(in), small, sizeof small, &needed),
                     ZHFIX_BUFFER_TOO_SMALL);
    char buf[16];
    ck_assert_int_eq(zhfix_fix(h, in, strlen(in), buf, sizeof buf, &needed),
                     ZHFIX_OK);
    ck_assert_uint_eq(needed, 6);
    ck_assert_mem_eq(buf, "中文", 6);
    /* A NULL dst with a capacity is a caller error. */
    ck_assert_int_eq(zhfix_fix(h, in, strlen(in), NULL, 5, &needed),
                     ZHFIX_INVALID_ARGUMENT);
    zhfix_destroy(h);
}
END_TEST

static const struct {
    const char *in;
    size_t len;
    size_t bad_offset;
} invalid_cases[] = {
    {"ab\xff", 3, 2},
    {"中\xe6\x96", 5, 3},        /* truncated at the end */
    {"\xc0\xaf", 2, 0},          /* overlong */
    {"x\xed\xa0\x80", 4, 1},     /* surrogate */
    {"\xf4\x90\x80\x80", 4, 0},  /* above U+10FFFF */
};

START_TEST(invalid_utf8_rejected)
{
    zhfix *h = make(NULL, NULL, NULL);
    char *out = (char *)1;
    size_t n;
    ck_assert_int_eq(zhfix_fix_alloc(h, invalid_cases[_i].in,
                                     invalid_cases[_i].len, &out, &n),
                     ZHFIX_INVALID_INPUT);
    ck_assert_ptr_null(out);
    char want[64];
    snprintf(want, sizeof want, "offset %zu ", invalid_cases[_i].bad_offset);
    ck_assert_msg(strstr(zhfix_errmsg(h), want), "message '%s' lacks '%s'",
                  zhfix_errmsg(h), want);
    ck_assert_int_eq(zhfix_check(h, invalid_cases[_i].in, invalid_cases[_i].len),
                     ZHFIX_INVALID_INPUT);
    zhfix_destroy(h);
}
END_TEST

START_TEST(nul_bytes_pass_through)
{
    zhfix *h = make(NULL, NULL, "traditional");
    const char in[] = "一只猫\0一只猫\n";
    char *out;
    size_t n;
    ck_assert_int_eq(zhfix_fix_alloc(h, in, sizeof in - 1, &out, &n), ZHFIX_OK);
    const char want[] = "一隻貓\0一隻貓\n";
    ck_assert_uint_eq(n, sizeof want - 1);
    ck_assert_mem_eq(out, want, n);
    zhfix_free(out);
    zhfix_destroy(h);
}
END_TEST

START_TEST(convert_needs_target)
{
    zhfix *h = make(NULL, NULL, NULL);
    char *out;
    size_t n;
    ck_assert_int_eq(zhfix_convert_alloc(h, "x", 1, &out, &n),
                     ZHFIX_UNKNOWN_TARGET);
    zhfix_destroy(h);
}
END_TEST

/* ---- blocks ------------------------------------------------------------ */

START_TEST(block_boundaries)
{
    size_t big = ZHFIX_BLOCK_SIZE + 100;
    char *s = malloc(big);
    memset(s, 'a', big);
    /* no newline at all, shorter than a line may be: all or wait */
    ck_assert_uint_eq(zhfix_block_length(s, big, 1), big);
    ck_assert_uint_eq(zhfix_block_length(s, big, 0), 0);
    /* a newline before the block size does not end a block */
    s[10] = '\n';
    ck_assert_uint_eq(zhfix_block_length(s, big, 0), 0);
    /* the first newline at or after the block size does */
    s[ZHFIX_BLOCK_SIZE + 5] = '\n';
    ck_assert_uint_eq(zhfix_block_length(s, big, 0), ZHFIX_BLOCK_SIZE + 6);
    s[ZHFIX_BLOCK_SIZE - 1] = '\n';
    ck_assert_uint_eq(zhfix_block_length(s, big, 1), ZHFIX_BLOCK_SIZE);
    /* short input */
    ck_assert_uint_eq(zhfix_block_length("ab\n", 3, 1), 3);
    ck_assert_uint_eq(zhfix_block_length("ab\n", 3, 0), 0);
    free(s);
}
END_TEST

/* A line longer than 16 MiB is cut at a character boundary, found
 * without reading past the input even when it is exactly 16 MiB long
 * (ASan in CI sees a read of the byte after). */
START_TEST(overlong_line_cut_on_character)
{
    const size_t limit = (size_t)16 << 20;
    for (size_t extra = 0; extra <= 2; extra++) {
        size_t len = limit + extra;
        char *s = malloc(len);
        ck_assert_ptr_nonnull(s);
        /* 中 over and over: 16 MiB = 3k + 1, so the limit cuts one. */
        for (size_t i = 0; i < len; i++)
            s[i] = "\xe4\xb8\xad"[i % 3];
        size_t want = limit - limit % 3; /* before the 中 the limit cuts */
        ck_assert_uint_eq(zhfix_block_length(s, len, 0), want);
        ck_assert_uint_eq(zhfix_block_length(s, len, 1), want);
        free(s);
    }
}
END_TEST

/* Whole input and block-by-block give the same output and findings. */
START_TEST(blocks_equal_whole)
{
    const char *line = "中\u200b文测试一行，\n";
    size_t ll = strlen(line), n = (3 * ZHFIX_BLOCK_SIZE) / ll + 7;
    char *text = malloc(n * ll);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * ll, line, ll);
    size_t len = n * ll;
    zhfix *h = make(NULL, NULL, NULL);
    char *whole;
    size_t wlen;
    ck_assert_int_eq(zhfix_fix_alloc(h, text, len, &whole, &wlen), ZHFIX_OK);
    ck_assert_uint_eq(zhfix_finding_count(h), n);
    const zhfix_finding *last = zhfix_finding_get(h, n - 1);
    ck_assert_uint_eq(last->line, n);
    ck_assert_uint_eq(last->offset, (n - 1) * ll + 3);
    char *joined = malloc(len);
    size_t jlen = 0, pos = 0, blocks = 0;
    while (pos < len) {
        size_t b = zhfix_block_length(text + pos, len - pos, 1);
        char *out;
        size_t olen;
        ck_assert_int_eq(zhfix_fix_alloc(h, text + pos, b, &out, &olen),
                         ZHFIX_OK);
        memcpy(joined + jlen, out, olen);
        jlen += olen;
        zhfix_free(out);
        pos += b;
        blocks++;
    }
    ck_assert_uint_ge(blocks, 3);
    ck_assert_uint_eq(jlen, wlen);
    ck_assert_mem_eq(joined, whole, wlen);
    free(joined);
    zhfix_free(whole);
    free(text);
    zhfix_destroy(h);
}
END_TEST

/* Blocks that come out unchanged are copied only when a changed block
 * follows, or at the end (pipeline.c): every placement of changed blocks
 * among clean ones gives the text with its defects fixed, through each
 * way of getting the output, and zhfix_fix_if_changed copies nothing
 * when no block changed. Bit k of the case puts a defect in block k. */
static const unsigned deferred_copy_cases[] = {0x0, 0x1, 0x4, 0x8, 0x9, 0x6};

START_TEST(deferred_copy_keeps_order)
{
    const char *clean = "中文测试一行，\n", *defect = "中\u200b文测试一行，\n";
    size_t cl = strlen(clean), dl = strlen(defect);
    size_t nblocks = 4, n = nblocks * ZHFIX_BLOCK_SIZE / cl;
    unsigned mask = deferred_copy_cases[_i];
    char *text = malloc(n * dl), *want = malloc(n * cl);
    size_t len = 0, wlen = 0;
    for (size_t i = 0; i < n; i++) {
        /* The middle of block k: far from any cut. */
        size_t k = len / ZHFIX_BLOCK_SIZE;
        int bad = (mask >> k & 1) &&
                  len % ZHFIX_BLOCK_SIZE > ZHFIX_BLOCK_SIZE / 2 &&
                  len % ZHFIX_BLOCK_SIZE < ZHFIX_BLOCK_SIZE / 2 + 10 * dl;
        const char *line = bad ? defect : clean;
        memcpy(text + len, line, strlen(line));
        len += strlen(line);
        memcpy(want + wlen, clean, cl);
        wlen += cl;
    }
    zhfix *h = make(NULL, NULL, NULL);
    char *out = NULL;
    size_t olen = 0;
    ck_assert_int_eq(zhfix_fix_if_changed(h, text, len, &out, &olen), ZHFIX_OK);
    ck_assert_uint_eq(zhfix_finding_count(h) > 0, mask != 0);
    if (mask == 0) {
        ck_assert_ptr_null(out);
        ck_assert_uint_eq(olen, len);
    } else {
        ck_assert_ptr_nonnull(out);
        ck_assert_uint_eq(olen, wlen);
        ck_assert_mem_eq(out, want, wlen);
    }
    zhfix_free(out);
    ck_assert_int_eq(zhfix_fix_alloc(h, text, len, &out, &olen), ZHFIX_OK);
    ck_assert_uint_eq(olen, wlen);
    ck_assert_mem_eq(out, want, wlen);
    zhfix_free(out);
    char *buf = malloc(len);
    size_t needed = 0;
    ck_assert_int_eq(zhfix_fix(h, text, len, buf, len, &needed), ZHFIX_OK);
    ck_assert_uint_eq(needed, wlen);
    ck_assert_mem_eq(buf, want, wlen);
    free(buf);
    free(text);
    free(want);
    zhfix_destroy(h);
}
END_TEST

/* A buffer grown past 2 MB is mapped on its own (text.c): its bytes move
 * over intact, and only zh_buf_free releases it. */
START_TEST(large_buffer_keeps_bytes)
{
    zh_buf b = {NULL, 0, 0};
    char chunk[4096];
    for (size_t k = 0; k < 1024 + 7; k++) {
        memset(chunk, (int)('a' + k % 26), sizeof chunk);
        ck_assert_int_eq(zh_buf_append(&b, chunk, sizeof chunk), ZHFIX_OK);
    }
    ck_assert_uint_eq(b.len, (1024 + 7) * sizeof chunk);
    ck_assert_uint_ge(b.cap, (size_t)4 << 20);
#ifdef __linux__
    ck_assert(zh_buf_is_mapped(&b));
#endif
    for (size_t k = 0; k < 1024 + 7; k++)
        ck_assert_int_eq(b.data[k * sizeof chunk + k % sizeof chunk],
                         'a' + k % 26);
    zh_buf_free(&b);
    ck_assert_ptr_null(b.data);
}
END_TEST

/* hugemap.h maps whole huge pages at a huge-page boundary whatever the
 * length asked for: the kernel backs only aligned 2 MB stretches with huge
 * pages, and a mapping of an odd length (an input file's size) came back
 * unaligned, so most of a 10 MB input was read into 4 KB pages. */
START_TEST(huge_mapping_is_aligned)
{
#if ZH_HUGEMAP
    const size_t lengths[] = {1, 4096, ((size_t)2 << 20) - 1, (size_t)2 << 20,
                              10000109, ((size_t)6 << 20) + 1};
    for (size_t k = 0; k < sizeof lengths / sizeof *lengths; k++) {
        size_t n = lengths[k];
        char *p = zh_map_huge(n);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_eq((uintptr_t)p % ZH_HUGE_PAGE, 0);
        ck_assert_uint_eq(zh_huge_span(n) % ZH_HUGE_PAGE, 0);
        ck_assert_uint_ge(zh_huge_span(n), n);
        ck_assert_uint_lt(zh_huge_span(n) - n, ZH_HUGE_PAGE);
        ck_assert_int_eq(p[0], 0);
        ck_assert_int_eq(p[n - 1], 0);
        memset(p, 'x', zh_huge_span(n)); /* the whole span is ours */
        zh_unmap(p, n);
    }
#endif
}
END_TEST

/* An output of over 2 MB is built in a mapped buffer, which the caller
 * gets a copy of (zhfix_free is free); the handle keeps the mapping for
 * the next call, whose output is its own. */
START_TEST(large_output_then_small)
{
    const char *line = "中\u200b文，\n";
    size_t ll = strlen(line), n = ((size_t)3 << 20) / ll;
    char *text = malloc(n * ll);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * ll, line, ll);
    zhfix *h = make(NULL, NULL, NULL);
    char *big, *small;
    size_t blen, slen;
    ck_assert_int_eq(zhfix_fix_alloc(h, text, n * ll, &big, &blen), ZHFIX_OK);
    ck_assert_uint_eq(blen, n * (ll - 3));
    ck_assert_int_eq(zhfix_fix_alloc(h, text, ll, &small, &slen), ZHFIX_OK);
    ck_assert_uint_eq(slen, ll - 3);
    ck_assert_mem_eq(small, "中文，\n", slen);
    ck_assert_mem_eq(big + blen - slen, small, slen);
    zhfix_free(big);
    zhfix_free(small);
    free(text);
    zhfix_destroy(h);
}
END_TEST


/* skip_findings: fix and convert give the same text and keep no findings;
 * check keeps its findings (the same spans and messages), without the
 * mojibake rule's detail. */
START_TEST(skip_findings_same_text)
{
    /* 中文文件 read as GBK, and a zero-width space. */
    const char *in = "涓枃鏂囦欢\u200b说明，第二行，这是一个测试。\n";
    zhfix_options o;
    zhfix_options_init(&o);
    zhfix *full = NULL, *lean = NULL;
    ck_assert_int_eq(zhfix_create(&o, &full, NULL, 0), ZHFIX_OK);
    o.skip_findings = 1;
    ck_assert_int_eq(zhfix_create(&o, &lean, NULL, 0), ZHFIX_OK);
    char *a, *b;
    size_t alen, blen;
    ck_assert_int_eq(zhfix_fix_alloc(full, in, strlen(in), &a, &alen),
                     ZHFIX_OK);
    ck_assert_int_eq(zhfix_fix_alloc(lean, in, strlen(in), &b, &blen),
                     ZHFIX_OK);
    ck_assert_uint_eq(alen, blen);
    ck_assert_mem_eq(a, b, alen);
    const char *want = "中文文件说明，第二行，这是一个测试。\n";
    ck_assert_uint_eq(alen, strlen(want));
    ck_assert_mem_eq(a, want, alen);
    size_t n = zhfix_finding_count(full);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(zhfix_finding_count(lean), 0);
    ck_assert_int_eq(zhfix_check(full, in, strlen(in)), ZHFIX_OK);
    ck_assert_int_eq(zhfix_check(lean, in, strlen(in)), ZHFIX_OK);
    ck_assert_uint_eq(zhfix_finding_count(lean), n);
    for (size_t i = 0; i < n; i++) {
        const zhfix_finding *f = zhfix_finding_get(full, i);
        const zhfix_finding *g = zhfix_finding_get(lean, i);
        ck_assert_uint_eq(f->offset, g->offset);
        ck_assert_uint_eq(f->length, g->length);
        ck_assert_str_eq(f->rule, g->rule);
        ck_assert_str_eq(f->message, g->message);
        if (!strcmp(f->rule, "mojibake")) {
            ck_assert_ptr_nonnull(f->detail);
            ck_assert_ptr_null(g->detail);
        }
    }
    zhfix_free(a);
    zhfix_free(b);
    zhfix_destroy(full);
    zhfix_destroy(lean);
}
END_TEST


/* ---- where rules look -------------------------------------------------- */

#define Z "\u200b" /* a zero-width space between Chinese characters */

static const struct {
    zhfix_syntax syntax;
    const char *in, *out;
} protect_cases[] = {
    /* plain text: fixed, except on suppressed lines */
    {ZHFIX_SYNTAX_PLAIN, "中" Z "文\n", "中文\n"},
    {ZHFIX_SYNTAX_PLAIN, "中" Z "文 <!-- zhfix-ignore -->\n中" Z "文\n",
     "中" Z "文 <!-- zhfix-ignore -->\n中文\n"},
    {ZHFIX_SYNTAX_PLAIN,
     "中" Z "文\n# zhfix-disable\n中" Z "文\n中" Z "文\n# zhfix-enable\n中" Z "文\n",
     "中文\n# zhfix-disable\n中" Z "文\n中" Z "文\n# zhfix-enable\n中文\n"},
    /* Markdown: code, inline code, links, HTML, front matter stay */
    {ZHFIX_SYNTAX_MARKDOWN, "中" Z "文 `中" Z "文` 中" Z "文\n",
     "中文 `中" Z "文` 中文\n"},
    {ZHFIX_SYNTAX_MARKDOWN, "```\n中" Z "文\n```\n中" Z "文\n",
     "```\n中" Z "文\n```\n中文\n"},
    {ZHFIX_SYNTAX_MARKDOWN, "~~~~ text\n中" Z "文\n~~~\n中" Z "文\n~~~~\n中" Z "文\n",
     "~~~~ text\n中" Z "文\n~~~\n中" Z "文\n~~~~\n中文\n"},
    {ZHFIX_SYNTAX_MARKDOWN, "段落\n\n    中" Z "文\n\n中" Z "文\n",
     "段落\n\n    中" Z "文\n\n中文\n"},
    {ZHFIX_SYNTAX_MARKDOWN, "---\ntitle: 中" Z "文\n---\n中" Z "文\n",
     "---\ntitle: 中" Z "文\n---\n中文\n"},
    {ZHFIX_SYNTAX_MARKDOWN, "[中" Z "文](/中" Z "文) <b title=\"中" Z "文\">中" Z "文</b>\n",
     "[中文](/中" Z "文) <b title=\"中" Z "文\">中文</b>\n"},
    {ZHFIX_SYNTAX_MARKDOWN, "[ref]: /中" Z "文\n中" Z "文\n",
     "[ref]: /中" Z "文\n中文\n"},
    /* character references are Markdown; a double-escaped one shows as
     * "&nbsp;" and is repaired */
    {ZHFIX_SYNTAX_MARKDOWN, "中&nbsp;文，&#20013;文&amp;nbsp;中\n",
     "中&nbsp;文，&#20013;文\u00a0中\n"},
    {ZHFIX_SYNTAX_PLAIN, "中&nbsp;文，&#20013;文&amp;nbsp;中\n",
     "中\u00a0文，中文\u00a0中\n"},
    /* a zero-width space against an emphasis delimiter is Markdown */
    {ZHFIX_SYNTAX_MARKDOWN, "**重點**" Z "後文，中" Z "文\n",
     "**重點**" Z "後文，中文\n"},
    {ZHFIX_SYNTAX_PLAIN, "**重點**" Z "後文，中" Z "文\n",
     "**重點**後文，中文\n"},
    /* a carriage return alone ends a line, in CommonMark as for
     * mixed-line-endings: the fence closes at `\r`, and what follows is
     * text (it had been one line with the fence's, never closed) */
    {ZHFIX_SYNTAX_MARKDOWN, "```\r中" Z "文\r```\r中" Z "文\r",
     "```\r中" Z "文\r```\r中文\r"},
    {ZHFIX_SYNTAX_PLAIN, "中" Z "文 <!-- zhfix-ignore -->\r中" Z "文\r",
     "中" Z "文 <!-- zhfix-ignore -->\r中文\r"},
    /* a thematic break later in the document is not front matter */
    {ZHFIX_SYNTAX_MARKDOWN, "中" Z "文\n---\n中" Z "文\n", "中文\n---\n中文\n"},
    /* CSV: only encoding rules run */
    {ZHFIX_SYNTAX_DATA, "a,中" Z "文,,b\n", "a,中" Z "文,,b\n"},
};

START_TEST(protected_spans)
{
    zhfix *h = make("all", NULL, NULL);
    zhfix_document_begin(h, protect_cases[_i].syntax);
    const char *in = protect_cases[_i].in;
    char *out;
    size_t n;
    ck_assert_int_eq(zhfix_fix_alloc(h, in, strlen(in), &out, &n), ZHFIX_OK);
    ck_assert_msg(n == strlen(protect_cases[_i].out) &&
                      !memcmp(out, protect_cases[_i].out, n),
                  "case %d: got '%.*s'", _i, (int)n, out);
    zhfix_free(out);
    zhfix_document_end(h);
    zhfix_destroy(h);
}
END_TEST

/* A fence opened in one piece of a document is still open in the next. */
START_TEST(document_state_carries)
{
    zhfix *h = make(NULL, NULL, NULL);
    const char *pieces[] = {"```\n", "中" Z "文\n", "```\n", "中" Z "文\n"};
    const char *want[] = {"```\n", "中" Z "文\n", "```\n", "中文\n"};
    zhfix_document_begin(h, ZHFIX_SYNTAX_MARKDOWN);
    for (int i = 0; i < 4; i++) {
        char *out;
        size_t n;
        ck_assert_int_eq(
            zhfix_fix_alloc(h, pieces[i], strlen(pieces[i]), &out, &n),
            ZHFIX_OK);
        ck_assert_uint_eq(n, strlen(want[i]));
        ck_assert_mem_eq(out, want[i], n);
        zhfix_free(out);
    }
    zhfix_document_end(h);
    /* Outside a document each call stands alone: a BOM at the start of a
     * call is the input's own again. */
    char *out;
    size_t n;
    ck_assert_int_eq(zhfix_fix_alloc(h, "\ufeff中文", 9, &out, &n), ZHFIX_OK);
    ck_assert_uint_eq(n, 9);
    zhfix_free(out);
    zhfix_document_begin(h, ZHFIX_SYNTAX_PLAIN);
    ck_assert_int_eq(zhfix_fix_alloc(h, "中文\n", 7, &out, &n), ZHFIX_OK);
    zhfix_free(out);
    /* ... but not in the middle of a document */
    ck_assert_int_eq(zhfix_fix_alloc(h, "\ufeff中文", 9, &out, &n), ZHFIX_OK);
    ck_assert_uint_eq(n, 6);
    zhfix_free(out);
    zhfix_destroy(h);
}
END_TEST


/* Two handles share the pieces of one document, each reading some and
 * skipping the others (zhfix_document_skip): together they give what one
 * handle reading every piece gives, with the state that spans pieces (a
 * fence, a zhfix-disable region, the input's start) carried across the
 * pieces the other read. Each row is read with every split of reader. */
static const char *const shared_pieces[][5] = {
    {"```\n", "中" Z "文\n", "```\n", "中" Z "文\n", NULL},
    {"\ufeff中" Z "文\n", "\ufeff中文\n", "中" Z "文\n", NULL},
    {"<!-- zhfix-disable -->\n", "中" Z "文\n", "<!-- zhfix-enable -->\n",
     "中" Z "文\n", NULL},
    {"~~~\n", "中" Z "文\n", "\n", "~~~\n中" Z "文\n", "中" Z "文\n"},
};

START_TEST(document_skip_shares_pieces)
{
    const char *const *p = shared_pieces[_i];
    size_t np = 0;
    while (np < 5 && p[np])
        np++;
    char whole[512] = "", got[512];
    zhfix *one = make(NULL, NULL, NULL);
    zhfix_document_begin(one, ZHFIX_SYNTAX_MARKDOWN);
    for (size_t k = 0; k < np; k++) {
        char *out;
        size_t n;
        ck_assert_int_eq(zhfix_fix_alloc(one, p[k], strlen(p[k]), &out, &n),
                         ZHFIX_OK);
        strncat(whole, out, n);
        zhfix_free(out);
    }
    zhfix_destroy(one);
    ck_assert_msg(strstr(whole, "中文") != NULL, "row %d repairs nothing", _i);
    /* Bit k of split: handle b reads piece k, else handle a. */
    for (unsigned split = 0; split < 1u << np; split++) {
        zhfix *h[2] = {make(NULL, NULL, NULL), make(NULL, NULL, NULL)};
        zhfix_document_begin(h[0], ZHFIX_SYNTAX_MARKDOWN);
        zhfix_document_begin(h[1], ZHFIX_SYNTAX_MARKDOWN);
        got[0] = '\0';
        for (size_t k = 0; k < np; k++) {
            int r = split >> k & 1;
            char *out;
            size_t n;
            ck_assert_int_eq(
                zhfix_fix_alloc(h[r], p[k], strlen(p[k]), &out, &n), ZHFIX_OK);
            ck_assert_int_eq(zhfix_document_skip(h[!r], p[k], strlen(p[k])),
                             ZHFIX_OK);
            strncat(got, out, n);
            zhfix_free(out);
        }
        ck_assert_msg(!strcmp(got, whole), "row %d split %u: '%s', want '%s'",
                      _i, split, got, whole);
        zhfix_destroy(h[0]);
        zhfix_destroy(h[1]);
    }
    /* Outside a document there is nothing to move on. */
    zhfix *h = make(NULL, NULL, NULL);
    ck_assert_int_eq(zhfix_document_skip(h, "x\n", 2), ZHFIX_OK);
    ck_assert_int_eq(zhfix_document_skip(h, NULL, 1),
                     ZHFIX_INVALID_ARGUMENT);
    zhfix_destroy(h);
}
END_TEST

/* URLs are protected in any syntax, ending at space, CJK or quotes. */
static const struct {
    const char *text, *url;
} url_cases[] = {
    {"访问https://example.com/a,b获取", "https://example.com/a,b"},
    {"见www.example.com。", "www.example.com"},
    {"see http://x.org/p?q=1.", "http://x.org/p?q=1"},
    {"(ftp://files.cn/a:b) 好", "ftp://files.cn/a:b"},
    {"链接：git+ssh://host/repo，完", "git+ssh://host/repo"},
};

START_TEST(url_spans)
{
    zh_doc_state st;
    zh_doc_reset(&st, ZHFIX_SYNTAX_PLAIN);
    zh_spans v = {NULL, 0, 0};
    const char *t = url_cases[_i].text;
    ck_assert_int_eq(zh_protect_scan(&st, t, strlen(t), &v), ZHFIX_OK);
    ck_assert_uint_eq(v.n, 1);
    const char *u = strstr(t, url_cases[_i].url);
    ck_assert_uint_eq(v.items[0].start, (size_t)(u - t));
    ck_assert_uint_eq(v.items[0].end, (size_t)(u - t) + strlen(url_cases[_i].url));
    ck_assert(zh_protected(&v, v.items[0].start, v.items[0].start + 1));
    ck_assert(!zh_protected(&v, 0, v.items[0].start));
    free(v.items);
}
END_TEST

/* ---- UTF-8 helpers ----------------------------------------------------- */

START_TEST(utf8_helpers)
{
    char buf[4];
    uint32_t cps[] = {0x41, 0xE9, 0x4E2D, 0x1F600, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        size_t n = zh_utf8_encode(cps[i], buf);
        uint32_t back;
        ck_assert_uint_eq(zh_utf8_decode((unsigned char *)buf, n, &back), n);
        ck_assert_uint_eq(back, cps[i]);
        ck_assert_uint_eq(zh_utf8_validate(buf, n), n);
    }
    ck_assert_uint_eq(zh_utf8_count("中a文", strlen("中a文")), 3);
    ck_assert(zh_is_han(0x4E2D));
    ck_assert(!zh_is_han(0x3042));
    ck_assert(zh_is_kana(0x3042));
    ck_assert(zh_is_cjk_punct(0x3002));
    ck_assert(!zh_is_cjk_punct(','));
}
END_TEST

/* The longest valid prefix by the table of well-formed byte sequences
 * (Unicode, chapter 3, table 3-7), one character at a time: the reference
 * the fast validator (SIMD blocks, lane DFA) must agree with. */
static size_t reference_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (c < 0x80)
            len = 1;
        else if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (i + len > n)
            return i;
        for (size_t k = 1; k < len; k++) {
            unsigned b = s[i + k];
            if (k == 1 ? b < lo || b > hi : b < 0x80 || b > 0xBF)
                return i;
        }
        i += len;
    }
    return i;
}

static uint32_t lcg_state = 12345;
static uint32_t lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state >> 8;
}

/* Text mostly of Chinese, some ASCII, Latin, emoji, then damaged: the
 * shapes real input has, around every block boundary of the fast path. */
static size_t random_text(unsigned char *buf, size_t cap)
{
    static const uint32_t pool[] = {0x4E2D, 0x6587, 0x3002, 0xFF0C, 'a', ' ',
                                    0xE9, 0x1F600, 0xD7FF, 0xE000, 0xFFFD,
                                    0x10FFFF, 0x800, 0x7FF, 0x80, 0x10000};
    size_t n = 0;
    while (n + 4 <= cap) {
        char tmp[4];
        size_t k = zh_utf8_encode(pool[lcg() % (sizeof pool / sizeof pool[0])],
                                  tmp);
        memcpy(buf + n, tmp, k);
        n += k;
        if (lcg() % 97 == 0)
            break;
    }
    return n;
}

/* zh_sort_nearly against a stable insertion sort with no budget: lists
 * in order but for a few (the insertion path), reversed (past the budget,
 * to qsort), and random, with many equal keys whose first order must
 * stay. */
typedef struct sort_item {
    int key;
    int place;
} sort_item;

static int sort_item_cmp(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static const struct {
    const char *name;
    size_t n;
    int shape; /* 0 nearly in order, 1 reversed, 2 random */
} sort_shapes[] = {
    {"empty", 0, 0},     {"one", 1, 2},        {"nearly", 200, 0},
    {"reversed", 500, 1}, {"random", 1000, 2}, {"few random", 12, 2},
};

START_TEST(sort_nearly_is_stable_sort)
{
    sort_item got[1000], want[1000];
    size_t n = sort_shapes[_i].n;
    uint64_t seed = 0x2545F4914F6CDD1Du + (uint64_t)_i;
    for (size_t k = 0; k < n; k++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        int r = (int)(seed >> 33);
        int key = sort_shapes[_i].shape == 0   ? (int)k / 3 + (r % 50 == 0)
                  : sort_shapes[_i].shape == 1 ? (int)(n - k) / 2
                                               : r % 17;
        got[k] = want[k] = (sort_item){key, (int)k};
    }
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && want[j - 1].key > want[j].key; j--) {
            sort_item t = want[j];
            want[j] = want[j - 1];
            want[j - 1] = t;
        }
    zh_sort_nearly(got, n, sizeof *got, sort_item_cmp);
    for (size_t k = 0; k < n; k++)
        if (got[k].key != want[k].key || got[k].place != want[k].place)
            ck_abort_msg("%s: at %zu got (%d, %d), want (%d, %d)",
                         sort_shapes[_i].name, k, got[k].key, got[k].place,
                         want[k].key, want[k].place);
}
END_TEST

START_TEST(utf8_validate_matches_reference)
{
    static const unsigned char odd[] = {0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xE0,
                                        0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF,
                                        0xA0, 0x9F, 0x8F, 0x90, 0x00, 'x'};
    unsigned char buf[600];
    for (int round = 0; round < 20000; round++) {
        size_t n = random_text(buf, sizeof buf);
        /* Damage: none, one byte replaced, or a cut. */
        int how = (int)(lcg() % 4);
        if (n && how == 1)
            buf[lcg() % n] = odd[lcg() % sizeof odd];
        if (n && how == 2)
            buf[lcg() % n] = (unsigned char)lcg();
        if (n && how == 3)
            n -= lcg() % (n < 4 ? n : 4);
        size_t want = reference_valid_prefix(buf, n);
        size_t got = zh_utf8_validate((const char *)buf, n);
        ck_assert_msg(got == want, "round %d length %zu: %zu, want %zu",
                      round, n, got, want);
        /* Each path this machine has (the DFA, SSSE3, AVX2), not only
         * the one zh_utf8_validate picks. */
        for (int path = 0; path < 3; path++) {
            size_t p = zh_utf8_validate_path((const char *)buf, n, path);
            ck_assert_msg(p == want || p == (size_t)-1,
                          "path %d round %d: %zu, want %zu", path, round, p,
                          want);
        }
    }
    /* Every two-byte pair around every 16-byte boundary of the first
     * 64-byte block and the next (the SIMD paths' lanes and blocks). */
    for (int path = 0; path < 3; path++)
        for (unsigned a = 0x80; a < 0x100; a++)
            for (unsigned b = 0; b < 0x100; b += 3)
                for (size_t at = 12; at < 70; at++) {
                    if (at % 16 > 2 && at % 16 < 13)
                        continue;
                    memset(buf, 'a', 80);
                    buf[at] = (unsigned char)a;
                    buf[at + 1] = (unsigned char)b;
                    buf[at + 2] = 0xBF - (unsigned char)(b % 3);
                    size_t want = reference_valid_prefix(buf, 80);
                    size_t got =
                        zh_utf8_validate_path((const char *)buf, 80, path);
                    ck_assert(got == want || got == (size_t)-1);
                }
}
END_TEST

/* The line feed count equals a byte-by-byte count at every length and
 * offset, and when every byte is one (the byte counter is emptied before
 * it can wrap). */
START_TEST(newline_count_matches_bytes)
{
    static char buf[3 * 255 * 16 + 40];
    unsigned seed = 7;
    for (size_t i = 0; i < sizeof buf; i++) {
        seed = seed * 1103515245u + 12345u;
        buf[i] = (seed >> 16) % 5 == 0 ? '\n' : (char)('a' + (seed >> 20) % 26);
    }
    for (int all = 0; all < 2; all++) {
        if (all)
            memset(buf, '\n', sizeof buf);
        for (size_t off = 0; off < 17; off++)
            for (size_t len = 0; off + len <= sizeof buf;
                 len += len < 40 ? 1 : 997) {
                size_t want = 0;
                for (size_t i = 0; i < len; i++)
                    want += buf[off + i] == '\n';
                ck_assert_uint_eq(zh_count_newlines(buf + off, len), want);
            }
        ck_assert_uint_eq(zh_count_newlines(buf, sizeof buf),
                          all ? sizeof buf : zh_count_newlines(buf, 100) +
                                zh_count_newlines(buf + 100,
                                                  sizeof buf - 100));
    }
}
END_TEST

/* zh_protect_skip leaves the state zh_protect_scan would, whenever it
 * takes a piece; and a suppression carried from one piece to the next
 * still protects the lines after it. */
START_TEST(protect_skip_matches_scan)
{
    static const char *const pieces[] = {
        "中文\n\n", "  \n", "中文", "", "a\n\t\n", "\n", "x\r\n \r\n",
        "x\r \r", "a\r", "\r", "\r\n", "x \r\n",
        "zhfix-disable\n中文\n", "中文 https://example.com/a\n"};
    static const zhfix_syntax syntaxes[] = {
        ZHFIX_SYNTAX_PLAIN, ZHFIX_SYNTAX_MARKDOWN, ZHFIX_SYNTAX_DATA};
    size_t np = sizeof pieces / sizeof pieces[0];
    for (size_t k = 0; k < 3; k++)
        for (size_t a = 0; a < np; a++)
            for (size_t b = 0; b < np; b++) {
                zh_doc_state x, y;
                zh_doc_reset(&x, syntaxes[k]);
                zh_spans sp = {0};
                ck_assert_int_eq(
                    zh_protect_scan(&x, pieces[a], strlen(pieces[a]), &sp),
                    ZHFIX_OK);
                y = x;
                int took = zh_protect_skip(&x, pieces[b], strlen(pieces[b]));
                ck_assert_int_eq(
                    zh_protect_scan(&y, pieces[b], strlen(pieces[b]), &sp),
                    ZHFIX_OK);
                free(sp.items);
                if (!took)
                    continue;
                ck_assert_int_ne(syntaxes[k], ZHFIX_SYNTAX_MARKDOWN);
                ck_assert_int_eq(x.at_start, y.at_start);
                ck_assert_int_eq(x.disabled, y.disabled);
                ck_assert_int_eq(x.prev_blank, y.prev_blank);
                ck_assert_int_eq(x.in_front_matter, y.in_front_matter);
                ck_assert_uint_eq(x.fence_len, y.fence_len);
                ck_assert_int_eq(x.in_indented_code, y.in_indented_code);
            }
    /* zhfix-disable in one piece, a repair in the next: left alone. */
    zhfix *h = make(NULL, NULL, NULL);
    zhfix_document_begin(h, ZHFIX_SYNTAX_PLAIN);
    const char *in[] = {"<!-- zhfix-disable -->\n", "中" Z "文\n",
                        "<!-- zhfix-enable -->\n", "中" Z "文\n"};
    const char *want[] = {"<!-- zhfix-disable -->\n", "中" Z "文\n",
                          "<!-- zhfix-enable -->\n", "中文\n"};
    for (int i = 0; i < 4; i++) {
        char *out;
        size_t n;
        ck_assert_int_eq(zhfix_fix_alloc(h, in[i], strlen(in[i]), &out, &n),
                         ZHFIX_OK);
        ck_assert_uint_eq(n, strlen(want[i]));
        ck_assert_mem_eq(out, want[i], n);
        zhfix_free(out);
    }
    zhfix_document_end(h);
    zhfix_destroy(h);
}
END_TEST

/* The single-byte pair test the mojibake trigger and pre-filter share:
 * a UTF-8 lead byte and a continuation byte read by the same code page. */
static const struct {
    const char *text;
    int pair;
} sb_pair_cases[] = {
    {"canci\u251c\u2502n", 1},          /* canción read as cp437 */
    {"caf\u00c3\u00a9", 1},             /* café read as cp1252 */
    {"\u00e4\u00b8\u00ad\u00e6\u2013\u2021", 1}, /* 中文, cp1252 */
    {"voil\u00c3 fini", 1},              /* à, its no-break space a space */
    {"\u00d6\u00d0\u00ce\u00c4", 1},   /* GBK 中文 read as cp1252 */
    /* A box-drawing table: ─┤ would be cp437's Ĵ, but a lead after a
     * lead is no UTF-8. */
    {"\u251c\u2500\u2500\u253c\u2500\u2500\u2524", 0},
    {"\u2514\u2500\u2500\u2518 \u2502 \u8868 \u2502", 0},
    {"\u00b1 5 \u00b0C", 0}, /* ± 5 °C: no lead byte */
    {"\u4e2d\u6587 text", 0},
    {"na\u00efve r\u00e9sum\u00e9", 0},
};

START_TEST(sb_pairs)
{
    const char *t = sb_pair_cases[_i].text;
    ck_assert_msg(zh_sb_pair_in(t, strlen(t)) == sb_pair_cases[_i].pair,
                  "%s", t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pipeline");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, status_names);
    tcase_add_test(t, rule_table_shape);
    tcase_add_loop_test(t, create_options, 0,
                        sizeof create_cases / sizeof create_cases[0]);
    tcase_add_test(t, destroy_null);
    tcase_add_loop_test(t, invisible_fix, 0,
                        sizeof invisible_cases / sizeof invisible_cases[0]);
    tcase_add_test(t, finding_position);
    tcase_add_test(t, findings_merged_in_order);
    tcase_add_test(t, ignore_removes_rule);
    tcase_add_test(t, caller_sized_buffer);
    tcase_add_loop_test(t, invalid_utf8_rejected, 0,
                        sizeof invalid_cases / sizeof invalid_cases[0]);
    tcase_add_test(t, nul_bytes_pass_through);
    tcase_add_test(t, convert_needs_target);
    tcase_add_test(t, block_boundaries);
    tcase_add_test(t, overlong_line_cut_on_character);
    tcase_add_test(t, blocks_equal_whole);
    tcase_add_loop_test(t, deferred_copy_keeps_order, 0,
                        sizeof deferred_copy_cases /
                            sizeof deferred_copy_cases[0]);
    tcase_add_test(t, large_buffer_keeps_bytes);
    tcase_add_test(t, huge_mapping_is_aligned);
    tcase_add_test(t, large_output_then_small);
    tcase_add_test(t, skip_findings_same_text);
    tcase_add_test(t, utf8_helpers);
    tcase_add_test(t, utf8_validate_matches_reference);
    tcase_add_loop_test(t, sort_nearly_is_stable_sort, 0,
                        (int)(sizeof sort_shapes / sizeof sort_shapes[0]));
    tcase_add_loop_test(t, protected_spans, 0,
                        sizeof protect_cases / sizeof protect_cases[0]);
    tcase_add_test(t, document_state_carries);
    tcase_add_loop_test(t, document_skip_shares_pieces, 0,
                        (int)(sizeof shared_pieces / sizeof shared_pieces[0]));
    tcase_add_loop_test(t, url_spans, 0, sizeof url_cases / sizeof url_cases[0]);
    tcase_add_test(t, newline_count_matches_bytes);
    tcase_add_test(t, protect_skip_matches_scan);
    tcase_add_loop_test(t, sb_pairs, 0,
                        sizeof sb_pair_cases / sizeof sb_pair_cases[0]);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
