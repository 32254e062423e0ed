/*
 * jsonl.c - JSON Lines corpora (--jsonl --field NAME): the named string
 * fields of each record are repaired, converted or checked, and every other
 * byte of the record is kept as it was.
 *
 * A record is one line. It is tokenized with jsmn (Debian's libjsmn-dev),
 * which gives each string's byte span, so only that span is replaced. jsmn
 * leaves some of JSON unchecked; what it does not check is checked here:
 * UTF-8, the bytes between tokens (commas, colons, nothing else), literals
 * (true, false, null, numbers), raw control characters in strings and
 * surrogate pairs in the fields decoded. Memory is one record (its bytes,
 * its tokens, the field values), up to --jsonl-max-record. A regular file
 * is mapped (but with -i), and the pages behind the records done are
 * given back as it goes.
 *
 * A field NAME is a dotted path through nested objects: "meta.title" is the
 * member "title" of the object in the member "meta". A key that contains a
 * dot is written with a backslash: "a\.b".
 */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS /* closing brackets in O(1), not O(tokens) */
#include <jsmn.h>

#include "cli.h"

/* Bytes read at a time. */
#define JSONL_READ ((size_t)1 << 20)

/* The longest record processed unless --jsonl-max-record says otherwise:
 * a longer one is copied through unchanged. Memory is about twice this. */
#define JSONL_DEFAULT_RECORD ((size_t)64 << 20)

/* One --field, split at its unescaped dots. */
typedef struct field_path {
    const char *name; /* as given, for messages */
    char **seg;
    size_t *seglen;
    size_t nseg;
} field_path;

typedef struct match {
    int tok;   /* the string token of the value */
    int field; /* index into the field paths */
} match;

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

typedef struct state {
    jsonl_job *jj;
    field_path *paths;
    size_t npaths;
    jsmntok_t *tok;
    size_t tokcap;
    int *stack, *seen;
    size_t stackcap;
    match *m;
    size_t mcap, nm;
    buf outrec; /* the rewritten record */
    size_t max; /* --jsonl-max-record: also the most its tokens may take */
    int rc;
} state;

static int buf_add(buf *b, const char *s, size_t n)
{
    if (!n)
        return 0;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    return 0;
}

/* ---- Field paths ------------------------------------------------------- */

static int path_parse(const char *name, field_path *p)
{
    memset(p, 0, sizeof *p);
    p->name = name;
    size_t n = strlen(name);
    /* At most one segment per byte plus one. */
    p->seg = calloc(n + 1, sizeof *p->seg);
    p->seglen = calloc(n + 1, sizeof *p->seglen);
    char *copy = malloc(n + 1);
    if (!p->seg || !p->seglen || !copy) {
        free(copy);
        return -1;
    }
    size_t o = 0;
    p->seg[0] = copy;
    for (size_t i = 0; i < n; i++) {
        if (name[i] == '\\' && i + 1 < n &&
            (name[i + 1] == '.' || name[i + 1] == '\\')) {
            copy[o++] = name[++i];
        } else if (name[i] == '.') {
            p->seglen[p->nseg] = (size_t)(copy + o - p->seg[p->nseg]);
            p->nseg++;
            p->seg[p->nseg] = copy + o;
        } else {
            copy[o++] = name[i];
        }
    }
    p->seglen[p->nseg] = (size_t)(copy + o - p->seg[p->nseg]);
    p->nseg++;
    return 0;
}

static void path_free(field_path *p)
{
    if (p->seg)
        free(p->seg[0]);
    free(p->seg);
    free(p->seglen);
}

/* ---- Validation -------------------------------------------------------- */

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Offset of the first byte of s that is not valid UTF-8 (overlong forms,
 * surrogates and values past U+10FFFF included), or len. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else
            return i;
        if (i + n > len || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < n; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        i += n;
    }
    return len;
}

/* true, false, null or a number, exactly. */
static int literal_ok(const char *s, size_t n)
{
    if ((n == 4 && !memcmp(s, "true", 4)) ||
        (n == 5 && !memcmp(s, "false", 5)) || (n == 4 && !memcmp(s, "null", 4)))
        return 1;
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i < n && s[i] == '0')
        i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9')
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return 0;
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i == n;
}

/* The bytes between two tokens: whitespace, with exactly one sep when sep
 * is not 0. Returns the offset of a stray byte, or (size_t)-1 if fine. */
static size_t gap_bad(const char *js, size_t from, size_t to, char sep)
{
    int got = 0;
    for (size_t i = from; i < to; i++) {
        if (is_ws(js[i]))
            continue;
        if (sep && js[i] == sep && !got) {
            got = 1;
            continue;
        }
        return i;
    }
    if (sep && !got)
        return to;
    return (size_t)-1;
}

static int stack_reserve(state *s, size_t need)
{
    if (need <= s->stackcap)
        return 0;
    size_t cap = s->stackcap ? s->stackcap * 2 : 64;
    while (cap < need)
        cap *= 2;
    int *a = realloc(s->stack, cap * sizeof *a);
    if (!a)
        return -1;
    s->stack = a;
    int *b = realloc(s->seen, cap * sizeof *b);
    if (!b)
        return -1;
    s->seen = b;
    s->stackcap = cap;
    return 0;
}

/* Check the structure jsmn tokenized: every byte of the record belongs to
 * a token or is the whitespace and punctuation JSON puts between tokens.
 * Returns NULL, or what is wrong with *at set to its byte offset. Works
 * without recursion, so nesting depth costs memory, not stack. */
static const char *validate(state *s, const char *js, size_t len, int n,
                            size_t *at)
{
    const jsmntok_t *t = s->tok;
    size_t sp = 0, pos = 0, bad;
    for (int i = 0; i < n; i++) {
        size_t start = (size_t)t[i].start - (t[i].type == JSMN_STRING);
        /* Close the containers that ended before this token. */
        while (sp && (size_t)t[s->stack[sp - 1]].end <= start) {
            const jsmntok_t *c = &t[s->stack[--sp]];
            if ((bad = gap_bad(js, pos, (size_t)c->end - 1, 0)) != (size_t)-1) {
                *at = bad;
                return "unexpected character";
            }
            pos = (size_t)c->end;
        }
        int p = t[i].parent;
        char sep = 0;
        if (p < 0) {
            if (i != 0 || sp) {
                *at = start;
                return "more than one value on the line";
            }
        } else if (t[p].type == JSMN_STRING) {
            /* The value of key p, which belongs to the open object. */
            if (!sp || t[p].parent != s->stack[sp - 1] || t[p].size != 1) {
                *at = start;
                return "misplaced value";
            }
            sep = ':';
        } else {
            if (!sp || p != s->stack[sp - 1]) {
                *at = start;
                return "misplaced value";
            }
            if (t[p].type == JSMN_OBJECT &&
                (t[i].type != JSMN_STRING || t[i].size != 1)) {
                *at = start;
                return t[i].type == JSMN_STRING ? "key without a value"
                                                : "object key is not a string";
            }
            sep = s->seen[sp - 1]++ ? ',' : 0;
        }
        if (t[i].type == JSMN_STRING && t[i].size != 0 &&
            (p < 0 || t[p].type != JSMN_OBJECT)) {
            *at = (size_t)t[i].end;
            return "unexpected ':'";
        }
        if ((bad = gap_bad(js, pos, start, sep)) != (size_t)-1) {
            *at = bad;
            return sep == ':'   ? "expected ':'"
                   : sep == ',' ? "expected ','"
                                : "unexpected character";
        }
        switch (t[i].type) {
        case JSMN_OBJECT:
        case JSMN_ARRAY:
            if (stack_reserve(s, sp + 1)) {
                *at = start;
                return "out of memory";
            }
            s->stack[sp] = i;
            s->seen[sp] = 0;
            sp++;
            pos = start + 1;
            break;
        case JSMN_STRING:
            for (size_t k = (size_t)t[i].start; k < (size_t)t[i].end; k++)
                if ((unsigned char)js[k] < 0x20) {
                    *at = k;
                    return "control character in a string";
                }
            pos = (size_t)t[i].end + 1;
            break;
        default:
            if (!literal_ok(js + t[i].start, (size_t)(t[i].end - t[i].start))) {
                *at = start;
                return "not a literal (true, false, null or a number)";
            }
            pos = (size_t)t[i].end;
        }
    }
    while (sp) {
        const jsmntok_t *c = &t[s->stack[--sp]];
        if ((bad = gap_bad(js, pos, (size_t)c->end - 1, 0)) != (size_t)-1) {
            *at = bad;
            return "unexpected character";
        }
        pos = (size_t)c->end;
    }
    if ((bad = gap_bad(js, pos, len, 0)) != (size_t)-1) {
        *at = bad;
        return "unexpected character after the value";
    }
    return NULL;
}

/* Tokenize and check one record; returns the token count, or -1 with *why
 * and *at set. */
static int parse(state *s, const char *js, size_t len, const char **why,
                 size_t *at)
{
    size_t b = 0;
    while (b < len && is_ws(js[b]))
        b++;
    const char *nul = memchr(js, '\0', len);
    if (nul) {
        *at = (size_t)(nul - js);
        *why = "NUL byte";
        return -1;
    }
    size_t bad = utf8_invalid_at((const unsigned char *)js, len);
    if (bad < len) {
        *at = bad;
        *why = "invalid UTF-8";
        return -1;
    }
    if (js[b] != '{' && js[b] != '[' && js[b] != '"') {
        /* A bare literal: jsmn's strict mode wants a container around. */
        size_t e = len;
        while (e > b && is_ws(js[e - 1]))
            e--;
        if (!literal_ok(js + b, e - b)) {
            *at = b;
            *why = "not a JSON value";
            return -1;
        }
        return 0;
    }
    jsmn_parser p;
    jsmn_init(&p);
    int n = jsmn_parse(&p, js, len, NULL, 0);
    if (n >= 0 && (size_t)n > s->max / sizeof(jsmntok_t)) {
        /* Valid so far, but its tokens would take more memory than the
         * record may ([1,1,1,...] takes ten times its size). */
        *at = (size_t)n;
        *why = NULL;
        return -2;
    }
    if (n >= 0) {
        if ((size_t)n > s->tokcap) {
            jsmntok_t *t = realloc(s->tok, (size_t)n * sizeof *t);
            if (!t) {
                *at = 0;
                *why = "out of memory for its tokens";
                return -1;
            }
            s->tok = t;
            s->tokcap = (size_t)n;
        }
        jsmn_init(&p);
        n = jsmn_parse(&p, js, len, s->tok, (unsigned)n);
    }
    if (n < 0) {
        *at = p.pos;
        *why =
            n == JSMN_ERROR_PART ? "incomplete (cut short?)" : "invalid JSON";
        return -1;
    }
    *why = validate(s, js, len, n, at);
    return *why ? -1 : n;
}

/* ---- Fields ------------------------------------------------------------ */

/* Key token k equals the path segment. */
static int key_is(const char *js, const jsmntok_t *k, const char *seg,
                  size_t seglen)
{
    size_t n = (size_t)(k->end - k->start);
    const char *key = js + k->start;
    if (!memchr(key, '\\', n))
        return n == seglen && !memcmp(key, seg, n);
    char *dec;
    size_t declen, err;
    json_style st = {0, 0, 0, 0};
    if (json_string_decode(key, n, &dec, &declen, &st, &err))
        return 0;
    int same = declen == seglen && !memcmp(dec, seg, declen);
    free(dec);
    return same;
}

static int add_match(state *s, int tok, int field)
{
    for (size_t i = 0; i < s->nm; i++)
        if (s->m[i].tok == tok)
            return 0; /* the same field named twice */
    if (s->nm == s->mcap) {
        size_t cap = s->mcap ? s->mcap * 2 : 8;
        match *m = realloc(s->m, cap * sizeof *m);
        if (!m)
            return -1;
        s->m = m;
        s->mcap = cap;
    }
    s->m[s->nm].tok = tok;
    s->m[s->nm].field = field;
    s->nm++;
    return 0;
}

/* Find segment k of path f among the members of object obj. Every member
 * with the name counts (JSON allows a key twice). */
static int find(state *s, const char *js, int n, int obj, int f, size_t k)
{
    const jsmntok_t *t = s->tok;
    const field_path *p = &s->paths[f];
    for (int i = obj + 1; i < n && t[i].start < t[obj].end; i++) {
        if (t[i].parent != obj || !key_is(js, &t[i], p->seg[k], p->seglen[k]))
            continue;
        int v = i + 1;
        if (k + 1 == p->nseg) {
            if (t[v].type == JSMN_STRING && add_match(s, v, f))
                return -1;
        } else if (t[v].type == JSMN_OBJECT) {
            if (find(s, js, n, v, f, k + 1))
                return -1;
        }
    }
    return 0;
}

static int match_cmp(const void *a, const void *b)
{
    const match *x = a, *y = b;
    return (x->tok > y->tok) - (x->tok < y->tok);
}

/* ---- One record -------------------------------------------------------- */

static int write_out(jsonl_job *jj, const char *s, size_t n)
{
    if (!jj->out || !n)
        return 0;
    if (fwrite(s, 1, n, jj->out) == n)
        return 0;
    cli_error(jj->out_name, "write error: %s", strerror(errno));
    return -1;
}

/* Part of the new record: written out as it comes, or gathered when the
 * diff needs the whole record. */
static int piece(state *s, const char *p, size_t n)
{
    if (!s->jj->diff)
        return write_out(s->jj, p, n);
    if (buf_add(&s->outrec, p, n)) {
        cli_error(s->jj->name, "out of memory");
        return -1;
    }
    return 0;
}

/* Process the value of one field: decode, run the command, and when the
 * text changed set *enc to its new encoding. Returns 1 if changed, 0 if
 * not, -1 after reporting an error. */
static int do_field(state *s, const char *js, size_t len, size_t skip,
                    const jsmntok_t *t, const char *field, size_t lineno,
                    json_style *rec_style, int *rec_scanned, char **encp,
                    size_t *enclenp)
{
    jsonl_job *jj = s->jj;
    const cli_options *o = jj->o;
    char *val = NULL, *res = NULL, *enc = NULL;
    size_t vlen, reslen, enclen = 0, err_at;
    json_style seen = {0, 0, 0, 0};
    int r = json_string_decode(js + t->start, (size_t)(t->end - t->start), &val,
                               &vlen, &seen, &err_at);
    if (r < 0) {
        cli_error(jj->name, "line %zu: out of memory", lineno);
        return -1;
    }
    if (r > 0) {
        /* Valid JSON, but not text: treated as a malformed record. */
        if (o->jsonl_pass_invalid) {
            cli_error(jj->name,
                      "line %zu: warning: field %s: unpaired surrogate at "
                      "column %zu; passed through unchanged",
                      lineno, field, skip + (size_t)t->start + err_at + 1);
            return 0;
        }
        cli_error(jj->name,
                  "line %zu: field %s: unpaired surrogate at column "
                  "%zu",
                  lineno, field, skip + (size_t)t->start + err_at + 1);
        return -1;
    }
    zhfix_status st;
    int changed = 0;
    if (o->cmd == CMD_CHECK) {
        st = zhfix_check(jj->h, val, vlen);
        if (st == ZHFIX_OK)
            report_field_findings(jj->rep, jj->name, jj->h, lineno, val, field,
                                  0);
    } else {
        /* A fix that changed nothing hands back no copy (res NULL). */
        st = o->cmd == CMD_FIX
                 ? zhfix_fix_if_changed(jj->h, val, vlen, &res, &reslen)
                 : zhfix_convert_alloc(jj->h, val, vlen, &res, &reslen);
        if (st == ZHFIX_OK && o->explain && jj->rep)
            report_field_findings(jj->rep, jj->name, jj->h, lineno, val, field,
                                  1);
        if (st == ZHFIX_OK)
            changed = res && (reslen != vlen || memcmp(res, val, vlen));
    }
    if (st != ZHFIX_OK) {
        const char *msg = zhfix_errmsg(jj->h);
        cli_error(jj->name, "line %zu: field %s: %s", lineno, field,
                  *msg ? msg : zhfix_strerror(st));
        free(val);
        zhfix_free(res);
        return -1;
    }
    free(val);
    val = NULL;
    if (changed) {
        /* Write it as the original was written; a field with nothing to
         * tell (pure ASCII) follows the rest of its record. */
        if (!seen.u_nonascii && !seen.raw_nonascii) {
            if (!*rec_scanned) {
                json_style_scan(js, len, rec_style);
                *rec_scanned = 1;
            }
            seen.u_nonascii = rec_style->u_nonascii;
            seen.raw_nonascii = rec_style->raw_nonascii;
            seen.upper_hex |= rec_style->upper_hex;
            seen.slash |= rec_style->slash;
        }
        if (json_string_encode(res, reslen, &seen, &enc, &enclen)) {
            cli_error(jj->name, "line %zu: out of memory", lineno);
            changed = -1;
        }
    }
    zhfix_free(res);
    *encp = enc;
    *enclenp = enclen;
    return changed;
}

/* ---- Long fields, block by block --------------------------------------- */

/* A field body longer than this is fixed or converted block by block, as
 * the CLI streams files (ZHFIX_BLOCK_SIZE, cut at line ends of the decoded
 * value), so memory is the record and a block or two, not the record and
 * two copies of the value. Shorter ones are handled whole. */
#define JSONL_STREAM_FIELD (2 * ZHFIX_BLOCK_SIZE)

static long hex_at(const char *s)
{
    long v = 0;
    for (int k = 0; k < 4; k++) {
        unsigned char c = (unsigned char)s[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* One unit of a string body at b[i] (len bytes in all): a byte, an escape,
 * or an escaped surrogate pair. Returns its length in the body and sets
 * *dec to the bytes of UTF-8 it decodes to. jsmn checked the escapes'
 * shape; a lone surrogate counts as one unit of 3 (decoding reports it). */
static size_t body_unit(const char *b, size_t len, size_t i, size_t *dec)
{
    if (b[i] != '\\' || i + 1 >= len) {
        *dec = 1;
        return 1;
    }
    if (b[i + 1] != 'u' || i + 6 > len) {
        *dec = 1;
        return 2;
    }
    long cp = hex_at(b + i + 2);
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 12 <= len && b[i + 6] == '\\' &&
        b[i + 7] == 'u') {
        long lo = hex_at(b + i + 8);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            *dec = 4;
            return 12;
        }
    }
    *dec = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
    return 6;
}

/* The end of the units starting at from that take at least want bytes of
 * the body (or the body's end). */
static size_t body_cut(const char *b, size_t len, size_t from, size_t want)
{
    size_t i = from, dec;
    while (i < len && i - from < want) {
        /* Bytes up to the next backslash are units of one byte each. */
        size_t stop = len - i < want - (i - from) ? len : from + want;
        const char *bs = memchr(b + i, '\\', stop - i);
        if (!bs)
            return stop;
        i = (size_t)(bs - b);
        i += body_unit(b, len, i, &dec);
    }
    return i;
}

/* The end of the units starting at from that decode to exactly n bytes. */
static size_t body_advance(const char *b, size_t len, size_t from, size_t n)
{
    size_t i = from, got = 0, dec;
    while (i < len && got < n) {
        size_t stop = len - i < n - got ? len : i + (n - got);
        const char *bs = memchr(b + i, '\\', stop - i);
        if (!bs) {
            got += stop - i;
            i = stop;
            continue;
        }
        got += (size_t)(bs - b) - i;
        i = (size_t)(bs - b);
        if (got < n) {
            i += body_unit(b, len, i, &dec);
            got += dec;
        }
    }
    return i;
}

/* Fix or convert the long string body b (blen bytes, at column col0 of the
 * line) block by block, writing each block as it was when it did not
 * change, else encoded in the style of the field. The body is always
 * written whole. Returns 1 if changed, 0 if not, -1 after an error, -2
 * after a write error. */
static int stream_field(state *s, const char *b, size_t blen, size_t col0,
                        const char *field, size_t lineno,
                        const json_style *rec_style)
{
    jsonl_job *jj = s->jj;
    const cli_options *o = jj->o;
    json_style seen = {0, 0, 0, 0};
    char *tmp = NULL;
    size_t tmplen, err_at;
    /* First the whole body is checked (an unpaired surrogate leaves it
     * as it is) and its style noted, a piece at a time. */
    for (size_t pos = 0; pos < blen;) {
        size_t cut = body_cut(b, blen, pos, JSONL_READ);
        int r = json_string_decode(b + pos, cut - pos, &tmp, &tmplen, &seen,
                                   &err_at);
        free(tmp);
        tmp = NULL;
        if (r < 0) {
            cli_error(jj->name, "line %zu: out of memory", lineno);
            return write_out(jj, b, blen) ? -2 : -1;
        }
        if (r > 0) {
            int pass = o->jsonl_pass_invalid;
            cli_error(jj->name,
                      pass ? "line %zu: warning: field %s: unpaired surrogate "
                             "at column %zu; passed through unchanged"
                           : "line %zu: field %s: unpaired surrogate at "
                             "column %zu",
                      lineno, field, col0 + pos + err_at + 1);
            if (write_out(jj, b, blen))
                return -2;
            return pass ? 0 : -1;
        }
        pos = cut;
    }
    if (!seen.u_nonascii && !seen.raw_nonascii) {
        seen.u_nonascii = rec_style->u_nonascii;
        seen.raw_nonascii = rec_style->raw_nonascii;
        seen.upper_hex |= rec_style->upper_hex;
        seen.slash |= rec_style->slash;
    }
    buf pend = {NULL, 0, 0};
    size_t dpos = 0, wpos = 0, off = 0;
    int changed = 0, rc = 0;
    zhfix_document_begin(jj->h, ZHFIX_SYNTAX_PLAIN);
    for (;;) {
        if (dpos < blen) {
            size_t cut = body_cut(b, blen, dpos, JSONL_READ);
            json_style ignore = {0, 0, 0, 0};
            if (json_string_decode(b + dpos, cut - dpos, &tmp, &tmplen, &ignore,
                                   &err_at) ||
                buf_add(&pend, tmp, tmplen)) {
                free(tmp);
                cli_error(jj->name, "line %zu: out of memory", lineno);
                rc = -1;
                break;
            }
            free(tmp);
            tmp = NULL;
            dpos = cut;
        }
        int final = dpos == blen;
        /* zhfix_block_length looks at the byte after a line it cuts short,
         * so it is given one byte less until the end (where a NUL
         * follows): the blocks are the same as for the whole value. */
        if (buf_add(&pend, "", 1)) {
            cli_error(jj->name, "line %zu: out of memory", lineno);
            rc = -1;
            break;
        }
        pend.len--;
        size_t n;
        while (rc == 0 && (final || pend.len - off > 1) &&
               (n = zhfix_block_length(pend.data + off,
                                       pend.len - off - (final ? 0 : 1),
                                       final)) > 0) {
            char *res = NULL, *enc = NULL;
            size_t reslen, enclen;
            zhfix_status st = o->cmd == CMD_FIX
                                  ? zhfix_fix_if_changed(jj->h, pend.data + off,
                                                         n, &res, &reslen)
                                  : zhfix_convert_alloc(jj->h, pend.data + off,
                                                        n, &res, &reslen);
            size_t wend = body_advance(b, blen, wpos, n);
            if (st != ZHFIX_OK) {
                const char *msg = zhfix_errmsg(jj->h);
                cli_error(jj->name, "line %zu: field %s: %s", lineno, field,
                          *msg ? msg : zhfix_strerror(st));
                rc = -1;
            } else if (!res ||
                       (reslen == n && !memcmp(res, pend.data + off, n))) {
                if (write_out(jj, b + wpos, wend - wpos))
                    rc = -2;
            } else if (json_string_encode(res, reslen, &seen, &enc, &enclen)) {
                cli_error(jj->name, "line %zu: out of memory", lineno);
                rc = -1;
            } else {
                changed = 1;
                if (write_out(jj, enc, enclen))
                    rc = -2;
            }
            zhfix_free(res);
            free(enc);
            if (rc)
                break;
            wpos = wend;
            off += n;
        }
        if (rc || final)
            break;
        memmove(pend.data, pend.data + off, pend.len - off);
        pend.len -= off;
        off = 0;
    }
    zhfix_document_end(jj->h);
    free(pend.data);
    /* After an error the rest of the body as it was: nothing is lost. */
    if (rc == -1 && wpos < blen && write_out(jj, b + wpos, blen - wpos))
        rc = -2;
    return rc ? rc : changed;
}

/* One line: rec is the record without its '\n' (eol is "\n" or ""). */
static int do_record(state *s, const char *line, size_t len, const char *eol,
                     size_t lineno)
{
    jsonl_job *jj = s->jj;
    size_t eollen = strlen(eol);
    /* A byte-order mark before the first record is kept, not parsed. */
    size_t skip = 0;
    if (lineno == 1 && len >= 3 && !memcmp(line, "\xEF\xBB\xBF", 3))
        skip = 3;
    const char *js = line + skip;
    size_t jslen = len - skip;
    size_t b = 0;
    while (b < jslen && is_ws(js[b]))
        b++;
    int n = 0;
    if (b < jslen) {
        const char *why = NULL;
        size_t at = 0;
        n = parse(s, js, jslen, &why, &at);
        if (n == -2) {
            /* Too many tokens: like a record over the limit. */
            int pass = jj->o->jsonl_pass_invalid;
            cli_error(jj->name,
                      "line %zu: %srecord of %zu JSON tokens, which would "
                      "take more memory than the limit of %zu bytes "
                      "(--jsonl-max-record); %s",
                      lineno, pass ? "warning: " : "", at, s->max,
                      pass                      ? "passed through unchanged"
                      : jj->o->cmd == CMD_CHECK ? "not checked"
                                                : "kept unchanged");
            if (!pass)
                s->rc = -1;
            n = 0;
        } else if (n < 0) {
            if (jj->o->jsonl_pass_invalid) {
                cli_error(jj->name,
                          "line %zu: warning: malformed JSON (%s at column "
                          "%zu); passed through unchanged",
                          lineno, why, skip + at + 1);
            } else {
                cli_error(jj->name,
                          "line %zu: malformed JSON: %s at column "
                          "%zu",
                          lineno, why, skip + at + 1);
                s->rc = -1;
            }
            n = 0;
            /* Kept as it is: nothing is lost (with -i the file is left
             * untouched anyway when this is an error). */
        }
    }
    s->nm = 0;
    if (n > 0 && s->tok[0].type == JSMN_OBJECT) {
        for (size_t f = 0; f < s->npaths; f++)
            if (find(s, js, n, 0, (int)f, 0)) {
                cli_error(jj->name, "line %zu: out of memory", lineno);
                return -1;
            }
        if (s->nm > 1)
            qsort(s->m, s->nm, sizeof *s->m, match_cmp);
    }
    /* The record with its changed fields replaced. */
    s->outrec.len = 0;
    size_t pos = 0;
    int any = 0;
    json_style rec_style = {0, 0, 0, 0};
    int rec_scanned = 0;
    /* Long fields go block by block when the output is written as it
     * comes (not for --diff, and not when findings are reported, whose
     * columns count from the start of the value). */
    const cli_options *o = jj->o;
    int by_block = jj->out && !jj->diff &&
                   (o->cmd == CMD_FIX || o->cmd == CMD_CONVERT) &&
                   !(o->explain && jj->rep);
    for (size_t i = 0; i < s->nm; i++) {
        const jsmntok_t *t = &s->tok[s->m[i].tok];
        size_t blen = (size_t)(t->end - t->start);
        if (by_block && blen > JSONL_STREAM_FIELD) {
            if (piece(s, line + pos, skip + (size_t)t->start - pos))
                return -1;
            if (!rec_scanned) {
                json_style_scan(js, jslen, &rec_style);
                rec_scanned = 1;
            }
            int c =
                stream_field(s, js + t->start, blen, skip + (size_t)t->start,
                             s->paths[s->m[i].field].name, lineno, &rec_style);
            if (c == -2)
                return -1;
            if (c < 0)
                s->rc = -1;
            if (c > 0)
                any = 1;
            pos = skip + (size_t)t->end;
            continue;
        }
        char *enc = NULL;
        size_t enclen = 0;
        int c = do_field(s, js, jslen, skip, t, s->paths[s->m[i].field].name,
                         lineno, &rec_style, &rec_scanned, &enc, &enclen);
        if (c < 0)
            s->rc = -1;
        if (c <= 0) {
            free(enc);
            continue; /* the original bytes, escapes and all */
        }
        any = 1;
        int w = piece(s, line + pos, skip + (size_t)t->start - pos);
        if (!w)
            w = piece(s, enc, enclen);
        free(enc);
        if (w)
            return -1;
        pos = skip + (size_t)t->end;
    }
    if (any)
        jj->changed = 1;
    if (piece(s, line + pos, len + eollen - pos))
        return -1;
    if (jj->diff && differ_feed(jj->diff, line, len + eollen, s->outrec.data,
                                s->outrec.len)) {
        cli_error(jj->name, "diff too large or out of memory");
        return -1;
    }
    return 0;
}

/* ---- The stream -------------------------------------------------------- */

static ssize_t read_some(int fd, char *dst, size_t cap)
{
    for (;;) {
        ssize_t n = read(fd, dst, cap);
        if (n < 0 && errno == EINTR)
            continue;
        return n;
    }
}

/* A record over the limit was met (at line lineno): say so. It is then
 * copied to the output as it is read, never kept whole, so memory stays
 * at the limit whatever its length. With --diff it cannot be shown as
 * context, so the file stops there. Returns -1 to stop. */
static int over_limit(state *s, size_t lineno, size_t max)
{
    jsonl_job *jj = s->jj;
    if (jj->diff) {
        cli_error(jj->name,
                  "line %zu: record longer than the limit of %zu bytes "
                  "(--jsonl-max-record); with --diff the rest of the file "
                  "is not processed",
                  lineno, max);
        return -1;
    }
    if (jj->o->jsonl_pass_invalid) {
        cli_error(jj->name,
                  "line %zu: warning: record longer than the limit of %zu "
                  "bytes (--jsonl-max-record); passed through unchanged",
                  lineno, max);
    } else {
        cli_error(jj->name,
                  "line %zu: record longer than the limit of %zu bytes "
                  "(--jsonl-max-record); %s",
                  lineno, max,
                  jj->o->cmd == CMD_CHECK ? "not checked" : "kept unchanged");
        s->rc = -1;
    }
    return 0;
}

/* ---- Records on several threads (-j) ----------------------------------- */

/* Records read by each thread of a batch, about. */
#define JSONL_BATCH_SHARE ((size_t)1 << 20)

typedef struct record_at {
    size_t off, len; /* in the batch's text, or from its base */
    const char *eol;
    size_t lineno;
} record_at;

/* Whole records gathered to be read side by side, copied out of the
 * input buffer so that its reading goes on as before; or, where the input
 * is a mapped file that stays put, read where they lie (base). */
typedef struct batch {
    buf text;
    const char *base; /* the mapped input, or NULL: records are in text */
    size_t bytes;     /* of the records gathered */
    record_at *rec;
    size_t n, cap;
} batch;

/* One thread's share of a batch: records [from, to) read with its own
 * state and handle, its output and messages kept in memory. */
typedef struct batch_share {
    jsonl_job jj;
    state s;
    const batch *b;
    size_t from, to;
    char *out, *err;
    size_t outlen, errlen;
    int fatal; /* a record stopped the stream (out of memory, write error) */
} batch_share;

static void *read_share(void *arg)
{
    batch_share *t = arg;
    FILE *out = open_memstream(&t->out, &t->outlen);
    FILE *err = open_memstream(&t->err, &t->errlen);
    if (!out || !err) {
        if (out)
            fclose(out);
        if (err)
            fclose(err);
        t->fatal = 1;
        return NULL;
    }
    /* check's findings, and fix's --explain (which goes to stderr), go
     * to the share's own report, kept in memory with the rest. */
    if (t->jj.o->cmd == CMD_CHECK) {
        report_set_output(t->jj.rep, out);
    } else {
        t->jj.out = out;
        report_set_output(t->jj.rep, err);
    }
    cli_set_thread_streams(NULL, err);
    for (size_t i = t->from; i < t->to && !t->fatal; i++) {
        const record_at *r = &t->b->rec[i];
        const char *at = t->b->base ? t->b->base : t->b->text.data;
        t->fatal =
            do_record(&t->s, at + r->off, r->len, r->eol, r->lineno) != 0;
    }
    cli_set_thread_streams(NULL, NULL);
    fclose(out);
    fclose(err);
    return NULL;
}

/* Read the records of b on 1 + jj->nhelpers threads, each a run of them of
 * about the same size, then release their output and messages in order.
 * s is the stream's state: its paths are shared, its rc takes the shares'.
 * Returns 0, or -1 when a record stopped the stream, as do_record. */
static int read_batch(jsonl_job *jj, state *s, batch *b)
{
    if (b->n == 0)
        return 0;
    int n = 1 + jj->nhelpers;
    batch_share t[1 + 16];
    pthread_t tid[1 + 16];
    int started[1 + 16] = {0};
    if (n > 1 + 16)
        n = 1 + 16;
    size_t first = b->rec[0].off;
    size_t per = b->bytes / (size_t)n + 1, next = 0;
    for (int k = 0; k < n; k++) {
        batch_share *x = &t[k];
        memset(x, 0, sizeof *x);
        x->jj = *jj;
        x->jj.h = k ? jj->helpers[k - 1] : jj->h;
        x->jj.changed = 0;
        x->jj.rep = NULL;
        if (jj->rep && !(x->jj.rep = report_fork(jj->rep)))
            x->fatal = 1;
        x->s.jj = &x->jj;
        x->s.paths = s->paths;
        x->s.npaths = s->npaths;
        x->s.max = s->max;
        x->b = b;
        x->from = next;
        size_t want = (size_t)(k + 1) * per;
        while (next < b->n && (k == n - 1 || b->rec[next].off - first < want))
            next++;
        x->to = next;
    }
    for (int k = 1; k < n; k++)
        if (t[k].from < t[k].to && !t[k].fatal)
            started[k] = !pthread_create(&tid[k], NULL, read_share, &t[k]);
    for (int k = 0; k < n; k++)
        if (!started[k] && t[k].from < t[k].to && !t[k].fatal)
            read_share(&t[k]);
    for (int k = 1; k < n; k++)
        if (started[k])
            pthread_join(tid[k], NULL);
    int rc = 0;
    for (int k = 0; k < n; k++) {
        batch_share *x = &t[k];
        if (rc == 0 && x->from < x->to) {
            if (x->errlen)
                fwrite(x->err, 1, x->errlen, cli_stderr());
            if (jj->o->cmd == CMD_CHECK) {
                if (report_write(jj->rep, x->out, x->outlen)) {
                    cli_error("<stdout>", "write error: %s", strerror(errno));
                    rc = -1;
                }
            } else if (write_out(jj, x->out, x->outlen)) {
                rc = -1;
            }
            if (x->jj.changed)
                jj->changed = 1;
            if (x->s.rc)
                s->rc = x->s.rc;
            if (x->fatal && !x->out && !x->err) {
                cli_error(jj->name, "out of memory");
                rc = -1;
            } else if (x->fatal) {
                rc = -1;
            }
        }
        report_merge(jj->rep, x->jj.rep);
        free(x->out);
        free(x->err);
        free(x->s.tok);
        free(x->s.stack);
        free(x->s.seen);
        free(x->s.m);
        free(x->s.outrec.data);
    }
    b->text.len = 0;
    b->bytes = 0;
    b->n = 0;
    return rc;
}

/* Add a record to b, and read b once every thread has its share. Returns
 * as read_batch. */
static int batch_add(jsonl_job *jj, state *s, batch *b, const char *line,
                     size_t len, const char *eol, size_t lineno)
{
    size_t eollen = strlen(eol);
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        record_at *p = realloc(b->rec, cap * sizeof *p);
        if (!p) {
            cli_error(jj->name, "line %zu: out of memory", lineno);
            return -1;
        }
        b->rec = p;
        b->cap = cap;
    }
    size_t off = b->base ? (size_t)(line - b->base) : b->text.len;
    b->rec[b->n++] = (record_at){off, len, eol, lineno};
    if (!b->base && buf_add(&b->text, line, len + eollen)) {
        cli_error(jj->name, "line %zu: out of memory", lineno);
        return -1;
    }
    b->bytes += len + eollen;
    if (b->bytes >= (size_t)(1 + jj->nhelpers) * JSONL_BATCH_SHARE)
        return read_batch(jj, s, b);
    return 0;
}

/* A mapped file that another program truncates meanwhile makes the next
 * read of a page past its new end raise SIGBUS, on whichever thread reads
 * it. Its records are gone under zhfix, so it cannot go on, but it says
 * which file and why, and exits 2 rather than dying of the signal. The
 * mappings in use (several with -j over files) are in slots, each with its
 * message made beforehand; the handler finds the one the faulting address
 * lies in, and only reads (slots change under a mutex). */
#define MAP_SLOTS 64
static struct map_slot {
    const char *volatile base; /* NULL: free */
    volatile size_t len;
    char msg[384];
    volatile size_t msglen;
} map_slots[MAP_SLOTS];
static pthread_mutex_t map_slots_lock = PTHREAD_MUTEX_INITIALIZER;

static void map_fault(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    const char *addr = (const char *)info->si_addr;
    for (size_t i = 0; i < MAP_SLOTS; i++) {
        const char *base = map_slots[i].base;
        if (base && addr >= base && addr < base + map_slots[i].len) {
            ssize_t w = write(2, map_slots[i].msg, map_slots[i].msglen);
            (void)w;
            _exit(EXIT_TROUBLE);
        }
    }
    /* Not a mapped input (a bug, or a SIGBUS sent with kill): die of it
     * as ever, with the default action (sigaction, not signal: only it is
     * async-signal-safe). */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig);
}

/* Take a slot for the mapping [base, base + len) of the file name; 0
 * when none is free (the mapping is then not used). */
static int map_guard(const char *base, size_t len, const char *name)
{
    static int installed; /* 1 done, -1 failed */
    pthread_mutex_lock(&map_slots_lock);
    if (!installed) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = map_fault;
        sa.sa_flags = SA_SIGINFO;
        sigemptyset(&sa.sa_mask);
        installed = sigaction(SIGBUS, &sa, NULL) == 0 ? 1 : -1;
    }
    int ok = 0;
    for (size_t i = 0; installed > 0 && i < MAP_SLOTS && !ok; i++) {
        struct map_slot *m = &map_slots[i];
        if (m->base)
            continue;
        int n = snprintf(m->msg, sizeof m->msg,
                         "zhfix: %s: the file shrank while it was read "
                         "(another program truncated or rewrote it); "
                         "stopped\n",
                         name);
        if (n < 0)
            break;
        if ((size_t)n >= sizeof m->msg) {
            n = (int)sizeof m->msg - 1;
            m->msg[n - 1] = '\n';
        }
        m->msglen = (size_t)n;
        m->len = len;
        m->base = base;
        ok = 1;
    }
    pthread_mutex_unlock(&map_slots_lock);
    return ok;
}

static void map_unguard(const char *base)
{
    pthread_mutex_lock(&map_slots_lock);
    for (size_t i = 0; i < MAP_SLOTS; i++)
        if (map_slots[i].base == base)
            map_slots[i].base = NULL;
    pthread_mutex_unlock(&map_slots_lock);
}

/* The regular file open on fd mapped whole, when it is not empty and fd's
 * offset (*at) lies inside it, and guarded (map_guard); else NULL. */
static char *map_input(int fd, const char *name, size_t *len, size_t *at)
{
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uintmax_t)st.st_size > SIZE_MAX)
        return NULL;
    off_t pos = lseek(fd, 0, SEEK_CUR);
    if (pos < 0 || pos >= st.st_size)
        return NULL;
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
        return NULL;
    if (!map_guard(p, (size_t)st.st_size, name)) {
        munmap(p, (size_t)st.st_size);
        return NULL;
    }
    (void)madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
    *len = (size_t)st.st_size;
    *at = (size_t)pos;
    return p;
}

/* Mapped pages given back at a time. */
#define JSONL_MAP_RELEASE ((size_t)4 << 20)

/* Give back the pages of the mapping before done (an offset into it, the
 * end of the records read) once they are many, but for those of records
 * still pending: the process's resident memory stays about a batch, not
 * the file read so far. */
static void map_release(char *map, size_t *released, const batch *pending,
                        size_t done)
{
    size_t keep = pending->n ? pending->rec[0].off : done;
    size_t to = keep - keep % ((size_t)1 << 12);
    if (to > *released && to - *released >= JSONL_MAP_RELEASE) {
        (void)madvise(map + *released, to - *released, MADV_DONTNEED);
        *released = to;
    }
}

int jsonl_stream(jsonl_job *jj, int fd)
{
    const cli_options *o = jj->o;
    size_t max =
        o->jsonl_max_record ? o->jsonl_max_record : JSONL_DEFAULT_RECORD;
    state s;
    memset(&s, 0, sizeof s);
    s.jj = jj;
    s.max = max;
    s.npaths = o->nfields;
    s.paths = calloc(o->nfields ? o->nfields : 1, sizeof *s.paths);
    int ok = s.paths != NULL;
    for (size_t i = 0; ok && i < o->nfields; i++)
        ok = path_parse(o->fields[i], &s.paths[i]) == 0;
    buf in = {NULL, 0, 0};
    size_t start = 0, scan = 0, lineno = 0;
    int eof = 0, rc = 0;
    int over = 0; /* inside a record over the limit, being copied through */
    /* -j: records go to a batch, read on several threads, when they are
     * written as they come (fix and convert, not --diff), or when only
     * their findings are (check). */
    int parallel = jj->nhelpers > 0 && !jj->diff &&
                   (o->cmd == CMD_CHECK ? jj->rep != NULL
                                        : jj->out && (o->cmd == CMD_FIX ||
                                                      o->cmd == CMD_CONVERT));
    batch pending = {{NULL, 0, 0}, NULL, 0, NULL, 0, 0};
    if (!ok) {
        cli_error(jj->name, "out of memory");
        rc = -1;
        eof = 1;
    }
    /* A regular file is mapped rather than read: its records are read
     * where they lie, not copied into the read buffer and then into a
     * batch (fix --jsonl on 10.7 MB of clean records: 134 -> 110 ms).
     * Nothing is read after. */
    size_t maplen = 0, at = 0, released = 0;
    char *map =
        ok && jj->may_map ? map_input(fd, jj->name, &maplen, &at) : NULL;
    if (map) {
        in.data = map + at;
        in.len = in.cap = maplen - at;
        jobs_count_bytes(in.len);
        eof = 1;
        pending.base = map;
    }
    while (rc == 0) {
        if (over) {
            /* Copy what there is of it, up to and with its '\n'; of a
             * mapped file, a few MB at a time, each given back after. */
            size_t lim = in.len;
            if (map && lim - start > JSONL_MAP_RELEASE)
                lim = start + JSONL_MAP_RELEASE;
            char *nl =
                start < lim ? memchr(in.data + start, '\n', lim - start) : NULL;
            size_t end = nl ? (size_t)(nl - in.data) + 1 : lim;
            if (write_out(jj, in.data + start, end - start)) {
                rc = -1;
                break;
            }
            start = scan = end;
            if (map)
                map_release(map, &released, &pending,
                            (size_t)(in.data - map) + start);
            if (nl) {
                over = 0;
                continue;
            }
            if (end < in.len)
                continue; /* more of a mapped record */
            if (eof)
                break;
        } else {
            /* A line end is looked for no further than the limit: a
             * mapped file's longer record is not read whole to find it. */
            size_t lim = in.len;
            if (map && lim - start > max + 1)
                lim = start + max + 1;
            char *nl =
                lim > scan ? memchr(in.data + scan, '\n', lim - scan) : NULL;
            if (nl) {
                size_t end = (size_t)(nl - in.data);
                lineno++;
                if (end - start > max) {
                    /* Read whole in one go: copied through all the same. */
                    if (parallel && (rc = read_batch(jj, &s, &pending)))
                        break;
                    if (over_limit(&s, lineno, max)) {
                        rc = -1;
                        break;
                    }
                    over = 1;
                    continue;
                }
                /* A long record is read alone, as it comes: memory stays
                 * about its size (do_record writes long fields block by
                 * block). */
                if (parallel && end - start <= JSONL_BATCH_SHARE)
                    rc = batch_add(jj, &s, &pending, in.data + start,
                                   end - start, "\n", lineno);
                else if (parallel && (rc = read_batch(jj, &s, &pending)))
                    break;
                else
                    rc = do_record(&s, in.data + start, end - start, "\n",
                                   lineno);
                start = scan = end + 1;
                if (map)
                    map_release(map, &released, &pending,
                                (size_t)(in.data - map) + start);
                continue;
            }
            scan = in.len;
            if (eof && parallel && (rc = read_batch(jj, &s, &pending)))
                break;
            if (eof) {
                if (in.len - start > max) {
                    lineno++;
                    if (over_limit(&s, lineno, max))
                        rc = -1;
                    else
                        over = 1;
                    continue;
                } else if (start < in.len) {
                    lineno++;
                    rc = do_record(&s, in.data + start, in.len - start, "",
                                   lineno);
                }
                break;
            }
            if (in.len - start > max) {
                lineno++;
                if (parallel && (rc = read_batch(jj, &s, &pending)))
                    break;
                if (over_limit(&s, lineno, max)) {
                    rc = -1;
                    break;
                }
                over = 1;
                continue;
            }
        }
        /* Keep the unfinished record at the front, then read more. */
        if (start) {
            memmove(in.data, in.data + start, in.len - start);
            in.len -= start;
            scan -= start;
            start = 0;
        }
        if (in.cap - in.len < JSONL_READ) {
            size_t cap = in.cap ? in.cap * 2 : 4 * JSONL_READ;
            while (cap - in.len < JSONL_READ)
                cap *= 2;
            char *p = realloc(in.data, cap);
            if (!p) {
                cli_error(jj->name, "line %zu: out of memory", lineno + 1);
                rc = -1;
                break;
            }
            in.data = p;
            in.cap = cap;
        }
        ssize_t n = read_some(fd, in.data + in.len, in.cap - in.len);
        if (n < 0) {
            if (parallel)
                (void)read_batch(jj, &s, &pending); /* what came before */
            cli_error(jj->name, "read error: %s", strerror(errno));
            rc = -1;
            break;
        }
        jobs_count_bytes((size_t)n);
        eof = n == 0;
        in.len += (size_t)n;
    }
    if (parallel && rc == 0)
        rc = read_batch(jj, &s, &pending);
    free(pending.text.data);
    free(pending.rec);
    if (rc == 0)
        rc = s.rc;
    for (size_t i = 0; s.paths && i < s.npaths; i++)
        path_free(&s.paths[i]);
    free(s.paths);
    free(s.tok);
    free(s.stack);
    free(s.seen);
    free(s.m);
    free(s.outrec.data);
    if (map) {
        map_unguard(map); /* first: the address may be mapped again */
        munmap(map, maplen);
    } else {
        free(in.data);
    }
    return rc;
}
