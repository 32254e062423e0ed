/*
 * rule_html_entity.c - HTML character references left in plain text by a
 * scraper that copied the page source: `&nbsp;`, `&ldquo;`, `&#20013;`,
 * and the double-escaped `&amp;nbsp;` of a page that escaped them twice.
 *
 * Decoded only where the text is plainly not markup and the reference
 * touches Chinese: the block is no HTML source (no line begins with a
 * tag), the line quotes no tag, the line is prose (not code, prose.h),
 * the reference is not in inline code or a URL, not quoted as an example
 * (`&nbsp;` between quotes), and a Chinese character stands right before
 * or after the run of references or the run spells a Han character
 * itself. Unknown names stay.
 */
#include <string.h>

#include "internal.h"
#include "prose.h"

typedef struct entity {
    const char *name;
    uint32_t cp;
} entity;

/* Named references a scraper leaves in Chinese text (HTML 4 subset). */
static const entity entities[] = {
    {"amp", '&'},       {"apos", '\''},      {"bull", 0x2022},
    {"copy", 0xA9},     {"deg", 0xB0},       {"divide", 0xF7},
    {"emsp", 0x2003},   {"ensp", 0x2002},    {"gt", '>'},
    {"hellip", 0x2026}, {"laquo", 0xAB},     {"ldquo", 0x201C},
    {"lsquo", 0x2018},  {"lt", '<'},         {"mdash", 0x2014},
    {"middot", 0xB7},   {"nbsp", 0xA0},      {"ndash", 0x2013},
    {"plusmn", 0xB1},   {"quot", '"'},       {"raquo", 0xBB},
    {"rdquo", 0x201D},  {"reg", 0xAE},       {"rsquo", 0x2019},
    {"sect", 0xA7},     {"thinsp", 0x2009},  {"times", 0xD7},
    {"trade", 0x2122},  {"yen", 0xA5},
};

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int hexval(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t zh_html_reference(const char *t, size_t i, size_t end, uint32_t *cp)
{
    size_t j = i + 1;
    size_t amps = 0;
    while (end - j > 4 && memcmp(t + j, "amp;", 4) == 0 &&
           (is_alpha(t[j + 4]) || t[j + 4] == '#')) {
        j += 4;
        amps++;
    }
    if (amps > 2)
        return 0;
    if (j < end && t[j] == '#') {
        j++;
        int hex = j < end && (t[j] == 'x' || t[j] == 'X');
        j += (size_t)hex;
        uint32_t v = 0;
        size_t digits = 0;
        while (j < end && digits < 8) {
            int d = hex ? hexval(t[j]) : (is_digit(t[j]) ? t[j] - '0' : -1);
            if (d < 0)
                break;
            v = v * (hex ? 16u : 10u) + (uint32_t)d;
            digits++;
            j++;
        }
        if (!digits || j >= end || t[j] != ';' || v > 0x10FFFF ||
            v < 0x20 || (v >= 0x7F && v <= 0x9F) ||
            (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return j + 1 - i;
    }
    size_t s = j;
    while (j < end && j - s <= 8 && is_alpha(t[j]))
        j++;
    if (j == s || j >= end || t[j] != ';')
        return 0;
    for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++) {
        size_t n = strlen(entities[k].name);
        if (n == j - s && memcmp(t + s, entities[k].name, n) == 0) {
            *cp = entities[k].cp;
            return j + 1 - i;
        }
    }
    return 0;
}

/* Elements of HTML pages; a placeholder in a manual (<file> <Tab>
 * <newline> <configuration name>) is not one. */
static const char *const tags[] = {
    "a", "abbr", "article", "b", "blockquote", "body", "br", "center",
    "code", "dd", "div", "dl", "dt", "em", "font", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i",
    "iframe", "img", "input", "li", "link", "meta", "nav", "ol", "p", "pre",
    "script", "section", "small", "span", "strong", "style", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "title", "tr", "u", "ul",
};

static int is_tag_name(const char *s, size_t n)
{
    char low[12];
    if (n == 0 || n >= sizeof low)
        return 0;
    for (size_t k = 0; k < n; k++)
        low[k] = (char)(s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]);
    for (size_t k = 0; k < sizeof tags / sizeof tags[0]; k++)
        if (strlen(tags[k]) == n && memcmp(tags[k], low, n) == 0)
            return 1;
    return 0;
}

/* Markup: an HTML element's tag such as <p>, <br/>, </div>, <a href=,
 * or <!DOCTYPE, <!-- and <?xml. Returns 0 when t has none, 2 when one
 * begins a line (after indentation: HTML source), 1 when all stand inside
 * lines (prose that quotes markup: `轉換爲 HTML 後是 </A>`). */
static int looks_like_markup(const char *t, size_t len)
{
    int found = 0;
    for (const char *p = t; (p = memchr(p, '<', len - (size_t)(p - t)));
         p++) {
        size_t left = len - (size_t)(p - t);
        size_t k = left > 1 && p[1] == '/' ? 2 : 1;
        size_t s = k;
        int tag = left > 2 && (p[1] == '!' || p[1] == '?') &&
                  (is_alpha(p[2]) || p[2] == '-');
        if (!tag) {
            while (k < left && k < 14 && (is_alpha(p[k]) || is_digit(p[k])))
                k++;
            tag = k < left && (p[k] == '>' || p[k] == ' ' || p[k] == '/') &&
                  is_tag_name(p + s, k - s);
        }
        if (!tag)
            continue;
        const char *b = p;
        while (b > t && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (b == t || b[-1] == '\n')
            return 2;
        found = 1;
    }
    return found;
}

static int is_quote(uint32_t cp)
{
    return cp == '"' || cp == '\'' || cp == '`' || cp == 0x201C ||
           cp == 0x201D || cp == 0x2018 || cp == 0x2019 || cp == 0x300C ||
           cp == 0x300D;
}

/* The pair of curly quotation marks cp is one of, and 1; 0 when it is
 * none. */
static int quote_pair(uint32_t cp, uint32_t *open, uint32_t *close)
{
    if (cp == 0x201C || cp == 0x201D) {
        *open = 0x201C;
        *close = 0x201D;
    } else if (cp == 0x2018 || cp == 0x2019) {
        *open = 0x2018;
        *close = 0x2019;
    } else {
        return 0;
    }
    return 1;
}

/* 1 when the quote reference cp at [i, e) pairs with a curly quote
 * written out on the same line: it closes one the line opened (“-&rdquo;)
 * or opens one the line closes (&ldquo;cat”), with no other quote of the
 * pair between. The pair is the evidence whatever stands inside it. */
static int pairs_with_quote(const char *t, size_t start, size_t end, size_t i,
                            size_t e, uint32_t cp)
{
    uint32_t open, close;
    if (!quote_pair(cp, &open, &close))
        return 0;
    if (cp == close) {
        for (size_t k = i; k > start;) {
            size_t s0;
            uint32_t c = zh_cp_before(t, k, &s0);
            if (c == open)
                return 1;
            if (c == close || c == '&' || s0 >= k)
                return 0;
            k = s0;
        }
        return 0;
    }
    for (size_t k = e; k < end;) {
        size_t n;
        uint32_t c = zh_cp_at(t, end, k, &n);
        if (c == close)
            return 1;
        if (c == open || c == '&' || !n)
            return 0;
        k += n;
    }
    return 0;
}

/* 1 when the quote reference cp at [i, e) pairs with another reference
 * on the same line, in a line with Chinese: &ldquo;--lib&rdquo; between
 * spaces, where the quotation is Latin and nothing Chinese touches
 * either. A page's quotation marks both left as references are the
 * evidence; a lone one mentioned (用 &ldquo; 表示) pairs with none. */
static int pairs_with_reference(const char *t, size_t start, size_t end,
                                size_t i, size_t e, uint32_t cp)
{
    uint32_t open, close;
    if (!quote_pair(cp, &open, &close))
        return 0;
    int han = 0;
    for (size_t k = start; k < end && !han;) {
        size_t n;
        han = zh_is_han(zh_cp_at(t, end, k, &n));
        k += n ? n : 1;
    }
    if (!han)
        return 0;
    /* The references of the line in order: the nearest one of the pair
     * before or after this one must be its partner, and the two must
     * hug what they quote (用 &ldquo; 和 &rdquo; 表示 mentions both). */
    size_t lo = cp == close ? start : e, hi = cp == close ? i : end;
    size_t partner_end = 0; /* the end of the open one before, + 1 */
    for (size_t k = lo; k < hi;) {
        const char *a = memchr(t + k, '&', hi - k);
        if (!a)
            break;
        k = (size_t)(a - t);
        uint32_t c;
        size_t n = zh_html_reference(t, k, end, &c);
        if (!n || k + n > hi) {
            k++;
            continue;
        }
        if (cp == open && (c == open || c == close))
            return c == close && k > e && t[e] != ' ' && t[k - 1] != ' ';
        if (c == open)
            partner_end = k + n + 1; /* the last one before decides */
        else if (c == close)
            partner_end = 0;
        k += n;
    }
    return partner_end && partner_end - 1 < i && t[partner_end - 1] != ' ' &&
           t[i - 1] != ' ';
}

/* 1 when the text [start, end) writes an escaped tag or pair of angle
 * brackets: "&lt;" before something other than a space, and "&gt;" after
 * it (&lt;b&gt;确定&lt;/b&gt; in a translation's markup, &lt;a@b.edu&gt;,
 * „&lt;&gt;“). Such text escapes its brackets on purpose (a catalogue's
 * Pango markup, XML), and decoding them would make markup of it: its &lt;
 * and &gt; stay. */
static int escapes_brackets(const char *t, size_t start, size_t end)
{
    const char *lt = t + start;
    while ((lt = memchr(lt, '&', (size_t)(t + end - lt))) != NULL) {
        size_t at = (size_t)(lt - t);
        if (end - at > 4 && memcmp(lt, "&lt;", 4) == 0 && lt[4] != ' ') {
            for (size_t k = at + 4; k + 4 <= end; k++)
                if (memcmp(t + k, "&gt;", 4) == 0)
                    return 1;
            return 0;
        }
        lt++;
    }
    return 0;
}

/* The start of the line before the one at start, and the end of the line
 * after the one ending at end (next is where it begins): a hard-wrapped
 * paragraph breaks anywhere, between &lt;all72@yfn.ysu. and edu&gt; too,
 * so a pair of escaped brackets is sought in the lines beside as well. */
static size_t line_before(const char *t, size_t start)
{
    if (start == 0)
        return 0;
    size_t a = start - 1;
    while (a > 0 && t[a - 1] != '\n')
        a--;
    return a;
}

static size_t line_after_end(const char *t, size_t len, size_t next,
                             size_t end)
{
    if (next >= len)
        return end;
    const char *nl = memchr(t + next, '\n', len - next);
    return nl ? (size_t)(nl - t) : len;
}

static zhfix_status scan_line(zh_scan *scan, const zh_line *ln)
{
    const char *t = scan->text;
    size_t i = ln->start;
    int brackets = -1; /* escapes_brackets, when a '<' or '>' is met */
    while (i < ln->end) {
        const char *a = memchr(t + i, '&', ln->end - i);
        if (!a)
            break;
        i = (size_t)(a - t);
        /* The run of references starting here. */
        size_t run_end = i, count = 0;
        uint32_t cps[64];
        size_t starts[64], lens[64];
        while (run_end < ln->end && t[run_end] == '&' && count < 64) {
            uint32_t cp;
            size_t n = zh_html_reference(t, run_end, ln->end, &cp);
            if (!n)
                break;
            cps[count] = cp;
            starts[count] = run_end;
            lens[count] = n;
            count++;
            run_end += n;
        }
        if (!count) {
            i++;
            continue;
        }
        uint32_t before = zh_cp_before(t, i, NULL);
        uint32_t after = zh_cp_at(t, ln->end, run_end, NULL);
        if (i == ln->start)
            before = 0;
        /* A run that spells a Han character is Chinese itself
         * (=&#x53c3;(cān)考, &#30001;&nbsp;Paul Eggert). */
        int spelled = 0;
        for (size_t k = 0; k < count; k++)
            spelled |= zh_is_han(cps[k]) != 0;
        int chinese =
            zh_is_chinese(before) || zh_is_chinese(after) || spelled ||
            (count == 1 &&
             (pairs_with_quote(t, ln->start, ln->end, i, run_end, cps[0]) ||
              pairs_with_reference(t, ln->start, ln->end, i, run_end, cps[0])));
        int quoted = is_quote(before) && is_quote(after);
        if (chinese && !quoted &&
            !zh_in_code_or_url(t, ln->start, ln->end, i)) {
            for (size_t k = 0; k < count; k++) {
                if (cps[k] == '<' || cps[k] == '>') {
                    if (brackets < 0)
                        brackets = escapes_brackets(
                            t, line_before(t, ln->start),
                            line_after_end(t, scan->len, ln->next, ln->end));
                    if (brackets)
                        continue;
                }
                char buf[4];
                size_t n = zh_utf8_encode(cps[k], buf);
                zhfix_status st = zh_emit(
                    scan, starts[k], starts[k] + lens[k], buf, n, 1,
                    "HTML character reference in plain text", NULL);
                if (st != ZHFIX_OK)
                    return st;
            }
        }
        i = run_end;
    }
    return ZHFIX_OK;
}

static zhfix_status scan_entities(zh_scan *scan)
{
    if (!memchr(scan->text, '&', scan->len))
        return ZHFIX_OK;
    /* HTML source keeps its references; prose that quotes a tag here and
     * there keeps them only on the lines that quote one. */
    int markup = looks_like_markup(scan->text, scan->len);
    if (markup == 2)
        return ZHFIX_OK;
    zh_lines it;
    zh_line ln;
    zh_lines_init_hot(&it, scan, ZH_TRIG_AMPERSAND);
    while (zh_lines_next(&it, &ln)) {
        if (!memchr(scan->text + ln.start, '&', ln.end - ln.start) ||
            (markup && looks_like_markup(scan->text + ln.start,
                                         ln.end - ln.start)) ||
            !zh_line_is_prose(&it, &ln))
            continue;
        zhfix_status st = scan_line(scan, &ln);
        if (st != ZHFIX_OK)
            return st;
    }
    return ZHFIX_OK;
}

const zh_rule zh_rule_html_entity = {
    {"html-entity", ZHFIX_CATEGORY_ARTIFACT,
     "decode HTML character references (&nbsp; &ldquo; &#20013; &amp;nbsp;) "
     "left in plain Chinese text",
     1},
    scan_entities,
    0, /* chinese_only */
};
