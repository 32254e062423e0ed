/*
 * diff.c - a streaming unified diff (3 lines of context) between the input
 * and the repaired text of a file, fed block by block, so that --diff works
 * on files of any size. Repairs rarely add or remove lines: where the two
 * sides of a block have the same number of lines they are paired line by
 * line; otherwise the common leading and trailing lines are paired and the
 * rest is one replaced region.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CONTEXT 3
/* A hunk is held until it is complete (its header carries line counts);
 * past this size the diff fails rather than grow without bound. */
#define HUNK_MAX ((size_t)256 << 20)

typedef struct line_ref {
    const char *s;
    size_t len; /* including the '\n', if any */
} line_ref;

typedef struct text_buf {
    char *data;
    size_t len, cap;
} text_buf;

struct differ {
    FILE *out;
    const char *old_name, *new_name;
    int header_done;
    int any;
    int failed;
    size_t old_line, new_line; /* lines consumed so far on each side */
    /* Unchanged lines after the last change (or before the first). */
    text_buf ring[2 * CONTEXT];
    size_t ring_count;
    /* The open hunk. */
    int in_hunk;
    text_buf hunk;
    size_t hunk_old_start, hunk_new_start, hunk_old_count, hunk_new_count;
};

static int buf_put(text_buf *b, const char *s, size_t len)
{
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + len + 1)
            cap *= 2;
        if (cap > HUNK_MAX)
            return -1;
        char *p = realloc(b->data, cap);
        if (!p)
            return -1;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, len);
    b->len += len;
    return 0;
}

differ *differ_open(FILE *out, const char *old_name, const char *new_name)
{
    differ *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->out = out;
    d->old_name = old_name;
    d->new_name = new_name;
    return d;
}

/* Append one line with its prefix to the hunk; a last line without a
 * newline gets the marker diff(1) and patch(1) expect. */
static void hunk_line(differ *d, char prefix, const char *s, size_t len)
{
    if (buf_put(&d->hunk, &prefix, 1) || buf_put(&d->hunk, s, len))
        d->failed = 1;
    if (!len || s[len - 1] != '\n') {
        static const char marker[] = "\n\\ No newline at end of file\n";
        if (buf_put(&d->hunk, marker, sizeof marker - 1))
            d->failed = 1;
    }
}

static void flush_hunk(differ *d, size_t trailing)
{
    /* Trailing context: the first `trailing` lines of the ring. */
    for (size_t i = 0; i < trailing && i < d->ring_count; i++) {
        hunk_line(d, ' ', d->ring[i].data, d->ring[i].len);
        d->hunk_old_count++;
        d->hunk_new_count++;
    }
    if (!d->header_done) {
        fprintf(d->out, "--- %s\n+++ %s\n", d->old_name, d->new_name);
        d->header_done = 1;
    }
    /* diff(1) numbers an empty side by the line before it. */
    fprintf(d->out, "@@ -%zu,%zu +%zu,%zu @@\n",
            d->hunk_old_count ? d->hunk_old_start : d->hunk_old_start - 1,
            d->hunk_old_count,
            d->hunk_new_count ? d->hunk_new_start : d->hunk_new_start - 1,
            d->hunk_new_count);
    fwrite(d->hunk.data, 1, d->hunk.len, d->out);
    d->hunk.len = 0;
    d->in_hunk = 0;
    d->any = 1;
}

static void ring_push(differ *d, const char *s, size_t len)
{
    size_t max = sizeof d->ring / sizeof d->ring[0];
    if (d->ring_count == max) {
        /* The gap since the last change is too long to bridge: close the
         * hunk with its trailing context and keep the newest lines. */
        if (d->in_hunk)
            flush_hunk(d, CONTEXT);
        text_buf first = d->ring[0];
        memmove(d->ring, d->ring + 1, (max - 1) * sizeof d->ring[0]);
        d->ring[max - 1] = first;
        d->ring_count--;
    }
    text_buf *slot = &d->ring[d->ring_count++];
    slot->len = 0;
    if (buf_put(slot, s, len))
        d->failed = 1;
}

static void unchanged(differ *d, const char *s, size_t len)
{
    d->old_line++;
    d->new_line++;
    ring_push(d, s, len);
}

/* Open a hunk (or extend the open one) just before a change. */
static void begin_change(differ *d)
{
    size_t ctx;
    if (!d->in_hunk) {
        /* Leading context: the last CONTEXT unchanged lines. */
        ctx = d->ring_count < CONTEXT ? d->ring_count : CONTEXT;
        d->in_hunk = 1;
        d->hunk_old_start = d->old_line + 1 - ctx;
        d->hunk_new_start = d->new_line + 1 - ctx;
        d->hunk_old_count = d->hunk_new_count = 0;
        for (size_t i = d->ring_count - ctx; i < d->ring_count; i++) {
            hunk_line(d, ' ', d->ring[i].data, d->ring[i].len);
            d->hunk_old_count++;
            d->hunk_new_count++;
        }
    } else {
        /* A short gap: every line since the last change is context. */
        for (size_t i = 0; i < d->ring_count; i++) {
            hunk_line(d, ' ', d->ring[i].data, d->ring[i].len);
            d->hunk_old_count++;
            d->hunk_new_count++;
        }
    }
    d->ring_count = 0;
}

static size_t split_lines(const char *s, size_t len, line_ref **out)
{
    size_t n = 0, cap = 64;
    line_ref *v = malloc(cap * sizeof *v);
    if (!v)
        return (size_t)-1;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(s + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - s) + 1 : len;
        if (n == cap) {
            cap *= 2;
            line_ref *w = realloc(v, cap * sizeof *v);
            if (!w) {
                free(v);
                return (size_t)-1;
            }
            v = w;
        }
        v[n].s = s + pos;
        v[n].len = end - pos;
        n++;
        pos = end;
    }
    *out = v;
    return n;
}

static int same(const line_ref *a, const line_ref *b)
{
    return a->len == b->len && !memcmp(a->s, b->s, a->len);
}

int differ_feed(differ *d, const char *old_text, size_t old_len,
                const char *new_text, size_t new_len)
{
    line_ref *a = NULL, *b = NULL;
    size_t na = split_lines(old_text, old_len, &a);
    size_t nb = split_lines(new_text, new_len, &b);
    if (na == (size_t)-1 || nb == (size_t)-1) {
        free(a);
        free(b);
        return -1;
    }
    size_t head = 0, tail = 0;
    if (na == nb) {
        head = na; /* paired line by line below */
    } else {
        while (head < na && head < nb && same(&a[head], &b[head]))
            head++;
        while (tail < na - head && tail < nb - head &&
               same(&a[na - 1 - tail], &b[nb - 1 - tail]))
            tail++;
    }
    for (size_t i = 0; i < head; i++) {
        if (same(&a[i], &b[i])) {
            unchanged(d, a[i].s, a[i].len);
            continue;
        }
        begin_change(d);
        hunk_line(d, '-', a[i].s, a[i].len);
        hunk_line(d, '+', b[i].s, b[i].len);
        d->hunk_old_count++;
        d->hunk_new_count++;
        d->old_line++;
        d->new_line++;
    }
    if (na != nb) {
        begin_change(d);
        for (size_t i = head; i < na - tail; i++) {
            hunk_line(d, '-', a[i].s, a[i].len);
            d->hunk_old_count++;
            d->old_line++;
        }
        for (size_t i = head; i < nb - tail; i++) {
            hunk_line(d, '+', b[i].s, b[i].len);
            d->hunk_new_count++;
            d->new_line++;
        }
        for (size_t i = na - tail; i < na; i++)
            unchanged(d, a[i].s, a[i].len);
    }
    free(a);
    free(b);
    return d->failed ? -1 : 0;
}

int differ_close(differ *d)
{
    if (!d)
        return 0;
    if (d->in_hunk)
        flush_hunk(d, CONTEXT);
    int result = d->failed ? -1 : d->any;
    for (size_t i = 0; i < sizeof d->ring / sizeof d->ring[0]; i++)
        free(d->ring[i].data);
    free(d->hunk.data);
    free(d);
    return result;
}
