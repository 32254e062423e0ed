/*
 * lineset.c - a set of lines by their bytes (lineset.h): open addressing
 * over a table of at least twice as many slots as lines.
 */
#include "lineset.h"

#include <stdlib.h>
#include <string.h>

/* Eight bytes a step: a line is hashed whenever it is added, in clean
 * text too, where the set is then never asked. The hash only finds a
 * slot; equality is decided by comparing the bytes. */
static uint64_t line_hash(const char *line, size_t len)
{
    const uint64_t k = 0x9E3779B97F4A7C15u;
    uint64_t h = (uint64_t)len * k, v;
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        memcpy(&v, line + i, 8);
        h = (h ^ v) * k;
        h ^= h >> 29;
    }
    v = 0;
    memcpy(&v, line + i, len - i);
    h = (h ^ v) * k;
    return h ^ h >> 32;
}

/* The slot that holds the line, or the empty slot where it would go. */
static struct zh_lineset_slot *find_slot(const zh_lineset *s, uint64_t h,
                                         const char *line, size_t len)
{
    size_t mask = s->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        struct zh_lineset_slot *t = &s->slot[i];
        if (!t->len)
            return t;
        if (t->hash == h && t->len == len + 1 &&
            (!len || !memcmp(s->bytes.data + t->off, line, len)))
            return t;
    }
}

/* Double the table and put the slots back. */
static int grow_slots(zh_lineset *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 64;
    struct zh_lineset_slot *old = s->slot;
    size_t nold = s->nslots;
    s->slot = calloc(n, sizeof *s->slot);
    if (!s->slot) {
        s->slot = old;
        return 0;
    }
    s->nslots = n;
    for (size_t i = 0; i < nold; i++)
        if (old[i].len) {
            const char *line = s->bytes.data + old[i].off;
            *find_slot(s, old[i].hash, line, old[i].len - 1) = old[i];
        }
    free(old);
    return 1;
}

int zh_lineset_put(zh_lineset *s, const char *line, size_t len,
                   const void *val, size_t vlen)
{
    if ((s->used + 1) * 2 > s->nslots && !grow_slots(s))
        return 0;
    uint64_t h = line_hash(line, len);
    struct zh_lineset_slot *t = find_slot(s, h, line, len);
    if (t->len)
        return 1;
    size_t off = s->bytes.len;
    if (zh_buf_append(&s->bytes, line, len) != ZHFIX_OK)
        return 0;
    if (vlen && zh_buf_append(&s->bytes, val, vlen) != ZHFIX_OK) {
        s->bytes.len = off;
        return 0;
    }
    t->hash = h;
    t->off = off;
    t->len = len + 1;
    t->vlen = vlen;
    s->used++;
    return 1;
}

const void *zh_lineset_get(const zh_lineset *s, const char *line, size_t len,
                           size_t *vlen)
{
    if (!s->used)
        return NULL;
    const struct zh_lineset_slot *t =
        find_slot(s, line_hash(line, len), line, len);
    if (!t->len)
        return NULL;
    *vlen = t->vlen;
    /* Only empty lines with empty values: no bytes were ever kept. */
    return s->bytes.data ? s->bytes.data + t->off + len : (const void *)"";
}

void zh_lineset_clear(zh_lineset *s)
{
    if (s->used)
        memset(s->slot, 0, s->nslots * sizeof *s->slot);
    s->used = 0;
    s->bytes.len = 0;
}

void zh_lineset_free(zh_lineset *s)
{
    zh_buf_free(&s->bytes);
    free(s->slot);
    memset(s, 0, sizeof *s);
}
