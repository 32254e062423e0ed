/*
 * protect.c - the spans of a document that no rule may change: URLs in any
 * text; suppressed lines (zhfix-ignore, zhfix-disable ... zhfix-enable); in
 * Markdown also front matter, fenced and indented code, inline code, HTML
 * tags, autolinks and link targets. Rules scan everything; the pipeline
 * drops every edit that touches a protected span, so no rule has to know
 * about document syntax.
 */
#include <string.h>

#include "protect.h"

void zh_doc_reset(zh_doc_state *st, zhfix_syntax syntax)
{
    memset(st, 0, sizeof *st);
    st->syntax = syntax;
    st->at_start = 1;
    st->prev_blank = 1;
}

static zhfix_status add_span(zh_spans *v, size_t start, size_t end)
{
    if (start >= end)
        return ZHFIX_OK;
    /* Spans arrive in order; merge touching ones. */
    if (v->n && start <= v->items[v->n - 1].end) {
        if (end > v->items[v->n - 1].end)
            v->items[v->n - 1].end = end;
        return ZHFIX_OK;
    }
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 32;
        zh_span *p = realloc(v->items, cap * sizeof *p);
        if (!p)
            return ZHFIX_NOMEM;
        v->items = p;
        v->cap = cap;
    }
    v->items[v->n].start = start;
    v->items[v->n].end = end;
    v->n++;
    return ZHFIX_OK;
}

static int contains(const char *s, size_t len, const char *word)
{
    size_t wl = strlen(word);
    const char *end = s + len;
    while ((size_t)(end - s) >= wl) {
        const char *p = memchr(s, word[0], (size_t)(end - s) - wl + 1);
        if (!p)
            return 0;
        if (!memcmp(p, word, wl))
            return 1;
        s = p + 1;
    }
    return 0;
}

static int is_url_char(unsigned char c)
{
    /* RFC 3986 characters; anything else (space, CJK, quotes, <>) ends a
     * URL in running text. */
    return c > 0x20 && c < 0x7F && c != '<' && c != '>' && c != '"' &&
           c != '`' && c != '{' && c != '}' && c != '|' && c != '\\' &&
           c != '^';
}

static int is_scheme_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

/* URLs (scheme://... and www....) in one line. */
/* Where the next URL may start at or after i: a scheme's "://" (pos of
 * the ':') or "www." (pos of the first w), whichever comes first; len
 * when none. memchr finds the ':' and '.' that both need. */
static size_t next_url_mark(const char *s, size_t len, size_t i, int *is_www)
{
    size_t best = len;
    for (size_t k = i; k + 3 < len;) {
        const char *c = memchr(s + k, ':', len - 3 - k);
        if (!c)
            break;
        k = (size_t)(c - s);
        if (s[k + 1] == '/' && s[k + 2] == '/') {
            best = k;
            *is_www = 0;
            break;
        }
        k++;
    }
    /* "www." ending before best: its '.' is at most best + 3. */
    for (size_t k = i + 3; k < len && k < best + 3 + 1;) {
        const char *d = memchr(s + k, '.', len - k);
        if (!d)
            break;
        k = (size_t)(d - s);
        size_t w = k - 3;
        if (w >= best || len - w <= 4)
            break;
        if ((s[w] == 'w' || s[w] == 'W') && (s[w + 1] | 0x20) == 'w' &&
            (s[w + 2] | 0x20) == 'w' &&
            (w == 0 || !is_scheme_char((unsigned char)s[w - 1]))) {
            best = w;
            *is_www = 1;
            break;
        }
        k++;
    }
    return best;
}

static zhfix_status protect_urls(zh_spans *v, const char *s, size_t len,
                                 size_t base)
{
    size_t i = 0;
    for (;;) {
        int is_www = 0;
        i = next_url_mark(s, len, i, &is_www);
        if (i >= len)
            return ZHFIX_OK;
        size_t start = i;
        if (!is_www) {
            while (start > 0 && is_scheme_char((unsigned char)s[start - 1]))
                start--;
            if (start == i) {
                i++;
                continue;
            }
        }
        size_t end = i;
        while (end < len && is_url_char((unsigned char)s[end]))
            end++;
        /* Trailing sentence punctuation is not part of the URL. */
        while (end > i && strchr(".,;:!?)'", s[end - 1]))
            end--;
        zhfix_status st = add_span(v, base + start, base + end);
        if (st != ZHFIX_OK)
            return st;
        i = end + 1; /* the byte loop moved on past end too */
    }
}

static size_t leading_spaces(const char *s, size_t len)
{
    size_t n = 0;
    while (n < len && s[n] == ' ')
        n++;
    return n;
}

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* A fence line: up to 3 spaces, then 3+ backticks or tildes. */
static size_t fence_length(const char *s, size_t len, char *ch)
{
    size_t i = leading_spaces(s, len);
    if (i > 3 || i >= len || (s[i] != '`' && s[i] != '~'))
        return 0;
    size_t n = 0;
    while (i + n < len && s[i + n] == s[i])
        n++;
    if (n < 3)
        return 0;
    *ch = s[i];
    return n;
}

/* Backtick runs of one line counted by length, so that a run with no
 * closing run of its length later in the line is known at once: searching
 * to the end of the line for each of them made a line of runs of many
 * different lengths quadratic (minutes for a few MB). */
#define TICK_LENGTHS 256

typedef struct tick_count {
    size_t len, left; /* runs of this length not yet passed */
} tick_count;

typedef struct ticks {
    tick_count t[TICK_LENGTHS]; /* sorted by len */
    size_t n;
} ticks;

static size_t tick_run(const char *s, size_t len, size_t i)
{
    size_t r = 0;
    while (i + r < len && s[i + r] == '`')
        r++;
    return r;
}

/* The entry for run length r; NULL when none (and *at = insert point). */
static tick_count *tick_find(ticks *k, size_t r, size_t *at)
{
    size_t lo = 0, hi = k->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->t[mid].len < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (at)
        *at = lo;
    return lo < k->n && k->t[lo].len == r ? &k->t[lo] : NULL;
}

/* Count the runs of the line; 0 if there are more distinct lengths than
 * TICK_LENGTHS (no Markdown anyone writes). */
static int tick_count_line(ticks *k, const char *s, size_t len)
{
    k->n = 0;
    for (size_t i = 0; i < len;) {
        const char *p = memchr(s + i, '`', len - i);
        if (!p)
            break;
        i = (size_t)(p - s);
        size_t r = tick_run(s, len, i), at;
        tick_count *e = tick_find(k, r, &at);
        if (!e) {
            if (k->n == TICK_LENGTHS)
                return 0;
            memmove(&k->t[at + 1], &k->t[at], (k->n - at) * sizeof k->t[0]);
            k->n++;
            e = &k->t[at];
            e->len = r;
            e->left = 0;
        }
        e->left++;
        i += r;
    }
    return 1;
}

/* 1 when s[i..i+3) is a zero-width space or a word joiner. */
static int zero_width_at(const char *s, size_t len, size_t i)
{
    const unsigned char *u = (const unsigned char *)s + i;
    return i + 3 <= len && u[0] == 0xE2 &&
           ((u[1] == 0x80 && u[2] == 0x8B) || (u[1] == 0x81 && u[2] == 0xA0));
}

/* Inline Markdown in one line: code spans, HTML tags, autolinks, link
 * targets, reference definitions, character references (`&nbsp;` is
 * Markdown the author wrote; only a double-escaped `&amp;nbsp;`, which
 * shows as "&nbsp;", is left to html-entity), and a zero-width space or
 * word joiner against an emphasis delimiter (`**重點**\u200b後文`: put
 * there so that the delimiter is read as closing next to Chinese). */
static zhfix_status protect_inline(zh_spans *v, const char *s, size_t len,
                                   size_t base)
{
    zhfix_status st = ZHFIX_OK;
    /* Where a search for '>' or ')' to the end of the line failed: later
     * searches would fail too (a line of "<a<a<a..." was quadratic). */
    size_t no_gt = len, no_paren = len;
    ticks k;
    k.n = 0;
    /* A line with backtick runs of hundreds of different lengths is not
     * prose: it is protected whole. */
    if (memchr(s, '`', len) && !tick_count_line(&k, s, len))
        return add_span(v, base, base + len);
    /* A reference definition: [label]: target */
    size_t sp = leading_spaces(s, len);
    if (sp <= 3 && sp < len && s[sp] == '[') {
        const char *close = memchr(s + sp, ']', len - sp);
        if (close && (size_t)(close - s) + 1 < len && close[1] == ':')
            return add_span(v, base + (size_t)(close - s) + 2, base + len);
    }
    for (size_t i = 0; i < len && st == ZHFIX_OK; i++) {
        char c = s[i];
        if (c == '`') {
            size_t run = tick_run(s, len, i);
            tick_count *e = tick_find(&k, run, NULL);
            if (e && e->left)
                e->left--;
            /* Find a closing run of the same length, if one is left. */
            size_t j = e && e->left ? i + run : len;
            while (j < len) {
                if (s[j] != '`') {
                    j++;
                    continue;
                }
                size_t r2 = tick_run(s, len, j);
                if (r2 == run)
                    break;
                j += r2;
            }
            if (j < len) {
                st = add_span(v, base + i, base + j + run);
                /* The runs inside the span and its closer are passed. */
                for (size_t p = i + run; p < j + run;) {
                    if (s[p] != '`') {
                        p++;
                        continue;
                    }
                    size_t r2 = tick_run(s, len, p);
                    tick_count *e2 = tick_find(&k, r2, NULL);
                    if (e2 && e2->left)
                        e2->left--;
                    p += r2;
                }
                i = j + run - 1;
            } else {
                /* None (runs skipped inside tags are still counted). */
                if (e)
                    e->left = 0;
                i += run - 1;
            }
        } else if (c == '<' && i + 1 < len &&
                   ((s[i + 1] >= 'a' && s[i + 1] <= 'z') ||
                    (s[i + 1] >= 'A' && s[i + 1] <= 'Z') || s[i + 1] == '/' ||
                    s[i + 1] == '!')) {
            const char *close = i < no_gt ? memchr(s + i, '>', len - i) : NULL;
            if (close) {
                st = add_span(v, base + i, base + (size_t)(close - s) + 1);
                i = (size_t)(close - s);
            } else if (i < no_gt) {
                no_gt = i;
            }
        } else if (c == '*' || c == '_' || c == '~') {
            size_t e = i;
            while (e < len && s[e] == c)
                e++;
            if (i >= 3 && zero_width_at(s, len, i - 3))
                st = add_span(v, base + i - 3, base + i);
            if (st == ZHFIX_OK && zero_width_at(s, len, e))
                st = add_span(v, base + e, base + e + 3);
            i = e - 1;
        } else if (c == '&') {
            uint32_t cp;
            size_t n = zh_html_reference(s, i, len, &cp);
            /* `&amp;nbsp;` (one reference, escaped again) is left to
             * html-entity; `&amp;` alone is the author's. */
            if (n && !(n > 5 && !memcmp(s + i, "&amp;", 5)))
                st = add_span(v, base + i, base + i + n);
            if (n)
                i += n - 1;
        } else if (c == ']' && i + 1 < len && s[i + 1] == '(') {
            const char *close =
                i < no_paren ? memchr(s + i, ')', len - i) : NULL;
            if (close) {
                st = add_span(v, base + i + 2, base + (size_t)(close - s));
                i = (size_t)(close - s);
            } else if (i < no_paren) {
                no_paren = i;
            }
        }
    }
    return st;
}

/* The end of the line that starts at pos, past its line ending: a line
 * feed, a carriage return and a line feed, or a carriage return alone
 * (CommonMark counts all three, and so does mixed-line-endings, whose
 * repair of a lone CR must not move a fence or a suppression comment). */
static size_t line_end(const char *text, size_t pos, size_t len)
{
    const char *nl = memchr(text + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - text) : len;
    const char *cr = memchr(text + pos, '\r', end - pos);
    if (cr && (size_t)(cr - text) + 1 < end)
        return (size_t)(cr - text) + 1;
    return nl ? end + 1 : len;
}

int zh_protect_skip(zh_doc_state *st, const char *text, size_t len)
{
    /* Markdown's state (fences, front matter, indented code) needs every
     * line; so does a suppression comment. */
    if (st->syntax == ZHFIX_SYNTAX_MARKDOWN || contains(text, len, "zhfix-"))
        return 0;
    if (len == 0)
        return 1;
    /* What zh_protect_scan leaves: past the start, and whether the last
     * line (from after the last line ending before the final byte) is
     * blank. */
    size_t last = len - 1;
    while (last > 0 && text[last - 1] != '\n' &&
           !(text[last - 1] == '\r' && text[last] != '\n'))
        last--;
    st->at_start = 0;
    st->prev_blank = is_blank(text + last, len - last);
    return 1;
}

zhfix_status zh_protect_scan(zh_doc_state *st, const char *text, size_t len,
                             zh_spans *out)
{
    out->n = 0;
    int md = st->syntax == ZHFIX_SYNTAX_MARKDOWN;
    size_t pos = 0;
    zhfix_status rc = ZHFIX_OK;
    while (pos < len && rc == ZHFIX_OK) {
        size_t end = line_end(text, pos, len);
        const char *line = text + pos;
        size_t ll = end - pos;
        int whole = 0;
        int at_start = st->at_start;
        st->at_start = 0;
        /* Suppression comments, in any syntax. A quick test first: most
         * lines have no 'z' followed by "hfix-". */
        if (memchr(line, 'z', ll) && contains(line, ll, "zhfix-")) {
            if (st->disabled) {
                whole = 1;
                if (contains(line, ll, "zhfix-enable"))
                    st->disabled = 0;
            } else if (contains(line, ll, "zhfix-disable")) {
                st->disabled = 1;
                whole = 1;
            } else if (contains(line, ll, "zhfix-ignore")) {
                whole = 1;
            }
        } else if (st->disabled) {
            whole = 1;
        }
        if (md && !whole) {
            char ch = 0;
            size_t fl;
            if (st->in_front_matter) {
                whole = 1;
                if ((ll >= 3 && (!memcmp(line, "---", 3) ||
                                 !memcmp(line, "...", 3))) &&
                    is_blank(line + 3, ll - 3))
                    st->in_front_matter = 0;
            } else if (at_start && ll >= 3 && !memcmp(line, "---", 3) &&
                       is_blank(line + 3, ll - 3)) {
                st->in_front_matter = 1;
                whole = 1;
            } else if (st->fence_len) {
                whole = 1;
                if ((fl = fence_length(line, ll, &ch)) >= st->fence_len &&
                    ch == st->fence_char) {
                    size_t after = leading_spaces(line, ll) + fl;
                    if (is_blank(line + after, ll - after))
                        st->fence_len = 0;
                }
            } else if ((fl = fence_length(line, ll, &ch)) > 0) {
                st->fence_len = fl;
                st->fence_char = ch;
                whole = 1;
            } else if (!is_blank(line, ll) &&
                       (leading_spaces(line, ll) >= 4 || line[0] == '\t') &&
                       (st->prev_blank || st->in_indented_code)) {
                whole = 1;
                st->in_indented_code = 1;
            } else if (!is_blank(line, ll)) {
                st->in_indented_code = 0;
            }
        }
        st->prev_blank = is_blank(line, ll);
        if (whole) {
            rc = add_span(out, pos, end);
        } else {
            if (md)
                rc = protect_inline(out, line, ll, pos);
            if (rc == ZHFIX_OK)
                rc = protect_urls(out, line, ll, pos);
        }
        pos = end;
    }
    /* Inline spans and URLs of one line may overlap or come out of order:
     * sort and merge. */
    for (size_t i = 1; i < out->n; i++) {
        zh_span key = out->items[i];
        size_t j = i;
        while (j > 0 && out->items[j - 1].start > key.start) {
            out->items[j] = out->items[j - 1];
            j--;
        }
        out->items[j] = key;
    }
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (k && out->items[i].start <= out->items[k - 1].end) {
            if (out->items[i].end > out->items[k - 1].end)
                out->items[k - 1].end = out->items[i].end;
        } else {
            out->items[k++] = out->items[i];
        }
    }
    out->n = k;
    return rc;
}

int zh_protected(const zh_spans *v, size_t start, size_t end)
{
    /* Binary search for the first span ending after start. */
    size_t lo = 0, hi = v->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v->items[mid].end <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == v->n)
        return 0;
    const zh_span *s = &v->items[lo];
    /* An empty edit (an insertion) is protected strictly inside a span. */
    if (start == end)
        return start > s->start && start < s->end;
    return s->start < end;
}
