/*
 * detect_driver - print zhfix's encoding verdict for each file named.
 *
 * Usage: detect_driver FILE...
 * Output, one line per file:
 * FILE<TAB>ENCODING<TAB>CONFIDENCE<TAB>BOM<TAB>BINARY
 *
 * A measurement tool for tests/bench/detect_accuracy.py; it uses only the
 * public API and feeds each file in 64 KiB pieces, stopping early when the
 * detector says more input cannot change its verdict.
 */
#include <stdio.h>

#include "zhfix.h"

static int detect_file(const char *path)
{
    static char buf[1 << 16];
    zhfix_detector *d = NULL;
    zhfix_detection res;
    FILE *f = fopen(path, "rb");
    size_t n;
    int failed = 0;

    if (!f) {
        fprintf(stderr, "detect_driver: %s: cannot open\n", path);
        return 1;
    }
    if (zhfix_detector_create(&d) != ZHFIX_OK) {
        fprintf(stderr, "detect_driver: out of memory\n");
        fclose(f);
        return 1;
    }
    while (!zhfix_detector_done(d) && (n = fread(buf, 1, sizeof buf, f)) > 0)
        zhfix_detector_feed(d, buf, n);
    if (ferror(f)) {
        fprintf(stderr, "detect_driver: %s: read error\n", path);
        failed = 1;
    }
    fclose(f);
    zhfix_detector_result(d, &res);
    zhfix_detector_destroy(d);
    if (!failed)
        printf("%s\t%s\t%d\t%zu\t%d\n", path, zhfix_encoding_name(res.encoding),
               res.confidence, res.bom_length, res.binary);
    return failed;
}

int main(int argc, char **argv)
{
    int i, failed = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: detect_driver FILE...\n");
        return 2;
    }
    for (i = 1; i < argc; i++)
        failed |= detect_file(argv[i]);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "detect_driver: write error\n");
        return 1;
    }
    return failed;
}
