/*
 * engine.c - zhfix's own OpenCC-compatible converter (see engine.h for the
 * algorithm). Written for zhfix from OpenCC's documented behaviour and
 * verified against libopencc; no OpenCC code is used.
 *
 * Speed comes from three things: one double-array trie walk per dictionary
 * and position (a few cache lines, no allocation); bytes that start no key
 * of a step are skipped with a 256-bit bitmap and copied in one memcpy;
 * and, when a config's first step starts with its segmentation dictionary
 * (s2t: segmentation STPhrases, step [STPhrases, STCharacters]), the
 * segmentation's match is reused instead of being looked up again.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"

#ifndef ZHFIX_OPENCC_DATA_DIR
#define ZHFIX_OPENCC_DATA_DIR "/usr/share/opencc"
#endif

static int bit(const unsigned char *set, unsigned char b)
{
    return set[b >> 3] >> (b & 7) & 1;
}

const zh_oc_config *zh_engine_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < zh_oc_config_count; i++)
        if (!strcmp(zh_oc_configs[i].name, name))
            return &zh_oc_configs[i];
    return NULL;
}

/* 1 if dir/name.ext exists with the given size. */
static int file_has_size(const char *dir, const char *name, const char *ext,
                         uint32_t size)
{
    char path[4096];
    size_t dl = strlen(dir), nl = strlen(name), el = strlen(ext);
    if (dl + 1 + nl + el + 1 > sizeof path)
        return 0;
    memcpy(path, dir, dl);
    path[dl] = '/';
    memcpy(path + dl + 1, name, nl);
    memcpy(path + dl + 1 + nl, ext, el + 1);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
           (uintmax_t)st.st_size == size;
}

static int step_files_ok(const char *dir, const zh_oc_step *s)
{
    for (unsigned k = 0; k < s->ndicts; k++) {
        const zh_oc_dict *d = &zh_oc_dicts[s->dicts[k]];
        if (!file_has_size(dir, d->name, ".ocd2", d->ocd2_size))
            return 0;
    }
    return 1;
}

const zh_oc_config *zh_engine_for_path(const char *config_path)
{
    const zh_oc_config *cfg = NULL;
    /* Caller-owned buffers: realpath(x, NULL) would allocate behind the
     * library's allocator (see tests/test_alloc.c). */
    char pathbuf[PATH_MAX], dirbuf[PATH_MAX];
    char *path = realpath(config_path, pathbuf);
    char *dir = realpath(ZHFIX_OPENCC_DATA_DIR, dirbuf);
    if (!path || !dir)
        goto done;
    char *slash = strrchr(path, '/');
    size_t nl = strlen(slash + 1);
    if ((size_t)(slash - path) != strlen(dir) ||
        memcmp(path, dir, (size_t)(slash - path)) != 0 || nl <= 5 ||
        strcmp(slash + 1 + nl - 5, ".json") != 0)
        goto done;
    slash[1 + nl - 5] = '\0';
    const zh_oc_config *c = zh_engine_find(slash + 1);
    if (!c || !file_has_size(dir, c->name, ".json", c->json_size) ||
        !step_files_ok(dir, &c->seg))
        goto done;
    for (unsigned k = 0; k < c->nsteps; k++)
        if (!step_files_ok(dir, &c->steps[k]))
            goto done;
    cfg = c;
done:
    return cfg;
}

/* Longest key of d that is a prefix of s[0..n); see zh_engine_match. */
static inline size_t walk(const zh_oc_dict *d, const unsigned char *s, size_t n,
                          uint32_t *value)
{
    const zh_oc_node *nodes = zh_oc_nodes;
    uint32_t node = d->root, best_node = 0;
    size_t best = 0;
    /* No bound at max_key is needed: the trie is no deeper than that. */
    for (size_t i = 0; i < n; i++) {
        /* The array is padded past every base + 255. */
        uint32_t t = (nodes[node].base & ZH_OC_BASE) + s[i];
        if (nodes[t].check != node)
            break;
        node = t;
        if (nodes[t].base & ZH_OC_TERMINAL) {
            best = i + 1;
            best_node = t;
        }
    }
    if (best)
        *value = zh_oc_node_values[best_node];
    return best;
}

size_t zh_engine_match(const zh_oc_dict *d, const unsigned char *s, size_t n,
                       uint32_t *value)
{
    *value = 0;
    return n ? walk(d, s, n, value) : 0;
}

/* Length of the character starting with b, as OpenCC steps over text that
 * matches nothing; a stray byte counts as one. */
static inline size_t char_len(unsigned char b, size_t avail)
{
    size_t n = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    return n < avail ? n : avail;
}

static inline zhfix_status put(zh_buf *out, const void *p, size_t n)
{
    if (out->cap - out->len < n) {
        zhfix_status st = zh_buf_reserve(out, n);
        if (st != ZHFIX_OK)
            return st;
    }
    if (n)
        memcpy(out->data + out->len, p, n);
    out->len += n;
    return ZHFIX_OK;
}

static inline zhfix_status put_value(zh_buf *out, uint32_t value)
{
    return put(out, zh_oc_values + (value >> 8), value & 0xFF);
}

/* A group of dictionaries ready to run: the dictionaries, and which bytes
 * any of them can start a key with (a byte table: one load per test). */
typedef struct step_plan {
    const zh_oc_dict *dicts[ZH_OC_GROUP_MAX];
    unsigned n;
    unsigned char starts[256];
} step_plan;

/* Plan the dictionaries of group g from index `from` on. */
static void plan_step(step_plan *p, const zh_oc_step *g, unsigned from)
{
    memset(p, 0, sizeof *p);
    for (unsigned k = from; k < g->ndicts; k++) {
        const zh_oc_dict *d = &zh_oc_dicts[g->dicts[k]];
        p->dicts[p->n++] = d;
        for (unsigned b = 0; b < 256; b++)
            p->starts[b] |= (unsigned char)bit(d->first, (unsigned char)b);
    }
}

/* OpenCC's DictGroup: the first dictionary with any prefix match wins,
 * with its longest match. The caller has checked p->starts[s[0]]; n >= 1. */
static inline size_t group_match(const step_plan *p, const unsigned char *s,
                                 size_t n, uint32_t *value)
{
    if (p->n == 1)
        return walk(p->dicts[0], s, n, value);
    for (unsigned k = 0; k < p->n; k++) {
        const zh_oc_dict *d = p->dicts[k];
        if (!bit(d->first, s[0]))
            continue;
        size_t m = walk(d, s, n, value);
        if (m)
            return m;
    }
    return 0;
}

/* Segment ends, as offsets into the text a step reads or writes. */
typedef struct seg_ends {
    size_t *at;
    size_t n, cap;
} seg_ends;

static zhfix_status ends_add(seg_ends *e, size_t end)
{
    if (!e)
        return ZHFIX_OK;
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 1024;
        size_t *p = realloc(e->at, cap * sizeof *p);
        if (!p)
            return ZHFIX_NOMEM;
        e->at = p;
        e->cap = cap;
    }
    e->at[e->n++] = end;
    return ZHFIX_OK;
}

/* Convert the segments of s (they end at ends->at[0..n), the last at the
 * end of s) with one step, appending to out, and record where each output
 * segment ends in out_ends when it is not NULL. A match never crosses a
 * segment end. */
static zhfix_status run_step(const step_plan *p, const unsigned char *s,
                             const seg_ends *ends, zh_buf *out,
                             seg_ends *out_ends)
{
    size_t i = 0, copied = 0;
    zhfix_status st;
    for (size_t k = 0; k < ends->n; k++) {
        size_t end = ends->at[k];
        while (i < end) {
            unsigned char b = s[i];
            /* A byte no key starts with is copied later. Continuation
             * bytes never start a key, so this lands on characters. */
            if (!p->starts[b]) {
                i++;
                continue;
            }
            uint32_t value;
            size_t m = group_match(p, s + i, end - i, &value);
            if (!m) {
                i += char_len(b, end - i);
                continue;
            }
            if ((st = put(out, s + copied, i - copied)) != ZHFIX_OK ||
                (st = put_value(out, value)) != ZHFIX_OK)
                return st;
            i += m;
            copied = i;
        }
        if ((st = ends_add(out_ends, out->len + (i - copied))) != ZHFIX_OK)
            return st;
    }
    return put(out, s + copied, i - copied);
}

/* Convert one segment with one step. */
static zhfix_status run_step1(const step_plan *p, const unsigned char *s,
                              size_t n, zh_buf *out, seg_ends *out_ends)
{
    size_t end = n;
    seg_ends one = {&end, 1, 1};
    return run_step(p, s, &one, out, out_ends);
}

typedef struct engine_run {
    const zh_oc_config *cfg;
    /* The first step's group starts with the segmentation dictionary: a
     * segment that dictionary matched converts to that match's value, and
     * in the text between matches the dictionary matches nowhere, so there
     * the first step needs only its other dictionaries (first_rest). */
    int reuse_seg;
    step_plan seg;
    step_plan steps[ZH_OC_STEPS_MAX];
    step_plan first_rest;
    unsigned char scan[256]; /* bytes where the segmentation loop stops */
    zh_buf tmp[2];
    seg_ends ends[2];
} engine_run;

/* 1 if the segmentation dictionary matches at a character boundary of
 * s[from..to) (s[0..len) is the rest of the text); *at is the first. */
static int seg_match_inside(const engine_run *r, const unsigned char *s,
                            size_t from, size_t to, size_t len, size_t *at)
{
    for (size_t j = from; j < to; j += char_len(s[j], len - j)) {
        uint32_t v;
        if (r->seg.starts[s[j]] && group_match(&r->seg, s + j, len - j, &v)) {
            *at = j;
            return 1;
        }
    }
    return 0;
}

/* Segment s[*pos..len) and run the first conversion step, appending to
 * dst and recording each output segment's end in ends (when not NULL).
 * With ends, stops after a segment once dst holds `limit` bytes; *pos is
 * where it stopped. */
static zhfix_status segment_first_step(engine_run *r, const unsigned char *s,
                                       size_t len, size_t *pos, zh_buf *dst,
                                       seg_ends *ends, size_t limit)
{
    size_t i = *pos, run = i, copied = i;
    zhfix_status st = ZHFIX_OK;
    while (i < len) {
        unsigned char b = s[i];
        if (!r->scan[b]) {
            i++;
            continue;
        }
        uint32_t value;
        size_t m =
            r->seg.starts[b] ? group_match(&r->seg, s + i, len - i, &value) : 0;
        if (m) {
            /* The unmatched run before the match is one segment. */
            if (r->reuse_seg) {
                if ((st = put(dst, s + copied, i - copied)) != ZHFIX_OK)
                    return st;
                if (i > run && (st = ends_add(ends, dst->len)) != ZHFIX_OK)
                    return st;
                if ((st = put_value(dst, value)) != ZHFIX_OK)
                    return st;
            } else {
                if (i > run && ((st = run_step1(&r->steps[0], s + run, i - run,
                                                dst, ends)) != ZHFIX_OK))
                    return st;
                if ((st = run_step1(&r->steps[0], s + i, m, dst, ends)) !=
                    ZHFIX_OK)
                    return st;
            }
            if (r->reuse_seg && (st = ends_add(ends, dst->len)) != ZHFIX_OK)
                return st;
            i += m;
            run = copied = i;
            if (ends && dst->len >= limit)
                break;
            continue;
        }
        size_t cl = char_len(b, len - i);
        if (r->reuse_seg && r->first_rest.starts[b]) {
            /* Convert here, inside the unmatched run, which ends where the
             * segmentation dictionary next matches. */
            m = group_match(&r->first_rest, s + i, len - i, &value);
            size_t at;
            if (m > cl && seg_match_inside(r, s, i + cl, i + m, len, &at))
                m = group_match(&r->first_rest, s + i, at - i, &value);
            if (m) {
                if ((st = put(dst, s + copied, i - copied)) != ZHFIX_OK ||
                    (st = put_value(dst, value)) != ZHFIX_OK)
                    return st;
                i += m;
                copied = i;
                continue;
            }
        }
        i += cl;
    }
    if (i == len && len > run) {
        if (r->reuse_seg) {
            if ((st = put(dst, s + copied, len - copied)) == ZHFIX_OK)
                st = ends_add(ends, dst->len);
        } else {
            st = run_step1(&r->steps[0], s + run, len - run, dst, ends);
        }
    }
    *pos = i;
    return st;
}

/* Run steps 1.. on the segments in tmp[0] (ends[0]), appending the last
 * step's output to out. */
static zhfix_status run_rest(engine_run *r, zh_buf *out)
{
    unsigned nsteps = r->cfg->nsteps;
    for (unsigned k = 1; k < nsteps; k++) {
        int from = (k - 1) & 1, to = k & 1;
        int last = k + 1 == nsteps;
        zh_buf *dst = last ? out : &r->tmp[to];
        if (!last) {
            r->tmp[to].len = 0;
            r->ends[to].n = 0;
        }
        zhfix_status st =
            run_step(&r->steps[k], (const unsigned char *)r->tmp[from].data,
                     &r->ends[from], dst, last ? NULL : &r->ends[to]);
        if (st != ZHFIX_OK)
            return st;
    }
    return ZHFIX_OK;
}

/* Chains of several steps go through tmp in pieces of about this size, cut
 * at segment ends, which bounds memory and keeps the pieces in cache. */
#define PIECE ((size_t)64 << 10)

zhfix_status zh_engine_convert(const zh_oc_config *cfg, const char *src,
                               size_t len, zh_buf *out)
{
    engine_run r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    plan_step(&r.seg, &cfg->seg, 0);
    for (unsigned k = 0; k < cfg->nsteps; k++)
        plan_step(&r.steps[k], &cfg->steps[k], 0);
    r.reuse_seg =
        cfg->seg.ndicts == 1 && cfg->steps[0].dicts[0] == cfg->seg.dicts[0];
    plan_step(&r.first_rest, &cfg->steps[0], 1);
    for (unsigned b = 0; b < 256; b++)
        r.scan[b] =
            r.seg.starts[b] | (r.reuse_seg ? r.first_rest.starts[b] : 0);

    /* Most output is about as long as the input. */
    zhfix_status st = zh_buf_reserve(out, len + len / 8 + 16);
    const unsigned char *s = (const unsigned char *)src;
    size_t pos = 0;
    if (st == ZHFIX_OK && cfg->nsteps == 1) {
        st = segment_first_step(&r, s, len, &pos, out, NULL, 0);
    } else {
        while (st == ZHFIX_OK && pos < len) {
            r.tmp[0].len = 0;
            r.ends[0].n = 0;
            st = segment_first_step(&r, s, len, &pos, &r.tmp[0], &r.ends[0],
                                    PIECE);
            if (st == ZHFIX_OK)
                st = run_rest(&r, out);
        }
    }
    zh_buf_free(&r.tmp[0]);
    zh_buf_free(&r.tmp[1]);
    free(r.ends[0].at);
    free(r.ends[1].at);
    return st;
}
