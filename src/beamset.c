/*
 * beamset.c - the states one step of a beam search keeps (beamset.h).
 *
 * The mojibake rule's stream beam offers each step thousands of states
 * to a set of 32, most of them worse than everything in it; a linear scan
 * for the key and for the worst state made that the rule's hottest loop.
 */
#include "beamset.h"

#include <string.h>

void zh_beamset_clear(zh_beamset *b)
{
    b->n = 0;
    b->used = 0;
    memset(b->slot, 0, sizeof b->slot);
}

static size_t slot_of(uint64_t key)
{
    return (size_t)((key * 0x9E3779B97F4A7C15u) >> 57) &
           (ZH_BEAMSET_SLOTS - 1);
}

/* 1 when state i goes before state j in the heap: worse (the linear scan
 * keeps the first of the highest rank as the worst). */
static int worse(const zh_beamset *b, size_t i, size_t j)
{
    return b->rank[i] > b->rank[j] || (b->rank[i] == b->rank[j] && i < j);
}

static void sift_down(zh_beamset *b, size_t p)
{
    for (;;) {
        size_t c = 2 * p + 1, best = p;
        if (c < ZH_BEAMSET_CAP && worse(b, b->heap[c], b->heap[best]))
            best = c;
        if (c + 1 < ZH_BEAMSET_CAP && worse(b, b->heap[c + 1], b->heap[best]))
            best = c + 1;
        if (best == p)
            return;
        uint8_t t = b->heap[p];
        b->heap[p] = b->heap[best];
        b->heap[best] = t;
        b->pos[b->heap[p]] = (uint8_t)p;
        b->pos[b->heap[best]] = (uint8_t)best;
        p = best;
    }
}

/* Slots are never emptied, only rebuilt from the set when they run full:
 * a slot whose state was replaced since is stale, and lookups pass over
 * it (that index now holds another key), so the chain of slots from each
 * key's home stays unbroken. */
static void index_put(zh_beamset *b, size_t h, size_t i)
{
    b->slot[h] = (uint8_t)(i + 1);
    if (++b->used <= ZH_BEAMSET_SLOTS * 3 / 4)
        return;
    memset(b->slot, 0, sizeof b->slot);
    for (size_t j = 0; j < b->n; j++) {
        size_t g = slot_of(b->key[j]);
        while (b->slot[g])
            g = (g + 1) & (ZH_BEAMSET_SLOTS - 1);
        b->slot[g] = (uint8_t)(j + 1);
    }
    b->used = b->n;
}

int zh_beamset_offer(zh_beamset *b, uint64_t key, double rank)
{
    /* No better than the worst state: no better than the state of the
     * same key either, if there is one. Most offers end here. */
    if (!(rank < zh_beamset_bar(b)))
        return -1;
    size_t h = slot_of(key);
    while (b->slot[h]) {
        size_t i = b->slot[h] - 1u;
        if (b->key[i] == key) {
            if (!(rank < b->rank[i]))
                return -1;
            b->rank[i] = rank;
            if (b->n == ZH_BEAMSET_CAP)
                sift_down(b, b->pos[i]); /* it only got better */
            return (int)i;
        }
        h = (h + 1) & (ZH_BEAMSET_SLOTS - 1);
    }
    size_t i;
    if (b->n < ZH_BEAMSET_CAP) {
        i = b->n++;
        b->key[i] = key;
        b->rank[i] = rank;
        if (b->n == ZH_BEAMSET_CAP) {
            for (size_t j = 0; j < ZH_BEAMSET_CAP; j++) {
                b->heap[j] = (uint8_t)j;
                b->pos[j] = (uint8_t)j;
            }
            for (size_t j = ZH_BEAMSET_CAP / 2; j-- > 0;)
                sift_down(b, j);
        }
    } else {
        i = b->heap[0];
        b->key[i] = key;
        b->rank[i] = rank;
        sift_down(b, 0);
    }
    index_put(b, h, i);
    return (int)i;
}
