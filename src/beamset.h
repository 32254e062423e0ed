/*
 * beamset.h - the states one step of a beam search keeps: at most
 * ZH_BEAMSET_CAP of them, one per key (a reading state reached twice keeps
 * its better rank), and once full only those that beat the worst.
 *
 * The set holds keys and ranks; the caller keeps its states in an array of
 * ZH_BEAMSET_CAP and stores a state where zh_beamset_offer says. The
 * outcome is exactly that of a linear scan (look the key up, else append,
 * else replace the first state of the highest rank): a hash index finds
 * the key and a heap the worst state.
 */
#ifndef ZHFIX_BEAMSET_H
#define ZHFIX_BEAMSET_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#define ZH_BEAMSET_CAP 32
#define ZH_BEAMSET_SLOTS 128 /* a power of two, well above the capacity */

typedef struct zh_beamset {
    size_t n;
    uint64_t key[ZH_BEAMSET_CAP];
    double rank[ZH_BEAMSET_CAP];
    /* Once full: a heap of the indices, worst first (the highest rank,
     * then the lowest index), and each index's place in it. */
    uint8_t heap[ZH_BEAMSET_CAP], pos[ZH_BEAMSET_CAP];
    size_t used; /* slots filled, stale ones included */
    uint8_t slot[ZH_BEAMSET_SLOTS]; /* index plus one, 0 empty */
} zh_beamset;

void zh_beamset_clear(zh_beamset *b);

/* Offer a state: the index at which the caller is to store it (whatever
 * was there is dropped), or -1 when the set keeps what it has. */
int zh_beamset_offer(zh_beamset *b, uint64_t key, double rank);

/* The rank a state must be below to be taken: HUGE_VAL until the set is
 * full, then its worst state's. */
static inline double zh_beamset_bar(const zh_beamset *b)
{
    return b->n < ZH_BEAMSET_CAP ? HUGE_VAL : b->rank[b->heap[0]];
}

#endif /* ZHFIX_BEAMSET_H */
