/*
 * test_alloc.c - allocation failure: every allocation the library makes is
 * made to fail, one at a time, over all its entry points.
 *
 * The executable is linked with -Wl,--wrap=malloc,--wrap=realloc,
 * --wrap=calloc,--wrap=free against the static library, so the library's
 * own calls come here (libc's and libopencc's internal ones do not). Run n
 * (n = 1, 2, ...) makes the n-th call fail and lets every other succeed;
 * the runs stop at the first n that no call reaches. In every run:
 *   - the call that met the failure returns ZHFIX_NOMEM (no crash, no other
 *     status, no output handed out);
 *   - doing the same work again then succeeds with exactly the output of a
 *     run without failures (the handle is not left broken);
 *   - every allocation is freed at the end (a live count kept here; ASan
 *     and valgrind check the same in CI).
 * Not a Check suite: Check's own allocations would be wrapped too.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhfix.h"

/* ---- The allocator hook ------------------------------------------------ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static unsigned long calls;   /* allocation calls so far in this run */
static unsigned long fail_at; /* the call to fail; 0 for none */
static int injected;          /* the failure happened in this run */
static long live;             /* allocations not yet freed */

static int fail_now(void)
{
    calls++;
    if (fail_at && calls == fail_at) {
        injected = 1;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n)
{
    if (fail_now())
        return NULL;
    void *p = __real_malloc(n);
    live += p != NULL;
    return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (fail_now())
        return NULL;
    void *p = __real_calloc(n, size);
    live += p != NULL;
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (fail_now())
        return NULL;
    void *q = __real_realloc(p, n);
    if (!p && q)
        live++;
    return q;
}

void __wrap_free(void *p)
{
    live -= p != NULL;
    __real_free(p);
}

/* ---- Results ----------------------------------------------------------- */

/* What a run produces, compared with the run without failures. Kept in
 * static storage: the test's own allocations would be counted. */
typedef struct result {
    char text[1 << 14];
    size_t len;
} result;

enum { R_FIX, R_FIXBUF, R_DOC, R_CONVERT, R_FIXCONV, R_DECODE, R_ENCODE,
       R_MANY, R_COUNT };

static int errors;

#ifdef __GNUC__
__attribute__((format(printf, 1, 2)))
#endif
static void error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "test_alloc: run %lu: ", fail_at);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    errors++;
}

static void put(result *r, const char *s, size_t n)
{
    if (r->len + n > sizeof r->text) {
        error("result too large for the test's buffer");
        return;
    }
    memcpy(r->text + r->len, s, n);
    r->len += n;
}

static void put_num(result *r, unsigned long long v)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "#%llu", v);
    put(r, buf, (size_t)n);
}

/* ---- Units of work ------------------------------------------------------ */

/* Each unit does its work from scratch (create ... destroy) and returns
 * ZHFIX_OK, or the status of the first call that failed after releasing
 * everything it made. */

static const char text[] =
    "中\xe2\x80\x8b文，zero-width\xe2\x80\x8bspace。\n"
    "软\xc2\xad件与网\xe2\x81\xa0络，\xef\xbb\xbf头发发展。\n"
    "```\n代\xe2\x80\x8b码\n```\n"
    "见 `行\xe2\x80\x8b内` 与 http://例.com/\xe2\x80\x8b 。\n"
    "<!-- zhfix-disable -->\n禁\xe2\x80\x8b用\n<!-- zhfix-enable -->\n"
    "最后一行\xe2\x80\x8b没有换行";

static zhfix_status create(const char *select, const char *target,
                           zhfix **h)
{
    zhfix_options o;
    zhfix_options_init(&o);
    o.select = select;
    o.target = target;
    char err[256];
    zhfix_status st = zhfix_create(&o, h, err, sizeof err);
    if (st != ZHFIX_OK && *h != NULL)
        error("zhfix_create failed but handed out a handle");
    return st;
}

/* Check, then fix into an allocated and a caller-sized buffer. */
static zhfix_status unit_fix(result *r)
{
    zhfix *h = NULL;
    zhfix_status st = create("all", NULL, &h);
    if (st != ZHFIX_OK)
        return st;
    st = zhfix_check(h, text, sizeof text - 1);
    if (st == ZHFIX_OK) {
        put_num(&r[R_FIX], zhfix_finding_count(h));
        for (size_t i = 0; i < zhfix_finding_count(h); i++) {
            const zhfix_finding *f = zhfix_finding_get(h, i);
            put_num(&r[R_FIX], f->offset);
            put(&r[R_FIX], f->text, strlen(f->text));
        }
        char *out = NULL;
        size_t len = 0;
        st = zhfix_fix_alloc(h, text, sizeof text - 1, &out, &len);
        if (st != ZHFIX_OK && out)
            error("zhfix_fix_alloc failed but handed out a buffer");
        if (st == ZHFIX_OK)
            put(&r[R_FIX], out, len);
        zhfix_free(out);
    }
    if (st == ZHFIX_OK) {
        static char buf[4096];
        size_t needed = 0;
        st = zhfix_fix(h, text, sizeof text - 1, buf, sizeof buf, &needed);
        if (st == ZHFIX_OK)
            put(&r[R_FIXBUF], buf, needed);
    }
    zhfix_destroy(h);
    return st;
}

/* A Markdown document fed line by line, as the CLI streams it. */
static zhfix_status unit_document(result *r)
{
    zhfix *h = NULL;
    zhfix_status st = create(NULL, NULL, &h);
    if (st != ZHFIX_OK)
        return st;
    zhfix_document_begin(h, ZHFIX_SYNTAX_MARKDOWN);
    const char *p = text, *end = text + sizeof text - 1;
    while (p < end && st == ZHFIX_OK) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        char *out = NULL;
        size_t len = 0;
        st = zhfix_fix_alloc(h, p, n, &out, &len);
        if (st == ZHFIX_OK)
            put(&r[R_DOC], out, len);
        zhfix_free(out);
        p += n;
    }
    zhfix_document_end(h);
    zhfix_destroy(h);
    return st;
}

/* Script conversion alone and after repairs, and script counts. */
static zhfix_status unit_convert(result *r)
{
    zhfix *h = NULL;
    zhfix_status st = create(NULL, "traditional", &h);
    if (st != ZHFIX_OK)
        return st;
    char *out = NULL;
    size_t len = 0;
    st = zhfix_convert_alloc(h, text, sizeof text - 1, &out, &len);
    if (st == ZHFIX_OK)
        put(&r[R_CONVERT], out, len);
    zhfix_free(out);
    out = NULL;
    if (st == ZHFIX_OK) {
        st = zhfix_fix_alloc(h, text, sizeof text - 1, &out, &len);
        if (st == ZHFIX_OK)
            put(&r[R_FIXCONV], out, len);
        zhfix_free(out);
    }
    if (st == ZHFIX_OK) {
        zhfix_script_counts c;
        st = zhfix_script_count(h, text, sizeof text - 1, &c);
        if (st == ZHFIX_OK) {
            put_num(&r[R_CONVERT], c.han);
            put_num(&r[R_CONVERT], c.simplified);
            put_num(&r[R_CONVERT], c.traditional);
        }
    }
    zhfix_destroy(h);
    return st;
}

/* Detection in pieces, decoding GB18030 and encoding GBK through a small
 * buffer. */
static zhfix_status codec_run(zhfix_encoding from, zhfix_encoding to,
                              const char *src, size_t len, result *r)
{
    zhfix_codec *c = NULL;
    zhfix_status st = zhfix_codec_create(from, to, &c);
    if (st != ZHFIX_OK) {
        if (c)
            error("zhfix_codec_create failed but handed out a codec");
        return st;
    }
    do {
        char buf[16], *dst = buf;
        size_t room = sizeof buf;
        st = zhfix_codec_convert(c, &src, &len, &dst, &room, 1);
        put(r, buf, sizeof buf - room);
    } while (st == ZHFIX_BUFFER_TOO_SMALL);
    zhfix_codec_destroy(c);
    return st;
}

static zhfix_status unit_codec(result *r)
{
    static const char gb[] = "\xd6\xd0\xce\xc4\xa3\xac\x81\x30\x89\x37"
                             "abc\xb1\xea\xb5\xe3\n";
    zhfix_detector *d = NULL;
    zhfix_status st = zhfix_detector_create(&d);
    if (st != ZHFIX_OK) {
        if (d)
            error("zhfix_detector_create failed but handed out a detector");
        return st;
    }
    for (size_t i = 0; i < sizeof gb - 1; i += 3)
        zhfix_detector_feed(d, gb + i, sizeof gb - 1 - i < 3 ? sizeof gb - 1 - i : 3);
    zhfix_detection det;
    zhfix_detector_result(d, &det);
    zhfix_detector_destroy(d);
    put_num(&r[R_DECODE], (unsigned long long)det.encoding);
    st = codec_run(ZHFIX_ENC_GB18030, ZHFIX_ENC_UTF8, gb, sizeof gb - 1,
                   &r[R_DECODE]);
    if (st == ZHFIX_OK)
        st = codec_run(ZHFIX_ENC_UTF8, ZHFIX_ENC_GBK, "中文，标点。\n",
                       strlen("中文，标点。\n"), &r[R_ENCODE]);
    return st;
}

/* Thousands of findings: the findings array, the arena and the edit lists
 * grow many times. */
static zhfix_status unit_many(result *r)
{
    static char many[3 * 2000 * 2 + 2];
    size_t n = 0;
    for (int i = 0; i < 2000; i++) {
        memcpy(many + n, i % 2 ? "字" : "\xe2\x80\x8b", 3);
        n += 3;
        if (i % 97 == 96)
            many[n++] = '\n';
    }
    zhfix *h = NULL;
    zhfix_status st = create(NULL, NULL, &h);
    if (st != ZHFIX_OK)
        return st;
    st = zhfix_check(h, many, n);
    if (st == ZHFIX_OK) {
        put_num(&r[R_MANY], zhfix_finding_count(h));
        const zhfix_finding *last =
            zhfix_finding_get(h, zhfix_finding_count(h) - 1);
        if (last) {
            put_num(&r[R_MANY], last->line);
            put_num(&r[R_MANY], last->column);
        }
        char *out = NULL;
        size_t len = 0;
        st = zhfix_fix_alloc(h, many, n, &out, &len);
        if (st == ZHFIX_OK)
            put(&r[R_MANY], out, len);
        zhfix_free(out);
    }
    zhfix_destroy(h);
    return st;
}

/* ---- Driver ------------------------------------------------------------ */

typedef struct unit {
    const char *name;
    zhfix_status (*run)(result *r);
} unit;

static const unit units[] = {
    {"fix", unit_fix},         {"document", unit_document},
    {"convert", unit_convert}, {"codec", unit_codec},
    {"many findings", unit_many},
};
#define NUNITS (sizeof units / sizeof units[0])

static result ref[NUNITS][R_COUNT], got[R_COUNT];
/* The allocation calls each unit makes: (first[u], last[u]]. */
static unsigned long first[NUNITS], last[NUNITS];

/* Run unit u into got; a unit that meets the failure must report
 * ZHFIX_NOMEM and then succeed when done again. */
static void run_unit(size_t u, unsigned long *nomem)
{
    memset(got, 0, sizeof got);
    zhfix_status st = units[u].run(got);
    if (st == ZHFIX_OK)
        return;
    if (!injected) {
        error("%s: %s without an allocation failure", units[u].name,
              zhfix_status_name(st));
        return;
    }
    if (st != ZHFIX_NOMEM) {
        error("%s: an allocation failure gave %s, not NOMEM", units[u].name,
              zhfix_status_name(st));
        return;
    }
    (*nomem)++;
    /* Again, with memory: the same output as without failures. */
    memset(got, 0, sizeof got);
    st = units[u].run(got);
    if (st != ZHFIX_OK)
        error("%s: %s when done again after NOMEM", units[u].name,
              zhfix_status_name(st));
}

int main(void)
{
    unsigned long nomem = 0, runs = 0;
    /* The reference: no failure; note which calls each unit makes. Units
     * are independent (each creates and destroys all it uses), so run n
     * only needs the unit that makes call n, started at its first call. */
    for (size_t u = 0; u < NUNITS; u++) {
        first[u] = calls;
        run_unit(u, &nomem);
        last[u] = calls;
        memcpy(ref[u], got, sizeof got);
    }
    unsigned long total = calls;
    if (errors || live != 0) {
        fprintf(stderr, "test_alloc: the run without failures failed (%ld "
                        "allocations live)\n", live);
        return EXIT_FAILURE;
    }
    for (unsigned long n = 1; n <= total + 1 && errors <= 20; n++) {
        size_t u = 0;
        while (u < NUNITS && n > last[u])
            u++;
        if (u == NUNITS)
            u = NUNITS - 1; /* n = total + 1: nothing may fail */
        calls = first[u];
        injected = 0;
        fail_at = n;
        run_unit(u, &nomem);
        runs++;
        if (n == total + 1) {
            if (injected)
                error("more allocation calls than in the reference run");
            break;
        }
        if (!injected)
            error("%s: call %lu was not made (not deterministic?)",
                  units[u].name, n);
        for (int k = 0; k < R_COUNT; k++)
            if (got[k].len != ref[u][k].len ||
                memcmp(got[k].text, ref[u][k].text, got[k].len))
                error("%s: result %d differs from the run without failures",
                      units[u].name, k);
        if (live != 0) {
            error("%s: %ld allocations leaked", units[u].name, live);
            live = 0;
        }
    }
    printf("test_alloc: %lu allocation calls; each failed once in its own "
           "run (%lu runs): %lu ZHFIX_NOMEM, every unit recovered; "
           "%d errors\n",
           total, runs, nomem, errors);
    if (total < 20)
        fprintf(stderr, "test_alloc: only %lu allocations seen: is the "
                        "--wrap link option missing?\n", total);
    return errors || total < 20 ? EXIT_FAILURE : EXIT_SUCCESS;
}
