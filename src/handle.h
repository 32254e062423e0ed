/*
 * handle.h - the layout of struct zhfix, shared by handle.c and pipeline.c.
 */
#ifndef ZHFIX_HANDLE_H
#define ZHFIX_HANDLE_H

#include <limits.h>

#include "internal.h"
#include "lineset.h"
#include "protect.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* An applied edit, kept to map offsets of later passes back to the input. */
typedef struct zh_applied {
    size_t start, end;     /* span in the pass's input */
    size_t replacement_len;
    long long shift;       /* output length minus input length before it */
} zh_applied;

/* The edits one rule applied to one block. */
typedef struct zh_pass {
    zh_applied *edits;
    size_t nedits, capedits;
    const struct zh_rule *rule; /* the rule that applied them */
} zh_pass;

struct zhfix {
    unsigned char *selected;     /* one flag per zh_rules[] entry */
    char config_path[PATH_MAX];  /* resolved OpenCC config, "" for none */
    zh_engine_mode engine;       /* from zhfix_options.engine */
    zh_converter *converter;     /* loaded on first use */
    zh_arena arena;              /* finding strings of the last call */
    zhfix_finding *findings;
    size_t nfindings, capfindings;
    zhfix_finding *sorting; /* merge buffer for sorting findings, reused */
    size_t capsorting;
    zh_buf scratch[2]; /* text between passes */
    zh_edit *edits;    /* zh_scan.edits of every block, reused */
    size_t capedits;
    zh_buf out;        /* result of the last fix/convert */
    zh_pass *passes;   /* one per rule, reused */
    zh_lineset *memo;    /* one per rule (zh_scan.memo), kept */
    size_t *quiet_at;    /* one per rule (run_block), reused */
    size_t npasses;
    zh_doc_state doc;  /* state carried between pieces of a document */
    int in_document;   /* zhfix_document_begin was called */
    size_t doc_offset; /* bytes of the document before this call */
    zh_spans protect;  /* protected spans of the current block */
    int target_script; /* ZH_SCRIPT_SIMPLIFIED / _TRADITIONAL, or 0 */
    zh_hot_lines hot;  /* lines with triggers of the text being scanned */
    zh_hot_lines hot_spare; /* scratch for updating hot */
    int no_prefilter;  /* walk every line (zh_set_prefilter, for tests) */
    int skip_findings; /* zhfix_options.skip_findings */
    struct zh_plaus_memo *plaus_memo; /* zh_scan_plaus_memo's, or NULL */
    char err[512];
};

/* Turn the line prefilter (triggers.h) off or on: the property tests
 * compare both, which must agree. */
void zh_set_prefilter(zhfix *h, int on);

/* Load the converter on first use. */
zhfix_status zh_handle_converter(zhfix *h, zh_converter **out);

#endif /* ZHFIX_HANDLE_H */
