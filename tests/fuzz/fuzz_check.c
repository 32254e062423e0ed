/*
 * fuzz_check.c - zhfix_check over any bytes, rule selection and syntax
 * chosen by the first byte as in fuzz_fix.c.
 *
 * Checked: invalid UTF-8 is refused; findings come in offset order, lie
 * inside the input, name a registered rule, and their line and column are
 * what counting the input gives; check reports exactly the findings fix
 * makes (same rules, offsets, lengths, applied flags).
 */
#include <string.h>

#include "fuzz.h"

static zhfix *handles[8];

typedef struct seen {
    size_t offset, length, line, column;
    const char *rule;
    int applied;
} seen;

static int known_rule(const char *id)
{
    for (size_t i = 0; i < zhfix_rule_count(); i++)
        if (!strcmp(zhfix_rule_get(i)->id, id))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    unsigned sel = data[0] & 7, mode = (data[0] >> 3) & 3;
    const char *src = (const char *)data + 1;
    size_t len = size - 1;
    zhfix *h = fuzz_handle(&handles[sel], fuzz_selections[sel].select,
                           fuzz_selections[sel].ignore, NULL);
    int in_doc = mode < 3;
    zhfix_syntax syn = (zhfix_syntax)(in_doc ? mode : 0);

    if (in_doc)
        zhfix_document_begin(h, syn);
    zhfix_status st = zhfix_check(h, src, len);
    if (in_doc)
        zhfix_document_end(h);
    if (!fuzz_utf8_valid(src, len)) {
        FUZZ_ASSERT(st == ZHFIX_INVALID_INPUT);
        FUZZ_ASSERT(zhfix_finding_count(h) == 0);
        return 0;
    }
    FUZZ_ASSERT(st == ZHFIX_OK);
    size_t n = zhfix_finding_count(h);
    FUZZ_ASSERT(zhfix_finding_get(h, n) == NULL);
    seen *found = calloc(n + 1, sizeof *found);
    FUZZ_ASSERT(found);
    size_t line = 1, col = 1, pos = 0;
    for (size_t i = 0; i < n; i++) {
        const zhfix_finding *f = zhfix_finding_get(h, i);
        FUZZ_ASSERT(f != NULL);
        FUZZ_ASSERT(f->offset <= len && f->length <= len - f->offset);
        FUZZ_ASSERT(f->rule && known_rule(f->rule));
        FUZZ_ASSERT(f->message && *f->message);
        FUZZ_ASSERT(f->text != NULL);
        FUZZ_ASSERT((unsigned)f->category < ZHFIX_CATEGORY_COUNT_);
        FUZZ_ASSERT(!f->applied || f->replacement);
        FUZZ_ASSERT(i == 0 || f->offset >= found[i - 1].offset);
        /* Line and column by counting from the previous finding. */
        for (; pos < f->offset; pos++) {
            unsigned char b = (unsigned char)src[pos];
            if (b == '\n') {
                line++;
                col = 1;
            } else if ((b & 0xC0) != 0x80) {
                col++;
            }
        }
        FUZZ_ASSERT(f->line == line);
        FUZZ_ASSERT(f->column == col);
        found[i] = (seen){f->offset, f->length, f->line,
                          f->column, f->rule, f->applied};
    }

    /* fix makes the same findings. */
    if (in_doc)
        zhfix_document_begin(h, syn);
    char *out = NULL;
    size_t outlen = 0;
    st = zhfix_fix_alloc(h, src, len, &out, &outlen);
    if (in_doc)
        zhfix_document_end(h);
    FUZZ_ASSERT(st == ZHFIX_OK);
    FUZZ_ASSERT(zhfix_finding_count(h) == n);
    for (size_t i = 0; i < n; i++) {
        const zhfix_finding *f = zhfix_finding_get(h, i);
        FUZZ_ASSERT(f->offset == found[i].offset);
        FUZZ_ASSERT(f->length == found[i].length);
        FUZZ_ASSERT(!strcmp(f->rule, found[i].rule));
        FUZZ_ASSERT(f->applied == found[i].applied);
    }
    zhfix_free(out);
    free(found);
    return 0;
}
