/*
 * protect.h - spans of a document that no rule may change (protect.c).
 */
#ifndef ZHFIX_PROTECT_H
#define ZHFIX_PROTECT_H

#include <stdlib.h>

#include "internal.h"

typedef struct zh_span {
    size_t start, end;
} zh_span;

typedef struct zh_spans {
    zh_span *items;
    size_t n, cap;
} zh_spans;

/* What carries from one line to the next. */
typedef struct zh_doc_state {
    zhfix_syntax syntax;
    int at_start;        /* the next line is the document's first */
    int disabled;        /* inside zhfix-disable ... zhfix-enable */
    int in_front_matter; /* Markdown: between the opening and closing --- */
    size_t fence_len;    /* Markdown: inside a fence of this many marks */
    char fence_char;
    int prev_blank;       /* the previous line was blank */
    int in_indented_code; /* Markdown: inside an indented code block */
} zh_doc_state;

void zh_doc_reset(zh_doc_state *st, zhfix_syntax syntax);

/* Protected spans of text (whole lines), sorted and merged, into out
 * (reused; free out->items when done). Updates st for the next piece. */
zhfix_status zh_protect_scan(zh_doc_state *st, const char *text, size_t len,
                             zh_spans *out);

/* Advance st over text[0, len) as zh_protect_scan would, without finding
 * its spans, when the state can be had without reading every line (plain
 * text without a suppression comment): then 1, and the spans, needed only
 * once a rule proposes an edit, come from zh_protect_scan on a copy of the
 * state from before. 0, and st unchanged, otherwise. */
int zh_protect_skip(zh_doc_state *st, const char *text, size_t len);

/* 1 if [start, end) touches a protected span. */
int zh_protected(const zh_spans *v, size_t start, size_t end);

#endif /* ZHFIX_PROTECT_H */
