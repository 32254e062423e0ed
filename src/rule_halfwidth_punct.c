/*
 * rule_halfwidth_punct.c - ASCII marks in Chinese prose, and marks typed
 * twice by accident (GB/T 15834: Chinese prose takes fullwidth marks).
 *
 * The mechanism undone: a scraper folded ，：；？！（） to ASCII. `,` `:`
 * `;` `?` `!` right after a Chinese character become `，` `：` `；` `？`
 * `！`, and after Latin text, a number, a closing bracket or a space when
 * Han follows (`shell,參數`); a pair of parentheses that follows Chinese
 * and holds mostly Chinese becomes `（）` (after a Chinese character or
 * mark, or a space after one: `見 (例如)`, never `Aoki (青木修)`); in a
 * folded stanza, lines that look like table rows are prose (scraped.h).
 * The left neighbour keeps numbers
 * (4.0, 10:23, 1-7月), Latin text (Smith, J. (2020)) and annotations
 * around Latin (臺灣(Taiwan), 中(zhōng)) outside the rule, and so does a
 * line of Western text quoting Chinese words (`the Buddha 佛, the Dharma`,
 * a dictionary's glosses: western_mark); `.` is never
 * widened (a decimal point, an abbreviation). A mark that is part of
 * ASCII notation (`;)` `:-` `,.` `://`) is left be. Code, tables, URLs and
 * Japanese are skipped (prose.h).
 *
 * Doubles: `。。` `，，` `、、` `；；` `：：` collapse to one mark and
 * `，。` `、。` `；。` to the full stop. Runs of three or more (`。。。` as
 * an informal ellipsis) and the legitimate repeats `？！` `！！` `……`
 * `——` are left be.
 *
 * Evidence: the repairs are made when the block shows the fold — ASCII
 * marks after Han characters (three or more), hardly any fullwidth ones
 * (one in ten at most), and either the scraper's stray commas before
 * marks (`,,` `,;` `,。`: three or more, one for every ten ASCII marks),
 * which this rule sees because it runs before stray-comma, or the marks
 * the fold leaves alone (。、“”) in use (one for every eight ASCII marks)
 * and few ASCII full stops after Han (one for every three ASCII marks at
 * most). Where the block falls short but has three stray commas, a line
 * (a paragraph) that shows the fold on its own is repaired: a manual
 * translated by several hands mixes sections of both styles. A text that
 * mixes both by hand, or uses ASCII punctuation throughout, keeps its
 * style: its ASCII marks and doubles are reported, not changed. A comma
 * right before a Chinese mark is a stray comma, left to stray-comma, which
 * restores the mark it stands before.
 */
#include <string.h>

#include "internal.h"
#include "pinyin.h"
#include "prose.h"
#include "scraped.h"

static uint32_t widen(uint32_t c)
{
    switch (c) {
    case ',': return 0xFF0C;
    case ':': return 0xFF1A;
    case ';': return 0xFF1B;
    case '?': return 0xFF1F;
    case '!': return 0xFF01;
    default: return 0;
    }
}

/* A mark of Chinese prose that Western text writes too: curly quotes,
 * the ellipsis, the em dash. */
static int shared_mark(uint32_t cp)
{
    return (cp >= 0x2018 && cp <= 0x201F) || cp == 0x2026 || cp == 0x2014;
}

/* Characters after which an ASCII mark is a folded Chinese one: Han, and
 * the closing marks of Chinese prose. After `？` and `！` only `?` and `!`
 * (the repeats `？！`). After a Latin letter, digit, space or closing
 * bracket or quote only when Han follows (`shell,參數`), and never for
 * parentheses. A '(' follows a Chinese character or mark (`。(在`), or a
 * space after one (`見 (例如`), never a Latin word (`Aoki (青木修)`);
 * before is the character before that space. */
static int left_ok(uint32_t prev, uint32_t mark, uint32_t next,
                   uint32_t before, int han_line)
{
    if (mark == '(')
        return (zh_is_chinese(prev) && (han_line || !shared_mark(prev))) ||
               (prev == ' ' && zh_is_chinese(before) && zh_is_han(next));
    if (zh_is_han(prev))
        return 1;
    switch (prev) {
    case 0x201D: case 0x2019: case 0x2026: case 0x2014:
        /* Marks Western text writes too (Finnish and Swedish ”quote”,
         * English ‘quote’): Chinese only in a line with Han. */
        return han_line;
    case 0x300B: case 0x300D: case 0x300F:
    case 0xFF09: case 0x3011: case 0x3009:
        return 1;
    case 0xFF1F: case 0xFF01:
        return mark == '?' || mark == '!';
    default:
        break;
    }
    int latin = (prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') ||
                (prev >= '0' && prev <= '9') || prev == ' ' || prev == ')' ||
                prev == ']' || prev == '"' || prev == '\'';
    return latin && zh_is_han(next);
}

/* After a Chinese character a mark is no part of ASCII notation, though
 * a troff escape or a quote may follow it (`語法:\*(lq` `宏:`%1'`), or a
 * signed number (`例如:-04:00` `時區:+05:30`). */
static int notation_after_chinese(uint32_t next, uint32_t next2)
{
    return next == '\\' || next == '`' ||
           ((next == '-' || next == '+') && next2 >= '0' && next2 <= '9');
}

/* What may follow a folded mark: not ASCII punctuation that makes it part
 * of something else (`;)` `:-` `,.` `:/`), except `?!` pairs. */
static int right_ok(uint32_t mark, uint32_t next, uint32_t next2)
{
    /* A comma before a mark is the scraper's stray comma: stray-comma
     * removes it. */
    if (mark == ',' && (next == 0x3002 || next == 0x3001 || next == 0xFF0C ||
                        next == 0xFF1B || next == 0xFF1F || next == 0xFF01 ||
                        next == 0xFF1A))
        return 0;
    if (next == '?' || next == '!')
        return mark == '?' || mark == '!';
    if (next == '/')
        return mark != ':';
    /* An option after a comma or semicolon (`組成,--list` `，-I`), not a
     * face (`:-)`). */
    if (next == '-' && (mark == ',' || mark == ';'))
        return next2 == '-' || (next2 >= 'a' && next2 <= 'z') ||
               (next2 >= 'A' && next2 <= 'Z');
    return !(next < 0x80 && next != 0 && strchr(")]}>.,;:-_=+*\\|~`", (int)next));
}

/* 1 when the ';' at i ends an HTML character reference (`&nbsp;`
 * `&#20013;` `&#x6587;`): that is markup, never a folded mark. */
static int ends_reference(const char *t, size_t start, size_t i)
{
    size_t k = i;
    while (k > start && i - k < 12 &&
           ((t[k - 1] >= 'a' && t[k - 1] <= 'z') ||
            (t[k - 1] >= 'A' && t[k - 1] <= 'Z') ||
            (t[k - 1] >= '0' && t[k - 1] <= '9') || t[k - 1] == '#'))
        k--;
    return k < i && k > start && t[k - 1] == '&';
}

static int is_latin_letter(uint32_t cp)
{
    return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* The ')' closing a '(' at open within the line, when the content is
 * Chinese: Han characters, and Latin letters at most three for each of
 * them (（BSD風格）, but not (Taiwan), (GDP), (zhōng)); parentheses nested
 * inside are part of the content (（最新的 epoll_create(2) 的功能）).
 * Returns its offset or 0. */
static size_t chinese_parens(const char *t, size_t open, size_t end)
{
    size_t han = 0, latin = 0, depth = 0;
    for (size_t i = open + 1; i < end && i - open < 400;) {
        size_t n;
        uint32_t cp = zh_cp_at(t, end, i, &n);
        if (cp == ')') {
            if (depth == 0)
                return han && latin <= han * 3 ? i : 0;
            depth--;
        } else if (cp == '(') {
            if (++depth > 2)
                return 0;
        }
        latin += (size_t)is_latin_letter(cp);
        han += (size_t)zh_is_han(cp);
        i += n;
    }
    return 0;
}

/* Pause marks, and what a double of them collapses to. */
static int is_pause(uint32_t cp)
{
    return cp == 0xFF0C || cp == 0x3001 || cp == 0xFF1B || cp == 0xFF1A;
}

/* The evidence that the marks were folded: the block's, read once, and
 * where the block's falls short, the line's (see line_marks_folded). */
/* Marks before ASCII notation (notation_after_chinese) wait until the
 * block's evidence is read for another finding: alone they never make the
 * rule read the block (a clean manual has many `說明:\fB`). */
#define DEFERRED_MAX 64

typedef struct deferred_mark {
    size_t pos, line_start, line_end;
    uint32_t wide;
} deferred_mark;

typedef struct evidence_state {
    int block;           /* -1 until read */
    size_t block_strays; /* the block's stray commas */
    int line;            /* -1 until read, for the line being scanned */
    size_t line_start, line_end;
    deferred_mark deferred[DEFERRED_MAX];
    size_t ndeferred;
} evidence_state;

static int evidence(zh_scan *scan, evidence_state *ev);

static zhfix_status emit_cp(zh_scan *scan, size_t s, size_t e, uint32_t cp,
                            evidence_state *ev, const char *msg)
{
    char buf[4];
    size_t n = zh_utf8_encode(cp, buf);
    return zh_emit(scan, s, e, buf, n, evidence(scan, ev), msg, NULL);
}

/* The document's evidence that its marks were folded: fullwidth ，；：？！（
 * are (almost) absent while ASCII ones follow Han characters, and the
 * marks the fold does not reach (。、“”《》…, all GBK A1xx) show that
 * the author wrote Chinese punctuation. A text that mixes both by hand,
 * or that is written with ASCII punctuation throughout (很好.), keeps its
 * style: its ASCII marks are reported, not changed. */
/* The bytes marks_folded counts: the first bytes of 、。《》“”…，；：？！（
 * (E2 E3 EF) and the ASCII marks. In valid UTF-8 each is always a
 * character's first byte. */
static const unsigned char marks_counted[256] = {
    ['!'] = 1, ['('] = 1, [','] = 1, ['.'] = 1, [':'] = 1, [';'] = 1,
    ['?'] = 1, [0xE2] = 1, [0xE3] = 1, [0xEF] = 1,
};

/* What a three-byte character at u + i is to the fold: a fullwidth mark
 * it turns into ASCII (，；：？！（), one it leaves alone (、。《》“”…),
 * or neither. */
enum { MARK_NONE, MARK_FOLDED, MARK_KEPT };

static int wide_mark(const unsigned char *u, size_t i)
{
    unsigned char b = u[i], c = u[i + 1], d = u[i + 2];
    if (b == 0xEF && c == 0xBC)
        return d == 0x8C || d == 0x9B || d == 0x9A || d == 0x9F ||
                       d == 0x81 || d == 0x88
                   ? MARK_FOLDED
                   : MARK_NONE;
    if (b == 0xE3 && c == 0x80) /* 、 。 《 》 */
        return d == 0x81 || d == 0x82 || d == 0x8A || d == 0x8B ? MARK_KEPT
                                                                 : MARK_NONE;
    if (b == 0xE2 && c == 0x80) /* “ ” … */
        return d == 0x9C || d == 0x9D || d == 0xA6 ? MARK_KEPT : MARK_NONE;
    return MARK_NONE;
}

/* 1 when the '.' at i (i > 0) ends a Chinese sentence in ASCII: after a
 * Han character, before a non-ASCII character, a space or the end. */
static int dot_after_han(const char *t, size_t i, size_t end)
{
    const unsigned char *u = (const unsigned char *)t;
    return (u[i - 1] & 0x80) &&
           (i + 1 == end || u[i + 1] >= 0x80 || t[i + 1] == ' ' ||
            t[i + 1] == '\n') &&
           zh_is_han(zh_cp_before(t, i, NULL));
}

/* The counts marks_folded keeps. */
typedef struct mark_counts {
    size_t full, ascii, kept, dots, stray;
} mark_counts;

/* Count the character at i (i > 0), whose first byte marks_counted
 * holds. */
static void count_mark(const char *t, size_t len, size_t i, mark_counts *c)
{
    const unsigned char *u = (const unsigned char *)t;
    unsigned char b = u[i];
    if (b >= 0x80) {
        if (i + 2 < len) {
            int kind = wide_mark(u, i);
            c->full += kind == MARK_FOLDED;
            c->kept += kind == MARK_KEPT;
        }
    } else if (b == ',' && zh_stray_comma_at(t, len, i)) {
        c->stray++;
        c->ascii += zh_is_han(zh_cp_before(t, i, NULL));
    } else if ((b == ',' || b == ';' || b == ':' || b == '?' || b == '!' ||
                b == '(') &&
               (u[i - 1] & 0x80)) {
        c->ascii += zh_is_han(zh_cp_before(t, i, NULL));
    } else if (b == '.') {
        c->dots += dot_after_han(t, i, len);
    }
}

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#define MARKS_SSE2 1
#endif

static int marks_folded(const char *t, size_t len, size_t *strays)
{
    const unsigned char *u = (const unsigned char *)t;
    mark_counts c = {0, 0, 0, 0, 0};
    /* The first character is never counted (an ASCII mark is judged by
     * the byte before it). The bytes that count (E2 E3 EF and the ASCII
     * marks) are always a character's first byte in valid UTF-8, so they
     * can be found anywhere without walking the characters: sixteen
     * bytes at a time, this reads the whole block. */
    size_t i = len ? zh_utf8_seqlen(u[0]) : 0;
#ifdef MARKS_SSE2
    const __m128i e2 = _mm_set1_epi8((char)0xE2), e3 = _mm_set1_epi8((char)0xE3),
                  ef = _mm_set1_epi8((char)0xEF), comma = _mm_set1_epi8(','),
                  colon = _mm_set1_epi8(':'), semi = _mm_set1_epi8(';'),
                  quest = _mm_set1_epi8('?'), bang = _mm_set1_epi8('!'),
                  paren = _mm_set1_epi8('('), dot = _mm_set1_epi8('.');
    while (i < len && len - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, e2), _mm_cmpeq_epi8(v, e3));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, ef));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, comma));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, colon));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, semi));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, quest));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, bang));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, paren));
        hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, dot));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        while (m) {
            count_mark(t, len, i + (size_t)__builtin_ctz(m), &c);
            m &= m - 1;
        }
        i += 16;
    }
#endif
    for (; i < len; i++)
        if (marks_counted[u[i]])
            count_mark(t, len, i, &c);
    size_t full = c.full, ascii = c.ascii, kept = c.kept, dots = c.dots,
           stray = c.stray;
    *strays = stray;
    if (ascii < 3 || full * 10 > ascii)
        return 0;
    /* The scraper's stray commas before marks (`,,` `,;` `,。`) prove
     * that this text went through it, whatever its full stops. */
    if (stray >= 3 && stray * 10 >= ascii)
        return 1;
    return kept * 8 >= ascii && dots * 3 <= ascii;
}

/* A block whose author mixed both kinds of marks (a manual translated by
 * several hands: some sections with ASCII marks and full stops, others
 * in Chinese punctuation) shows the fold only section by section. Where
 * the block has the scraper's stray commas, a line (a paragraph) is
 * folded when it shows the same on its own: two or more stray commas
 * (they stand only before Chinese marks), two or more of the marks the
 * fold leaves alone (。、“”《》…), no ASCII full stop after Han and no
 * fullwidth ，；：？！（ left. */
static int line_marks_folded(const char *t, size_t start, size_t end)
{
    const unsigned char *u = (const unsigned char *)t;
    size_t kept = 0, stray = 0;
    for (size_t i = start; i < end; i++) {
        unsigned char b = u[i];
        if (b >= 0xE2 && i + 2 < end) {
            int kind = wide_mark(u, i);
            if (kind == MARK_FOLDED)
                return 0;
            kept += kind == MARK_KEPT;
        } else if (b == ',' && i > start) {
            stray += (size_t)zh_stray_comma_at(t, end, i);
        } else if (b == '.' && i > start && dot_after_han(t, i, end)) {
            return 0;
        }
    }
    return stray >= 2 && kept >= 2;
}

/* marks_folded for the block, read when the first finding needs it (most
 * blocks have none, and the whole block is read for it). */
static int evidence(zh_scan *scan, evidence_state *ev)
{
    if (ev->block < 0)
        ev->block = marks_folded(scan->text, scan->len, &ev->block_strays);
    if (ev->block)
        return 1;
    if (ev->line < 0)
        ev->line = ev->block_strays >= 3 &&
                   line_marks_folded(scan->text, ev->line_start, ev->line_end);
    return ev->line;
}

/* The mark at pos, widened to wide, before ASCII notation: made now if
 * the block's evidence is known, else once it is (emit_deferred). */
static zhfix_status emit_or_defer(zh_scan *scan, evidence_state *ev,
                                  size_t pos, uint32_t wide)
{
    if (ev->block < 0 && ev->ndeferred < DEFERRED_MAX) {
        deferred_mark *d = &ev->deferred[ev->ndeferred++];
        d->pos = pos;
        d->line_start = ev->line_start;
        d->line_end = ev->line_end;
        d->wide = wide;
        return ZHFIX_OK;
    }
    return emit_cp(scan, pos, pos + 1, wide, ev,
                   "ASCII mark in Chinese prose");
}

/* The deferred marks, where another finding has read the evidence. */
static zhfix_status emit_deferred(zh_scan *scan, evidence_state *ev)
{
    zhfix_status st = ZHFIX_OK;
    for (size_t k = 0; k < ev->ndeferred && ev->block >= 0 && st == ZHFIX_OK;
         k++) {
        const deferred_mark *d = &ev->deferred[k];
        ev->line = -1;
        ev->line_start = d->line_start;
        ev->line_end = d->line_end;
        st = emit_cp(scan, d->pos, d->pos + 1, d->wide, ev,
                     "ASCII mark in Chinese prose");
    }
    return st;
}

/* A double at i (first mark cp, n bytes; second mark cp2, n2 bytes). */
static zhfix_status check_double(zh_scan *scan, const zh_line *ln, size_t i,
                                 uint32_t cp, size_t n, uint32_t cp2,
                                 size_t n2, size_t *skip_to, evidence_state *ev)
{
    const char *t = scan->text;
    if (!((cp == cp2 && (is_pause(cp) || cp == 0x3002)) ||
          (cp2 == 0x3002 && (cp == 0xFF0C || cp == 0x3001 || cp == 0xFF1B))))
        return ZHFIX_OK;
    /* Exactly two: not part of a longer run. */
    if (zh_cp_before(t, i, NULL) == cp && i > ln->start)
        return ZHFIX_OK;
    if (zh_cp_at(t, ln->end, i + n + n2, NULL) == cp2)
        return ZHFIX_OK;
    *skip_to = i + n + n2;
    if (cp == cp2)
        return zh_emit(scan, i + n, i + n + n2, "", 0,
                       evidence(scan, ev),
                       "doubled mark", NULL);
    return zh_emit(scan, i, i + n, "", 0, evidence(scan, ev),
                   "pause mark before a full stop", NULL);
}

/* 1 when s[i] is the lead byte of 。 、 ， ； ： (E3 80 82/81, EF BC
 * 8C/9B/9A) directly followed by another such lead byte: a possible
 * double. */
static int double_at(const char *s, size_t i, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (i + 5 >= n)
        return 0;
    if (u[i] == 0xE3)
        return u[i + 1] == 0x80 && (u[i + 2] == 0x81 || u[i + 2] == 0x82) &&
               (u[i + 3] == 0xE3 || u[i + 3] == 0xEF);
    if (u[i] == 0xEF)
        return u[i + 1] == 0xBC &&
               (u[i + 2] == 0x8C || u[i + 2] == 0x9A || u[i + 2] == 0x9B) &&
               (u[i + 3] == 0xE3 || u[i + 3] == 0xEF);
    return 0;
}

/* 1 when byte i may start something to repair: an ASCII mark next to a
 * non-ASCII character, or a double. */
/* The bytes candidate_at can accept, so that loops skip the rest without
 * a call. */
static const unsigned char candidate_byte[256] = {
    ['('] = 1, [','] = 1, [':'] = 1, [';'] = 1, ['?'] = 1, ['!'] = 1,
    [0xE3] = 1, [0xEF] = 1,
};

/* The first i at or after `from`, before end, whose byte is a
 * candidate_byte, or end: the lines are read byte by byte, and most bytes
 * are none (sixteen at a time where the CPU can). */
static size_t next_candidate_byte(const char *s, size_t from, size_t end)
{
    size_t i = from;
#ifdef MARKS_SSE2
    const __m128i comma = _mm_set1_epi8(','), colon = _mm_set1_epi8(':'),
                  semi = _mm_set1_epi8(';'), quest = _mm_set1_epi8('?'),
                  bang = _mm_set1_epi8('!'), paren = _mm_set1_epi8('('),
                  e3 = _mm_set1_epi8((char)0xE3), ef = _mm_set1_epi8((char)0xEF);
    while (end - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma),
                                      _mm_cmpeq_epi8(v, colon)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, semi),
                                      _mm_cmpeq_epi8(v, quest))),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, bang),
                                      _mm_cmpeq_epi8(v, paren)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, e3),
                                      _mm_cmpeq_epi8(v, ef))));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < end && !candidate_byte[(unsigned char)s[i]])
        i++;
    return i;
}

static int candidate_at(const char *s, size_t start, size_t i, size_t end)
{
    unsigned char b = (unsigned char)s[i];
    switch (b) {
    case '(':
        return i > start && (((unsigned char)s[i - 1] & 0x80) ||
                             (s[i - 1] == ')' && i + 1 < end &&
                              ((unsigned char)s[i + 1] & 0x80)) ||
                             (s[i - 1] == ' ' && i + 1 < end &&
                              ((unsigned char)s[i + 1] & 0x80)));
    case '?': case '!':
        /* the second of ?! after Chinese (scan_line decides) */
        if (i > start && (s[i - 1] == '?' || s[i - 1] == '!'))
            return 1;
        /* fall through */
    case ',': case ':': case ';':
        return i > start && (((unsigned char)s[i - 1] & 0x80) ||
                             s[i - 1] == ')' ||
                             (i + 1 < end && ((unsigned char)s[i + 1] & 0x80)));
    case 0xE3: case 0xEF:
        return double_at(s, i, end);
    default:
        return 0;
    }
}

/* 1 when t[start, end) is Western text that quotes Chinese: more than
 * three Latin letters for each Han character (a dictionary's glosses,
 * `(from Taiwanese 烘, Tai-lo pr. [hang])`). See quoted_word. Counted
 * once per line, when a mark first asks: *known is -1 until then. */
static int western_line(const char *t, size_t start, size_t end, int *known)
{
    if (*known >= 0)
        return *known;
    size_t han = 0, latin = 0;
    for (size_t i = start; i < end;) {
        size_t n;
        uint32_t cp = zh_cp_at(t, end, i, &n);
        han += zh_is_han(cp) != 0;
        latin += is_latin_letter(cp);
        i += n ? n : 1;
    }
    return *known = latin > han * 3;
}

/* 1 when the mark at i ends a Chinese word quoted in a Western sentence:
 * the Han characters before it follow a Latin word and a space, and a
 * space and a Latin word follow it (`the Buddha 佛, the Dharma`), in a
 * line of Western text. The mark is the sentence's own. */
static int quoted_word(const char *t, size_t start, size_t end, size_t i,
                       int *western)
{
    if (i + 2 >= end || t[i + 1] != ' ' ||
        !is_latin_letter((unsigned char)t[i + 2]))
        return 0;
    size_t k = i;
    uint32_t cp;
    do
        cp = zh_cp_before(t, k, &k);
    while (k > start && zh_is_han(cp));
    if (zh_is_han(cp) || cp != ' ' || k <= start)
        return 0;
    /* Two words: a name in Chinese prose has its own (遊標 liahona 裏：
     * FETCH) */
    for (int word = 0; word < 2; word++) {
        size_t letters = 0, p;
        while (k > start && is_latin_letter(zh_cp_before(t, k, &p))) {
            k = p;
            letters++;
        }
        if (!letters)
            return 0;
        if (word == 0) {
            if (k <= start || zh_cp_before(t, k, &p) != ' ')
                return 0;
            k = p;
        }
    }
    return western_line(t, start, end, western);
}

/* 1 when the ASCII mark at i, after prev, is Western text's own: after
 * a Chinese word quoted in a Western sentence (quoted_word), or after
 * Latin text in a line of Western text (`CL:個|个[ge4]`, a dictionary's
 * notation for a measure word, where `shell,參數` in Chinese prose is a
 * folded mark). */
static int western_mark(const char *t, const zh_line *ln, size_t i,
                        uint32_t prev, uint32_t mark, int *western)
{
    if (zh_is_han(prev))
        return quoted_word(t, ln->start, ln->end, i, western);
    return mark != '(' && !zh_is_chinese(prev) &&
           western_line(t, ln->start, ln->end, western);
}

static zhfix_status scan_line(zh_scan *scan, const zh_line *ln, evidence_state *ev)
{
    const char *t = scan->text;
    /* A ')' already widened with its '('; none yet (not 0: a ')' can
     * stand at the block's first byte). */
    size_t close = (size_t)-1;
    /* The last '?' or '!' widened: to a '?' or '!' right after it, it is
     * the fullwidth mark it becomes (真的?! -> 真的？！); none yet. */
    size_t wide = (size_t)-1;
    size_t skip_to = 0;
    int han_line = -1; /* zh_line_has_han, after a shared mark */
    int western = -1;  /* western_line, once a mark asks */
    for (size_t i = next_candidate_byte(t, ln->start, ln->end); i < ln->end;
         i = next_candidate_byte(t, i + 1, ln->end)) {
        if (i < skip_to || !candidate_at(t, ln->start, i, ln->end))
            continue;
        size_t n;
        uint32_t cp = zh_cp_at(t, ln->end, i, &n);
        zhfix_status st = ZHFIX_OK;
        if (cp >= 0x3000) {
            size_t n2;
            uint32_t cp2 = zh_cp_at(t, ln->end, i + n, &n2);
            st = check_double(scan, ln, i, cp, n, cp2, n2, &skip_to, ev);
        } else if (i != close) {
            size_t ps;
            uint32_t prev = zh_cp_before(t, i, &ps);
            uint32_t before =
                ps > ln->start ? zh_cp_before(t, ps, NULL) : 0;
            uint32_t next = zh_cp_at(t, ln->end, i + 1, NULL);
            /* A ')' widened with its '(' is Chinese to what follows
             * (（默認爲66）(默認)). */
            if (prev == ')' && ps == close)
                prev = 0xFF09;
            else if (ps == wide && next != '?')
                prev = widen(prev); /* `?!?` is a run out of step's
                                       signature, left as it is */
            if (han_line < 0 && shared_mark(prev))
                han_line = zh_line_has_han(t, ln->start, ln->end);
            if (left_ok(prev, cp, next, before, han_line > 0) &&
                !(cp == ';' && ends_reference(t, ln->start, i)) &&
                !western_mark(t, ln, i, prev, cp, &western) &&
                !zh_in_code_or_url(t, ln->start, ln->end, i)) {
                if (cp == '(') {
                    size_t c = chinese_parens(t, i, ln->end);
                    if (c) {
                        st = emit_cp(scan, i, i + 1, 0xFF08, ev,
                                     "ASCII parenthesis in Chinese prose");
                        if (st == ZHFIX_OK)
                            st = emit_cp(scan, c, c + 1, 0xFF09, ev,
                                         "ASCII parenthesis in Chinese prose");
                        close = c;
                    }
                } else {
                    uint32_t next2 = zh_cp_at(t, ln->end, i + 2, NULL);
                    size_t syl, syllen;
                    /* A '?' before "(syllable)" is the mark of a byte an
                     * annotator's pinyin split off (下?(wén)澗?): the
                     * encoding rules read it, once the character before
                     * it is itself again (an HTML reference, decoded in
                     * this round). No question mark is annotated. */
                    int lost_mark = cp == '?' && next == '(' &&
                                    zh_pinyin_annotation(t, ln->end, i + 1,
                                                         &syl, &syllen);
                    if (lost_mark)
                        st = ZHFIX_OK;
                    else if (right_ok(cp, next, next2) ||
                        (next == ')' && i + 1 == close)) {
                        st = emit_cp(scan, i, i + 1, widen(cp), ev,
                                     "ASCII mark in Chinese prose");
                        if (cp == '?' || cp == '!')
                            wide = i;
                    }
                    else if (zh_is_chinese(prev) &&
                             notation_after_chinese(next, next2))
                        st = emit_or_defer(scan, ev, i, widen(cp));
                }
            }
        }
        if (st != ZHFIX_OK)
            return st;
    }
    return ZHFIX_OK;
}

static int line_has_candidate(const char *s, size_t start, size_t end)
{
    for (size_t i = next_candidate_byte(s, start, end); i < end;
         i = next_candidate_byte(s, i + 1, end))
        if (candidate_at(s, start, i, end))
            return 1;
    return 0;
}

static zhfix_status scan_halfwidth(zh_scan *scan)
{
    zh_lines it;
    zh_line ln;
    evidence_state ev;
    ev.block = -1;
    ev.block_strays = 0;
    ev.ndeferred = 0;
    zh_lines_init_hot(&it, scan, ZH_TRIG_HALFWIDTH);
    while (zh_lines_next(&it, &ln)) {
        if (!line_has_candidate(scan->text, ln.start, ln.end))
            continue;
        ev.line = -1;
        ev.line_start = ln.start;
        ev.line_end = ln.end;
        /* The row test first: it reads one line, the evidence the block. */
        if (!zh_line_is_prose(&it, &ln) &&
            (!zh_folded_row_is_prose(&ln, scan->text) ||
             !evidence(scan, &ev)))
            continue;
        zhfix_status st = scan_line(scan, &ln, &ev);
        if (st != ZHFIX_OK)
            return st;
    }
    return emit_deferred(scan, &ev);
}

const zh_rule zh_rule_halfwidth_punct = {
    {"halfwidth-punct", ZHFIX_CATEGORY_PUNCTUATION,
     "use fullwidth marks in Chinese prose (GB/T 15834) and collapse marks "
     "typed twice",
     1},
    scan_halfwidth,
    1, /* chinese_only */
};
