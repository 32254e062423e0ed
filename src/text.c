/*
 * text.c - byte buffers, the per-handle string arena, UTF-8 and character
 * classes shared by the rules.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hugemap.h"
#include "internal.h"

/* A buffer of ZH_BUF_MAPPED bytes or more (the text between passes, the
 * lines kept by the mojibake rule's memo, a call's output) is mapped on
 * its own with huge pages (hugemap.h): it is touched once and reused for
 * the handle's life.
 *
 * Where addresses are plenty (64 bits), a buffer is mapped at 32 MB at
 * least: a page is memory only once touched, and a buffer that grows
 * within its span is not copied to a new mapping (whose pages the system
 * then zeroes again): the memo's growth 2 -> 4 -> 8 -> 16 MB zeroed
 * 30 MB, 8% of the CPU time. */
#if ZH_HUGEMAP
#define ZH_BUF_MAPPED ((size_t)2 << 20)
#define ZH_BUF_MAP_SPAN (sizeof(void *) >= 8 ? (size_t)32 << 20 : ZH_BUF_MAPPED)
#else
#define ZH_BUF_MAPPED SIZE_MAX
#define ZH_BUF_MAP_SPAN SIZE_MAX
#endif

static void release_bytes(char *p, size_t cap)
{
    if (p && cap >= ZH_BUF_MAPPED)
        zh_unmap(p, cap);
    else
        free(p);
}

int zh_buf_is_mapped(const zh_buf *b) { return b->cap >= ZH_BUF_MAPPED; }

/* ---- zh_buf ------------------------------------------------------------ */

zhfix_status zh_buf_reserve(zh_buf *b, size_t extra)
{
    if (extra > ZH_BUF_MAX - b->len)
        return ZHFIX_TOO_LARGE;
    size_t want = b->len + extra;
    if (want <= b->cap)
        return ZHFIX_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < want)
        cap = cap > ZH_BUF_MAX / 2 ? ZH_BUF_MAX : cap * 2;
    char *p;
    if (cap >= ZH_BUF_MAPPED) {
        if (cap < ZH_BUF_MAP_SPAN)
            cap = ZH_BUF_MAP_SPAN;
        p = zh_map_huge(cap);
        if (!p)
            return ZHFIX_NOMEM;
        if (b->len)
            memcpy(p, b->data, b->len);
        release_bytes(b->data, b->cap);
    } else {
        p = realloc(b->data, cap);
        if (!p)
            return ZHFIX_NOMEM;
    }
    b->data = p;
    b->cap = cap;
    return ZHFIX_OK;
}

zhfix_status zh_buf_append(zh_buf *b, const char *src, size_t len)
{
    zhfix_status st = zh_buf_reserve(b, len);
    if (st != ZHFIX_OK)
        return st;
    if (len)
        memcpy(b->data + b->len, src, len);
    b->len += len;
    return ZHFIX_OK;
}

void zh_buf_free(zh_buf *b)
{
    release_bytes(b->data, b->cap);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- zh_arena ---------------------------------------------------------- */

struct zh_arena_chunk {
    zh_arena_chunk *next;
    size_t used, cap;
    char data[];
};

static char *arena_alloc(zh_arena *a, size_t n)
{
    zh_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 4000 ? n : 4000;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    char *p = c->data + c->used;
    c->used += n;
    return p;
}

char *zh_arena_strndup(zh_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *zh_arena_printf(zh_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void zh_arena_reset(zh_arena *a)
{
    zh_arena_chunk *c = a->head;
    while (c) {
        zh_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

/* ---- UTF-8 ------------------------------------------------------------- */

size_t zh_utf8_encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Length of the longest prefix of s[0..n) made of complete, valid UTF-8
 * characters, found one character at a time: the exact scan that the fast
 * path below falls back to near the end and near an error. */
static size_t utf8_prefix_scan(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], b1;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c < 0xC2)
            return i;
        if (c < 0xE0) {
            if (n - i < 2 || (s[i + 1] & 0xC0) != 0x80)
                return i;
            i += 2;
            continue;
        }
        if (c < 0xF0) {
            if (n - i < 3)
                return i;
            b1 = s[i + 1];
            if ((s[i + 2] & 0xC0) != 0x80 || b1 < (c == 0xE0 ? 0xA0u : 0x80u) ||
                b1 > (c == 0xED ? 0x9Fu : 0xBFu))
                return i;
            i += 3;
            continue;
        }
        if (c > 0xF4 || n - i < 4)
            return i;
        b1 = s[i + 1];
        if ((s[i + 2] & 0xC0) != 0x80 || (s[i + 3] & 0xC0) != 0x80 ||
            b1 < (c == 0xF0 ? 0x90u : 0x80u) ||
            b1 > (c == 0xF4 ? 0x8Fu : 0xBFu))
            return i;
        i += 4;
    }
    return n;
}

/*
 * UTF-8 as a DFA whose transitions need no branch: a state is a multiple of
 * 6, and u8_dfa[byte] packs, for every state s, the next state into bits
 * s..s+5. So `state = u8_dfa[byte] >> state & 63` is one table load (which
 * does not depend on the state) and one shift per byte. States:
 *   ACC  between characters          ERR  invalid (absorbing)
 *   C1   one continuation byte left  C2   two left          C3  three left
 *   E0   after E0: A0-BF (not overlong), then one more
 *   ED   after ED: 80-9F (not a surrogate), then one more
 *   F0   after F0: 90-BF (not overlong), then two more
 *   F4   after F4: 80-8F (not beyond U+10FFFF), then two more
 */
enum {
    U8_ACC = 0,
    U8_ERR = 6,
    U8_C1 = 12,
    U8_C2 = 18,
    U8_E0 = 24,
    U8_ED = 30,
    U8_F0 = 36,
    U8_C3 = 42,
    U8_F4 = 48
};

/* clang-format off */
/* Next states from ACC, C1, C2, E0, ED, F0, C3, F4 in that order (ERR
 * stays ERR). */
#define U8_T(acc, c1, c2, e0, ed, f0, c3, f4)                                 \
    ((uint64_t)(acc) << U8_ACC | (uint64_t)U8_ERR << U8_ERR |                 \
     (uint64_t)(c1) << U8_C1 | (uint64_t)(c2) << U8_C2 |                      \
     (uint64_t)(e0) << U8_E0 | (uint64_t)(ed) << U8_ED |                      \
     (uint64_t)(f0) << U8_F0 | (uint64_t)(c3) << U8_C3 |                      \
     (uint64_t)(f4) << U8_F4)
/* A lead byte (or ASCII) is only valid between characters. */
#define U8_LEAD(next)                                                         \
    U8_T(next, U8_ERR, U8_ERR, U8_ERR, U8_ERR, U8_ERR, U8_ERR, U8_ERR)
#define U8_BAD U8_LEAD(U8_ERR)
#define U8_80 U8_T(U8_ERR, U8_ACC, U8_C1, U8_ERR, U8_C1, U8_ERR, U8_C2, U8_C2)
#define U8_90 U8_T(U8_ERR, U8_ACC, U8_C1, U8_ERR, U8_C1, U8_C2, U8_C2, U8_ERR)
#define U8_A0 U8_T(U8_ERR, U8_ACC, U8_C1, U8_C1, U8_ERR, U8_C2, U8_C2, U8_ERR)
#define X2(x) x, x
#define X4(x) X2(x), X2(x)
#define X8(x) X4(x), X4(x)
#define X16(x) X8(x), X8(x)

static const uint64_t u8_dfa[256] = {
    X16(U8_LEAD(U8_ACC)), X16(U8_LEAD(U8_ACC)), X16(U8_LEAD(U8_ACC)),
    X16(U8_LEAD(U8_ACC)), X16(U8_LEAD(U8_ACC)), X16(U8_LEAD(U8_ACC)),
    X16(U8_LEAD(U8_ACC)), X16(U8_LEAD(U8_ACC)),              /* 00-7F */
    X16(U8_80), X16(U8_90), X16(U8_A0), X16(U8_A0),          /* 80-BF */
    X2(U8_BAD),                                              /* C0-C1 */
    X16(U8_LEAD(U8_C1)), X8(U8_LEAD(U8_C1)), X4(U8_LEAD(U8_C1)),
    X2(U8_LEAD(U8_C1)),                                      /* C2-DF */
    U8_LEAD(U8_E0), X8(U8_LEAD(U8_C2)), X4(U8_LEAD(U8_C2)),  /* E0-EC */
    U8_LEAD(U8_ED), X2(U8_LEAD(U8_C2)),                      /* ED-EF */
    U8_LEAD(U8_F0), X2(U8_LEAD(U8_C3)), U8_LEAD(U8_C3),      /* F0-F3 */
    U8_LEAD(U8_F4), X8(U8_BAD), X2(U8_BAD), U8_BAD,          /* F4-FF */
};
/* clang-format on */

/* Bytes per lane of zh_utf8_validate: four lanes make a 4 KiB chunk. */
#define U8_LANE 1024

/* Step back from i (at most 3 bytes, never before lo) to the start of a
 * character: a byte that is not a continuation byte. */
static size_t u8_back_to_lead(const unsigned char *s, size_t i, size_t lo)
{
    int k;
    for (k = 0; k < 3 && i > lo && (s[i] & 0xC0) == 0x80; k++)
        i--;
    return i;
}

/* Length of the longest prefix of s[0..n) made of complete, valid UTF-8
 * characters. This is the hot path for most input (aim: well above 1 GB/s).
 * ASCII is skipped eight bytes at a time. Other text goes through the DFA
 * in 4 KiB chunks cut into four lanes at character starts; the lanes' state
 * chains are independent, so the CPU runs them side by side. A chunk
 * passes when every lane ends between characters; otherwise, and for the
 * last few KiB, utf8_prefix_scan finds the exact end of the valid prefix. */
static size_t utf8_validate_dfa(const unsigned char *s, size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t cut[5], m, k, j;
        uint64_t st[4];
        uint64_t v;
        while (n - i >= 8) {
            memcpy(&v, s + i, 8);
            if (v & 0x8080808080808080u)
                break;
            i += 8;
        }
        if (n - i < 4 * U8_LANE + 4)
            break;
        cut[0] = i;
        for (j = 1; j <= 4; j++)
            cut[j] = u8_back_to_lead(s, i + j * U8_LANE, cut[j - 1]);
        m = cut[1] - cut[0];
        for (j = 1; j < 4; j++) {
            if (cut[j + 1] - cut[j] < m)
                m = cut[j + 1] - cut[j];
        }
        st[0] = st[1] = st[2] = st[3] = U8_ACC;
        for (k = 0; k < m; k++) {
            st[0] = u8_dfa[s[cut[0] + k]] >> (st[0] & 63);
            st[1] = u8_dfa[s[cut[1] + k]] >> (st[1] & 63);
            st[2] = u8_dfa[s[cut[2] + k]] >> (st[2] & 63);
            st[3] = u8_dfa[s[cut[3] + k]] >> (st[3] & 63);
        }
        for (j = 0; j < 4; j++) {
            for (k = cut[j] + m; k < cut[j + 1]; k++)
                st[j] = u8_dfa[s[k]] >> (st[j] & 63);
            if ((st[j] & 63) != U8_ACC)
                return i + utf8_prefix_scan(s + i, n - i);
        }
        i = cut[4];
    }
    return i + utf8_prefix_scan(s + i, n - i);
}

#if (defined(__x86_64__) || defined(__i386__)) &&                            \
    (defined(__GNUC__) || defined(__clang__))
#define ZH_UTF8_SIMD 1
#include <immintrin.h>

/* The same test sixteen bytes at a time (SSSE3), after Keiser and Lemire,
 * "Validating UTF-8 in less than one instruction per byte" (2021): every
 * error shows in a pair of adjacent bytes, classified by three table
 * lookups (the first byte's high and low nibble, the second byte's high
 * nibble) whose AND has a bit per kind of error the pair makes. The one
 * pair that is no error by itself, two continuation bytes, must occur
 * exactly where a three- or four-byte sequence wants its third or fourth
 * byte. The error bits: */
enum {
    U8V_TOO_SHORT = 1,    /* a lead byte not followed by a continuation */
    U8V_TOO_LONG = 2,     /* ASCII followed by a continuation */
    U8V_OVERLONG_3 = 4,   /* E0 80-9F */
    U8V_SURROGATE = 8,    /* ED A0-BF */
    U8V_OVERLONG_2 = 16,  /* C0 or C1, then a continuation */
    U8V_TOO_LARGE = 32,   /* F4 90-BF, F5-FF 90-BF */
    U8V_LARGE_OR_OVERLONG_4 = 64, /* F5-FF 80-8F; F0 80-8F */
    U8V_TWO_CONTS = 128   /* two continuation bytes */
};

/* The three tables, one entry per nibble value; B() makes each a char. */
#define U8V_ANY (U8V_TOO_SHORT | U8V_TOO_LONG | U8V_TWO_CONTS)
#define U8V_LARGE (U8V_TOO_LARGE | U8V_LARGE_OR_OVERLONG_4)
#define U8V_CONT (U8V_TOO_LONG | U8V_TWO_CONTS | U8V_OVERLONG_2)
#define U8V_FIRST_HIGH                                                       \
    /* 0-7: ASCII */                                                         \
    B(U8V_TOO_LONG), B(U8V_TOO_LONG), B(U8V_TOO_LONG), B(U8V_TOO_LONG),      \
        B(U8V_TOO_LONG), B(U8V_TOO_LONG), B(U8V_TOO_LONG), B(U8V_TOO_LONG),  \
        /* 8-B: continuation */                                              \
        B(U8V_TWO_CONTS), B(U8V_TWO_CONTS), B(U8V_TWO_CONTS),                \
        B(U8V_TWO_CONTS), B(U8V_TOO_SHORT | U8V_OVERLONG_2), /* C */         \
        B(U8V_TOO_SHORT),                                    /* D */         \
        B(U8V_TOO_SHORT | U8V_OVERLONG_3 | U8V_SURROGATE),   /* E */         \
        B(U8V_TOO_SHORT | U8V_TOO_LARGE | U8V_LARGE_OR_OVERLONG_4) /* F */
#define U8V_FIRST_LOW                                                        \
    B(U8V_ANY | U8V_OVERLONG_3 | U8V_OVERLONG_2 | U8V_LARGE_OR_OVERLONG_4),  \
        B(U8V_ANY | U8V_OVERLONG_2), B(U8V_ANY), B(U8V_ANY),                 \
        B(U8V_ANY | U8V_TOO_LARGE), B(U8V_ANY | U8V_LARGE),                  \
        B(U8V_ANY | U8V_LARGE), B(U8V_ANY | U8V_LARGE),                      \
        B(U8V_ANY | U8V_LARGE), B(U8V_ANY | U8V_LARGE),                      \
        B(U8V_ANY | U8V_LARGE), B(U8V_ANY | U8V_LARGE),                      \
        B(U8V_ANY | U8V_LARGE), B(U8V_ANY | U8V_LARGE | U8V_SURROGATE),      \
        B(U8V_ANY | U8V_LARGE), B(U8V_ANY | U8V_LARGE)
#define U8V_SECOND_HIGH                                                      \
    B(U8V_TOO_SHORT), B(U8V_TOO_SHORT), B(U8V_TOO_SHORT), B(U8V_TOO_SHORT),  \
        B(U8V_TOO_SHORT), B(U8V_TOO_SHORT), B(U8V_TOO_SHORT),                \
        B(U8V_TOO_SHORT),                                                    \
        B(U8V_CONT | U8V_OVERLONG_3 | U8V_LARGE_OR_OVERLONG_4), /* 8 */      \
        B(U8V_CONT | U8V_OVERLONG_3 | U8V_TOO_LARGE),           /* 9 */      \
        B(U8V_CONT | U8V_SURROGATE | U8V_TOO_LARGE),            /* A */      \
        B(U8V_CONT | U8V_SURROGATE | U8V_TOO_LARGE),            /* B */      \
        B(U8V_TOO_SHORT), B(U8V_TOO_SHORT), B(U8V_TOO_SHORT),                \
        B(U8V_TOO_SHORT)
#define B(x) ((char)(x))

__attribute__((target("ssse3"))) static size_t
utf8_validate_ssse3(const unsigned char *s, size_t n)
{
    const __m128i first_high = _mm_setr_epi8(U8V_FIRST_HIGH);
    const __m128i first_low = _mm_setr_epi8(U8V_FIRST_LOW);
    const __m128i second_high = _mm_setr_epi8(U8V_SECOND_HIGH);
    const __m128i nibble = _mm_set1_epi8(0x0F);
    /* A byte >= E0 two back or >= F0 three back: saturating subtraction
     * leaves 0x80 or more exactly then. */
    const __m128i third = _mm_set1_epi8((char)(0xE0 - 0x80));
    const __m128i fourth = _mm_set1_epi8((char)(0xF0 - 0x80));
    const __m128i high_bit = _mm_set1_epi8((char)0x80);
    __m128i prev = _mm_setzero_si128();
    size_t i = 0;
    /* Four blocks between checks of the accumulated errors. */
    while (n - i >= 64) {
        __m128i err = _mm_setzero_si128();
        for (int b = 0; b < 4; b++) {
            __m128i in = _mm_loadu_si128((const __m128i *)(s + i + 16 * b));
            __m128i prev1 = _mm_alignr_epi8(in, prev, 15);
            __m128i sc = _mm_and_si128(
                _mm_and_si128(
                    _mm_shuffle_epi8(first_high,
                                     _mm_and_si128(_mm_srli_epi16(prev1, 4),
                                                   nibble)),
                    _mm_shuffle_epi8(first_low, _mm_and_si128(prev1, nibble))),
                _mm_shuffle_epi8(second_high,
                                 _mm_and_si128(_mm_srli_epi16(in, 4), nibble)));
            __m128i prev2 = _mm_alignr_epi8(in, prev, 14);
            __m128i prev3 = _mm_alignr_epi8(in, prev, 13);
            __m128i must23 = _mm_or_si128(_mm_subs_epu8(prev2, third),
                                          _mm_subs_epu8(prev3, fourth));
            err = _mm_or_si128(
                err, _mm_xor_si128(_mm_and_si128(must23, high_bit), sc));
            prev = in;
        }
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(err, _mm_setzero_si128())) !=
            0xFFFF)
            break;
        i += 64;
    }
    /* Everything before i is valid but for a sequence that i cuts (its
     * missing bytes show only in the next block): the scalar code takes
     * over from the first character start of the last four bytes, reads
     * the rest, and finds the exact end of the valid prefix where a block
     * showed an error. */
    size_t from = i >= 4 ? i - 4 : 0;
    while (from < i && (s[from] & 0xC0) == 0x80)
        from++;
    return from + utf8_validate_dfa(s + from, n - from);
}

/* The same with AVX2, thirty-two bytes at a time: the tables repeat in
 * both 128-bit lanes (vpshufb looks up within a lane), and the bytes
 * before each lane's first come from the other lane or the block before. */
__attribute__((target("avx2"))) static size_t
utf8_validate_avx2(const unsigned char *s, size_t n)
{
    const __m256i first_high = _mm256_setr_epi8(U8V_FIRST_HIGH, U8V_FIRST_HIGH);
    const __m256i first_low = _mm256_setr_epi8(U8V_FIRST_LOW, U8V_FIRST_LOW);
    const __m256i second_high =
        _mm256_setr_epi8(U8V_SECOND_HIGH, U8V_SECOND_HIGH);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i third = _mm256_set1_epi8((char)(0xE0 - 0x80));
    const __m256i fourth = _mm256_set1_epi8((char)(0xF0 - 0x80));
    const __m256i high_bit = _mm256_set1_epi8((char)0x80);
    __m256i prev = _mm256_setzero_si256();
    size_t i = 0;
    while (n - i >= 64) {
        __m256i err = _mm256_setzero_si256();
        for (int b = 0; b < 2; b++) {
            __m256i in =
                _mm256_loadu_si256((const __m256i *)(s + i + 32 * b));
            /* [prev's high lane, in's low lane]: what precedes each lane */
            __m256i before = _mm256_permute2x128_si256(prev, in, 0x21);
            __m256i prev1 = _mm256_alignr_epi8(in, before, 15);
            __m256i sc = _mm256_and_si256(
                _mm256_and_si256(
                    _mm256_shuffle_epi8(
                        first_high,
                        _mm256_and_si256(_mm256_srli_epi16(prev1, 4), nibble)),
                    _mm256_shuffle_epi8(first_low,
                                        _mm256_and_si256(prev1, nibble))),
                _mm256_shuffle_epi8(
                    second_high,
                    _mm256_and_si256(_mm256_srli_epi16(in, 4), nibble)));
            __m256i prev2 = _mm256_alignr_epi8(in, before, 14);
            __m256i prev3 = _mm256_alignr_epi8(in, before, 13);
            __m256i must23 = _mm256_or_si256(_mm256_subs_epu8(prev2, third),
                                             _mm256_subs_epu8(prev3, fourth));
            err = _mm256_or_si256(
                err,
                _mm256_xor_si256(_mm256_and_si256(must23, high_bit), sc));
            prev = in;
        }
        if (!_mm256_testz_si256(err, err))
            break;
        i += 64;
    }
    size_t from = i >= 4 ? i - 4 : 0;
    while (from < i && (s[from] & 0xC0) == 0x80)
        from++;
    return from + utf8_validate_dfa(s + from, n - from);
}

/* Whether the CPU has a feature, asked once: __builtin_cpu_supports takes
 * only a literal, hence one small function per feature. */
#define ZH_CPU_HAS(name, feature)                                            \
    static int name(void)                                                    \
    {                                                                        \
        static int known = -1;                                               \
        int k = __atomic_load_n(&known, __ATOMIC_RELAXED);                   \
        if (k < 0) {                                                         \
            __builtin_cpu_init();                                            \
            k = __builtin_cpu_supports(feature) ? 1 : 0;                     \
            __atomic_store_n(&known, k, __ATOMIC_RELAXED);                   \
        }                                                                    \
        return k;                                                            \
    }
ZH_CPU_HAS(has_ssse3, "ssse3")
ZH_CPU_HAS(has_avx2, "avx2")
#undef B
#endif

/* Length of the longest prefix of str[0..n) made of complete, valid UTF-8
 * characters: with AVX2 or SSSE3 32 or 16 bytes at a time, otherwise (and for the
 * end of the valid prefix once a block shows an error) the lane DFA. */
size_t zh_utf8_validate(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
#ifdef ZH_UTF8_SIMD
    if (n >= 64 && has_avx2())
        return utf8_validate_avx2(s, n);
    if (n >= 64 && has_ssse3())
        return utf8_validate_ssse3(s, n);
#endif
    return utf8_validate_dfa(s, n);
}

size_t zh_utf8_validate_path(const char *str, size_t n, int path)
{
    const unsigned char *s = (const unsigned char *)str;
    if (path == 0)
        return utf8_validate_dfa(s, n);
#ifdef ZH_UTF8_SIMD
    if (path == 1 && has_ssse3())
        return n >= 64 ? utf8_validate_ssse3(s, n) : utf8_validate_dfa(s, n);
    if (path == 2 && has_avx2())
        return n >= 64 ? utf8_validate_avx2(s, n) : utf8_validate_dfa(s, n);
#endif
    return (size_t)-1;
}

size_t zhfix_utf8_validate(const char *src, size_t srclen)
{
    return src ? zh_utf8_validate(src, srclen) : 0;
}

size_t zh_utf8_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* ---- Character classes ------------------------------------------------- */

int zh_is_cjk_punct(uint32_t cp)
{
    switch (cp) {
    case 0x3001: case 0x3002: case 0x3008: case 0x3009: case 0x300A:
    case 0x300B: case 0x300C: case 0x300D: case 0x300E: case 0x300F:
    case 0x3010: case 0x3011: case 0x3014: case 0x3015: case 0x3016:
    case 0x3017: case 0x201C: case 0x201D: case 0x2018: case 0x2019:
    case 0x2026: case 0x2014: case 0x00B7: case 0xFF01: case 0xFF08:
    case 0xFF09: case 0xFF0C: case 0xFF1A: case 0xFF1B: case 0xFF1F:
    case 0xFF5E: case 0x2E3A:
        return 1;
    default:
        return 0;
    }
}

int zh_is_kana(uint32_t cp)
{
    return (cp >= 0x3041 && cp <= 0x30FF && cp != 0x30FB) ||
           (cp >= 0x31F0 && cp <= 0x31FF) || (cp >= 0xFF66 && cp <= 0xFF9D);
}

/* ---- Sorting --------------------------------------------------------- */

void zh_sort_nearly(void *base, size_t n, size_t size,
                    int (*cmp)(const void *, const void *))
{
    unsigned char *b = base, tmp[ZH_SORT_NEARLY_MAX];
    size_t budget = 8 * n + 64; /* moves before qsort takes over */
    if (size > sizeof tmp) {
        if (n > 1)
            qsort(base, n, size, cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        if (cmp(b + (i - 1) * size, b + i * size) <= 0)
            continue;
        memcpy(tmp, b + i * size, size);
        size_t j = i;
        while (j > 0 && budget > 0 && cmp(b + (j - 1) * size, tmp) > 0) {
            j--;
            budget--;
        }
        memmove(b + (j + 1) * size, b + j * size, (i - j) * size);
        memcpy(b + j * size, tmp, size);
        if (!budget) {
            qsort(base, n, size, cmp);
            return;
        }
    }
}
