/*
 * test_beamset.c - Check suite for src/beamset.c: the set a beam search
 * step keeps must decide exactly as the linear scan it replaced (look the
 * key up, keep the better of the two; else append; else replace the first
 * state of the highest rank if the new one is better).
 */
#include <check.h>
#include <stdlib.h>

#include "beamset.h"

/* The straightforward version. */
typedef struct ref_set {
    size_t n;
    uint64_t key[ZH_BEAMSET_CAP];
    double rank[ZH_BEAMSET_CAP];
} ref_set;

static int ref_offer(ref_set *r, uint64_t key, double rank)
{
    for (size_t i = 0; i < r->n; i++) {
        if (r->key[i] == key) {
            if (rank < r->rank[i]) {
                r->rank[i] = rank;
                return (int)i;
            }
            return -1;
        }
    }
    if (r->n < ZH_BEAMSET_CAP) {
        r->key[r->n] = key;
        r->rank[r->n] = rank;
        return (int)r->n++;
    }
    size_t w = 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->rank[i] > r->rank[w])
            w = i;
    if (rank < r->rank[w]) {
        r->key[w] = key;
        r->rank[w] = rank;
        return (int)w;
    }
    return -1;
}

static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Rounds of offers as a search makes them: keys from a small range (so
 * that states meet again), ranks from a few values (so that they tie) or
 * spread, in every other round falling as it goes on (a filling beam
 * gets better). */
static const struct {
    unsigned keys;  /* distinct keys */
    unsigned ranks; /* distinct ranks, 0: spread */
    unsigned offers;
} shapes[] = {
    {8, 4, 200},    {40, 3, 400},  {40, 0, 400},   {200, 5, 3000},
    {1000, 0, 5000}, {64, 1, 500}, {5000, 50, 20000},
};

START_TEST(offers_match_linear_scan)
{
    uint64_t seed = 0x9E3779B97F4A7C15u + (uint64_t)_i;
    for (int round = 0; round < 40; round++) {
        zh_beamset b;
        ref_set r;
        zh_beamset_clear(&b);
        r.n = 0;
        for (unsigned k = 0; k < shapes[_i].offers; k++) {
            /* Keys spread over the 64 bits, as the packed state keys are. */
            uint64_t key = (next_rand(&seed) % shapes[_i].keys) *
                           0xD6E8FEB86659FD93u;
            double rank =
                shapes[_i].ranks
                    ? (double)(next_rand(&seed) % shapes[_i].ranks) * 0.5
                    : (double)(next_rand(&seed) % 100000) / 1000.0;
            if (!shapes[_i].ranks || round % 2)
                rank += (double)(shapes[_i].offers - k) / 100.0;
            int want = ref_offer(&r, key, rank);
            int got = zh_beamset_offer(&b, key, rank);
            /* Plain comparisons: Check records every passing assertion,
             * which would make this loop slow. */
            int same = got == want && b.n == r.n;
            for (size_t i = 0; i < r.n && same; i++)
                same = b.key[i] == r.key[i] && b.rank[i] == r.rank[i];
            double bar = HUGE_VAL;
            if (r.n == ZH_BEAMSET_CAP)
                for (size_t i = 0; i < r.n; i++)
                    if (bar == HUGE_VAL || r.rank[i] > bar)
                        bar = r.rank[i];
            same = same && zh_beamset_bar(&b) == bar;
            if (!same)
                ck_abort_msg("round %d, offer %u: index %d, want %d", round,
                             k, got, want);
        }
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("beamset");
    TCase *t = tcase_create("core");
    tcase_add_loop_test(t, offers_match_linear_scan, 0,
                        (int)(sizeof shapes / sizeof shapes[0]));
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
