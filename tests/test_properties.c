/*
 * test_properties.c - properties that hold for any rule set, checked over
 * real prose (Debian's manpages-zh and fortunes-zh, through
 * tests/corpus/prose.py) and over generated text:
 *   - fix is idempotent: fix(fix(x)) == fix(x);
 *   - clean text (nothing found by check) comes back byte-identical;
 *   - fix never emits invalid UTF-8, whatever valid UTF-8 of mixed scripts
 *     it is given;
 *   - a document fixed in pieces (split at every line boundary, or streamed
 *     as the CLI does: decoded in arbitrary pieces, cut by
 *     zhfix_block_length) gives the same output as the document whole;
 *   - convert gives exactly what libopencc gives on the same text;
 *   - the line prefilter (src/triggers.h) only saves work: with it and
 *     without it, fix gives the same output and the same findings on
 *     prose, the same prose corrupted, every fixture, random text.
 * These are generic checks, not expected outputs: colleagues' rules must
 * pass them too.
 */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opencc.h>

#include "zhfix.h"

#ifndef ZHFIX_OPENCC_DATA_DIR
#define ZHFIX_OPENCC_DATA_DIR "/usr/share/opencc"
#endif

/* ---- Helpers ----------------------------------------------------------- */

typedef struct text {
    char *s;
    size_t len;
} text;

/* Strict UTF-8 (RFC 3629): no overlongs, surrogates or values past
 * U+10FFFF. Written here so the library's validator is not its own judge. */
static int utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned b = s[i], lo = 0x80, hi = 0xBF;
        size_t len;
        if (b < 0x80) {
            i++;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF)
            len = 2;
        else if (b >= 0xE0 && b <= 0xEF)
            len = 3, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
        else if (b >= 0xF0 && b <= 0xF4)
            len = 4, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
        else
            return 0;
        if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        i += len;
    }
    return 1;
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 64;
    while (c < n)
        c *= 2;
    return c;
}

/* Append to a text built by append() from {NULL, 0}: its buffer is always
 * the power of two above its length, so growth is geometric (one realloc
 * per character made the suite crawl under ASan). */
static void append(text *t, const char *s, size_t n)
{
    size_t cap = t->s ? pow2_at_least(t->len + 1) : 0;
    char *p = t->s;
    if (t->len + n + 1 > cap)
        p = realloc(t->s, pow2_at_least(t->len + n + 1));
    ck_assert_ptr_nonnull(p);
    t->s = p;
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void append_str(text *t, const char *s) { append(t, s, strlen(s)); }

static void append_cp(text *t, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    append(t, b, n);
}

/* Real prose, read by main() before the tests run (prose.py takes a
 * second or two; forked tests inherit it). */
static const char *const kinds[] = {"simplified", "traditional", "fortunes"};
static text prose_cache[3];

static text load_prose(const char *which)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 '%s/tests/corpus/prose.py' %s",
             ZHFIX_SOURCE_DIR, which);
    text t = {NULL, 0};
    FILE *p = popen(cmd, "r");
    if (!p)
        return t;
    size_t cap = 0, n;
    char buf[1 << 16];
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
        if (t.len + n + 1 > cap) {
            cap = (t.len + n + 1) * 2;
            char *q = realloc(t.s, cap);
            if (!q)
                break;
            t.s = q;
        }
        memcpy(t.s + t.len, buf, n);
        t.len += n;
    }
    if (pclose(p) != 0)
        t.len = 0;
    return t;
}

static text prose(const char *which)
{
    for (size_t i = 0; i < 3; i++)
        if (!strcmp(kinds[i], which)) {
            /* manpages-zh and fortunes-zh are test dependencies (README). */
            ck_assert_msg(prose_cache[i].len > 100000,
                          "prose.py %s gave only %zu bytes", which,
                          prose_cache[i].len);
            return prose_cache[i];
        }
    ck_abort_msg("no prose %s", which);
    return prose_cache[0];
}

/* The first `max` bytes of t, cut after a line end. */
static size_t cut_at_line(text t, size_t max)
{
    if (t.len <= max)
        return t.len;
    while (max > 0 && t.s[max - 1] != '\n')
        max--;
    return max;
}

/* A small deterministic generator (xorshift64*), so failures reproduce. */
static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717ull) >> 33) % n;
}

/* Code point ranges of mixed-script text, weighted towards Chinese and the
 * characters the rules look at (invisibles, punctuation of both widths). */
static const struct {
    uint32_t lo, hi;
    unsigned weight;
} ranges[] = {
    {0x4E00, 0x9FFF, 30},   /* Han */
    {0x20, 0x7E, 20},       /* ASCII, with its punctuation */
    {'\n', '\n', 4},        {'\r', '\r', 1},       {'\t', '\t', 1},
    {0x3000, 0x303F, 8},    /* CJK punctuation */
    {0xFF01, 0xFF5E, 6},    /* fullwidth forms */
    {0x2018, 0x201D, 3},    /* curly quotes */
    {0x2026, 0x2026, 1},    {0x2014, 0x2014, 1},   {0x00B7, 0x00B7, 1},
    {0x200B, 0x200D, 3},    /* zero-width space, joiners */
    {0x2060, 0x2060, 1},    {0xFEFF, 0xFEFF, 2},   {0x00AD, 0x00AD, 1},
    {0xA0, 0xFF, 2},        /* Latin-1 */
    {0x0300, 0x036F, 1},    /* combining marks */
    {0x0391, 0x03C9, 1},    {0x0410, 0x044F, 1},   {0x0600, 0x06FF, 1},
    {0x3041, 0x30FF, 2},    /* kana */
    {0xAC00, 0xD7A3, 1},    /* Hangul */
    {0xFFFD, 0xFFFD, 1},    {0xE000, 0xE0FF, 1},   /* private use */
    {0x1F300, 0x1F64F, 1},  /* emoji */
    {0x20000, 0x2A6DF, 1},  /* Han extension B */
    {0xFF61, 0xFF9F, 1},    /* halfwidth kana */
    {0x0000, 0x0000, 1},    /* NUL */
};

static uint32_t random_cp(int allow_nul)
{
    unsigned total = 0;
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        total += ranges[i].weight;
    for (;;) {
        unsigned w = rnd(total);
        size_t i = 0;
        while (w >= ranges[i].weight)
            w -= ranges[i++].weight;
        uint32_t cp = ranges[i].lo + rnd(ranges[i].hi - ranges[i].lo + 1);
        if (cp || allow_nul)
            return cp;
    }
}

static text random_text(size_t nchars, int allow_nul)
{
    text t = {NULL, 0};
    append(&t, "", 0);
    for (size_t i = 0; i < nchars; i++)
        append_cp(&t, random_cp(allow_nul));
    return t;
}

static const struct {
    const char *select, *ignore;
} selections[] = {
    {NULL, NULL},         {"all", NULL},         {"encoding", NULL},
    {"artifact", NULL},   {"punctuation", NULL}, {"width", NULL},
    {"script", NULL},     {"all", "artifact"},
};
#define NSEL (sizeof selections / sizeof selections[0])

static zhfix *make(const char *select, const char *ignore, const char *target)
{
    zhfix_options o;
    zhfix_options_init(&o);
    o.select = select;
    o.ignore = ignore;
    o.target = target;
    zhfix *h = NULL;
    char err[256] = "";
    ck_assert_msg(zhfix_create(&o, &h, err, sizeof err) == ZHFIX_OK, "%s",
                  err);
    return h;
}

/* fix the whole of s as one document of the given syntax. */
static text fix_doc(zhfix *h, zhfix_syntax syn, const char *s, size_t len)
{
    text out = {NULL, 0};
    zhfix_document_begin(h, syn);
    zhfix_status st = zhfix_fix_alloc(h, s, len, &out.s, &out.len);
    zhfix_document_end(h);
    ck_assert_msg(st == ZHFIX_OK, "fix: %s: %s", zhfix_status_name(st),
                  zhfix_errmsg(h));
    return out;
}

/* Line and text of the first difference, for messages. */
static void report_diff(const char *what, text a, text b)
{
    size_t i = 0, line = 1;
    while (i < a.len && i < b.len && a.s[i] == b.s[i])
        line += a.s[i++] == '\n';
    size_t from = i;
    while (from > 0 && a.s[from - 1] != '\n')
        from--;
    ck_abort_msg("%s: outputs differ at byte %zu (line %zu): \"%.80s\" vs "
                 "\"%.80s\"",
                 what, i, line, a.s ? a.s + from : "",
                 b.s ? b.s + (from < b.len ? from : b.len) : "");
}

static void assert_same(const char *what, text a, text b)
{
    if (a.len != b.len || (a.len && memcmp(a.s, b.s, a.len)))
        report_diff(what, a, b);
}

/* ---- fix is idempotent ------------------------------------------------- */

START_TEST(idempotent_on_prose)
{
    /* _i runs over kinds x selections. */
    const char *kind = kinds[_i / NSEL];
    size_t sel = (size_t)_i % NSEL;
    text t = prose(kind);
    size_t len = cut_at_line(t, (size_t)512 << 10);
    zhfix *h = make(selections[sel].select, selections[sel].ignore, NULL);
    /* The syntaxes take turns across the loop (the whole suite runs under
     * ASan and valgrind in CI too). */
    zhfix_syntax syn = (zhfix_syntax)(_i % 3);
    text once = fix_doc(h, syn, t.s, len);
    ck_assert(utf8_valid(once.s, once.len));
    text twice = fix_doc(h, syn, once.s, once.len);
    assert_same(kind, once, twice);
    zhfix_free(once.s);
    zhfix_free(twice.s);
    zhfix_destroy(h);
}
END_TEST

/* Random valid UTF-8 of mixed scripts: the output is valid UTF-8 and a
 * second fix changes nothing. */
START_TEST(random_text_valid_and_idempotent)
{
    rng = 0x9E3779B97F4A7C15ull + (uint64_t)_i;
    zhfix *h[NSEL];
    for (size_t s = 0; s < NSEL; s++)
        h[s] = make(selections[s].select, selections[s].ignore, NULL);
    for (int round = 0; round < 40; round++) {
        text in = random_text(1 + rnd(400), 1);
        ck_assert(utf8_valid(in.s, in.len));
        for (size_t s = 0; s < NSEL; s++) {
            zhfix_syntax syn = (zhfix_syntax)rnd(3);
            text once = fix_doc(h[s], syn, in.s, in.len);
            ck_assert_msg(utf8_valid(once.s, once.len),
                          "selection %zu, syntax %d: invalid UTF-8 out", s,
                          (int)syn);
            text twice = fix_doc(h[s], syn, once.s, once.len);
            assert_same("random text fixed twice", once, twice);
            zhfix_free(once.s);
            zhfix_free(twice.s);
        }
        free(in.s);
    }
    for (size_t s = 0; s < NSEL; s++)
        zhfix_destroy(h[s]);
}
END_TEST

/* ---- clean text is unchanged ------------------------------------------- */

/* Every paragraph of real prose on which check finds nothing comes back
 * from fix byte for byte; and after fix, check finds nothing fix would
 * still change. */
START_TEST(clean_prose_unchanged)
{
    const char *kind = kinds[_i / NSEL];
    size_t sel = (size_t)_i % NSEL;
    text t = prose(kind);
    size_t len = cut_at_line(t, (size_t)256 << 10);
    zhfix *h = make(selections[sel].select, selections[sel].ignore, NULL);
    size_t clean = 0, lines = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(t.s + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (t.s + pos)) + 1 : len - pos;
        const char *line = t.s + pos;
        pos += n;
        lines++;
        ck_assert_int_eq(zhfix_check(h, line, n), ZHFIX_OK);
        int found = zhfix_finding_count(h) > 0;
        text out = {NULL, 0};
        ck_assert_int_eq(zhfix_fix_alloc(h, line, n, &out.s, &out.len),
                         ZHFIX_OK);
        if (!found) {
            clean++;
            text in = {(char *)line, n};
            assert_same("clean line", in, out);
        }
        ck_assert_int_eq(zhfix_check(h, out.s, out.len), ZHFIX_OK);
        for (size_t i = 0; i < zhfix_finding_count(h); i++)
            ck_assert_msg(!zhfix_finding_get(h, i)->applied,
                          "%s: fix left a fixable %s in \"%.60s\"", kind,
                          zhfix_finding_get(h, i)->rule, out.s);
        zhfix_free(out.s);
    }
    ck_assert_uint_gt(lines, 100);
    zhfix_destroy(h);
}
END_TEST

/* Text that is correct by any standard: Chinese with its own punctuation,
 * no invisible characters. The default rules find nothing and fix returns
 * it unchanged. */
static const char *const clean_texts[] = {
    "这是一段干净的中文，没有任何问题。\n",
    "這是一段乾淨的中文，沒有任何問題。\n",
    "他说：“你好！”然后离开了。\n",
    "《红楼梦》是中国古典小说之一。\r\n",
    "第一行\n\n第三行（括号）、顿号；分号？\n",
    "",
    "plain ASCII text, with commas. And (parentheses)!\n",
};

START_TEST(clean_text_unchanged)
{
    zhfix *h = make(NULL, NULL, NULL);
    const char *s = clean_texts[_i];
    size_t n = strlen(s);
    ck_assert_int_eq(zhfix_check(h, s, n), ZHFIX_OK);
    ck_assert_msg(zhfix_finding_count(h) == 0, "finding %s in \"%s\"",
                  zhfix_finding_count(h) ? zhfix_finding_get(h, 0)->rule : "",
                  s);
    char buf[256];
    size_t needed = 0;
    ck_assert_int_eq(zhfix_fix(h, s, n, buf, sizeof buf, &needed), ZHFIX_OK);
    ck_assert_uint_eq(needed, n);
    ck_assert(n == 0 || memcmp(buf, s, n) == 0);
    zhfix_destroy(h);
}
END_TEST

/* ---- pieces equal the whole ------------------------------------------- */

/* A document of about 250 lines: prose, generated text, repairable
 * defects, and Markdown structure whose state spans lines (front matter,
 * fences, indented code, suppression regions). */
static text mixed_document(void)
{
    static const char *const structure[] = {
        "```\n", "~~~~\n", "    缩进\xe2\x80\x8b代码\n", "\n",
        "<!-- zhfix-disable -->\n", "<!-- zhfix-enable -->\n",
        "忽\xe2\x80\x8b略 zhfix-ignore\n", "> 引用\xe2\x80\x8b文字\n",
        "- 列表\xe2\x80\x8b项 `代\xe2\x80\x8b码`\n",
        "见 [链接](http://例.com/\xe2\x80\x8b) 与 www.example.com\n",
        "名字,说明,\"中\xe2\x80\x8b文,逗号\"\n", "\t制表符缩进\n",
        "中\xe2\x80\x8b\xe2\x80\x8b文\xc2\xad，\xef\xbb\xbf半角,标点.\n",
    };
    text p = prose("simplified");
    text doc = {NULL, 0};
    append_str(&doc, "---\ntitle: 标\xe2\x80\x8b题\n---\n");
    size_t ppos = 0;
    rng = 12345;
    for (int i = 0; i < 250; i++) {
        unsigned k = rnd(10);
        if (k < 4) {
            /* A line of prose, cut to at most 300 bytes on a character. */
            const char *nl = memchr(p.s + ppos, '\n', p.len - ppos);
            size_t n = (size_t)(nl - (p.s + ppos));
            size_t m = n < 300 ? n : 300;
            while (m < n && ((unsigned char)p.s[ppos + m] & 0xC0) == 0x80)
                m--;
            append(&doc, p.s + ppos, m);
            append(&doc, "\n", 1);
            ppos += n + 1;
        } else if (k < 7) {
            text r = random_text(1 + rnd(60), 0);
            append(&doc, r.s, r.len);
            append(&doc, "\n", 1);
            free(r.s);
        } else {
            const char *s = structure[rnd(sizeof structure /
                                          sizeof structure[0])];
            append_str(&doc, s);
        }
    }
    append_str(&doc, "最后一行没有换行\xe2\x80\x8b");
    return doc;
}

/* Cut a document of several blocks into the blocks zhfix_block_length
 * gives and fix them as pieces of one document: the output is the whole
 * document's. (Pieces cut elsewhere are allowed too, but rules that gather
 * evidence over the document, such as injected pinyin or the share of
 * stray commas, then gather it per piece; the guarantee is for blocks.) */
START_TEST(split_at_blocks)
{
    zhfix_syntax syn = (zhfix_syntax)(_i % 3);
    size_t sel = _i < 3 ? 0 : 1; /* default rules, then all */
    text one = mixed_document(), doc = {NULL, 0};
    while (doc.len < 3 * ZHFIX_BLOCK_SIZE + 12345)
        append(&doc, one.s, one.len);
    zhfix *h = make(selections[sel].select, NULL, NULL);
    text whole = fix_doc(h, syn, doc.s, doc.len);
    text joined = {NULL, 0};
    append(&joined, "", 0);
    size_t blocks = 0;
    zhfix_document_begin(h, syn);
    for (size_t pos = 0; pos < doc.len;) {
        size_t n = zhfix_block_length(doc.s + pos, doc.len - pos, 1);
        text piece = {NULL, 0};
        ck_assert_int_eq(zhfix_fix_alloc(h, doc.s + pos, n, &piece.s,
                                         &piece.len),
                         ZHFIX_OK);
        append(&joined, piece.s, piece.len);
        zhfix_free(piece.s);
        pos += n;
        blocks++;
    }
    zhfix_document_end(h);
    ck_assert_uint_ge(blocks, 4);
    assert_same("document in blocks", whole, joined);
    free(joined.s);
    zhfix_free(whole.s);
    free(one.s);
    free(doc.s);
    zhfix_destroy(h);
}
END_TEST

/* Stream as src/cli/main.c does: bytes arrive in pieces of `piece` bytes,
 * are decoded with a zhfix_codec (which holds back a character cut by a
 * piece), and the decoded text is handed to fix in the blocks
 * zhfix_block_length cuts, inside zhfix_document_begin/end. */
static text stream_like_cli(zhfix *h, zhfix_syntax syn, zhfix_encoding enc,
                            const char *raw, size_t rawlen, size_t piece)
{
    zhfix_codec *c = NULL;
    ck_assert_int_eq(zhfix_codec_create(enc, ZHFIX_ENC_UTF8, &c), ZHFIX_OK);
    size_t cap = 4 * rawlen + 64, plen = 0, pos = 0;
    char *pend = malloc(cap);
    ck_assert_ptr_nonnull(pend);
    text out = {NULL, 0};
    append(&out, "", 0);
    zhfix_document_begin(h, syn);
    const char *in = raw;
    size_t inlen = 0;
    int eof = 0;
    while (!eof) {
        size_t more = rawlen - pos < piece ? rawlen - pos : piece;
        pos += more;
        inlen += more;
        eof = more == 0;
        char *dst = pend + plen;
        size_t room = cap - plen;
        ck_assert_int_eq(zhfix_codec_convert(c, &in, &inlen, &dst, &room, eof),
                         ZHFIX_OK);
        plen = (size_t)(dst - pend);
        size_t off = 0, b;
        while ((b = zhfix_block_length(pend + off, plen - off, eof)) > 0) {
            text o = {NULL, 0};
            ck_assert_int_eq(zhfix_fix_alloc(h, pend + off, b, &o.s, &o.len),
                             ZHFIX_OK);
            append(&out, o.s, o.len);
            zhfix_free(o.s);
            off += b;
        }
        memmove(pend, pend + off, plen - off);
        plen -= off;
    }
    ck_assert_uint_eq(plen, 0);
    zhfix_document_end(h);
    zhfix_codec_destroy(c);
    free(pend);
    return out;
}

static text encode(zhfix_encoding enc, const char *s, size_t len)
{
    zhfix_codec *c = NULL;
    ck_assert_int_eq(zhfix_codec_create(ZHFIX_ENC_UTF8, enc, &c), ZHFIX_OK);
    text out = {malloc(4 * len + 16), 0};
    char *dst = out.s;
    size_t room = 4 * len + 16;
    ck_assert_int_eq(zhfix_codec_convert(c, &s, &len, &dst, &room, 1),
                     ZHFIX_OK);
    out.len = (size_t)(dst - out.s);
    zhfix_codec_destroy(c);
    return out;
}

/* A document of about 2.5 MB, so that blocks are cut (1 MB each), with
 * lines longer than a block, defects on both sides of every cut, and
 * characters of 2, 3 and 4 bytes everywhere. Streamed in pieces of many
 * sizes (odd ones cut inside characters and inside runs of zero-width
 * spaces), in UTF-8, GB18030 and UTF-16: the output is the whole
 * document's. */
START_TEST(stream_equals_whole)
{
    static const zhfix_encoding encs[] = {ZHFIX_ENC_UTF8, ZHFIX_ENC_GB18030,
                                          ZHFIX_ENC_UTF16LE};
    zhfix_encoding enc = encs[_i];
    text doc = mixed_document(), big = {NULL, 0};
    append(&big, "", 0);
    while (big.len < ((size_t)5 << 19)) {
        append(&big, doc.s, doc.len);
        /* A line of 1.2 MB without a break, defects inside. */
        if (big.len > ((size_t)1 << 20) && big.len < ((size_t)3 << 19))
            for (int k = 0; k < 20000; k++)
                append_str(&big, "中\xe2\x80\x8b\xe2\x80\x8b文😀é字，标点");
        append(&big, "\n", 1);
    }
    free(doc.s);
    text raw = encode(enc, big.s, big.len);
    static const size_t pieces[] = {1021, 65537, 1048577, (size_t)16 << 20};
    for (size_t sel = 0; sel < 2; sel++) {
        zhfix *h = make(selections[sel].select, NULL, NULL);
        text whole = fix_doc(h, ZHFIX_SYNTAX_MARKDOWN, big.s, big.len);
        for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
            text s = stream_like_cli(h, ZHFIX_SYNTAX_MARKDOWN, enc, raw.s,
                                     raw.len, pieces[p]);
            assert_same("streamed document", whole, s);
            free(s.s);
        }
        zhfix_free(whole.s);
        zhfix_destroy(h);
    }
    free(raw.s);
    free(big.s);
}
END_TEST

/* ---- convert equals libopencc ----------------------------------------- */

static const struct {
    const char *target, *config;
} conversions[] = {
    {"simplified", "t2s"},
    {"traditional", "s2t"},
    {"taiwan", "s2tw"},
    {"hongkong", "s2hk"},
};

static void assert_convert_like_opencc(const char *target, const char *config,
                                       text in)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.json", ZHFIX_OPENCC_DATA_DIR, config);
    opencc_t od = opencc_open(path);
    ck_assert_msg(od != (opencc_t)-1, "opencc_open(%s) failed", path);
    char *want = opencc_convert_utf8(od, in.s, in.len);
    ck_assert_ptr_nonnull(want);
    zhfix *h = make(NULL, NULL, target);
    text got = {NULL, 0};
    ck_assert_int_eq(zhfix_convert_alloc(h, in.s, in.len, &got.s, &got.len),
                     ZHFIX_OK);
    text w = {want, strlen(want)};
    assert_same(target, w, got);
    zhfix_free(got.s);
    opencc_convert_utf8_free(want);
    zhfix_destroy(h);
    opencc_close(od);
}

START_TEST(convert_prose_like_opencc)
{
    size_t c = (size_t)_i % 4;
    text t = prose(kinds[_i / 4]);
    text part = {t.s, cut_at_line(t, (size_t)256 << 10)};
    assert_convert_like_opencc(conversions[c].target, conversions[c].config,
                               part);
}
END_TEST

START_TEST(convert_random_like_opencc)
{
    rng = 777 + (uint64_t)_i;
    text in = {NULL, 0};
    append(&in, "", 0);
    for (int k = 0; k < 50; k++) {
        text r = random_text(1 + rnd(200), 0);
        append(&in, r.s, r.len);
        free(r.s);
    }
    for (size_t c = 0; c < 4; c++)
        assert_convert_like_opencc(conversions[c].target,
                                   conversions[c].config, in);
    free(in.s);
}
END_TEST

/* ---- the prefilter changes nothing ------------------------------------ */

/* Internal (src/handle.h): the library's only switch for it. */
void zh_set_prefilter(zhfix *h, int on);

static void assert_prefilter_agrees(const char *what, const char *s,
                                    size_t len, zhfix_syntax syn)
{
    zhfix *on = make("all", NULL, NULL), *off = make("all", NULL, NULL);
    zh_set_prefilter(off, 0);
    text a = fix_doc(on, syn, s, len), b = fix_doc(off, syn, s, len);
    assert_same(what, a, b);
    size_t n = zhfix_finding_count(on);
    ck_assert_msg(n == zhfix_finding_count(off),
                  "%s: %zu findings with the prefilter, %zu without", what, n,
                  zhfix_finding_count(off));
    for (size_t i = 0; i < n; i++) {
        const zhfix_finding *x = zhfix_finding_get(on, i),
                            *y = zhfix_finding_get(off, i);
        ck_assert_msg(x->offset == y->offset && x->length == y->length &&
                          !strcmp(x->rule, y->rule) &&
                          x->applied == y->applied,
                      "%s: finding %zu: %s at %zu with the prefilter, %s at "
                      "%zu without",
                      what, i, x->rule, (size_t)x->offset, y->rule,
                      (size_t)y->offset);
    }
    zhfix_free(a.s);
    zhfix_free(b.s);
    zhfix_destroy(on);
    zhfix_destroy(off);
}

/* Prose as the rules' mechanisms corrupt it, line by line in turn: UTF-8
 * read as Latin-1, marks folded to ASCII with stray commas, '?' for lost
 * characters, U+FFFD and invisible characters put in; every fifth line
 * stays clean. */
static text corrupt_lines(text t, size_t max)
{
    text out = {NULL, 0};
    append(&out, "", 0);
    size_t line = 0;
    for (size_t pos = 0; pos < t.len && out.len < max; line++) {
        const char *nl = memchr(t.s + pos, '\n', t.len - pos);
        size_t n = nl ? (size_t)(nl - (t.s + pos)) : t.len - pos;
        const unsigned char *u = (const unsigned char *)t.s + pos;
        for (size_t i = 0; i < n;) {
            size_t k = u[i] < 0x80 ? 1 : u[i] < 0xE0 ? 2 : u[i] < 0xF0 ? 3 : 4;
            int mark = k == 3 && u[i] == 0xEF && u[i + 1] == 0xBC;
            switch (line % 5) {
            case 0: /* UTF-8 read as Latin-1 */
                for (size_t j = 0; j < k; j++)
                    append_cp(&out, u[i + j]);
                break;
            case 1: /* fullwidth marks folded, a stray comma before each */
                if (mark && (u[i + 2] == 0x8C || u[i + 2] == 0x9F))
                    append_str(&out, u[i + 2] == 0x8C ? ",," : ",?");
                else
                    append(&out, (const char *)u + i, k);
                break;
            case 2: /* characters lost to '?' and U+FFFD */
                if (k == 3 && rnd(7) == 0)
                    append_str(&out, rnd(2) ? "??" : "\xef\xbf\xbd");
                else
                    append(&out, (const char *)u + i, k);
                break;
            case 3: /* invisible characters, HTML references */
                append(&out, (const char *)u + i, k);
                if (rnd(11) == 0)
                    append_str(&out, rnd(2) ? "\xe2\x80\x8b" : "&nbsp;");
                break;
            default:
                append(&out, (const char *)u + i, k);
                break;
            }
            i += k;
        }
        append(&out, "\n", 1);
        pos += n + 1;
    }
    return out;
}

START_TEST(prefilter_agrees_on_prose)
{
    const char *kind = kinds[_i % 3];
    text t = prose(kind);
    size_t len = cut_at_line(t, (size_t)256 << 10);
    text part = {t.s, len};
    zhfix_syntax syn = (zhfix_syntax)(_i / 3 % 3);
    rng = 777 + (uint64_t)_i;
    if (_i < 3) {
        assert_prefilter_agrees(kind, part.s, part.len, syn);
    } else {
        text bad = corrupt_lines(part, (size_t)256 << 10);
        assert_prefilter_agrees(kind, bad.s, bad.len, syn);
        free(bad.s);
    }
}
END_TEST

START_TEST(prefilter_agrees_on_random_text)
{
    rng = 4242 + (uint64_t)_i;
    for (int round = 0; round < 40; round++) {
        text in = random_text(1 + rnd(400), 0);
        assert_prefilter_agrees("random text", in.s, in.len,
                                (zhfix_syntax)rnd(3));
        free(in.s);
    }
}
END_TEST

/* Inputs on which the two once disagreed (found by fuzzing). */
static const char *const prefilter_cases[] = {
    /* a ')' at the block's first byte taken for a widened pair: reported
     * without the prefilter only */
    "), `t- pr?:",
    /* The mojibake trigger's pairs (src/triggers.c), one mechanism a
     * line: UTF-8 read as GBK, with its odd byte lost to U+FFFD or '?',
     * inside clean text; Big5 read as GBK and GBK read as Big5 (rare
     * characters close together); UTF-8 read as Windows-1252, with a
     * no-break space turned into a space; read as cp437; a box-drawing
     * table, which only cp437 encodes. */
    "\xe9\x8f\x82\xe5\x9b\xa6\xe6\xac\xa2\xe9\x90\xa8\xe5\x8b\xad"
    "\xe7\xb4\xaa\xe9\x90\xae\xe4\xbe\x80\xe6\xa3\xb6\xe6\xa3\xb0"
    "\xef\xbf\xbd",
    "\xe9\x8f\x82\xe5\x9b\xa6\xe6\xac\xa2\xe9\x90\xa8\xe5\x8b\xad"
    "\xe7\xb4\xaa\xe9\x90\xae\xe4\xbe\x80\xe6\xa3\xb6\xe6\xa3\xb0?",
    "\xe8\xbf\x99\xe6\x98\xaf\xe6\xb6\x93\xef\xbf\xbd\xe9\x8f\x82"
    "\xef\xbf\xbd\xe6\xb5\x8b\xe8\xaf\x95",
    "\xe7\xb1\x93\xe8\x8a\x96\xef\xbf\xbd\xe7\x84\x8a\xe6\x88\xa4"
    "\xe7\x9e\xa5" "B\xe7\x9e\xb6",
    "\xe8\xa8\xa7\xe8\xb9\x8b\xe8\xb8\xb1\xe8\x85\x94\xe6\x89\xa2"
    "\xe9\x9a\x85\xe7\xb4\xab",
    "caf\xc3\x83\xc2\xa9 \xc3\x83\xc2\xa0 la carte",
    "voil\xc3\x83  fini",
    "canci\xe2\x94\x9c\xe2\x94\x82n \xe2\x94\x9c\xe2\x96\x92" "and"
    "\xe2\x94\x9c\xe2\x95\x91",
    "\xe2\x94\x9c\xe2\x94\x80\xe2\x94\x80\xe2\x94\xbc\xe2\x94\x80"
    "\xe2\x94\xa4 \xe8\xa1\xa8\xe6\xa0\xbc \xe2\x94\x80\xe2\x94\x90",
    /* Traditional prose: 於 (GBK EC B6), 項 (ED 97) and 須 (ED 9A) read
     * as UTF-8 would begin Hangul, which no chain produces, so the trigger
     * skips their pairs with the GBK/3 characters after them. */
    "\xe9\x87\x9d\xe5\xb0\x8d\xe6\x96\xbc\xe5\x9f\xb7\xe8\xa1\x8c"
    "\xe7\x9a\x84\xe9\xa0\x85\xe7\x9b\xae\xef\xbc\x8c\xe9\xa0\x88"
    "\xe5\xb0\x87\xe9\x87\x8b\xe6\x94\xbe\xe9\x9f\xbf\xe6\x87\x89"
    "\xe7\x9a\x84\xe9\xa0\x82\xe5\xb1\xa4\xe7\x9b\xae\xe9\x8c\x84"
    "\xe3\x80\x82",
    /* The block's GB18030 evidence (a euro sign between Han) on a line
     * with no mojibake, which only the unfiltered scan saw: asked of lines
     * that may hold mojibake alone. */
    "\xe6\xb6\x93?\xe6\xb6\x93?\xe5\xa8\xb4\xe5\xac\xad\xe7\x98"
    "\xaf\xe9\x90\xa8\xe5\x8b\xac\xe6\x9e\x83\xe6\xb5\xa0?\x0a"
    "\xe4\xbb\xb7\xe6\xa0\xbc\xe4\xb8\x80\xe2\x82\xac\xe5\x85\x83"
    "\x0a",
};

START_TEST(prefilter_agrees_on_found_cases)
{
    const char *s = prefilter_cases[_i];
    assert_prefilter_agrees(s, s, strlen(s), ZHFIX_SYNTAX_PLAIN);
}
END_TEST

/* Every fixture that is UTF-8, as plain text and as Markdown. */
static void prefilter_on_dir(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        DIR *sub = opendir(path);
        if (sub) {
            closedir(sub);
            prefilter_on_dir(path, count);
            continue;
        }
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        text t = {NULL, 0};
        char buf[1 << 16];
        size_t n;
        append(&t, "", 0);
        while ((n = fread(buf, 1, sizeof buf, f)) > 0)
            append(&t, buf, n);
        fclose(f);
        if (zhfix_utf8_validate(t.s, t.len) == t.len) {
            assert_prefilter_agrees(path, t.s, t.len, ZHFIX_SYNTAX_PLAIN);
            assert_prefilter_agrees(path, t.s, t.len, ZHFIX_SYNTAX_MARKDOWN);
            ++*count;
        }
        free(t.s);
    }
    closedir(d);
}

START_TEST(prefilter_agrees_on_fixtures)
{
    size_t count = 0;
    prefilter_on_dir(ZHFIX_FIXTURES_DIR, &count);
    ck_assert_uint_gt(count, 20);
}
END_TEST

static Suite *properties_suite(void)
{
    Suite *s = suite_create("properties");
    TCase *tc = tcase_create("idempotent");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, idempotent_on_prose, 0, 3 * (int)NSEL);
    tcase_add_loop_test(tc, random_text_valid_and_idempotent, 0, 8);
    suite_add_tcase(s, tc);
    tc = tcase_create("clean");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, clean_prose_unchanged, 0, 3 * (int)NSEL);
    tcase_add_loop_test(tc, clean_text_unchanged, 0,
                        (int)(sizeof clean_texts / sizeof clean_texts[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("pieces");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, split_at_blocks, 0, 6);
    tcase_add_loop_test(tc, stream_equals_whole, 0, 3);
    suite_add_tcase(s, tc);
    tc = tcase_create("prefilter");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, prefilter_agrees_on_prose, 0, 9);
    tcase_add_loop_test(tc, prefilter_agrees_on_random_text, 0, 4);
    tcase_add_test(tc, prefilter_agrees_on_fixtures);
    tcase_add_loop_test(tc, prefilter_agrees_on_found_cases, 0,
                        (int)(sizeof prefilter_cases /
                              sizeof prefilter_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("opencc");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, convert_prose_like_opencc, 0, 12);
    tcase_add_loop_test(tc, convert_random_like_opencc, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    for (size_t i = 0; i < 3; i++)
        prose_cache[i] = load_prose(kinds[i]);
    SRunner *sr = srunner_create(properties_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (size_t i = 0; i < 3; i++)
        free(prose_cache[i].s);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
