/*
 * text.c - byte buffers, the per-handle string arena, UTF-8 and character
 * classes shared by the rules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- zh_buf ------------------------------------------------------------ */

zhfix_status zh_buf_reserve(zh_buf *b, size_t extra)
{
    if (extra > ZH_BUF_MAX - b->len)
        return ZHFIX_TOO_LARGE;
    size_t want = b->len + extra;
    if (want <= b->cap)
        return ZHFIX_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < want)
        cap = cap > ZH_BUF_MAX / 2 ? ZH_BUF_MAX : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p)
        return ZHFIX_NOMEM;
    b->data = p;
    b->cap = cap;
    return ZHFIX_OK;
}

zhfix_status zh_buf_append(zh_buf *b, const char *src, size_t len)
{
    zhfix_status st = zh_buf_reserve(b, len);
    if (st != ZHFIX_OK)
        return st;
    if (len)
        memcpy(b->data + b->len, src, len);
    b->len += len;
    return ZHFIX_OK;
}

void zh_buf_free(zh_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- zh_arena ---------------------------------------------------------- */

struct zh_arena_chunk {
    zh_arena_chunk *next;
    size_t used, cap;
    char data[];
};

static char *arena_alloc(zh_arena *a, size_t n)
{
    zh_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 4000 ? n : 4000;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    char *p = c->data + c->used;
    c->used += n;
    return p;
}

char *zh_arena_strndup(zh_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *zh_arena_printf(zh_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void zh_arena_reset(zh_arena *a)
{
    zh_arena_chunk *c = a->head;
    while (c) {
        zh_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

/* ---- UTF-8 ------------------------------------------------------------- */

size_t zh_utf8_seqlen(unsigned char b)
{
    if (b < 0xC0)
        return 1;
    if (b < 0xE0)
        return 2;
    if (b < 0xF0)
        return 3;
    return 4;
}

size_t zh_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t len = zh_utf8_seqlen(b);
    if (len == 1 || len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t v = b & (0x7F >> len);
    for (size_t i = 1; i < len; i++)
        v = (v << 6) | (s[i] & 0x3F);
    *cp = v;
    return len;
}

size_t zh_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t zh_utf8_validate(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        /* ASCII runs dominate most input: skip 8 bytes at a time. */
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        unsigned char b = s[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t min;
        if (b >= 0xC2 && b <= 0xDF) {
            n = 2;
            min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 3;
            min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 4;
            min = 0x10000;
        } else {
            return i;
        }
        if (len - i < n)
            return i;
        uint32_t v = b & (0x7F >> n);
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            v = (v << 6) | (s[i + k] & 0x3F);
        }
        if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return i;
        i += n;
    }
    return len;
}

size_t zhfix_utf8_validate(const char *src, size_t srclen)
{
    return src ? zh_utf8_validate(src, srclen) : 0;
}

size_t zh_utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* ---- Character classes ------------------------------------------------- */

int zh_is_cjk_punct(uint32_t cp)
{
    switch (cp) {
    case 0x3001: case 0x3002: case 0x3008: case 0x3009: case 0x300A:
    case 0x300B: case 0x300C: case 0x300D: case 0x300E: case 0x300F:
    case 0x3010: case 0x3011: case 0x3014: case 0x3015: case 0x3016:
    case 0x3017: case 0x201C: case 0x201D: case 0x2018: case 0x2019:
    case 0x2026: case 0x2014: case 0x00B7: case 0xFF01: case 0xFF08:
    case 0xFF09: case 0xFF0C: case 0xFF1A: case 0xFF1B: case 0xFF1F:
    case 0xFF5E: case 0x2E3A:
        return 1;
    default:
        return 0;
    }
}

int zh_is_kana(uint32_t cp)
{
    return (cp >= 0x3041 && cp <= 0x30FF && cp != 0x30FB) ||
           (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF66 && cp <= 0xFF9D);
}
