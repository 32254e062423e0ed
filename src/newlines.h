/*
 * newlines.h - count the line feeds of a buffer, for the line numbers of
 * findings (the library per block, the command per block it hands over).
 *
 * A memchr per line costs a call per line, and lines are short: with SSE2
 * the bytes are compared sixteen at a time and the matches summed in a
 * byte counter, emptied every 255 rounds before it can wrap.
 */
#ifndef ZHFIX_NEWLINES_H
#define ZHFIX_NEWLINES_H

#include <stddef.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static inline size_t zh_count_newlines(const char *s, size_t len)
{
    size_t n = 0, i = 0;
#ifdef __SSE2__
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    while (len - i >= 16) {
        __m128i acc = zero;
        size_t rounds = (len - i) / 16;
        if (rounds > 255)
            rounds = 255;
        for (size_t r = 0; r < rounds; r++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(v, nl));
        }
        __m128i sums = _mm_sad_epu8(acc, zero);
        n += (size_t)_mm_cvtsi128_si32(sums) +
             (size_t)_mm_extract_epi16(sums, 4);
    }
#endif
    for (; i < len; i++)
        n += s[i] == '\n';
    return n;
}

#endif /* ZHFIX_NEWLINES_H */
