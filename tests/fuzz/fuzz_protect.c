/*
 * fuzz_protect.c - the Markdown splitter (zh_protect_scan, internal):
 * which spans of a document no rule may touch.
 *
 * Byte 0 picks the syntax (plain, Markdown, data); the rest is the text,
 * used only when it is valid UTF-8 (the pipeline validates before it
 * scans). Checked: spans are sorted, disjoint, non-empty and inside the
 * text; scanning line by line with the state carried over protects
 * exactly the bytes that scanning the whole text protects (the CLI cuts
 * documents into blocks at line ends); zh_protected agrees with the spans.
 */
#include <string.h>

#include "fuzz.h"
#include "protect.h"

static void check_spans(const zh_spans *v, size_t len)
{
    for (size_t i = 0; i < v->n; i++) {
        FUZZ_ASSERT(v->items[i].start < v->items[i].end);
        FUZZ_ASSERT(v->items[i].end <= len);
        FUZZ_ASSERT(i == 0 || v->items[i - 1].end < v->items[i].start);
    }
}

static void mark(unsigned char *map, const zh_spans *v, size_t base)
{
    for (size_t i = 0; i < v->n; i++)
        memset(map + base + v->items[i].start, 1,
               v->items[i].end - v->items[i].start);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    zhfix_syntax syn = (zhfix_syntax)(data[0] % 3);
    const char *src = (const char *)data + 1;
    size_t len = size - 1;
    if (!fuzz_utf8_valid(src, len))
        return 0;
    unsigned char *whole = calloc(len + 1, 1), *lines = calloc(len + 1, 1);
    FUZZ_ASSERT(whole && lines);
    zh_spans v = {NULL, 0, 0};
    zh_doc_state st;

    zh_doc_reset(&st, syn);
    FUZZ_ASSERT(zh_protect_scan(&st, src, len, &v) == ZHFIX_OK);
    check_spans(&v, len);
    mark(whole, &v, 0);
    for (size_t i = 0; i < len; i++)
        FUZZ_ASSERT(zh_protected(&v, i, i + 1) == whole[i]);

    zh_doc_reset(&st, syn);
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(src + pos, '\n', len - pos);
        size_t piece = nl ? (size_t)(nl - (src + pos)) + 1 : len - pos;
        FUZZ_ASSERT(zh_protect_scan(&st, src + pos, piece, &v) == ZHFIX_OK);
        check_spans(&v, piece);
        mark(lines, &v, pos);
        pos += piece;
    }
    FUZZ_ASSERT(memcmp(whole, lines, len) == 0);
    free(v.items);
    free(whole);
    free(lines);
    return 0;
}
