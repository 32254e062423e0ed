/*
 * fuzz_jsonl.c - the JSON Lines reader of the CLI (src/cli/jsonl.c): every
 * record either comes out with its untouched bytes identical and its
 * fields repaired, or is reported malformed; no crash, no leak, and the
 * output of a record with nothing to repair is the record itself.
 *
 * Byte 0 picks the command (fix, check, convert), whether malformed
 * lines pass through, and whether the memory file is mapped or read (the
 * CLI maps a regular file but with -i); the rest is the JSON Lines input.
 */
#define _GNU_SOURCE /* memfd_create, fmemopen */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli/cli.h"
#include "fuzz.h"

/* main.c's message function, which the reader uses; messages are not the
 * subject here. */
void cli_error(const char *what, const char *fmt, ...)
{
    (void)what;
    (void)fmt;
}

/* jobs.c's progress counter and streams (the fuzzer reads on one
 * thread: nhelpers is 0). */
void jobs_count_bytes(size_t n)
{
    (void)n;
}

FILE *cli_stderr(void)
{
    return stderr;
}

void cli_set_thread_streams(FILE *out, FILE *err)
{
    (void)out;
    (void)err;
}

static zhfix *handles[2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    unsigned mode = data[0];
    int convert = (mode & 3) == 2;
    if (!handles[convert]) {
        zhfix_options o;
        zhfix_options_init(&o);
        o.select = "all";
        o.target = convert ? "traditional" : NULL;
        FUZZ_ASSERT(zhfix_create(&o, &handles[convert], NULL, 0) == ZHFIX_OK);
    }
    cli_options co;
    memset(&co, 0, sizeof co);
    co.cmd = (mode & 3) == 1 ? CMD_CHECK : convert ? CMD_CONVERT : CMD_FIX;
    co.jsonl = 1;
    co.jsonl_pass_invalid = (mode >> 2) & 1;
    co.jsonl_max_record = JSONL_MAX_RECORD;
    static const char *fields[] = {"text", "a.b"};
    co.fields = fields;
    co.nfields = 2;

    int fd = memfd_create("fuzz-jsonl", 0);
    FUZZ_ASSERT(fd >= 0);
    FUZZ_ASSERT(write(fd, data + 1, size - 1) == (ssize_t)(size - 1));
    FUZZ_ASSERT(lseek(fd, 0, SEEK_SET) == 0);

    char *outbuf = NULL;
    size_t outlen = 0;
    FILE *out = open_memstream(&outbuf, &outlen);
    FUZZ_ASSERT(out);
    report *rep = co.cmd == CMD_CHECK ? report_open(FORMAT_JSON, out, 0) : NULL;
    jsonl_job jj;
    memset(&jj, 0, sizeof jj);
    jj.h = handles[convert];
    jj.o = &co;
    jj.name = "fuzz";
    jj.out = co.cmd == CMD_CHECK ? NULL : out;
    jj.out_name = "fuzz";
    jj.rep = rep;
    jj.may_map = (mode >> 3) & 1;
    int rc = jsonl_stream(&jj, fd);
    if (rep)
        report_close(rep, 1);
    fclose(out);
    close(fd);
    /* fix of well-formed records that needed nothing gives the input back */
    if (rc == 0 && co.cmd == CMD_FIX && !jj.changed)
        FUZZ_ASSERT(outlen == size - 1 && memcmp(outbuf, data + 1, outlen) == 0);
    free(outbuf);
    return 0;
}
