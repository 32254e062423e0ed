/*
 * lineset.h - a map of lines, by their bytes, to values: what a rule
 * found in a line whose findings depend on its bytes alone, so that it
 * need not search the same bytes again (in the next round over a block,
 * or when text repeats a line).
 *
 * The map keeps its own copy of each line and compares the bytes, so it
 * answers exactly as a list of the lines would; a hash only finds the
 * candidate. Emptying it keeps its memory.
 */
#ifndef ZHFIX_LINESET_H
#define ZHFIX_LINESET_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

typedef struct zh_lineset {
    zh_buf bytes; /* the lines, each followed by its value, end to end */
    struct zh_lineset_slot {
        uint64_t hash;
        size_t off, len; /* len + 1: 0 marks an empty slot */
        size_t vlen;     /* bytes of the value after the line */
    } *slot;
    size_t nslots; /* a power of two, or 0 */
    size_t used;
} zh_lineset;

/* Add the line with a copy of the vlen bytes at val (nothing when the
 * line is there already). 0 on allocation failure, which leaves the map
 * as it was: it is a cache, and a caller may go on. */
int zh_lineset_put(zh_lineset *s, const char *line, size_t len,
                   const void *val, size_t vlen);

/* The value put with the line (its bytes, *vlen of them, valid until the
 * set changes), or NULL when the set does not hold the line. */
const void *zh_lineset_get(const zh_lineset *s, const char *line, size_t len,
                           size_t *vlen);

/* Empty the set, keeping its memory. */
void zh_lineset_clear(zh_lineset *s);

void zh_lineset_free(zh_lineset *s);

#endif /* ZHFIX_LINESET_H */
