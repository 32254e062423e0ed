/*
 * bench_convert.c - zhfix's conversion engine against libopencc, side by
 * side in one run, through the public API (zhfix_convert_alloc with
 * engine "auto" and "opencc"). A benchmark, not a test: run it through
 * tests/bench/convert.sh.
 *
 * usage: bench_convert [-r REPS] FILE CONFIG...
 *
 * For each config it converts FILE (read once into memory) REPS times with
 * each engine and reports the best time as MB/s (10^6 bytes of input per
 * CPU second on one core), the engine/libopencc ratio, and the time to open a
 * config and convert one short line (what a small file costs: libopencc loads
 * its dictionaries there). Both outputs must be identical, or it exits 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zhfix.h"

/* CPU time of this process: it is single-threaded, so this is the time on
 * one core, and other load on the machine does not count against it. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static zhfix *open_config(const char *config, const char *engine)
{
    zhfix_options o;
    zhfix_options_init(&o);
    o.opencc_config = config;
    o.engine = engine;
    zhfix *h = NULL;
    char err[256] = "";
    if (zhfix_create(&o, &h, err, sizeof err) != ZHFIX_OK) {
        fprintf(stderr, "bench_convert: %s: %s\n", config, err);
        exit(2);
    }
    return h;
}

/* Seconds to create a handle and convert one short line, best of reps. */
static double startup(const char *config, const char *engine, int reps)
{
    double best = 1e9;
    for (int r = 0; r < reps; r++) {
        double t = now();
        zhfix *h = open_config(config, engine);
        char *out = NULL;
        size_t outlen;
        if (zhfix_convert_alloc(h, "一只猫\n", 10, &out, &outlen) != ZHFIX_OK)
            exit(2);
        zhfix_free(out);
        zhfix_destroy(h);
        t = now() - t;
        if (t < best)
            best = t;
    }
    return best;
}

/* Best seconds to convert text; the last output in *out. */
static double throughput(zhfix *h, const char *text, size_t len, int reps,
                         char **out, size_t *outlen)
{
    double best = 1e9;
    for (int r = 0; r < reps; r++) {
        zhfix_free(*out);
        *out = NULL;
        double t = now();
        if (zhfix_convert_alloc(h, text, len, out, outlen) != ZHFIX_OK) {
            fprintf(stderr, "bench_convert: %s\n", zhfix_errmsg(h));
            exit(2);
        }
        t = now() - t;
        if (t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    int reps = 5, c;
    while ((c = getopt(argc, argv, "r:")) != -1) {
        if (c != 'r')
            return 2;
        reps = (int)strtol(optarg, NULL, 10);
        if (reps < 1)
            reps = 1;
    }
    if (argc - optind < 2) {
        fputs("usage: bench_convert [-r REPS] FILE CONFIG...\n", stderr);
        return 2;
    }
    const char *file = argv[optind];
    FILE *f = fopen(file, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0) {
        perror(file);
        return 2;
    }
    long size = ftell(f);
    rewind(f);
    char *text = malloc(size > 0 ? (size_t)size : 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) {
        perror(file);
        return 2;
    }
    fclose(f);
    size_t len = (size_t)size;
    double mb = (double)len / 1e6;

    printf("%-6s %8s %12s %12s %7s %11s %11s\n", "config", "MB", "zhfix MB/s",
           "opencc MB/s", "ratio", "zhfix open", "opencc open");
    int status = 0;
    for (int i = optind + 1; i < argc; i++) {
        const char *config = argv[i];
        zhfix *e = open_config(config, "auto");
        zhfix *o = open_config(config, "opencc");
        char *eo = NULL, *oo = NULL;
        size_t eol = 0, ool = 0;
        /* libopencc is ~20x slower: fewer rounds keep the run short. */
        double te = throughput(e, text, len, reps, &eo, &eol);
        double to = throughput(o, text, len, reps > 2 ? 2 : reps, &oo, &ool);
        int same = eol == ool && !memcmp(eo, oo, eol);
        printf(
            "%-6s %8.2f %12.1f %12.1f %6.1fx %9.2fms %9.2fms%s\n", config, mb,
            mb / te, mb / to, to / te, startup(config, "auto", reps) * 1e3,
            startup(config, "opencc", 2) * 1e3, same ? "" : "  OUTPUT DIFFERS");
        fflush(stdout);
        if (!same)
            status = 1;
        zhfix_free(eo);
        zhfix_free(oo);
        zhfix_destroy(e);
        zhfix_destroy(o);
    }
    free(text);
    return status;
}
