/*
 * test_engine.c - zhfix's own OpenCC engine (src/engine.c): conversions
 * that exercise phrases, segmentation and chains; the choice between the
 * engine and libopencc; and the generated tables against their TSVs.
 *
 * Every conversion case is checked twice: through the engine and through
 * libopencc (--engine opencc), so an expected value that OpenCC itself
 * disagrees with fails here too.
 */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "handle.h"
#include "internal.h"
#include "zhfix.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

static const char *const all_configs[] = {
    "s2t",  "t2s",  "s2tw", "tw2s", "s2twp", "tw2sp", "s2hk",
    "hk2s", "t2tw", "tw2t", "t2hk", "hk2t",  "t2jp",  "jp2t",
};

static zhfix *make(const char *config, const char *engine)
{
    zhfix_options o;
    zhfix_options_init(&o);
    o.opencc_config = config;
    o.engine = engine;
    zhfix *h = NULL;
    char err[256] = "";
    ck_assert_msg(zhfix_create(&o, &h, err, sizeof err) == ZHFIX_OK,
                  "create %s: %s", config, err);
    return h;
}

/* ---- conversions ------------------------------------------------------- */

static const struct {
    const char *config;
    const char *in;
    size_t inlen; /* 0: strlen(in) */
    const char *want;
    size_t wantlen;
} conv_cases[] = {
    /* A phrase decides the measure word; the character alone is 只. */
    {"s2t", "一只猫", 0, "一隻貓", 0},
    {"s2t", "只有", 0, "只有", 0},
    /* 发 is 髮 in hair and 發 in development, side by side. */
    {"s2t", "头发发展", 0, "頭髮發展", 0},
    {"s2t", "头发", 0, "頭髮", 0},
    {"s2t", "发展", 0, "發展", 0},
    /* 干: 乾 (dry), 幹 (cadre), 干 (interfere). */
    {"s2t", "干净的干部干涉", 0, "乾淨的幹部干涉", 0},
    {"s2t", "干杯", 0, "乾杯", 0},
    {"t2s", "乾淨幹部", 0, "干净干部", 0},
    /* 着/著: s2t keeps 着, Taiwan's variant step makes it 著. */
    {"s2t", "看着", 0, "看着", 0},
    {"s2tw", "着", 0, "著", 0},
    {"t2s", "看著", 0, "看著", 0}, /* t2s leaves 著 */
    {"t2s", "著作", 0, "著作", 0},
    {"s2hk", "着数", 0, "着數", 0},
    /* 后 stays in 皇后, becomes 後 in 后天. */
    {"s2t", "后天皇后", 0, "後天皇后", 0},
    {"t2s", "後天皇后", 0, "后天皇后", 0},
    {"s2tw", "里面", 0, "裡面", 0},
    /* Phrases of the Taiwan step, and back. */
    {"s2twp", "鼠标和软件", 0, "滑鼠和軟體", 0},
    {"tw2sp", "滑鼠和軟體", 0, "鼠标和软件", 0},
    {"s2twp", "打印", 0, "列印", 0},
    /* Segmentation bounds later steps: 印出 is one segment, so the Taiwan
     * phrase 打印 -> 列印 cannot match across 打|印出. */
    {"s2twp", "打印出", 0, "打印出", 0},
    {"s2twp", "一级打印", 0, "一級列印", 0},
    {"t2jp", "國際", 0, "国際", 0},
    {"jp2t", "国際", 0, "國際", 0},
    /* Characters outside the BMP (4-byte UTF-8), converted and not. */
    {"s2t", "\xf0\xa0\x80\xbe", 0, "\xf0\xa0\x81\x9e", 0},     /* 𠀾 */
    {"t2s", "\xf0\xa0\x81\x9e", 0, "\xf0\xa0\x80\xbe", 0},     /* 𠁞 */
    {"s2t", "\xf0\x9f\x98\x80发", 0, "\xf0\x9f\x98\x80發", 0}, /* emoji */
    {"s2t", "\xf0\xa0\xae\xb7", 0, "\xf0\xa0\xae\xb7", 0},     /* 𠮷 */
    /* Empty input, no final newline, CRLF, ASCII only. */
    {"s2t", "", 0, "", 0},
    {"t2s", "", 0, "", 0},
    {"s2t", "汉字", 0, "漢字", 0},
    {"s2t", "汉字\r\n汉字\r\n", 0, "漢字\r\n漢字\r\n", 0},
    {"s2t", "plain ASCII text.\n", 0, "plain ASCII text.\n", 0},
    /* NUL bytes: no key contains one, so nothing matches across it (the
     * libopencc path converts the pieces between NULs one by one). */
    {"s2t", "一只\0猫\n", 11, "一隻\0貓\n", 11},
    {"s2t", "\0", 1, "\0", 1},
    {"s2twp", "鼠\0标", 7, "鼠\0標", 7},
};

static void check_conversion(int i, const char *engine)
{
    zhfix *h = make(conv_cases[i].config, engine);
    size_t inlen =
        conv_cases[i].inlen ? conv_cases[i].inlen : strlen(conv_cases[i].in);
    size_t wantlen = conv_cases[i].wantlen ? conv_cases[i].wantlen
                                           : strlen(conv_cases[i].want);
    char *out = NULL;
    size_t outlen = 0;
    zhfix_status st =
        zhfix_convert_alloc(h, conv_cases[i].in, inlen, &out, &outlen);
    ck_assert_msg(st == ZHFIX_OK, "%s %s: %s", conv_cases[i].config,
                  conv_cases[i].in, zhfix_errmsg(h));
    ck_assert_msg(outlen == wantlen &&
                      !memcmp(out, conv_cases[i].want, wantlen),
                  "%s (%s) %s: got %.*s, want %s", conv_cases[i].config, engine,
                  conv_cases[i].in, (int)outlen, out, conv_cases[i].want);
    zhfix_free(out);
    zhfix_destroy(h);
}

START_TEST(convert_engine)
{
    check_conversion(_i, "auto");
}
END_TEST

START_TEST(convert_libopencc)
{
    check_conversion(_i, "opencc");
}
END_TEST

/* Caller-sized buffers: too small reports the size, then it fits. */
START_TEST(convert_buffer_sizes)
{
    zhfix *h = make("s2t", NULL);
    char small[4], big[64];
    size_t needed = 0;
    ck_assert_int_eq(zhfix_convert(h, "头发", 6, small, sizeof small, &needed),
                     ZHFIX_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(needed, 6);
    ck_assert_int_eq(zhfix_convert(h, "头发", 6, big, sizeof big, &needed),
                     ZHFIX_OK);
    ck_assert_uint_eq(needed, 6);
    ck_assert(!memcmp(big, "頭髮", 6));
    zhfix_destroy(h);
}
END_TEST

/* Converting a text in blocks of lines equals converting it whole: a
 * phrase never spans a line break, and the engine carries no state. */
START_TEST(convert_large_text)
{
    static const char line[] = "一只猫的头发，干部在发展软件。\n";
    size_t n = 20000, ll = strlen(line);
    char *text = malloc(n * ll);
    ck_assert_ptr_nonnull(text);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * ll, line, ll);
    zhfix *e = make("s2twp", NULL), *o = make("s2twp", "opencc");
    char *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    ck_assert_int_eq(zhfix_convert_alloc(e, text, n * ll, &a, &al), ZHFIX_OK);
    ck_assert_int_eq(zhfix_convert_alloc(o, text, n * ll, &b, &bl), ZHFIX_OK);
    ck_assert_uint_eq(al, bl);
    ck_assert(!memcmp(a, b, al));
    ck_assert(!memcmp(a, "一隻貓的頭髮，幹部在發展軟體。\n", 46));
    zhfix_free(a);
    zhfix_free(b);
    free(text);
    zhfix_destroy(e);
    zhfix_destroy(o);
}
END_TEST

/* ---- which implementation runs ---------------------------------------- */

static int uses_engine(const char *config, const char *engine)
{
    zhfix *h = make(config, engine);
    zh_converter *c = NULL;
    ck_assert_int_eq(zh_handle_converter(h, &c), ZHFIX_OK);
    int r = zh_converter_is_engine(c);
    zhfix_destroy(h);
    return r;
}

START_TEST(auto_selects_engine)
{
    const char *name = all_configs[_i];
    ck_assert_ptr_nonnull(zh_engine_find(name));
    ck_assert_msg(uses_engine(name, NULL), "%s: auto did not pick the engine",
                  name);
    ck_assert(uses_engine(name, "auto"));
    ck_assert_msg(!uses_engine(name, "opencc"), "%s: opencc ran the engine",
                  name);
    /* By path too: OpenCC's own file is OpenCC's own config. */
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", ZHFIX_OPENCC_DATA_DIR, name);
    ck_assert(uses_engine(path, NULL));
}
END_TEST

/* A user's config, even a byte-identical copy of s2t.json elsewhere, runs
 * on libopencc, which reads the user's dictionaries. */
START_TEST(custom_config_uses_libopencc)
{
    char dir[] = "/tmp/zhfix-engine-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/s2t.json", dir);
    FILE *in = fopen(ZHFIX_OPENCC_DATA_DIR "/s2t.json", "rb");
    FILE *out = fopen(path, "wb");
    ck_assert(in && out);
    int c;
    while ((c = getc(in)) != EOF)
        putc(c, out);
    fclose(in);
    ck_assert_int_eq(fclose(out), 0);
    ck_assert_ptr_null(zh_engine_for_path(path));
    ck_assert(!uses_engine(path, NULL));
    remove(path);
    rmdir(dir);
    ck_assert_ptr_null(zh_engine_find("nonexistent"));
    ck_assert_ptr_null(zh_engine_find(NULL));
    ck_assert_ptr_null(zh_engine_for_path("/nonexistent/s2t.json"));
}
END_TEST

START_TEST(unknown_engine_rejected)
{
    zhfix_options o;
    zhfix_options_init(&o);
    o.engine = "marisa";
    zhfix *h = NULL;
    char err[128] = "";
    ck_assert_int_eq(zhfix_create(&o, &h, err, sizeof err),
                     ZHFIX_INVALID_ARGUMENT);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(err, "unknown engine 'marisa'"));
}
END_TEST

/* ---- tables against their TSVs ---------------------------------------- */

static const zh_oc_dict *dict_named(const char *name)
{
    for (size_t i = 0; i < zh_oc_dict_count; i++)
        if (!strcmp(zh_oc_dicts[i].name, name))
            return &zh_oc_dicts[i];
    return NULL;
}

/* Every dictionary: its TSV has a Source and License header, keys are
 * sorted and unique, and the compiled trie gives each key, as a whole, its
 * first value; a key plus one more byte matches the same way (so the
 * longest match is right where no longer key exists). */
START_TEST(tables_match_tsv)
{
    const zh_oc_dict *d = &zh_oc_dicts[_i];
    char path[512];
    snprintf(path, sizeof path, "%s/dicts/opencc/%s.tsv", ZHFIX_SOURCE_DIR,
             d->name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    char *line = NULL, *prev = NULL;
    size_t cap = 0, nkeys = 0, lineno = 0;
    int source = 0, license = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (line[0] == '#') {
            source |= !strncmp(line, "# Source: OpenCC ", 17);
            license |= !strcmp(line, "# License: Apache-2.0");
            continue;
        }
        char *tab = strchr(line, '\t');
        ck_assert_msg(tab != NULL, "%s:%zu: no tab", path, lineno);
        *tab = '\0';
        const char *value = tab + 1;
        size_t vlen = strcspn(value, " ");
        if (prev)
            ck_assert_msg(strcmp(prev, line) < 0, "%s:%zu: %s", path, lineno,
                          strcmp(prev, line) ? "unsorted" : "duplicate key");
        free(prev);
        prev = strdup(line);
        size_t klen = strlen(line);
        uint32_t v = 0;
        ck_assert_uint_eq(
            zh_engine_match(d, (const unsigned char *)line, klen, &v), klen);
        ck_assert_msg((v & 0xFF) == vlen &&
                          !memcmp(zh_oc_values + (v >> 8), value, vlen),
                      "%s:%zu: %s has the wrong value", path, lineno, line);
        nkeys++;
    }
    free(line);
    free(prev);
    fclose(f);
    ck_assert_msg(source && license, "%s: header lacks Source or License",
                  path);
    ck_assert_uint_eq(nkeys, d->nkeys);
    ck_assert_uint_gt(nkeys, 0);
}
END_TEST

/* configs.tsv lists each config's segmentation and chain; the compiled
 * configs are the same, and cover the 14 configs OpenCC ships. */
static void group_text(const zh_oc_step *s, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (unsigned k = 0; k < s->ndicts; k++) {
        size_t l = strlen(buf);
        snprintf(buf + l, cap - l, "%s%s", k ? "," : "",
                 zh_oc_dicts[s->dicts[k]].name);
    }
}

START_TEST(configs_match_tsv)
{
    char path[512];
    snprintf(path, sizeof path, "%s/dicts/opencc/configs.tsv",
             ZHFIX_SOURCE_DIR);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[1024];
    size_t rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *seg = strchr(line, '\t');
        ck_assert_ptr_nonnull(seg);
        *seg++ = '\0';
        char *chain = strchr(seg, '\t');
        ck_assert_ptr_nonnull(chain);
        *chain++ = '\0';
        const zh_oc_config *c = zh_engine_find(line);
        ck_assert_msg(c != NULL, "%s not compiled", line);
        char want[512] = "", g[256];
        group_text(&c->seg, g, sizeof g);
        ck_assert_str_eq(seg, g);
        for (unsigned k = 0; k < c->nsteps; k++) {
            group_text(&c->steps[k], g, sizeof g);
            size_t l = strlen(want);
            snprintf(want + l, sizeof want - l, "%s%s", k ? " | " : "", g);
        }
        ck_assert_str_eq(chain, want);
        rows++;
    }
    fclose(f);
    ck_assert_uint_eq(rows, zh_oc_config_count);
    for (size_t i = 0; i < N_ELEMS(all_configs); i++)
        ck_assert_ptr_nonnull(zh_engine_find(all_configs[i]));
    ck_assert_ptr_nonnull(dict_named("STPhrases"));
    ck_assert_ptr_nonnull(strstr(zh_oc_data_version, "1.1.6"));
}
END_TEST

/* ---- random text against libopencc ----------------------------------- */

typedef struct key_pool {
    char **keys;
    size_t n, cap;
} key_pool;

/* Every key of every compiled dictionary, from its TSV. */
static void load_keys(key_pool *pool)
{
    for (size_t i = 0; i < zh_oc_dict_count; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/dicts/opencc/%s.tsv", ZHFIX_SOURCE_DIR,
                 zh_oc_dicts[i].name);
        FILE *f = fopen(path, "r");
        ck_assert_ptr_nonnull(f);
        char line[4096];
        while (fgets(line, sizeof line, f)) {
            if (line[0] == '#')
                continue;
            line[strcspn(line, "\t")] = '\0';
            if (pool->n == pool->cap) {
                pool->cap = pool->cap ? pool->cap * 2 : 4096;
                pool->keys =
                    realloc(pool->keys, pool->cap * sizeof *pool->keys);
                ck_assert_ptr_nonnull(pool->keys);
            }
            pool->keys[pool->n++] = strdup(line);
        }
        fclose(f);
    }
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static uint32_t rnd(uint32_t n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % n);
}

/* Start of the UTF-8 character at or before p. */
static size_t char_start(const char *s, size_t p)
{
    while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
        p--;
    return p;
}

/* Lines of 1 to 8 pieces of dictionary keys (whole, or cut at a character
 * boundary at either end) and a little ASCII: phrases that overlap, run
 * into each other and stop half-way, so segmentation, groups and chains
 * meet every kind of boundary. Engine and libopencc must agree on all. */
START_TEST(random_text_matches_libopencc)
{
    static key_pool pool;
    if (!pool.n)
        load_keys(&pool);
    ck_assert_uint_gt(pool.n, 50000);
    rng_state = 0x9E3779B97F4A7C15u + (uint64_t)_i;
    zh_buf text = {0};
    for (int line = 0; line < 4000; line++) {
        int pieces = 1 + (int)rnd(8);
        for (int k = 0; k < pieces; k++) {
            const char *key = pool.keys[rnd((uint32_t)pool.n)];
            size_t len = strlen(key), a = 0, b = len;
            if (rnd(3) == 0)
                a = char_start(key, rnd((uint32_t)len));
            if (rnd(3) == 0)
                b = char_start(key, a + rnd((uint32_t)(len - a)) + 1);
            if (b <= a)
                b = len;
            ck_assert_int_eq(zh_buf_append(&text, key + a, b - a), ZHFIX_OK);
            if (rnd(10) == 0)
                ck_assert_int_eq(
                    zh_buf_append(&text, rnd(2) ? " " : "a1", rnd(2) ? 1 : 2),
                    ZHFIX_OK);
        }
        ck_assert_int_eq(zh_buf_append(&text, "\n", 1), ZHFIX_OK);
    }
    const char *config = all_configs[_i];
    zhfix *e = make(config, NULL), *o = make(config, "opencc");
    char *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    ck_assert_int_eq(zhfix_convert_alloc(e, text.data, text.len, &a, &al),
                     ZHFIX_OK);
    ck_assert_int_eq(zhfix_convert_alloc(o, text.data, text.len, &b, &bl),
                     ZHFIX_OK);
    size_t d = 0;
    while (d < al && d < bl && a[d] == b[d])
        d++;
    size_t from = char_start(a, d > 30 ? d - 30 : 0);
    ck_assert_msg(al == bl && d == al,
                  "%s: engine and libopencc differ at byte %zu: ...%.60s vs "
                  "...%.60s",
                  config, d, a + from, b + from);
    ck_assert_msg(al != text.len || memcmp(a, text.data, al) != 0,
                  "%s changed nothing", config);
    zhfix_free(a);
    zhfix_free(b);
    zhfix_destroy(e);
    zhfix_destroy(o);
    zh_buf_free(&text);
}
END_TEST

/* Bytes that are not UTF-8 (the library rejects them before conversion,
 * but the engine's contract is to accept anything): no crash, no read past
 * the end, and bytes that start no key come through unchanged. */
START_TEST(engine_accepts_any_bytes)
{
    rng_state = 12345;
    unsigned char buf[257];
    for (int round = 0; round < 2000; round++) {
        size_t n = rnd(sizeof buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char)(rnd(4) ? 0x80 + rnd(0x80) : rnd(256));
        /* An exact-size heap copy, so a read past the end shows under ASan. */
        char *copy = malloc(n ? n : 1);
        ck_assert_ptr_nonnull(copy);
        memcpy(copy, buf, n);
        zh_buf out = {0};
        ck_assert_int_eq(
            zh_engine_convert(&zh_oc_configs[round % zh_oc_config_count], copy,
                              n, &out),
            ZHFIX_OK);
        ck_assert_uint_le(out.len, 256 * n + 16);
        zh_buf_free(&out);
        free(copy);
    }
    const char stray[] = "\x80\xbf\xff\xfe";
    zh_buf out = {0};
    ck_assert_int_eq(zh_engine_convert(zh_engine_find("s2t"), stray, 4, &out),
                     ZHFIX_OK);
    ck_assert_uint_eq(out.len, 4);
    ck_assert(!memcmp(out.data, stray, 4));
    zh_buf_free(&out);
}
END_TEST

/* The trie never reads past n, and a prefix of a key is no match. */
START_TEST(match_bounds)
{
    const zh_oc_dict *d = dict_named("STPhrases");
    ck_assert_ptr_nonnull(d);
    uint32_t v = 123;
    const unsigned char *cat = (const unsigned char *)"一只猫";
    ck_assert_uint_eq(zh_engine_match(d, cat, 0, &v), 0);
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(zh_engine_match(d, cat, 5, &v), 0); /* 一 + half 只 */
    ck_assert_uint_eq(zh_engine_match(d, cat, 6, &v), 6); /* 一只 */
    ck_assert_uint_eq(zh_engine_match(d, cat, 9, &v), 6);
    ck_assert(!memcmp(zh_oc_values + (v >> 8), "一隻", v & 0xFF));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("engine");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_loop_test(t, convert_engine, 0, N_ELEMS(conv_cases));
    tcase_add_loop_test(t, convert_libopencc, 0, N_ELEMS(conv_cases));
    tcase_add_test(t, convert_buffer_sizes);
    tcase_add_test(t, convert_large_text);
    tcase_add_loop_test(t, auto_selects_engine, 0, N_ELEMS(all_configs));
    tcase_add_test(t, custom_config_uses_libopencc);
    tcase_add_test(t, unknown_engine_rejected);
    tcase_add_loop_test(t, tables_match_tsv, 0, (int)zh_oc_dict_count);
    tcase_add_test(t, configs_match_tsv);
    tcase_add_test(t, match_bounds);
    tcase_add_loop_test(t, random_text_matches_libopencc, 0,
                        N_ELEMS(all_configs));
    tcase_add_test(t, engine_accepts_any_bytes);
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
