/*
 * test_lineset.c - Check suite for src/lineset.c: the set of lines must
 * answer exactly as a plain list of the lines it was given (compared byte
 * for byte), through growth and emptying, for lines that are empty,
 * prefixes of each other or differ in one byte; as a map of lines to
 * values (zh_lineset_put, zh_lineset_get), it must give each line the
 * value it was first added with.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lineset.h"

#define POOL 600
#define MAXLEN 12

/* The straightforward version: the distinct lines added, in a list,
 * each with the value it was added with (up to 7 bytes). */
typedef struct ref_set {
    size_t n;
    size_t which[POOL]; /* pool indices */
    unsigned char val[POOL][8];
    size_t vlen[POOL];
} ref_set;

static char pool[POOL][MAXLEN];
static size_t pool_len[POOL];

/* The place of the line in the list, r->n when it is not there. */
static size_t ref_find(const ref_set *r, const char *line, size_t len)
{
    for (size_t i = 0; i < r->n; i++)
        if (pool_len[r->which[i]] == len &&
            !memcmp(pool[r->which[i]], line, len))
            return i;
    return r->n;
}

static uint64_t next_rand(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/* Pools of lines: an alphabet of `letters` bytes (few: lines meet again
 * and share prefixes), lines up to maxlen long, `ops` random adds and
 * look-ups, the set emptied every `clear_every` of them (0: never). */
static const struct {
    unsigned letters, maxlen, ops, clear_every;
} shapes[] = {
    {2, 3, 300, 0},     {2, 6, 2000, 0},      {3, 12, 3000, 700},
    {256, 12, 4000, 0}, {256, 4, 5000, 1000}, {1, 12, 500, 0},
};

START_TEST(answers_match_list)
{
    uint64_t seed = 0x9E3779B97F4A7C15u + (uint64_t)_i;
    /* Made at random, so the pool may hold a line twice: both must be
     * taken as the same line. */
    for (size_t p = 0; p < POOL; p++) {
        pool_len[p] = next_rand(&seed) % (shapes[_i].maxlen + 1);
        for (size_t k = 0; k < pool_len[p]; k++)
            pool[p][k] = (char)(next_rand(&seed) % shapes[_i].letters);
    }
    zh_lineset s;
    memset(&s, 0, sizeof s);
    ref_set r;
    r.n = 0;
    for (unsigned op = 0; op < shapes[_i].ops; op++) {
        if (shapes[_i].clear_every && op % shapes[_i].clear_every == 0) {
            zh_lineset_clear(&s);
            r.n = 0;
        }
        size_t p = next_rand(&seed) % POOL;
        size_t at = ref_find(&r, pool[p], pool_len[p]);
        int want = at < r.n;
        size_t vlen = 0;
        const unsigned char *val =
            zh_lineset_get(&s, pool[p], pool_len[p], &vlen);
        /* Plain comparisons: Check records every passing assertion. */
        if ((val != NULL) != want)
            ck_abort_msg("op %u, line %zu: has %d, want %d", op, p,
                         val != NULL, want);
        if (val && (vlen != r.vlen[at] || memcmp(val, r.val[at], vlen)))
            ck_abort_msg("op %u, line %zu: another value", op, p);
        if (next_rand(&seed) % 2) {
            /* Half the lines added with a value, half without. */
            unsigned char v[8];
            size_t n = next_rand(&seed) % 2 ? next_rand(&seed) % 8 : 0;
            for (size_t k = 0; k < n; k++)
                v[k] = (unsigned char)next_rand(&seed);
            if (!zh_lineset_put(&s, pool[p], pool_len[p], n ? v : NULL, n))
                ck_abort_msg("op %u: add failed", op);
            if (!want) {
                memcpy(r.val[r.n], v, n);
                r.vlen[r.n] = n;
                r.which[r.n++] = p;
            }
        }
        if (s.used != r.n)
            ck_abort_msg("op %u: %zu lines, want %zu", op, s.used, r.n);
    }
    zh_lineset_free(&s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("lineset");
    TCase *t = tcase_create("core");
    tcase_add_loop_test(t, answers_match_list, 0,
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
