/*
 * report.c - findings in the formats tools read: compiler-style text lines
 * (editors, pre-commit, reviewdog), JSON Lines, and SARIF 2.1.0 (code
 * scanning). SARIF is one JSON document, so results are streamed between a
 * header written at open and brackets written at close.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct rule_count {
    const char *rule;
    unsigned long long n;
} rule_count;

struct report {
    output_format format;
    FILE *out;
    int statistics;
    unsigned long long total;
    unsigned long long files_with_findings;
    const char *last_file;  /* to count files with findings */
    const char *first_file; /* the first file this report counted */
    int sarif_first;
    rule_count *counts; /* one per rule, by rule index */
};

/* Write s as the body of a JSON string. */
static void json_escape(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20 || *p == 0x7F)
                fprintf(out, "\\u%04x", *p);
            else
                fputc(*p, out);
        }
    }
}

static void json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    json_escape(out, s);
    fputc('"', out);
}

/* Invisible and bidirectional format characters: shown escaped, since
 * printed raw they are invisible or reorder the terminal line. */
static int is_format_char(unsigned cp)
{
    return cp == 0x00AD || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
           cp == 0xFEFF || cp == 0x061C || cp == 0x180E ||
           (cp >= 0xFFF9 && cp <= 0xFFFB);
}

/* Decode the 2- or 3-byte UTF-8 sequence at p if it is complete; 0 if not. */
static unsigned utf8_at(const unsigned char *p, size_t *len)
{
    if ((p[0] & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80) {
        *len = 2;
        return ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    }
    if ((p[0] & 0xF0) == 0xE0 && (p[1] & 0xC0) == 0x80 &&
        (p[2] & 0xC0) == 0x80) {
        *len = 3;
        return ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    }
    return 0;
}

/* Text for one line of output: control characters would break the
 * one-finding-per-line contract, so they are shown escaped. */
static void text_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t len;
        unsigned cp = *p >= 0xC0 ? utf8_at(p, &len) : 0;
        if (cp && is_format_char(cp)) {
            fprintf(out, "\\u%04x", cp);
            p += len - 1;
        } else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\r')
            fputs("\\r", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 0x20 || *p == 0x7F)
            fprintf(out, "\\x%02x", *p);
        else if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* A report with a zeroed count per rule, or NULL. */
static report *report_alloc(void)
{
    report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->counts = calloc(zhfix_rule_count() + 1, sizeof *r->counts);
    if (!r->counts) {
        free(r);
        return NULL;
    }
    return r;
}

report *report_open(output_format format, FILE *out, int statistics)
{
    report *r = report_alloc();
    if (!r)
        return NULL;
    r->format = format;
    r->out = out;
    r->sarif_first = 1;
    r->statistics = statistics;
    if (format == FORMAT_SARIF && !statistics) {
        fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
              "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{"
              "\"name\":\"zhfix\",\"version\":",
              out);
        json_string(out, zhfix_version());
        fputs(",\"informationUri\":\"https://github.com/zhfix/zhfix\","
              "\"rules\":[",
              out);
        for (size_t i = 0; i < zhfix_rule_count(); i++) {
            const zhfix_rule_info *info = zhfix_rule_get(i);
            fputs(i ? ",{\"id\":" : "{\"id\":", out);
            json_string(out, info->id);
            fputs(",\"shortDescription\":{\"text\":", out);
            json_string(out, info->description);
            fputs("},\"properties\":{\"category\":", out);
            json_string(out, zhfix_category_name(info->category));
            fputs("}}", out);
        }
        fputs("]}},\"results\":[", out);
    }
    return r;
}

static size_t rule_index(const char *id)
{
    size_t n = zhfix_rule_count();
    for (size_t i = 0; i < n; i++)
        if (!strcmp(zhfix_rule_get(i)->id, id))
            return i;
    return n;
}

/* Where a finding is: its line and column, and for a JSON Lines record
 * the field it was found in (NULL otherwise). */
typedef struct place {
    size_t line, column;
    const char *field;
} place;

static void print_text(report *r, const char *name, const zhfix_finding *f,
                       const place *at)
{
    fprintf(r->out, "%s:%zu:%zu: %s: %s", name, at->line, at->column,
            f->rule, f->message);
    if (at->field)
        fprintf(r->out, " (field %s)", at->field);
    fputs(": ", r->out);
    text_quoted(r->out, f->text);
    if (f->replacement) {
        fputs(f->applied ? " -> " : " -> (suggested) ", r->out);
        text_quoted(r->out, f->replacement);
    }
    fputc('\n', r->out);
}

static void print_json(report *r, const char *name, const zhfix_finding *f,
                       const place *at)
{
    FILE *out = r->out;
    fputs("{\"file\":", out);
    json_string(out, name);
    fprintf(out, ",\"line\":%zu,\"column\":%zu,\"offset\":%zu,", at->line,
            at->column, f->offset);
    if (at->field) {
        fputs("\"field\":", out);
        json_string(out, at->field);
        fputc(',', out);
    }
    fputs("\"rule\":", out);
    json_string(out, f->rule);
    fputs(",\"category\":", out);
    json_string(out, zhfix_category_name(f->category));
    fputs(",\"message\":", out);
    json_string(out, f->message);
    fputs(",\"text\":", out);
    json_string(out, f->text);
    fputs(",\"replacement\":", out);
    json_string(out, f->replacement);
    fprintf(out, ",\"fixable\":%s", f->applied ? "true" : "false");
    if (f->detail) {
        fputs(",\"detail\":", out);
        json_string(out, f->detail);
    }
    fputs("}\n", out);
}

static void print_sarif(report *r, const char *name, const zhfix_finding *f,
                        const place *at)
{
    FILE *out = r->out;
    fputs(r->sarif_first ? "{\"ruleId\":" : ",{\"ruleId\":", out);
    r->sarif_first = 0;
    json_string(out, f->rule);
    fprintf(out, ",\"ruleIndex\":%zu,\"level\":\"warning\",\"message\":"
                 "{\"text\":",
            rule_index(f->rule));
    fputc('"', out);
    if (at->field) {
        fputs("field ", out);
        json_escape(out, at->field);
        fputs(": ", out);
    }
    json_escape(out, f->message);
    fputs(": ", out);
    json_escape(out, f->text);
    if (f->replacement) {
        fputs(" -> ", out);
        json_escape(out, f->replacement);
    }
    fputs("\"},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":"
          "{\"uri\":",
          out);
    json_string(out, name);
    fprintf(out, "},\"region\":{\"startLine\":%zu,\"startColumn\":%zu}}}]}",
            at->line, at->column);
}

static void report_one(report *r, const char *name, const zhfix_finding *f,
                       const place *at, int explain_only)
{
    if (explain_only && !f->applied)
        return;
    r->total++;
    if (r->last_file != name) {
        r->last_file = name;
        r->files_with_findings++;
        if (!r->first_file)
            r->first_file = name;
    }
    r->counts[rule_index(f->rule)].n++;
    if (r->statistics)
        return;
    if (explain_only) {
        fprintf(r->out, "%s:%zu:%zu: %s: ", name, at->line, at->column,
                f->rule);
        if (at->field)
            fprintf(r->out, "(field %s) ", at->field);
        text_quoted(r->out, f->text);
        fputs(" -> ", r->out);
        text_quoted(r->out, f->replacement ? f->replacement : "");
        if (f->detail)
            fprintf(r->out, " (%s)", f->detail);
        fputc('\n', r->out);
        return;
    }
    switch (r->format) {
    case FORMAT_TEXT: print_text(r, name, f, at); break;
    case FORMAT_JSON: print_json(r, name, f, at); break;
    case FORMAT_SARIF: print_sarif(r, name, f, at); break;
    }
}

void report_findings(report *r, const char *name, const zhfix *h,
                     size_t line_base, int explain_only)
{
    size_t n = zhfix_finding_count(h);
    for (size_t i = 0; i < n; i++) {
        const zhfix_finding *f = zhfix_finding_get(h, i);
        place at = {line_base + f->line, f->column, NULL};
        report_one(r, name, f, &at, explain_only);
    }
}

void report_field_findings(report *r, const char *name, const zhfix *h,
                           size_t line, const char *value, const char *field,
                           int explain_only)
{
    size_t n = zhfix_finding_count(h);
    /* Findings come in order of offset: count characters incrementally. */
    size_t pos = 0, column = 1;
    for (size_t i = 0; i < n; i++) {
        const zhfix_finding *f = zhfix_finding_get(h, i);
        for (; pos < f->offset; pos++)
            if (((unsigned char)value[pos] & 0xC0) != 0x80)
                column++;
        place at = {line, column, field};
        report_one(r, name, f, &at, explain_only);
    }
}

report *report_fork(const report *parent)
{
    report *r = report_alloc();
    if (!r)
        return NULL;
    r->format = parent->format;
    r->out = parent->out;
    r->statistics = parent->statistics;
    r->sarif_first = 0;
    /* A file the parent has counted is not counted again. */
    r->last_file = parent->last_file;
    return r;
}

void report_set_output(report *r, FILE *out)
{
    if (r)
        r->out = out;
}

void report_merge(report *parent, report *child)
{
    if (!child)
        return;
    if (parent) {
        parent->total += child->total;
        parent->files_with_findings += child->files_with_findings;
        /* Forks merged in order, each reading a part of one file (the
         * records of a JSON Lines file): a file the one before counted
         * last counts once. */
        if (child->first_file && child->first_file == parent->last_file)
            parent->files_with_findings--;
        if (child->files_with_findings)
            parent->last_file = child->last_file;
        for (size_t i = 0; i <= zhfix_rule_count(); i++)
            parent->counts[i].n += child->counts[i].n;
    }
    free(child->counts);
    free(child);
}

int report_write(report *r, const char *buf, size_t len)
{
    if (!r || !len)
        return 0;
    if (r->format == FORMAT_SARIF && r->sarif_first && buf[0] == ',') {
        buf++;
        len--;
    }
    r->sarif_first = 0;
    return fwrite(buf, 1, len, r->out) == len ? 0 : -1;
}

static int count_cmp(const void *a, const void *b)
{
    const rule_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->rule, y->rule);
}

unsigned long long report_close(report *r, int quiet)
{
    if (!r)
        return 0;
    int statistics = r->statistics;
    if (r->format == FORMAT_SARIF && !statistics)
        fputs("]}]}\n", r->out);
    size_t nrules = zhfix_rule_count();
    if (statistics) {
        for (size_t i = 0; i < nrules; i++)
            r->counts[i].rule = zhfix_rule_get(i)->id;
        qsort(r->counts, nrules, sizeof *r->counts, count_cmp);
        for (size_t i = 0; i < nrules && r->counts[i].n; i++) {
            if (r->format == FORMAT_JSON) {
                fputs("{\"rule\":", r->out);
                json_string(r->out, r->counts[i].rule);
                fprintf(r->out, ",\"count\":%llu}\n", r->counts[i].n);
            } else {
                fprintf(r->out, "%8llu  %s\n", r->counts[i].n,
                        r->counts[i].rule);
            }
        }
    }
    unsigned long long total = r->total;
    if (!quiet && total)
        fprintf(stderr, "zhfix: %llu finding%s in %llu file%s\n", total,
                total == 1 ? "" : "s", r->files_with_findings,
                r->files_with_findings == 1 ? "" : "s");
    free(r->counts);
    free(r);
    return total;
}
