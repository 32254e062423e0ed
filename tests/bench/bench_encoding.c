/*
 * bench_encoding.c - throughput of zhfix_fix with the encoding rules.
 *
 *   bench_encoding FILE [SELECT [REPEAT]]
 *
 * Reads FILE (UTF-8), runs zhfix_fix over it REPEAT times (default 5) and
 * prints the best time as MB/s. Not a test: timings depend on the machine.
 * tests/bench/run_bench.sh makes the inputs (clean prose and prose turned
 * into mojibake) and runs this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zhfix.h"

static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: bench_encoding FILE [SELECT [REPEAT]]\n", stderr);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *src = malloc(n > 0 ? (size_t)n : 1);
    if (!src || fread(src, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        return 2;
    }
    fclose(f);
    zhfix_options o;
    zhfix_options_init(&o);
    o.select = argc > 2 ? argv[2] : "encoding";
    int repeat = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 5;
    zhfix *h;
    if (zhfix_create(&o, &h, NULL, 0) != ZHFIX_OK)
        return 2;
    double best = 1e30;
    size_t changed = 0, findings = 0;
    for (int r = 0; r < repeat; r++) {
        char *out;
        size_t outlen;
        double t0 = now();
        if (zhfix_fix_alloc(h, src, (size_t)n, &out, &outlen) != ZHFIX_OK) {
            fprintf(stderr, "bench_encoding: %s\n", zhfix_errmsg(h));
            return 1;
        }
        double t = now() - t0;
        if (t < best)
            best = t;
        changed = outlen != (size_t)n || memcmp(out, src, outlen) != 0;
        findings = zhfix_finding_count(h);
        zhfix_free(out);
    }
    printf("%s: %.1f MB in %.3f s = %.1f MB/s (%zu findings%s)\n", argv[1],
           (double)n / 1e6, best, (double)n / 1e6 / best, findings,
           changed ? ", changed" : ", unchanged");
    zhfix_destroy(h);
    free(src);
    return 0;
}
