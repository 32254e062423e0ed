/*
 * eval_driver.c - the measurement harness's view of zhfix: the public API
 * only, as any client would use it.
 *
 *   eval_driver fix [SELECT]    stdin -> repaired text on stdout
 *   eval_driver check [SELECT]  stdin -> for each input line, the number of
 *                               findings on it ("LINE COUNT" per line with
 *                               findings)
 *   eval_driver explain [SELECT] stdin -> every finding with its detail
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zhfix.h"

static char *slurp(size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    size_t k;
    while ((k = fread(buf + n, 1, cap - n, stdin)) > 0) {
        n += k;
        if (n == cap) {
            char *b = realloc(buf, cap * 2);
            if (!b) {
                free(buf);
                return NULL;
            }
            buf = b;
            cap *= 2;
        }
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "fix") && strcmp(argv[1], "check") &&
                      strcmp(argv[1], "explain"))) {
        fputs("usage: eval_driver fix|check|explain [SELECT]\n", stderr);
        return 2;
    }
    zhfix_options opts;
    zhfix_options_init(&opts);
    opts.select = argc > 2 ? argv[2] : "encoding";
    zhfix *h;
    char err[256];
    if (zhfix_create(&opts, &h, err, sizeof err) != ZHFIX_OK) {
        fprintf(stderr, "eval_driver: %s\n", err);
        return 2;
    }
    size_t len;
    char *src = slurp(&len);
    if (!src)
        return 2;
    zhfix_status st;
    if (!strcmp(argv[1], "fix")) {
        char *out;
        size_t outlen;
        st = zhfix_fix_alloc(h, src, len, &out, &outlen);
        if (st == ZHFIX_OK) {
            fwrite(out, 1, outlen, stdout);
            zhfix_free(out);
        }
    } else if (!strcmp(argv[1], "explain")) {
        st = zhfix_check(h, src, len);
        for (size_t i = 0; i < zhfix_finding_count(h); i++) {
            const zhfix_finding *f = zhfix_finding_get(h, i);
            printf("%zu:%zu %s %s [%s] -> [%s] %s\n", f->line, f->column,
                   f->rule, f->applied ? "fix" : "report", f->text,
                   f->replacement ? f->replacement : "",
                   f->detail ? f->detail : f->message);
        }
    } else {
        st = zhfix_check(h, src, len);
        size_t n = zhfix_finding_count(h), line = 0, count = 0;
        for (size_t i = 0; i < n; i++) {
            const zhfix_finding *f = zhfix_finding_get(h, i);
            if (f->line != line && count)
                printf("%zu %zu\n", line, count), count = 0;
            line = f->line;
            count++;
        }
        if (count)
            printf("%zu %zu\n", line, count);
    }
    if (st != ZHFIX_OK)
        fprintf(stderr, "eval_driver: %s\n", zhfix_errmsg(h));
    free(src);
    zhfix_destroy(h);
    return st == ZHFIX_OK ? 0 : 1;
}
