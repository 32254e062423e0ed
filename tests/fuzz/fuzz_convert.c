/*
 * fuzz_convert.c - zhfix_convert over any bytes. Byte 0 picks the target
 * (simplified, traditional, taiwan, hongkong); the rest is the text.
 *
 * Checked: invalid UTF-8 is refused; the output is valid UTF-8; conversion
 * keeps every line break and NUL byte where it is (OpenCC maps characters
 * and phrases, never across a line or a NUL); the caller-sized call agrees
 * with the allocating one.
 */
#include <string.h>

#include "fuzz.h"

static const char *const targets[4] = {"simplified", "traditional",
                                       "taiwan", "hongkong"};
static zhfix *handles[4];

static size_t count_byte(const char *s, size_t n, char c)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == c;
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    unsigned t = data[0] & 3;
    const char *src = (const char *)data + 1;
    size_t len = size - 1;
    zhfix *h = fuzz_handle(&handles[t], NULL, NULL, targets[t]);

    char *out = NULL;
    size_t outlen = 0;
    zhfix_status st = zhfix_convert_alloc(h, src, len, &out, &outlen);
    if (!fuzz_utf8_valid(src, len)) {
        FUZZ_ASSERT(st == ZHFIX_INVALID_INPUT && out == NULL);
        return 0;
    }
    FUZZ_ASSERT(st == ZHFIX_OK && out != NULL);
    FUZZ_ASSERT(fuzz_utf8_valid(out, outlen));
    FUZZ_ASSERT(count_byte(out, outlen, '\n') == count_byte(src, len, '\n'));
    FUZZ_ASSERT(count_byte(out, outlen, '\0') == count_byte(src, len, '\0'));
    /* Text with no non-ASCII character has nothing to convert. */
    int ascii = 1;
    for (size_t i = 0; i < len && ascii; i++)
        ascii = (unsigned char)src[i] < 0x80;
    if (ascii)
        FUZZ_ASSERT(outlen == len && memcmp(out, src, len) == 0);

    char *buf = malloc(outlen + 1);
    size_t needed = 0;
    FUZZ_ASSERT(buf);
    st = zhfix_convert(h, src, len, buf, outlen, &needed);
    FUZZ_ASSERT(st == ZHFIX_OK && needed == outlen);
    FUZZ_ASSERT(outlen == 0 || memcmp(buf, out, outlen) == 0);
    free(buf);
    zhfix_free(out);
    return 0;
}
