/*
 * fuzz_decode.c - encoding detection (zhfix_detector_*) and decoding
 * (zhfix_codec_*) over any bytes.
 *
 * Byte 0 picks the encoding (0: detect it, as the CLI does; else one of
 * the concrete encodings); byte 1 the size of the pieces the input is fed
 * in; byte 2 the room of the output buffer. The rest is the input.
 * Checked:
 *   - the detector's verdict does not depend on how the input is split;
 *   - decoding in pieces into a small buffer gives the same text, status
 *     and error offset as decoding all at once;
 *   - the decoded text is valid UTF-8 (no surrogates from lone UTF-16
 *     halves, no overlong forms passed through from "UTF-8");
 *   - text that encodes back into the encoding decodes to the same text.
 */
#include <string.h>

#include "fuzz.h"

typedef struct result {
    zhfix_status st;
    unsigned long long offset;
    char *text;
    size_t len;
} result;

/* Convert src with codec c, feeding `piece` bytes at a time into an output
 * buffer of `room` bytes. */
static result run_codec(zhfix_encoding from, zhfix_encoding to,
                        const char *src, size_t len, size_t piece,
                        size_t room)
{
    result r = {ZHFIX_OK, 0, malloc(4 * len + 16), 0};
    zhfix_codec *c = NULL;
    FUZZ_ASSERT(r.text);
    FUZZ_ASSERT(zhfix_codec_create(from, to, &c) == ZHFIX_OK);
    char *obuf = malloc(room);
    FUZZ_ASSERT(obuf);
    size_t pos = 0, end = piece < len ? piece : len;
    for (;;) {
        const char *in = src + pos;
        size_t inlen = end - pos;
        int final = end == len;
        zhfix_status st;
        for (;;) {
            char *d = obuf;
            size_t left = room;
            const char *before = in;
            st = zhfix_codec_convert(c, &in, &inlen, &d, &left, final);
            size_t made = room - left;
            FUZZ_ASSERT(r.len + made <= 4 * len + 16);
            memcpy(r.text + r.len, obuf, made);
            r.len += made;
            if (st != ZHFIX_BUFFER_TOO_SMALL)
                break;
            /* A full buffer must still mean progress, or callers loop. */
            FUZZ_ASSERT(made > 0 || in != before);
        }
        pos = (size_t)(in - src);
        r.st = st;
        if (st != ZHFIX_OK || final)
            break;
        end = end + piece < len ? end + piece : len;
    }
    r.offset = zhfix_codec_offset(c);
    if (r.st != ZHFIX_OK)
        FUZZ_ASSERT(*zhfix_codec_errmsg(c) != '\0');
    zhfix_codec_destroy(c);
    free(obuf);
    return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3 || size > 1 << 16)
        return 0;
    zhfix_encoding enc = (zhfix_encoding)(data[0] % ZHFIX_ENC_COUNT_);
    size_t piece = (size_t)data[1] + 1, room = (size_t)data[2] + 16;
    const char *src = (const char *)data + 3;
    size_t len = size - 3;

    /* Detection: all at once, and in pieces. */
    zhfix_detection whole, split;
    zhfix_detect_encoding(src, len, &whole);
    zhfix_detector *d = NULL;
    FUZZ_ASSERT(zhfix_detector_create(&d) == ZHFIX_OK);
    for (size_t pos = 0; pos < len; pos += piece)
        zhfix_detector_feed(d, src + pos, len - pos < piece ? len - pos : piece);
    zhfix_detector_result(d, &split);
    zhfix_detector_destroy(d);
    FUZZ_ASSERT(whole.encoding == split.encoding);
    FUZZ_ASSERT(whole.confidence == split.confidence);
    FUZZ_ASSERT(whole.bom_length == split.bom_length);
    FUZZ_ASSERT(whole.binary == split.binary);
    FUZZ_ASSERT(whole.encoding > ZHFIX_ENC_AUTO &&
                whole.encoding < ZHFIX_ENC_COUNT_);
    FUZZ_ASSERT(whole.confidence >= 0 && whole.confidence <= 100);
    FUZZ_ASSERT(whole.bom_length <= len && whole.bom_length <= 4);
    if (enc == ZHFIX_ENC_AUTO) {
        enc = whole.encoding;
        src += whole.bom_length;
        len -= whole.bom_length;
    }

    /* Decoding: in pieces into a small buffer, and all at once. */
    result a = run_codec(enc, ZHFIX_ENC_UTF8, src, len, piece, room);
    result b = run_codec(enc, ZHFIX_ENC_UTF8, src, len, len + 1, 4 * len + 16);
    FUZZ_ASSERT(a.st == b.st);
    FUZZ_ASSERT(a.st == ZHFIX_OK || a.st == ZHFIX_INVALID_INPUT);
    FUZZ_ASSERT(a.offset == b.offset);
    FUZZ_ASSERT(a.len == b.len && memcmp(a.text, b.text, a.len) == 0);
    FUZZ_ASSERT(fuzz_utf8_valid(a.text, a.len));
    if (a.st == ZHFIX_OK) {
        FUZZ_ASSERT(a.offset == len);
    } else {
        FUZZ_ASSERT(a.offset <= len);
    }

    /* Round trip through the encoding. */
    if (a.st == ZHFIX_OK && enc != ZHFIX_ENC_UTF8) {
        result e = run_codec(ZHFIX_ENC_UTF8, enc, a.text, a.len, piece, room);
        if (e.st == ZHFIX_OK) {
            result back = run_codec(enc, ZHFIX_ENC_UTF8, e.text, e.len,
                                    e.len + 1, 4 * e.len + 16);
            FUZZ_ASSERT(back.st == ZHFIX_OK);
            FUZZ_ASSERT(back.len == a.len &&
                        memcmp(back.text, a.text, a.len) == 0);
            free(back.text);
        }
        free(e.text);
    }
    free(a.text);
    free(b.text);
    return 0;
}
