/*
 * fuzz_fix.c - zhfix_fix over any bytes, with a rule selection and a
 * document syntax chosen by the first input byte.
 *
 * Byte 0: bits 0-2 pick the rule selection (fuzz.h), bits 3-4 the syntax
 * (plain, Markdown, data, or no document at all), bit 5 a target script
 * (traditional: fix then converts). The rest is the text.
 * Checked on every input:
 *   - invalid UTF-8 is refused with ZHFIX_INVALID_INPUT and a message,
 *     valid UTF-8 is accepted;
 *   - the output is valid UTF-8;
 *   - nothing applied means the output is the input, byte for byte (no
 *     target);
 *   - the caller-sized call agrees with the allocating one (and reports
 *     ZHFIX_BUFFER_TOO_SMALL one byte short);
 *   - the document fed line by line gives the same output as whole;
 *   - fix is idempotent (no target: OpenCC's configs need not be);
 *   - the line prefilter (src/triggers.h) changes nothing: without it the
 *     output and the number of findings are the same.
 */
#include <string.h>

#include "fuzz.h"

static zhfix *handles[16], *unfiltered[16];

/* Internal (src/handle.h). */
void zh_set_prefilter(zhfix *h, int on);

/* Fix src in document mode, one line at a time; the concatenated output
 * goes to a malloc'd buffer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    unsigned sel = data[0] & 7, mode = (data[0] >> 3) & 3;
    int target = (data[0] >> 5) & 1;
    const char *src = (const char *)data + 1;
    size_t len = size - 1;
    zhfix *h = fuzz_handle(&handles[sel + 8 * (unsigned)target],
                           fuzz_selections[sel].select,
                           fuzz_selections[sel].ignore,
                           target ? "traditional" : NULL);
    int in_doc = mode < 3;
    zhfix_syntax syn = (zhfix_syntax)(in_doc ? mode : 0);

    if (in_doc)
        zhfix_document_begin(h, syn);
    char *out = NULL;
    size_t outlen = 0;
    zhfix_status st = zhfix_fix_alloc(h, src, len, &out, &outlen);
    if (!fuzz_utf8_valid(src, len)) {
        FUZZ_ASSERT(st == ZHFIX_INVALID_INPUT);
        FUZZ_ASSERT(out == NULL);
        FUZZ_ASSERT(*zhfix_errmsg(h) != '\0');
        if (in_doc)
            zhfix_document_end(h);
        return 0;
    }
    FUZZ_ASSERT(st == ZHFIX_OK);
    FUZZ_ASSERT(out != NULL);
    FUZZ_ASSERT(fuzz_utf8_valid(out, outlen));
    int applied = 0;
    size_t nfound = zhfix_finding_count(h);
    for (size_t i = 0; i < zhfix_finding_count(h); i++) {
        const zhfix_finding *f = zhfix_finding_get(h, i);
        FUZZ_ASSERT(f && f->offset <= len && f->length <= len - f->offset);
        applied |= f->applied;
    }
    if (!applied && !target)
        FUZZ_ASSERT(outlen == len && memcmp(out, src, len) == 0);
    if (in_doc)
        zhfix_document_end(h);

    /* The caller-sized call: same text, exact size, too small by one. */
    char *buf = malloc(outlen + 1);
    size_t needed = 0;
    FUZZ_ASSERT(buf);
    if (in_doc)
        zhfix_document_begin(h, syn);
    st = zhfix_fix(h, src, len, buf, outlen, &needed);
    FUZZ_ASSERT(st == ZHFIX_OK && needed == outlen);
    FUZZ_ASSERT(outlen == 0 || memcmp(buf, out, outlen) == 0);
    if (in_doc)
        zhfix_document_end(h);
    if (outlen > 0) {
        if (in_doc)
            zhfix_document_begin(h, syn);
        st = zhfix_fix(h, src, len, buf, outlen - 1, &needed);
        FUZZ_ASSERT(st == ZHFIX_BUFFER_TOO_SMALL && needed == outlen);
        if (in_doc)
            zhfix_document_end(h);
    }
    free(buf);

    /* The same without the prefilter. */
    zhfix *u = fuzz_handle(&unfiltered[sel + 8 * (unsigned)target],
                           fuzz_selections[sel].select,
                           fuzz_selections[sel].ignore,
                           target ? "traditional" : NULL);
    zh_set_prefilter(u, 0);
    if (in_doc)
        zhfix_document_begin(u, syn);
    char *plain = NULL;
    size_t plainlen = 0;
    st = zhfix_fix_alloc(u, src, len, &plain, &plainlen);
    FUZZ_ASSERT(st == ZHFIX_OK);
    FUZZ_ASSERT(plainlen == outlen && memcmp(plain, out, outlen) == 0);
    FUZZ_ASSERT(zhfix_finding_count(u) == nfound);
    if (in_doc)
        zhfix_document_end(u);
    zhfix_free(plain);

    /* Pieces of a document: the library guarantees equality for the
     * blocks zhfix_block_length cuts (tests/test_properties.c checks that
     * on multi-block text); finer pieces see less of the document's
     * evidence (injected pinyin, the share of stray commas) by design. */

    /* Idempotent: fixing the output again changes nothing. */
    if (target) {
        zhfix_free(out);
        return 0;
    }
    if (in_doc)
        zhfix_document_begin(h, syn);
    char *again = NULL;
    size_t againlen = 0;
    st = zhfix_fix_alloc(h, out, outlen, &again, &againlen);
    FUZZ_ASSERT(st == ZHFIX_OK);
    FUZZ_ASSERT(againlen == outlen && memcmp(again, out, outlen) == 0);
    if (in_doc)
        zhfix_document_end(h);
    zhfix_free(again);
    zhfix_free(out);
    return 0;
}
