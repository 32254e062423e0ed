/*
 * cli.h - pieces of the zhfix command shared by its files. The command is
 * the library's first client: it includes only the public header.
 */
#ifndef ZHFIX_CLI_H
#define ZHFIX_CLI_H

#include <stdio.h>
#include <sys/types.h>

#include "zhfix.h"

/* Exit codes (documented in the README and the man page). */
enum {
    EXIT_CLEAN = 0,    /* done; for check: nothing found */
    EXIT_FINDINGS = 1, /* check found something */
    EXIT_TROUBLE = 2   /* usage error, or a file could not be processed */
};

typedef enum { CMD_FIX, CMD_CHECK, CMD_CONVERT, CMD_DETECT, CMD_RULES } command;
typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF } output_format;

typedef struct cli_options {
    command cmd;
    zhfix_options lib;
    char *select_list; /* joined --select values, owned */
    char *ignore_list;
    zhfix_encoding from_encoding; /* AUTO by default */
    zhfix_encoding to_encoding;   /* AUTO: UTF-8, or the input's with -i */
    int in_place;
    int diff;
    int explain;
    int statistics;
    int quiet;
    const char *backup_suffix; /* NULL: no backup */
    output_format format;
    int syntax; /* -1: by file name; else a zhfix_syntax */
    int no_config; /* --no-config */
    /* --jsonl: records of JSON Lines, with the string fields to process. */
    int jsonl;
    const char **fields; /* --field values, in order (owned array) */
    size_t nfields;
    int jsonl_pass_invalid;   /* --jsonl-invalid=pass */
    size_t jsonl_max_record;  /* --jsonl-max-record, bytes */
    /* -j: worker threads; progress: -1 never, 0 on a terminal, 1 always. */
    int jobs;
    int progress;
} cli_options;

/* Where output goes: stdout and stderr, or, on a worker thread (-j), the
 * current file's buffered streams, released in input order. */
FILE *cli_stdout(void);
FILE *cli_stderr(void);

/* Make cli_stdout and cli_stderr of the calling thread out and err (NULL:
 * the process's own): a thread that reads part of an input writes its
 * messages where they can be released in order. */
void cli_set_thread_streams(FILE *out, FILE *err);

/* Print "zhfix: WHAT: message" to stderr (cli_stderr()). */
void cli_error(const char *what, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- config.c: the project config file .zhfix ------------------------- */

typedef struct project_config project_config;
/* The config that applies to file (NULL if none). -1 after reporting a
 * malformed config file. */
int config_for(const char *file, project_config **out);
/* 1 if the config excludes file. */
int config_excludes(const project_config *c, const char *file);
const char *config_select(const project_config *c);
const char *config_ignore(const project_config *c);
const char *config_target(const project_config *c);
const char *config_path(const project_config *c);
void config_release_all(void);

/* ---- report.c: findings output ----------------------------------------- */

typedef struct report report;
/* With statistics, findings are counted, not printed, and report_close
 * prints the counts per rule, most frequent first. */
report *report_open(output_format format, FILE *out, int statistics);
/* Print the findings of the handle's last call, for file `name`; lines are
 * offset by line_base (the first line of the block is line_base + 1). */
void report_findings(report *r, const char *name, const zhfix *h,
                     size_t line_base, int explain_only);
/* Findings of one JSON Lines field: the line is the record's, the column
 * counts characters in the field's decoded value, and the field's name is
 * part of the message. value is the text the handle's last call saw. */
void report_field_findings(report *r, const char *name, const zhfix *h,
                           size_t line, const char *value, const char *field,
                           int explain_only);
/* A report for a worker thread: same format and options as parent, its
 * output set per file with report_set_output. In SARIF every result it
 * writes starts with ',' (the first of the whole run is dropped when the
 * output is released). report_merge adds its counts to parent and frees
 * it. */
report *report_fork(const report *parent);
void report_set_output(report *r, FILE *out);
void report_merge(report *parent, report *child);
/* Write what a fork of r wrote to a buffer to r's output, in order: in
 * SARIF, the fork's leading ',' is dropped where r has written no result
 * yet. Returns 0, or -1 on a write error (errno set). Merge the fork after
 * (report_merge), forks in the order their output is written. */
int report_write(report *r, const char *buf, size_t len);
/* Close the output (SARIF's closing brackets) and print the summary to
 * stderr unless quiet. Returns the number of findings reported. */
unsigned long long report_close(report *r, int quiet);

/* ---- diff.c: streaming unified diff ------------------------------------ */

typedef struct differ differ;
differ *differ_open(FILE *out, const char *old_name, const char *new_name);
/* Feed the old and new text of the same lines (whole lines; the two sides
 * may have different line counts). */
int differ_feed(differ *d, const char *old_text, size_t old_len,
                const char *new_text, size_t new_len);
/* Flush the last hunk; returns 1 if any difference was printed, -1 on
 * allocation failure. */
int differ_close(differ *d);

/* ---- jsonstr.c: the body of a JSON string ----------------------------- */

/* How the strings of a record were written, so a rewritten value can be
 * written the same way. */
typedef struct json_style {
    unsigned char u_nonascii;   /* a character >= U+0080 as \uXXXX */
    unsigned char raw_nonascii; /* a character >= U+0080 as UTF-8 bytes */
    unsigned char upper_hex;    /* \u00E9 rather than \u00e9 */
    unsigned char slash;        /* '/' escaped as \/ (PHP's default) */
} json_style;

/* Decode the bytes between a string's quotes to UTF-8 (*out is malloc'd,
 * NUL-terminated; the text may hold NUL from \u0000), noting the style
 * seen. Returns 0; -1 when out of memory; 1 when the body is not valid
 * (a raw control character, an unpaired surrogate), *err_at then being the
 * byte offset of the fault. */
int json_string_decode(const char *s, size_t len, char **out, size_t *outlen,
                       json_style *seen, size_t *err_at);
/* Note the style of any JSON text (escapes and raw bytes). */
void json_style_scan(const char *s, size_t len, json_style *seen);
/* 1 when non-ASCII is to be written as \uXXXX (it was, and never raw). */
int json_style_ascii(const json_style *seen);
/* Encode valid UTF-8 as a string body in the style: ", \ and control
 * characters escaped (short forms where JSON has them), and in ASCII style
 * everything from U+007F up as \uXXXX (pairs above U+FFFF). Returns 0, or
 * -1 when out of memory. */
int json_string_encode(const char *s, size_t len, const json_style *style,
                       char **out, size_t *outlen);

/* ---- jsonl.c: JSON Lines ------------------------------------------------ */

/* Largest --jsonl-max-record (jsmn's offsets are int); the default is
 * JSONL_DEFAULT_RECORD in jsonl.c. */
#define JSONL_MAX_RECORD ((size_t)1 << 30)

typedef struct jsonl_job {
    zhfix *h;
    const cli_options *o;
    const char *name;     /* for messages */
    FILE *out;            /* fix, convert: the output, or NULL */
    const char *out_name; /* named in a write error */
    differ *diff;         /* --diff, or NULL */
    report *rep;          /* check findings, --explain, or NULL */
    int changed;          /* set when any record changed */
    /* -j: handles with h's options that read records beside h (fix and
     * convert written as they come), or none. */
    zhfix *const *helpers;
    int nhelpers;
    /* A regular file may be mapped rather than read. Not with -i: a file
     * another process truncates meanwhile must be reported and left as
     * it is (the read path's check), where a mapping would fault. */
    int may_map;
} jsonl_job;

/* Process the records read from fd. Returns 0, or -1 after reporting an
 * error (a malformed record, a failed write); the records after a
 * malformed one are still processed. */
int jsonl_stream(jsonl_job *jj, int fd);

/* ---- jobs.c: files on worker threads, output in input order ------------ */

typedef struct jobs_spec {
    int jobs;            /* worker threads (>= 1) */
    int progress;        /* 0 none; 1 on a terminal, after a second;
                            2 asked for (--progress): from the start */
    int drop_first_byte; /* SARIF: drop the ',' before the first result */
    int in_place;        /* files naming the same file run one after another */
    /* One state per worker, made in the main thread before any starts;
     * worker_file runs in the worker and returns the file's exit status;
     * worker_stop runs in the main thread once all files are done. */
    void *ctx;
    void *(*worker_start)(void *ctx);
    int (*worker_file)(void *worker, const char *arg);
    void (*worker_stop)(void *ctx, void *worker);
} jobs_spec;

/* Process the files; returns the worst exit status, or -1 when no worker
 * could start (the caller then goes on by itself). */
int jobs_run(const jobs_spec *spec, char **files, size_t nfiles);

/* Add n bytes read to the progress count (any thread). */
void jobs_count_bytes(size_t n);

/* The default for -j: online cores. */
int jobs_default(void);

#endif /* ZHFIX_CLI_H */
