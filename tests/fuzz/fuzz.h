/*
 * fuzz.h - what the fuzz targets share: an assertion that crashes (so
 * libFuzzer and the replay driver both see it), and an independent strict
 * UTF-8 validator, written here from RFC 3629 rather than taken from the
 * library, so that the library's own validator is checked too.
 */
#ifndef ZHFIX_FUZZ_H
#define ZHFIX_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "zhfix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(cond)                                                     \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: fuzz assertion failed: %s\n", __FILE__,   \
                    __LINE__, #cond);                                         \
            abort();                                                          \
        }                                                                     \
    } while (0)

/* Length of the valid UTF-8 prefix of s: no overlong forms, no surrogates,
 * nothing above U+10FFFF, no truncated sequence. */
static inline size_t fuzz_utf8_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned b = s[i];
        size_t len;
        unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (b < 0x80) {
            i++;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
        } else if (b == 0xE0) {
            len = 3, lo = 0xA0;
        } else if (b >= 0xE1 && b <= 0xEC) {
            len = 3;
        } else if (b == 0xED) {
            len = 3, hi = 0x9F;
        } else if (b >= 0xEE && b <= 0xEF) {
            len = 3;
        } else if (b == 0xF0) {
            len = 4, lo = 0x90;
        } else if (b >= 0xF1 && b <= 0xF3) {
            len = 4;
        } else if (b == 0xF4) {
            len = 4, hi = 0x8F;
        } else {
            return i;
        }
        if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
        i += len;
    }
    return n;
}

static inline int fuzz_utf8_valid(const void *s, size_t n)
{
    return fuzz_utf8_prefix((const unsigned char *)s, n) == n;
}

/* Rule selections the targets choose from with one input byte: the
 * default, everything, each category alone, and a mix with an ignore. */
static const struct {
    const char *select, *ignore;
} fuzz_selections[8] = {
    {NULL, NULL},          {"all", NULL},          {"encoding", NULL},
    {"artifact", NULL},    {"punctuation", NULL},  {"width", NULL},
    {"script", NULL},      {"all", "artifact"},
};

/* A handle per selection (and target), created on first use and kept for
 * the process: OpenCC configs are slow to load. */
static inline zhfix *fuzz_handle(zhfix **cache, const char *select,
                                 const char *ignore, const char *target)
{
    if (!*cache) {
        zhfix_options o;
        zhfix_options_init(&o);
        o.select = select;
        o.ignore = ignore;
        o.target = target;
        char err[256] = "";
        zhfix_status st = zhfix_create(&o, cache, err, sizeof err);
        if (st != ZHFIX_OK) {
            fprintf(stderr, "zhfix_create(%s): %s %s\n",
                    select ? select : "default", zhfix_strerror(st), err);
            abort();
        }
    }
    return *cache;
}

#endif /* ZHFIX_FUZZ_H */
