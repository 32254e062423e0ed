/*
 * jsonstr.c - the body of a JSON string (the bytes between its quotes):
 * decoding to UTF-8, and encoding back in the style the original was
 * written in, so that a rewritten field looks like its neighbours.
 *
 * The tokenizer (jsmn) has already checked the escapes' shape (a known
 * letter, four hex digits after \u); what is checked here is what it does
 * not: surrogate pairs, and raw control characters.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four hex digits at s (len bytes available); -1 if not. */
static long hex4(const char *s, size_t len, int *upper)
{
    if (len < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int d = hex_value((unsigned char)s[i]);
        if (d < 0)
            return -1;
        if (s[i] >= 'A' && s[i] <= 'F')
            *upper = 1;
        v = v * 16 + d;
    }
    return v;
}

static size_t put_utf8(char *dst, unsigned long cp)
{
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xC0 | (cp >> 6));
        dst[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xE0 | (cp >> 12));
        dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | (cp >> 18));
    dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int json_string_decode(const char *s, size_t len, char **out, size_t *outlen,
                       json_style *seen, size_t *err_at)
{
    /* Decoding never grows: "\uXXXX" (6 bytes) gives at most 3, a pair
     * (12) gives 4. */
    char *dst = malloc(len + 1);
    if (!dst)
        return -1;
    size_t o = 0;
    int upper = 0;
    for (size_t i = 0; i < len;) {
        /* A run of bytes that stand for themselves, copied at once: most
         * of a field is one. */
        size_t j = i;
        unsigned bits = 0;
        while (j < len && (unsigned char)s[j] >= 0x20 && s[j] != '\\')
            bits |= (unsigned char)s[j++];
        if (bits & 0x80)
            seen->raw_nonascii = 1;
        memcpy(dst + o, s + i, j - i);
        o += j - i;
        i = j;
        if (i >= len)
            break;
        if ((unsigned char)s[i] < 0x20) {
            *err_at = i;
            free(dst);
            return 1;
        }
        if (i + 1 >= len) {
            *err_at = i;
            free(dst);
            return 1;
        }
        char e = s[i + 1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (e && simple) {
            static const char values[] = "\"\\/\b\f\n\r\t";
            dst[o++] = values[simple - "\"\\/bfnrt"];
            if (e == '/')
                seen->slash = 1;
            i += 2;
            continue;
        }
        if (e != 'u') {
            *err_at = i;
            free(dst);
            return 1;
        }
        long cp = hex4(s + i + 2, len - i - 2, &upper);
        if (cp < 0) {
            *err_at = i;
            free(dst);
            return 1;
        }
        size_t used = 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            /* A high surrogate must be followed by an escaped low one. */
            long lo = -1;
            if (i + 12 <= len && s[i + 6] == '\\' && s[i + 7] == 'u')
                lo = hex4(s + i + 8, len - i - 8, &upper);
            if (lo < 0xDC00 || lo > 0xDFFF) {
                *err_at = i;
                free(dst);
                return 1;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            used = 12;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            *err_at = i;
            free(dst);
            return 1;
        }
        if (cp >= 0x80)
            seen->u_nonascii = 1;
        o += put_utf8(dst + o, (unsigned long)cp);
        i += used;
    }
    if (upper)
        seen->upper_hex = 1;
    dst[o] = '\0';
    *out = dst;
    *outlen = o;
    return 0;
}

void json_style_scan(const char *s, size_t len, json_style *seen)
{
    int upper = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            seen->raw_nonascii = 1;
        } else if (c == '\\' && i + 1 < len) {
            char e = s[++i];
            if (e == '/')
                seen->slash = 1;
            if (e == 'u') {
                long cp = hex4(s + i + 1, len - i - 1, &upper);
                if (cp >= 0x80)
                    seen->u_nonascii = 1;
            }
        }
    }
    if (upper)
        seen->upper_hex = 1;
}

int json_style_ascii(const json_style *seen)
{
    return seen->u_nonascii && !seen->raw_nonascii;
}

/* Decode one UTF-8 sequence (valid input assumed: the library only returns
 * valid UTF-8); returns its length. */
static size_t get_utf8(const unsigned char *s, size_t len, unsigned long *cp)
{
    if (s[0] < 0xE0 && len >= 2) {
        *cp = ((unsigned long)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (s[0] < 0xF0 && len >= 3) {
        *cp = ((unsigned long)(s[0] & 0x0F) << 12) |
              ((unsigned long)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (len >= 4) {
        *cp = ((unsigned long)(s[0] & 0x07) << 18) |
              ((unsigned long)(s[1] & 0x3F) << 12) |
              ((unsigned long)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    *cp = 0xFFFD;
    return len;
}

static size_t put_u(char *dst, unsigned long v, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    if (dst) {
        dst[0] = '\\';
        dst[1] = 'u';
        dst[2] = digits[(v >> 12) & 0xF];
        dst[3] = digits[(v >> 8) & 0xF];
        dst[4] = digits[(v >> 4) & 0xF];
        dst[5] = digits[v & 0xF];
    }
    return 6;
}

/* Short escapes, in the order of the letters that name them. */
static const char short_chars[] = "\"\\\b\f\n\r\t";
static const char short_names[] = "\"\\bfnrt";

/* Encode into dst, or only measure when dst is NULL. */
static size_t encode(const unsigned char *p, size_t len, const json_style *st,
                     int ascii, char *dst)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        if (c >= 0x80 && ascii) {
            unsigned long cp;
            i += get_utf8(p + i, len - i, &cp);
            if (cp >= 0x10000) {
                cp -= 0x10000;
                o += put_u(dst ? dst + o : NULL, 0xD800 + (cp >> 10),
                           st->upper_hex);
                o += put_u(dst ? dst + o : NULL, 0xDC00 + (cp & 0x3FF),
                           st->upper_hex);
            } else {
                o += put_u(dst ? dst + o : NULL, cp, st->upper_hex);
            }
            continue;
        }
        i++;
        const char *sh = c && c < 0x80 ? strchr(short_chars, c) : NULL;
        if (sh || (c == '/' && st->slash)) {
            if (dst) {
                dst[o] = '\\';
                dst[o + 1] = sh ? short_names[sh - short_chars] : '/';
            }
            o += 2;
        } else if (c < 0x20 || (c == 0x7F && ascii)) {
            o += put_u(dst ? dst + o : NULL, c, st->upper_hex);
        } else {
            if (dst)
                dst[o] = (char)c;
            o++;
        }
    }
    return o;
}

int json_string_encode(const char *s, size_t len, const json_style *style,
                       char **out, size_t *outlen)
{
    int ascii = json_style_ascii(style);
    const unsigned char *p = (const unsigned char *)s;
    size_t need = encode(p, len, style, ascii, NULL);
    char *dst = malloc(need + 1);
    if (!dst)
        return -1;
    encode(p, len, style, ascii, dst);
    dst[need] = '\0';
    *out = dst;
    *outlen = need;
    return 0;
}
