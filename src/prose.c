/*
 * prose.c - where Chinese prose is (see prose.h).
 */
#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#define ZH_PROSE_SIMD 1
#include <emmintrin.h>
#else
#define ZH_PROSE_SIMD 0
#endif

#include "internal.h"
#include "prose.h"
#include "scraped.h"

int zh_is_chinese(uint32_t cp)
{
    return zh_is_han(cp) || zh_is_cjk_punct(cp);
}

uint32_t zh_cp_before(const char *t, size_t i, size_t *start)
{
    if (i == 0) {
        if (start)
            *start = 0;
        return 0;
    }
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80 && i - j < 4)
        j--;
    uint32_t cp;
    zh_utf8_decode((const unsigned char *)t + j, i - j, &cp);
    if (start)
        *start = j;
    return cp;
}

uint32_t zh_cp_at(const char *t, size_t len, size_t i, size_t *n)
{
    if (i >= len) {
        if (n)
            *n = 0;
        return 0;
    }
    uint32_t cp;
    size_t k = zh_utf8_decode((const unsigned char *)t + i, len - i, &cp);
    if (n)
        *n = k;
    return cp;
}

/* ---- Line classification ---------------------------------------------- */

static int starts_with(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    return n >= k && memcmp(s, lit, k) == 0;
}

/* A Markdown fence: ``` or ~~~ after at most three spaces. */
static int is_fence(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 3 && s[i] == ' ')
        i++;
    return starts_with(s + i, n - i, "```") || starts_with(s + i, n - i, "~~~");
}

/* Length of a manual's placeholder at s[k] (`{device}`, `{file-name}`:
 * a word in braces), which is no program text; 0 if there is none. A
 * variable in a string (`${HOME}` `#{name}` `%{x}`) is no placeholder. */
static size_t placeholder(const char *s, size_t n, size_t k)
{
    if (s[k] != '{' ||
        (k > 0 && (s[k - 1] == '$' || s[k - 1] == '#' || s[k - 1] == '%' ||
                   s[k - 1] == '@')))
        return 0;
    size_t i = k + 1;
    while (i < n && ((s[i] >= 'a' && s[i] <= 'z') ||
                     (s[i] >= 'A' && s[i] <= 'Z') ||
                     (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
                     s[i] == '-' || s[i] == '.'))
        i++;
    return i > k + 1 && i < n && s[i] == '}' ? i + 1 - k : 0;
}

/* Eight bytes at s all >= 0x80: bytes of Chinese characters, which begin
 * no program token. */
static int high8(const char *s)
{
    uint64_t v;
    memcpy(&v, s, 8);
    return (v & 0x8080808080808080u) == 0x8080808080808080u;
}

/* Eight bytes at s, none of them E3 or EF, the lead bytes of kana. */
static int kana_free8(const unsigned char *s)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t v, a, b;
    memcpy(&v, s, 8);
    a = v ^ (ones * 0xE3);
    b = v ^ (ones * 0xEF);
    return (((a - ones) & ~a) | ((b - ones) & ~b)) & highs ? 0 : 1;
}

/* Program text: tokens that Chinese prose, even with its marks folded to
 * ASCII, does not contain, on a line that is mostly ASCII (a manual's
 * prose quotes code, and stays prose): 1, or 2 when the line also holds
 * two sentences ended by a Chinese full stop; 0 for none. */
static int is_code(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    const char *b = s + i;
    size_t m = n - i;
    int token = 0;
    static const char *const starts[] = {"//", "#include", "#define", "#!",
                                         ">>> ", "$ ", "# ", "import ",
                                         "def ", "return "};
    /* Their first bytes, so that a line of prose (most start with a Han
     * character) compares none of them. */
    if (m && memchr("/#>$idr", b[0], 7))
        for (size_t k = 0; k < sizeof starts / sizeof starts[0] && !token; k++)
            token = starts_with(b, m, starts[k]);
    /* One pass for the two-byte tokens (== != && || -> => :: ); and the
     * comment delimiters) and the braces; most bytes begin none. */
    static const uint8_t begins_token[256] = {
        ['{'] = 1, ['}'] = 1, ['='] = 1, ['!'] = 1, ['&'] = 1, ['|'] = 1,
        ['-'] = 1, ['/'] = 1, ['*'] = 1, [')'] = 1, [':'] = 1};
    for (size_t k = 0; k < m && !token; k++) {
        while (m - k >= 8 && high8(b + k))
            k += 8;
        if (k >= m)
            break;
        if (!begins_token[(unsigned char)b[k]])
            continue;
        char c = b[k], d = k + 1 < m ? b[k + 1] : '\0';
        size_t w = placeholder(b, m, k);
        if (w) {
            k += w - 1;
            continue;
        }
        switch (c) {
        case '{': case '}': token = 1; break;
        case '=': token = d == '=' || d == '>'; break;
        case '!': token = d == '='; break;
        case '&': token = d == '&'; break;
        case '|': token = d == '|'; break;
        case '-': token = d == '>'; break;
        case '/': token = d == '*'; break;
        case '*': token = d == '/'; break;
        case ')': token = d == ';'; break;
        case ':': token = d == ':'; break;
        default: break;
        }
    }
    if (!token)
        return 0;
    size_t han = 0, ascii = 0, stops = 0;
    uint32_t prev = 0;
    for (size_t k = 0; k < m;) {
        uint32_t cp;
        k += zh_utf8_decode((const unsigned char *)b + k, m - k, &cp);
        if (cp > ' ' && cp < 0x7F)
            ascii++;
        else if (zh_is_han(cp))
            han++;
        else if (cp == 0x3002 && zh_is_han(prev))
            stops++;
        prev = cp;
    }
    if (han * 3 >= ascii)
        return 0;
    /* Two sentences ended with a Chinese full stop: maybe prose that names
     * code (`注意:``main'foo''會讓 emacs 出問題。…用 ``main::foo''。`),
     * which the caller weighs (2), or a table whose cells are sentences. */
    return stops >= 2 ? 2 : 1;
}

/* Separators (commas, tabs) of a line that may be a table row: no CJK
 * punctuation and no field longer than 48 bytes; (size_t)-1 otherwise.
 * *doubled is 1 when the separators are all commas in pairs (`名稱,,說明`):
 * rows like that are the scraper's stray comma before a folded one, not a
 * table, unless a row nearby has a field between its commas. */
static size_t row_commas(const char *s, size_t n, int *doubled)
{
    size_t commas = 0, field = 0, run = 0;
    int pairs = 1;
    for (size_t i = 0; i < n;) {
        uint32_t cp = (unsigned char)s[i];
        size_t k = 1;
        if (cp >= 0x80) {
            k = zh_utf8_decode((const unsigned char *)s + i, n - i, &cp);
            if (zh_is_cjk_punct(cp))
                return (size_t)-1;
        }
        if (cp == ',' || cp == '\t') {
            commas++;
            field = 0;
            run = cp == ',' ? run + 1 : 3;
        } else {
            if (run && run != 2)
                pairs = 0;
            run = 0;
            if ((field += k) > 48)
                return (size_t)-1;
        }
        i += k;
    }
    *doubled = pairs && (run == 0 || run == 2);
    return commas ? commas : (size_t)-1;
}

static int has_kana(const char *s, size_t n)
{
    /* Kana are U+3041..U+30FF (E3 81..E3 83 in UTF-8), U+31F0.. (E3 87)
     * and the halfwidth forms (EF BD, EF BE); E3 80, the CJK marks that
     * fill Chinese prose, is none. In valid UTF-8 E3 and EF only ever
     * lead a character. */
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
#if ZH_PROSE_SIMD
    /* Sixteen places at a time where the CPU can: Chinese prose has an
     * E3 or EF every few characters (its marks), kana prefixes hardly. */
    while (n >= 17 && i <= n - 17) {
        __m128i a = _mm_loadu_si128((const __m128i *)(u + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(u + i + 1));
        __m128i e3 = _mm_cmpeq_epi8(a, _mm_set1_epi8((char)0xE3));
        __m128i ef = _mm_cmpeq_epi8(a, _mm_set1_epi8((char)0xEF));
        __m128i k3 = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8((char)0x81)),
                         _mm_cmpeq_epi8(b, _mm_set1_epi8((char)0x82))),
            _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8((char)0x83)),
                         _mm_cmpeq_epi8(b, _mm_set1_epi8((char)0x87))));
        __m128i kf = _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8((char)0xBD)),
                                  _mm_cmpeq_epi8(b, _mm_set1_epi8((char)0xBE)));
        __m128i hit = _mm_or_si128(_mm_and_si128(e3, k3), _mm_and_si128(ef, kf));
        /* A prefix of kana, or of the fullwidth forms beside them (～). */
        for (unsigned m = (unsigned)_mm_movemask_epi8(hit); m; m &= m - 1) {
            uint32_t cp;
            unsigned at = (unsigned)__builtin_ctz(m);
            zh_utf8_decode(u + i + at, n - i - at, &cp);
            if (zh_is_kana(cp))
                return 1;
        }
        i += 16;
    }
#endif
    for (; i + 2 < n; i++) {
        /* Most bytes are no E3 or EF: eight are ruled out at once, and one
         * comparison rules out most of the rest. */
        while (n - i >= 11 && kana_free8(u + i))
            i += 8;
        if (u[i] < 0xE3)
            continue;
        unsigned char b = u[i], c = u[i + 1];
        if (!(b == 0xE3 &&
              (c == 0x81 || c == 0x82 || c == 0x83 || c == 0x87)) &&
            !(b == 0xEF && (c == 0xBD || c == 0xBE)))
            continue;
        uint32_t cp;
        zh_utf8_decode(u + i, n - i, &cp);
        if (zh_is_kana(cp))
            return 1;
    }
    return 0;
}

/* 0 when s cannot read as Japanese by zh_reads_japanese's measure (kana
 * at least a quarter of kana and Han) even if every E3 and EF byte began
 * a kana: the Han of the main block's lead bytes (E4-E9) alone outweigh
 * them. Chinese prose has such a byte every few characters (its marks,
 * E3 80 and EF BC), far fewer than a third of its Han. One pass, sixteen
 * bytes at a time, counted in byte lanes; a block of Chinese with a few
 * kana in it (ー, の in a name) ends here instead of being decoded
 * character by character. 1 where it cannot tell. */
static int kana_can_outweigh(const char *s, size_t n)
{
#if ZH_PROSE_SIMD
    const unsigned char *u = (const unsigned char *)s;
    size_t kana = 0, han = 0, i = 0;
    const __m128i flip = _mm_set1_epi8((char)0x80);
    const __m128i above = _mm_set1_epi8((char)(0xE3 ^ 0x80));
    const __m128i below = _mm_set1_epi8((char)(0xEA ^ 0x80));
    while (n - i >= 16) {
        /* Up to 255 rounds per lane before the lanes are summed. */
        size_t rounds = (n - i) / 16;
        if (rounds > 255)
            rounds = 255;
        __m128i k = _mm_setzero_si128(), h = _mm_setzero_si128();
        for (size_t r = 0; r < rounds; r++, i += 16) {
            __m128i a = _mm_loadu_si128((const __m128i *)(u + i));
            __m128i as = _mm_xor_si128(a, flip);
            /* E4 <= byte <= E9 as signed bytes once the top bit flips. */
            h = _mm_sub_epi8(h, _mm_and_si128(_mm_cmpgt_epi8(as, above),
                                              _mm_cmplt_epi8(as, below)));
            k = _mm_sub_epi8(
                k, _mm_or_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8((char)0xE3)),
                                _mm_cmpeq_epi8(a, _mm_set1_epi8((char)0xEF))));
        }
        __m128i zero = _mm_setzero_si128();
        __m128i ks = _mm_sad_epu8(k, zero), hs = _mm_sad_epu8(h, zero);
        kana += (size_t)_mm_cvtsi128_si32(ks) +
                (size_t)_mm_cvtsi128_si32(_mm_srli_si128(ks, 8));
        han += (size_t)_mm_cvtsi128_si32(hs) +
               (size_t)_mm_cvtsi128_si32(_mm_srli_si128(hs, 8));
    }
    kana += n - i; /* the last bytes: each counted as one */
    return 3 * kana >= han;
#else
    (void)s;
    (void)n;
    return 1;
#endif
}

int zh_reads_japanese(const char *s, size_t n)
{
    if (!kana_can_outweigh(s, n) || !has_kana(s, n))
        return 0;
    const unsigned char *u = (const unsigned char *)s;
    size_t hira = 0, kata = 0, han = 0, common = 0, pua = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = u[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        /* The main block of Han by its lead byte alone (E4-E9), counted
         * without decoding; kana decoded (E3 81-83). */
        if (b >= 0xE4 && b <= 0xE9) {
            han++;
            i += 3;
            /* Even if all that is left were kana, too few: no need to
             * read on (a Chinese block stops here a quarter early). */
            if (han > 3 * (hira + kata + (n - i) / 3))
                return 0;
            continue;
        }
        uint32_t cp;
        size_t k = zh_utf8_decode(u + i, n - i, &cp);
        i += k ? k : 1;
        if (cp >= 0x3041 && cp <= 0x309F) {
            hira++;
            switch (cp) {
            case 0x306E: case 0x3092: case 0x306F: case 0x304C: /* の を は が */
            case 0x306B: case 0x3067: case 0x3066: case 0x3068: /* に で て と */
            case 0x305F: case 0x308B: case 0x3059: case 0x3057: /* た る す し */
            case 0x306A: case 0x304B: case 0x308C:              /* な か れ */
                common++;
            }
        } else if (zh_is_kana(cp)) {
            kata++;
        } else if (zh_is_han(cp)) {
            han++;
        } else if (cp >= 0xE000 && cp <= 0xF8FF) {
            pua++;
        }
    }
    size_t kana = hira + kata;
    return hira >= 3 && common * 2 >= hira && kana * 4 >= kana + han &&
           pua * 2 < kana;
}

int zh_scan_japanese(zh_scan *scan)
{
    if (scan->japanese == 0)
        scan->japanese = zh_reads_japanese(scan->input, scan->input_len) ? 1
                                                                        : -1;
    return scan->japanese > 0;
}

void zh_lines_init(zh_lines *it, const char *text, size_t len)
{
    memset(it, 0, sizeof *it);
    it->text = text;
    it->len = len;
    it->stray_before_wide = -1;
}

static void line_bounds(const char *t, size_t len, size_t pos, size_t *end,
                        size_t *next)
{
    const char *nl = memchr(t + pos, '\n', len - pos);
    size_t e = nl ? (size_t)(nl - t) : len;
    *next = nl ? e + 1 : len;
    if (e > pos && t[e - 1] == '\r')
        e--;
    *end = e;
}

void zh_lines_init_hot(zh_lines *it, zh_scan *scan, uint32_t triggers)
{
    zh_lines_init(it, scan->text, scan->len);
    it->scan = scan;
    it->triggers = triggers;
}

int zh_lines_next(zh_lines *it, zh_line *line)
{
    for (;;) {
        uint32_t mask = ~(uint32_t)0;
        if (it->scan) {
            size_t s0, e0;
            mask = zh_hot_next(it->scan, it->triggers | ZH_TRIG_FENCE,
                               &it->cursor, &s0, &e0);
            if (!mask)
                return 0;
            it->pos = s0;
        }
        if (it->pos >= it->len)
            return 0;
        size_t end, next;
        line_bounds(it->text, it->len, it->pos, &end, &next);
        const char *s = it->text + it->pos;
        size_t n = end - it->pos;
        line->start = it->pos;
        line->end = end;
        line->next = next;
        line->in_fence = it->in_fence;
        if (n >= 3 && is_fence(s, n)) {
            it->in_fence = !it->in_fence;
            line->in_fence = 1;
        }
        it->pos = next;
        if (!it->scan || (mask & it->triggers))
            return 1;
    }
}

int zh_line_is_prose(zh_lines *it, const zh_line *line)
{
    const char *s = it->text + line->start;
    size_t n = line->end - line->start;
    if (line->in_fence || has_kana(s, n))
        return 0;
    int code = is_code(s, n);
    if (code) {
        /* Sentences with program text are prose where the block shows
         * the scraper's stray commas, whose repairs they need; elsewhere
         * (a troff table: `名稱:目的：手冊頁 T{ T}:`) they stay code. */
        if (code == 1)
            return 0;
        if (it->stray_before_wide < 0)
            it->stray_before_wide = zh_stray_before_wide(it->text, it->len);
        if (!it->stray_before_wide)
            return 0;
    }
    /* A table row: short fields, no CJK punctuation, and at least three
     * lines in a row (this one among them) with as many separators. */
    int doubled, all_doubled;
    size_t commas = row_commas(s, n, &all_doubled);
    if (commas == (size_t)-1)
        return 1;
    size_t run = 1, pos = line->start;
    for (int k = 0; k < 2 && pos > 0; k++) {
        size_t p = pos - 1; /* the '\n' ending the line before */
        while (p > 0 && it->text[p - 1] != '\n')
            p--;
        size_t e2, n2;
        line_bounds(it->text, it->len, p, &e2, &n2);
        if (row_commas(it->text + p, e2 - p, &doubled) != commas)
            break;
        all_doubled &= doubled;
        run++;
        pos = p;
    }
    pos = line->next;
    for (int k = 0; k < 2 && pos < it->len; k++) {
        size_t e2, n2;
        line_bounds(it->text, it->len, pos, &e2, &n2);
        if (row_commas(it->text + pos, e2 - pos, &doubled) != commas)
            break;
        all_doubled &= doubled;
        run++;
        pos = n2;
    }
    if (run < 3)
        return 1;
    if (!all_doubled)
        return 0;
    if (it->stray_before_wide < 0)
        it->stray_before_wide = zh_stray_before_wide(it->text, it->len);
    return it->stray_before_wide;
}

/* ---- Spans inside a line ----------------------------------------------- */

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t';
}

int zh_in_code_or_url(const char *t, size_t start, size_t end, size_t pos)
{
    /* Inline code: backticks pair up from the start of the line; a span
     * whose content has Chinese in it is quoting (`-list' in a manual),
     * not code. */
    size_t open = (size_t)-1;
    for (const char *p = t + start;
         (p = memchr(p, '`', (size_t)(t + end - p))) != NULL; p++) {
        size_t i = (size_t)(p - t);
        if (open == (size_t)-1) {
            if (i > pos)
                break; /* spans from here on lie after pos */
            open = i;
            continue;
        }
        if (open < pos && pos < i) {
            int chinese = 0;
            for (size_t k = open + 1; k < i && !chinese;) {
                size_t n;
                chinese = zh_is_chinese(zh_cp_at(t, i, k, &n));
                k += n;
            }
            if (!chinese)
                return 1;
        }
        if (i > pos)
            break;
        open = (size_t)-1;
    }
    /* URL or e-mail: look back over the ASCII token (up to a space, a
     * non-ASCII character, a comma or semicolon, at most 512 bytes) for a
     * scheme, "www." or an address. A URL never holds '<', '>' or '"'
     * (RFC 3986): `<https://…/a.html>&nbsp;報告` is past the URL. */
    /* A comma right before a non-ASCII character ends the token, as a
     * linkifier ends a URL before trailing punctuation: no address holds
     * one there (netbug@linux.org,。 is the address and a stray comma). */
    if (t[pos] == ',' && pos + 1 < end && (unsigned char)t[pos + 1] >= 0x80)
        return 0;
    size_t i = pos;
    /* Han right before pos belongs to the URL only after a path or query
     * separator (…/wiki/中文?action=edit). */
    while (i > start && pos - i < 512) {
        size_t s0;
        uint32_t cp = zh_cp_before(t, i, &s0);
        if (s0 < start || !zh_is_han(cp))
            break;
        i = s0;
    }
    if (i < pos && !(i > start && (t[i - 1] == '/' || t[i - 1] == '=' ||
                                   t[i - 1] == '?' || t[i - 1] == '#')))
        return 0;
    while (i > start && pos - i < 512) {
        size_t s0;
        uint32_t cp = zh_cp_before(t, i, &s0);
        if (s0 < start || is_space((unsigned char)cp) || cp == ',' ||
            cp == ';' || cp >= 0x80 || cp == '>' || cp == '<' || cp == '"')
            break;
        i = s0;
    }
    for (size_t j = i; j < pos; j++) {
        if (t[j] == ':' && j + 2 < end && t[j + 1] == '/' && t[j + 2] == '/')
            return 1;
        if (t[j] == '@' && j > i && j + 1 < end &&
            ((t[j + 1] >= 'a' && t[j + 1] <= 'z') ||
             (t[j + 1] >= 'A' && t[j + 1] <= 'Z'))) {
            /* An address ends with its domain, which holds letters,
             * digits, '.' and '-' only: a reference right after one is
             * past it (hotz@isi.edu&nbsp;使用了), unless the address is
             * bracketed by references (&lt;a@b.edu&gt;), which stay
             * together. */
            if (i >= start + 4 && memcmp(t + i - 4, "&lt;", 4) == 0)
                return 1;
            size_t k = j + 1;
            while (k < pos && (zh_is_ascii_alnum((unsigned char)t[k]) ||
                               t[k] == '.' || t[k] == '-'))
                k++;
            return !(k == pos && t[pos] == '&');
        }
        if (end - j >= 4 && (memcmp(t + j, "www.", 4) == 0 ||
                             memcmp(t + j, "WWW.", 4) == 0))
            return 1;
    }
    return 0;
}
