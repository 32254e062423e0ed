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
} cli_options;

/* Print "zhfix: WHAT: message" to stderr. */
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

#endif /* ZHFIX_CLI_H */
