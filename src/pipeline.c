/*
 * pipeline.c - run the selected rules over text, block by block.
 *
 * Each selected rule, in registry order, scans the text left by the rules
 * before it; its fixable edits are applied before the next rule runs. This
 * is the same for check and fix, so check reports exactly what fix would do.
 * Offsets of findings are mapped back through the earlier passes to the
 * caller's input.
 */
#include <stdlib.h>
#include <string.h>

#include "newlines.h"
#include "handle.h"
#include "plaus.h"
#include "prose.h"

zhfix_status zh_emit(zh_scan *scan, size_t start, size_t end,
                     const char *replacement, size_t replacement_len,
                     int fixable, const char *message, const char *detail)
{
    if (start > end || end > scan->len)
        return ZHFIX_INVALID_ARGUMENT;
    if (scan->nedits == scan->capedits) {
        size_t cap = scan->capedits ? scan->capedits * 2 : 16;
        zh_edit *e = realloc(scan->edits, cap * sizeof *e);
        if (!e)
            return ZHFIX_NOMEM;
        scan->edits = e;
        scan->capedits = cap;
    }
    zh_edit *e = &scan->edits[scan->nedits];
    e->start = start;
    e->end = end;
    e->replacement = NULL;
    e->replacement_len = 0;
    if (replacement) {
        e->replacement =
            zh_arena_strndup(scan->arena, replacement, replacement_len);
        if (!e->replacement)
            return ZHFIX_NOMEM;
        e->replacement_len = replacement_len;
    }
    e->fixable = fixable && replacement != NULL;
    e->message = message;
    e->detail = detail;
    e->rule = scan->rule;
    scan->nedits++;
    return ZHFIX_OK;
}

struct zh_plaus_memo *zh_scan_plaus_memo(zh_scan *scan)
{
    zhfix *h = scan->handle;
    if (h && !h->plaus_memo)
        h->plaus_memo = calloc(1, sizeof *h->plaus_memo);
    return h ? h->plaus_memo : NULL;
}

/* ---- Lines with triggers --------------------------------------------- */

uint32_t zh_hot_next(zh_scan *scan, uint32_t triggers, size_t *cursor,
                     size_t *start, size_t *end)
{
    if (scan->hot_state == 0)
        scan->hot_state =
            zh_hot_lines_scan(scan->hot, scan->text, scan->len) ? 1 : -1;
    if (scan->hot_state < 0) {
        /* Every line: the cursor is a byte offset. Without memory for the
         * line table the answer is the same, only slower. */
        size_t pos = *cursor;
        if (pos >= scan->len)
            return 0;
        const char *nl = memchr(scan->text + pos, '\n', scan->len - pos);
        *start = pos;
        *end = nl ? (size_t)(nl - scan->text) : scan->len;
        *cursor = nl ? *end + 1 : scan->len;
        return ~(uint32_t)0;
    }
    const zh_hot_lines *hl = scan->hot;
    for (size_t k = *cursor; k < hl->n; k++) {
        const zh_hot_line *l = &hl->lines[k];
        if (!(l->mask & triggers))
            continue;
        *cursor = k + 1;
        *start = l->start;
        *end = l->next > l->start && scan->text[l->next - 1] == '\n'
                   ? l->next - 1
                   : l->next;
        return l->mask;
    }
    *cursor = hl->n;
    return 0;
}

int zh_hot_next_pos(zh_scan *scan, uint32_t triggers, zh_hot_walk *walk,
                    size_t *i)
{
    while (*i >= walk->end) {
        size_t start, end;
        if (!zh_hot_next(scan, triggers, &walk->cursor, &start, &end))
            return 0;
        walk->end = end;
        if (*i < start)
            *i = start;
    }
    return 1;
}

void zh_set_prefilter(zhfix *h, int on)
{
    if (h)
        h->no_prefilter = !on;
}

/* ---- Blocks ------------------------------------------------------------ */

/* A line longer than this is cut at a character boundary so that memory
 * stays bounded; the cut is deterministic, so whole and streamed input are
 * processed identically. */
#define ZH_LINE_MAX ((size_t)16 << 20)

/* Rounds of all rules over a block at most (see run_block). */
#define ZH_MAX_ROUNDS 4

/* The last character boundary at or before limit in src, reading only
 * src[0, limit): the start of the character that limit cuts, or limit when
 * it cuts none. (Reading src[limit] would pass the end of input exactly
 * limit bytes long.) */
static size_t char_boundary_before(const char *src, size_t limit)
{
    size_t p = limit - 1;
    while (p > 0 && limit - p < 4 && ((unsigned char)src[p] & 0xC0) == 0x80)
        p--;
    if (p > 0 && p + zh_utf8_seqlen((unsigned char)src[p]) > limit)
        return p;
    return limit;
}

size_t zhfix_block_length(const char *src, size_t srclen, int final)
{
    if (srclen < ZHFIX_BLOCK_SIZE)
        return final ? srclen : 0;
    size_t limit = srclen < ZH_LINE_MAX ? srclen : ZH_LINE_MAX;
    const char *nl = memchr(src + ZHFIX_BLOCK_SIZE - 1, '\n',
                            limit - (ZHFIX_BLOCK_SIZE - 1));
    if (nl)
        return (size_t)(nl - src) + 1;
    if (srclen < ZH_LINE_MAX)
        return final ? srclen : 0;
    /* An overlong line: prefer to cut after a space, else at a character
     * boundary, searching back from the limit. */
    for (size_t i = ZH_LINE_MAX; i > ZH_LINE_MAX - 4096; i--)
        if (src[i - 1] == ' ' || src[i - 1] == '\t')
            return i;
    return char_boundary_before(src, ZH_LINE_MAX);
}

/* ---- Passes ------------------------------------------------------------ */

static int edit_cmp(const void *a, const void *b)
{
    const zh_edit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* Map a position in the output of pass p back into its input. */
static size_t map_through(const zh_pass *p, size_t pos, int is_end)
{
    /* Edits whose replacement ends before pos only shift it: skip them by
     * binary search (their ends in the output grow with their order), so
     * that mapping every finding of a block with many repairs stays
     * O(log n) each. */
    size_t lo = 0, hi = p->nedits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const zh_applied *a = &p->edits[mid];
        long long ne = (long long)a->start + a->shift +
                       (long long)a->replacement_len;
        if (ne < (long long)pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    long long delta = lo < p->nedits ? p->edits[lo].shift
                      : p->nedits    ? p->edits[lo - 1].shift +
                                        (long long)p->edits[lo - 1].replacement_len -
                                        (long long)(p->edits[lo - 1].end -
                                                    p->edits[lo - 1].start)
                                     : 0;
    for (size_t i = lo; i < p->nedits; i++) {
        const zh_applied *a = &p->edits[i];
        long long ns = (long long)a->start + delta;
        long long ne = ns + (long long)a->replacement_len;
        if ((long long)pos < ns || ((long long)pos == ns && !is_end))
            break;
        if ((long long)pos < ne || ((long long)pos == ne && is_end))
            return is_end ? a->end : a->start;
        delta += (long long)a->replacement_len - (long long)(a->end - a->start);
    }
    return (size_t)((long long)pos - delta);
}

static size_t map_back(const zhfix *h, size_t npasses, size_t pos, int is_end)
{
    for (size_t p = npasses; p-- > 0;)
        pos = map_through(&h->passes[p], pos, is_end);
    return pos;
}

/* 1 when the byte at pos of the output of pass p lies in one of its
 * replacements, and then *pos becomes that edit's start in the input;
 * else *pos becomes its place in the input. */
static int in_replacement(const zh_pass *p, size_t *pos)
{
    size_t lo = 0, hi = p->nedits;
    while (lo < hi) { /* the first edit whose replacement ends after pos */
        size_t mid = lo + (hi - lo) / 2;
        const zh_applied *a = &p->edits[mid];
        if ((long long)a->start + a->shift + (long long)a->replacement_len <=
            (long long)*pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < p->nedits &&
        (long long)p->edits[lo].start + p->edits[lo].shift <= (long long)*pos) {
        *pos = p->edits[lo].start;
        return 1;
    }
    const zh_applied *b = lo ? &p->edits[lo - 1] : NULL;
    long long delta = lo < p->nedits ? p->edits[lo].shift
                      : b ? b->shift + (long long)b->replacement_len -
                                (long long)(b->end - b->start)
                          : 0;
    *pos = (size_t)((long long)*pos - delta);
    return 0;
}

int zh_scan_restored(const zh_scan *scan, size_t pos)
{
    const zhfix *h = scan->handle;
    for (size_t p = scan->passes; p-- > 0;)
        if (in_replacement(&h->passes[p], &pos))
            return h->passes[p].rule->info.category ==
                   ZHFIX_CATEGORY_ENCODING;
    return 0;
}

static zhfix_status add_finding(zhfix *h, const zh_edit *e, const char *text,
                                size_t offset, size_t length)
{
    if (h->nfindings == h->capfindings) {
        size_t cap = h->capfindings ? h->capfindings * 2 : 32;
        zhfix_finding *f = realloc(h->findings, cap * sizeof *f);
        if (!f)
            return ZHFIX_NOMEM;
        h->findings = f;
        h->capfindings = cap;
    }
    zhfix_finding *f = &h->findings[h->nfindings];
    memset(f, 0, sizeof *f);
    f->offset = offset;
    f->length = length;
    f->rule = e->rule->info.id;
    f->category = e->rule->info.category;
    f->message = e->message;
    f->text = zh_arena_strndup(&h->arena, text + e->start, e->end - e->start);
    f->replacement = e->replacement;
    f->detail = e->detail;
    f->applied = e->fixable;
    if (!f->text)
        return ZHFIX_NOMEM;
    h->nfindings++;
    return ZHFIX_OK;
}

static zhfix_status record_pass(zh_pass *p, const zh_edit *edits, size_t n)
{
    p->nedits = 0;
    long long shift = 0;
    for (size_t i = 0; i < n; i++) {
        if (!edits[i].fixable)
            continue;
        if (p->nedits == p->capedits) {
            size_t cap = p->capedits ? p->capedits * 2 : 16;
            zh_applied *a = realloc(p->edits, cap * sizeof *a);
            if (!a)
                return ZHFIX_NOMEM;
            p->edits = a;
            p->capedits = cap;
        }
        zh_applied *a = &p->edits[p->nedits++];
        a->start = edits[i].start;
        a->end = edits[i].end;
        a->replacement_len = edits[i].replacement_len;
        a->shift = shift;
        shift += (long long)a->replacement_len - (long long)(a->end - a->start);
    }
    return ZHFIX_OK;
}

/* End of the run of findings sorted by offset that starts at lo. */
static size_t sorted_run_end(const zhfix_finding *f, size_t lo, size_t n)
{
    size_t i = lo + 1;
    while (i < n && f[i].offset >= f[i - 1].offset)
        i++;
    return i;
}

/* Sort the findings by offset, keeping the order of equal offsets. Each
 * rule pass adds its findings in order, so the array is a few sorted runs:
 * neighbouring runs are merged until one is left, from f to tmp and back,
 * O(n log runs). Returns where the sorted findings are, f or tmp. */
static zhfix_finding *stable_sort_findings(zhfix_finding *f, size_t n,
                                           zhfix_finding *tmp)
{
    zhfix_finding *src = f, *dst = tmp;
    while (sorted_run_end(src, 0, n) < n) {
        for (size_t lo = 0; lo < n;) {
            size_t mid = sorted_run_end(src, lo, n);
            size_t hi = mid < n ? sorted_run_end(src, mid, n) : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = src[j].offset < src[i].offset ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
            lo = hi;
        }
        zhfix_finding *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* Start of the line holding offset pos of t, and the start of the line
 * after the one holding pos (after its '\n'; len for the last). */
static size_t line_start_at(const char *t, size_t pos)
{
    while (pos > 0 && t[pos - 1] != '\n')
        pos--;
    return pos;
}

static size_t line_next_at(const char *t, size_t len, size_t pos)
{
    const char *nl = pos < len ? memchr(t + pos, '\n', len - pos) : NULL;
    return nl ? (size_t)(nl - t) + 1 : len;
}

/* Bring hl, the hot lines of the text a pass read, up to date with the
 * text t[0, len) it wrote: the lines its edits touched are read again and
 * the others keep their triggers, moved by what the edits before them
 * added or removed. A pass touches few lines of a block, and reading the
 * whole block again after each was most of the pass's own cost on text
 * with many small repairs. spare is scratch. Returns 0 on allocation
 * failure. */
static int update_hot_lines(zh_hot_lines *hl, zh_hot_lines *spare,
                            const zh_pass *p, const char *t, size_t len)
{
    spare->n = 0;
    size_t k = 0;        /* the next line of hl */
    long long shift = 0; /* new offset minus old, after the edits so far */
    for (size_t i = 0; i < p->nedits;) {
        const zh_applied *a = &p->edits[i];
        size_t start = (size_t)((long long)a->start + a->shift);
        size_t from = line_start_at(t, start);
        size_t to = line_next_at(t, len, start + a->replacement_len);
        long long before = a->shift;
        /* Edits on the lines already taken join the region. Only one
         * that reaches the region's last '\n' moves its end: looking for
         * the line end after every edit made a long line with many edits
         * quadratic. */
        size_t j = i + 1;
        for (; j < p->nedits; j++) {
            const zh_applied *b = &p->edits[j];
            size_t bs = (size_t)((long long)b->start + b->shift);
            if (bs >= to)
                break;
            if (bs + b->replacement_len >= to)
                to = line_next_at(t, len, bs + b->replacement_len);
        }
        const zh_applied *last = &p->edits[j - 1];
        shift = last->shift + (long long)last->replacement_len -
                (long long)(last->end - last->start);
        size_t old_from = (size_t)((long long)from - before);
        size_t old_to = (size_t)((long long)to - shift);
        for (; k < hl->n && hl->lines[k].start < old_from; k++) {
            const zh_hot_line *l = &hl->lines[k];
            if (!zh_hot_lines_add(spare, (size_t)((long long)l->start + before),
                                  (size_t)((long long)l->next + before),
                                  l->mask))
                return 0;
        }
        while (k < hl->n && hl->lines[k].start < old_to)
            k++;
        if (!zh_hot_lines_scan_more(spare, t, from, to))
            return 0;
        i = j;
    }
    for (; k < hl->n; k++) {
        const zh_hot_line *l = &hl->lines[k];
        if (!zh_hot_lines_add(spare, (size_t)((long long)l->start + shift),
                              (size_t)((long long)l->next + shift), l->mask))
            return 0;
    }
    zh_hot_lines tmp = *hl;
    *hl = *spare;
    *spare = tmp;
    return 1;
}

/* Fill in line and column of the findings [first, nfindings) whose offsets
 * are relative to block; lines start at *line. */
static zhfix_status locate(zhfix *h, size_t first, const char *block,
                           size_t blocklen, size_t base_offset, size_t line)
{
    size_t n = h->nfindings - first;
    /* findings is NULL until the first finding: NULL + 0 is undefined. */
    zhfix_finding *f = n ? h->findings + first : NULL;
    if (n > 1 && sorted_run_end(f, 0, n) < n) {
        /* The merge buffer is kept: a block with many repairs has many
         * findings, and a fresh buffer's pages cost more than the merge. */
        if (h->capsorting < n) {
            zhfix_finding *tmp = realloc(h->sorting, n * sizeof *tmp);
            if (!tmp)
                return zh_set_error(h, ZHFIX_NOMEM, "%s",
                                    zhfix_strerror(ZHFIX_NOMEM));
            h->sorting = tmp;
            h->capsorting = n;
        }
        zhfix_finding *sorted = stable_sort_findings(f, n, h->sorting);
        if (sorted != f)
            memcpy(f, sorted, n * sizeof *f);
    }
    size_t pos = 0, line_start = 0, col_pos = 0, col = 1;
    for (size_t i = 0; i < n; i++) {
        size_t target = f[i].offset;
        if (target > blocklen)
            target = blocklen;
        while (pos < target) {
            const char *nl = memchr(block + pos, '\n', target - pos);
            if (!nl)
                break;
            line++;
            pos = (size_t)(nl - block) + 1;
            line_start = pos;
        }
        pos = target;
        if (col_pos < line_start) {
            col_pos = line_start;
            col = 1;
        }
        col += zh_utf8_count(block + col_pos, target - col_pos);
        col_pos = target;
        f[i].line = line;
        f[i].column = col;
        f[i].offset += base_offset;
    }
    return ZHFIX_OK;
}

/* Where a fix's text goes. The text of blocks that come out unchanged is
 * copied only when a changed block follows it, or at the end: a call on
 * clean text copies nothing until it knows whether it needs to. */
typedef struct fix_out {
    zh_buf *buf;
    const char *src; /* the call's input */
    size_t copied;   /* src[copied, the block) is not in buf yet */
} fix_out;

static zhfix_status fix_out_catch_up(fix_out *o, size_t upto)
{
    zhfix_status st =
        zh_buf_append(o->buf, o->src + o->copied, upto - o->copied);
    if (st == ZHFIX_OK)
        o->copied = upto;
    return st;
}

/* Run the selected rules over one block, which starts base_offset bytes
 * into the call's input. With out (fix), the result text goes
 * there: appended after the text of unchanged blocks before it, or, when
 * the block comes out unchanged, left to a later catch-up. */
static zhfix_status run_block(zhfix *h, const char *block, size_t len,
                              size_t base_offset, size_t base_line,
                              fix_out *out)
{
    if (!h->passes) {
        h->passes = calloc(zh_rule_total ? zh_rule_total * ZH_MAX_ROUNDS : 1,
                           sizeof *h->passes);
        if (!h->passes)
            return ZHFIX_NOMEM;
        h->npasses = zh_rule_total * ZH_MAX_ROUNDS;
    }
    if (!h->memo) {
        h->memo = calloc(zh_rule_total ? zh_rule_total : 1, sizeof *h->memo);
        if (!h->memo)
            return ZHFIX_NOMEM;
    }
    if (!h->quiet_at) {
        h->quiet_at = calloc(zh_rule_total ? zh_rule_total : 1,
                             sizeof *h->quiet_at);
        if (!h->quiet_at)
            return ZHFIX_NOMEM;
    }
    /* How many passes had changed the text when each rule last read it
     * and applied nothing; SIZE_MAX for not yet. */
    for (size_t r = 0; r < zh_rule_total; r++)
        h->quiet_at[r] = SIZE_MAX;
    const char *cur = block;
    size_t curlen = len;
    size_t passes_used = 0, first_finding = h->nfindings;
    int which = 0;
    zh_scan scan;
    zhfix_status st = ZHFIX_OK;
    memset(&scan, 0, sizeof scan);
    /* The edit list is the handle's, so that it grows once per handle
     * rather than once per block. */
    scan.edits = h->edits;
    scan.capedits = h->capedits;
    scan.handle = h;
    scan.arena = &h->arena;
    scan.at_input_start = h->doc_offset + base_offset == 0;
    scan.input = block;
    scan.input_len = len;
    scan.want_detail = !h->skip_findings;
    /* fix and convert for a caller that reads no findings keep none. */
    int keep_findings = !h->skip_findings || !out;
    scan.hot = &h->hot;
    scan.hot_state = h->no_prefilter ? -1 : 0;
    /* The protected spans are read when a rule first proposes an edit:
     * clean text proposes none. */
    zh_doc_state doc_before = h->doc;
    int protect_ready = !zh_protect_skip(&h->doc, block, len);
    if (protect_ready) {
        st = zh_protect_scan(&h->doc, block, len, &h->protect);
        if (st != ZHFIX_OK)
            return zh_set_error(h, st, "%s", zhfix_strerror(st));
    }
    int data_only = h->doc.syntax == ZHFIX_SYNTAX_DATA;
    /* A repair can give a rule that ran earlier something to do (a mark
     * widened next to an invisible character): rounds run until one
     * applies nothing, so that fix(fix(x)) == fix(x). Clean text takes one
     * round. Later rounds report only what they apply, so a finding that
     * is only reported is not reported twice. */
    size_t round_fixes = 1;
    for (int round = 0; round < ZH_MAX_ROUNDS && round_fixes && st == ZHFIX_OK;
         round++) {
        round_fixes = 0;
        for (size_t r = 0; r < zh_rule_total && st == ZHFIX_OK; r++) {
            if (!h->selected[r])
                continue;
            /* In CSV/TSV data only encoding repairs are safe: commas and
             * quotes there are syntax. */
            if (data_only &&
                zh_rules[r]->info.category != ZHFIX_CATEGORY_ENCODING)
                continue;
            /* A rule that applied nothing to this very text would find
             * the same again, and a later round keeps only what it
             * applies: the last round reads only the text that changed
             * since each rule's last reading. */
            if (h->quiet_at[r] == passes_used)
                continue;
            scan.text = cur;
            scan.len = curlen;
            scan.passes = passes_used;
            scan.rule = zh_rules[r];
            scan.nedits = 0;
            scan.fixable_only = round > 0;
            scan.memo = &h->memo[r];
            st = zh_rules[r]->scan(&scan);
            h->quiet_at[r] = passes_used;
            if (st == ZHFIX_OK && scan.nedits && zh_rules[r]->chinese_only &&
                zh_scan_japanese(&scan))
                scan.nedits = 0;
            if (st != ZHFIX_OK || scan.nedits == 0)
                continue;
            if (!protect_ready) {
                protect_ready = 1;
                st = zh_protect_scan(&doc_before, block, len, &h->protect);
                if (st != ZHFIX_OK)
                    break;
            }
            /* Rules emit their edits nearly in order (by line; a line's
             * few in another order). */
            zh_sort_nearly(scan.edits, scan.nedits, sizeof *scan.edits,
                           edit_cmp);
            /* Overlapping edits are a rule bug; keep the first of each clash.
             * Edits that touch protected text (code, URLs, suppressed lines)
             * are dropped: they are neither reported nor made. */
            size_t kept = 0, last_end = 0;
            int fixes = 0;
            for (size_t i = 0; i < scan.nedits && st == ZHFIX_OK; i++) {
                const zh_edit *e = &scan.edits[i];
                if (kept && e->start < last_end)
                    continue;
                size_t s = map_back(h, passes_used, e->start, 0);
                size_t t = map_back(h, passes_used, e->end, 1);
                if (zh_protected(&h->protect, s, t) || (round && !e->fixable))
                    continue;
                if (keep_findings)
                    st = add_finding(h, e, cur, s, t > s ? t - s : 0);
                scan.edits[kept++] = *e;
                last_end = e->end;
                fixes += e->fixable;
            }
            scan.nedits = kept;
            if (st != ZHFIX_OK || !fixes)
                continue;
            zh_buf *next = &h->scratch[which];
            which ^= 1;
            next->len = 0;
            size_t pos = 0;
            for (size_t i = 0; i < kept && st == ZHFIX_OK; i++) {
                const zh_edit *e = &scan.edits[i];
                if (!e->fixable)
                    continue;
                st = zh_buf_append(next, cur + pos, e->start - pos);
                if (st == ZHFIX_OK)
                    st =
                        zh_buf_append(next, e->replacement, e->replacement_len);
                pos = e->end;
            }
            if (st == ZHFIX_OK)
                st = zh_buf_append(next, cur + pos, curlen - pos);
            if (st == ZHFIX_OK)
                st = record_pass(&h->passes[passes_used], scan.edits, kept);
            h->passes[passes_used++].rule = zh_rules[r];
            h->quiet_at[r] = SIZE_MAX;
            round_fixes += (size_t)fixes;
            cur = next->data;
            curlen = next->len;
            /* A new text: its hot lines from the old ones where those were
             * read, else when a rule first asks. */
            if (st == ZHFIX_OK && scan.hot_state > 0 &&
                !update_hot_lines(&h->hot, &h->hot_spare,
                                  &h->passes[passes_used - 1], cur, curlen))
                scan.hot_state = 0;
        }
    }
    h->edits = scan.edits;
    h->capedits = scan.capedits;
    if (st != ZHFIX_OK)
        return zh_set_error(h, st, "%s", zhfix_strerror(st));
    st = locate(h, first_finding, block, len, base_offset, base_line);
    if (st != ZHFIX_OK || !out)
        return st;
    if (cur == block && !h->config_path[0])
        return ZHFIX_OK; /* unchanged: copied later, if at all */
    st = fix_out_catch_up(out, base_offset);
    if (st != ZHFIX_OK)
        return zh_set_error(h, st, "%s", zhfix_strerror(st));
    out->copied = base_offset + len;
    if (h->config_path[0]) {
        zh_converter *conv;
        st = zh_handle_converter(h, &conv);
        if (st != ZHFIX_OK)
            return st;
        char err[256] = "";
        st = zh_converter_run(conv, cur, curlen, out->buf, err, sizeof err);
        if (st != ZHFIX_OK)
            return zh_set_error(h, st, "%s", err);
        return ZHFIX_OK;
    }
    st = zh_buf_append(out->buf, cur, curlen);
    return st == ZHFIX_OK ? st : zh_set_error(h, st, "%s", zhfix_strerror(st));
}

void zhfix_document_begin(zhfix *h, zhfix_syntax syntax)
{
    if (!h)
        return;
    zh_doc_reset(&h->doc, syntax);
    h->in_document = 1;
    h->doc_offset = 0;
}

zhfix_status zhfix_document_skip(zhfix *h, const char *src, size_t srclen)
{
    if (!h || (!src && srclen))
        return ZHFIX_INVALID_ARGUMENT;
    if (!h->in_document)
        return ZHFIX_OK; /* outside a document every call stands alone */
    /* Only the state that spans lines moves on: the spans themselves are
     * for the handle that reads the piece. */
    if (!zh_protect_skip(&h->doc, src, srclen)) {
        zhfix_status st = zh_protect_scan(&h->doc, src, srclen, &h->protect);
        if (st != ZHFIX_OK)
            return zh_set_error(h, st, "%s", zhfix_strerror(st));
    }
    h->doc_offset += srclen;
    return ZHFIX_OK;
}

void zhfix_document_end(zhfix *h)
{
    if (h)
        h->in_document = 0;
}

static zhfix_status begin_call(zhfix *h, const char *src, size_t srclen)
{
    h->err[0] = '\0';
    h->nfindings = 0;
    if (!h->in_document) {
        zh_doc_reset(&h->doc, ZHFIX_SYNTAX_PLAIN);
        h->doc_offset = 0;
    }
    zh_arena_reset(&h->arena);
    if (!src && srclen)
        return zh_set_error(h, ZHFIX_INVALID_ARGUMENT, "NULL input");
    size_t bad = zh_utf8_validate(src, srclen);
    if (bad != srclen)
        return zh_set_error(h, ZHFIX_INVALID_INPUT,
                            "invalid UTF-8 at byte offset %zu (0x%02X)", bad,
                            (unsigned char)src[bad]);
    return ZHFIX_OK;
}

/* Run every block of src; out may be NULL (check). With out, *same is
 * set to 1 when the fixed text is src unchanged, and then out holds
 * nothing; else out holds the fixed text. */
static zhfix_status run_all(zhfix *h, const char *src, size_t srclen,
                            zh_buf *out, int *same)
{
    size_t pos = 0, line = 1;
    fix_out o = {out, src, 0};
    while (pos < srclen) {
        size_t n = zhfix_block_length(src + pos, srclen - pos, 1);
        zhfix_status st =
            run_block(h, src + pos, n, pos, line, out ? &o : NULL);
        if (st != ZHFIX_OK)
            return st;
        line += zh_count_newlines(src + pos, n);
        pos += n;
    }
    if (h->in_document)
        h->doc_offset += srclen;
    if (!out)
        return ZHFIX_OK;
    *same = o.copied == 0; /* a changed block moves it past itself */
    if (*same)
        return ZHFIX_OK;
    zhfix_status st = fix_out_catch_up(&o, srclen);
    return st == ZHFIX_OK ? st : zh_set_error(h, st, "%s", zhfix_strerror(st));
}

zhfix_status zhfix_check(zhfix *h, const char *src, size_t srclen)
{
    if (!h)
        return ZHFIX_INVALID_ARGUMENT;
    zhfix_status st = begin_call(h, src, srclen);
    return st != ZHFIX_OK ? st : run_all(h, src, srclen, NULL, NULL);
}

static zhfix_status copy_text(const char *text, size_t len, char *dst,
                              size_t dstcap, size_t *needed)
{
    if (needed)
        *needed = len;
    if (len > dstcap)
        return ZHFIX_BUFFER_TOO_SMALL;
    if (len)
        memmove(dst, text, len); /* the text may be the caller's own dst */
    return ZHFIX_OK;
}

static zhfix_status copy_out(zhfix *h, char *dst, size_t dstcap, size_t *needed)
{
    return copy_text(h->out.data, h->out.len, dst, dstcap, needed);
}

static zhfix_status take_out(zhfix *h, char **out, size_t *outlen)
{
    /* A mapped buffer is not the caller's to free: its text is copied,
     * and the handle keeps the mapping for the next call. */
    if (zh_buf_is_mapped(&h->out)) {
        char *p = malloc(h->out.len ? h->out.len : 1);
        if (!p)
            return ZHFIX_NOMEM;
        memcpy(p, h->out.data, h->out.len);
        *out = p;
        if (outlen)
            *outlen = h->out.len;
        h->out.len = 0;
        return ZHFIX_OK;
    }
    /* Hand the handle's buffer to the caller rather than copying it. */
    if (!h->out.data) {
        h->out.data = malloc(1);
        if (!h->out.data)
            return ZHFIX_NOMEM;
    }
    *out = h->out.data;
    if (outlen)
        *outlen = h->out.len;
    h->out.data = NULL;
    h->out.len = h->out.cap = 0;
    return ZHFIX_OK;
}

zhfix_status zhfix_fix(zhfix *h, const char *src, size_t srclen, char *dst,
                       size_t dstcap, size_t *needed)
{
    if (!h || (!dst && dstcap))
        return ZHFIX_INVALID_ARGUMENT;
    zhfix_status st = begin_call(h, src, srclen);
    h->out.len = 0;
    int same = 0;
    if (st == ZHFIX_OK)
        st = run_all(h, src, srclen, &h->out, &same);
    if (st != ZHFIX_OK)
        return st;
    return same ? copy_text(src, srclen, dst, dstcap, needed)
                : copy_out(h, dst, dstcap, needed);
}

zhfix_status zhfix_fix_if_changed(zhfix *h, const char *src, size_t srclen,
                                  char **out, size_t *outlen)
{
    if (!h || !out)
        return ZHFIX_INVALID_ARGUMENT;
    *out = NULL;
    if (outlen)
        *outlen = 0;
    zhfix_status st = begin_call(h, src, srclen);
    h->out.len = 0;
    int same = 0;
    if (st == ZHFIX_OK)
        st = run_all(h, src, srclen, &h->out, &same);
    if (st != ZHFIX_OK)
        return st;
    if (same) {
        if (outlen)
            *outlen = srclen;
        return ZHFIX_OK;
    }
    return take_out(h, out, outlen);
}

zhfix_status zhfix_fix_alloc(zhfix *h, const char *src, size_t srclen,
                             char **out, size_t *outlen)
{
    zhfix_status st = zhfix_fix_if_changed(h, src, srclen, out, outlen);
    if (st != ZHFIX_OK || *out)
        return st;
    /* Nothing repaired: the caller's copy of src. */
    char *p = malloc(srclen ? srclen : 1);
    if (!p)
        return zh_set_error(h, ZHFIX_NOMEM, "%s", zhfix_strerror(ZHFIX_NOMEM));
    if (srclen)
        memcpy(p, src, srclen);
    *out = p;
    return ZHFIX_OK;
}

static zhfix_status convert_all(zhfix *h, const char *src, size_t srclen)
{
    zhfix_status st = begin_call(h, src, srclen);
    if (st != ZHFIX_OK)
        return st;
    zh_converter *conv;
    st = zh_handle_converter(h, &conv);
    if (st != ZHFIX_OK)
        return st;
    h->out.len = 0;
    char err[256] = "";
    st = zh_converter_run(conv, src, srclen, &h->out, err, sizeof err);
    return st == ZHFIX_OK ? st : zh_set_error(h, st, "%s", err);
}

zhfix_status zhfix_convert(zhfix *h, const char *src, size_t srclen, char *dst,
                           size_t dstcap, size_t *needed)
{
    if (!h || (!dst && dstcap))
        return ZHFIX_INVALID_ARGUMENT;
    zhfix_status st = convert_all(h, src, srclen);
    return st != ZHFIX_OK ? st : copy_out(h, dst, dstcap, needed);
}

zhfix_status zhfix_convert_alloc(zhfix *h, const char *src, size_t srclen,
                                 char **out, size_t *outlen)
{
    if (!h || !out)
        return ZHFIX_INVALID_ARGUMENT;
    *out = NULL;
    zhfix_status st = convert_all(h, src, srclen);
    return st != ZHFIX_OK ? st : take_out(h, out, outlen);
}

size_t zhfix_finding_count(const zhfix *h)
{
    return h ? h->nfindings : 0;
}

const zhfix_finding *zhfix_finding_get(const zhfix *h, size_t index)
{
    if (!h || index >= h->nfindings)
        return NULL;
    return &h->findings[index];
}
