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
    char *path = realpath(config_path, NULL);
    char *dir = realpath(ZHFIX_OPENCC_DATA_DIR, NULL);
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
    free(path);
    free(dir);
    return cfg;
}

size_t zh_engine_match(const zh_oc_dict *d, const unsigned char *s, size_t n,
                       uint32_t *value)
{
    const zh_oc_node *nodes = zh_oc_nodes;
    uint32_t node = d->root;
    size_t best = 0;
    uint32_t best_value = 0;
    if (n > d->max_key)
        n = d->max_key;
    for (size_t i = 0; i < n; i++) {
        /* base >= 0 and the array is padded past base + 255. */
        uint32_t t = (uint32_t)nodes[node].base + s[i];
        if (nodes[t].check != node)
            break;
        node = t;
        if (nodes[t].value) {
            best = i + 1;
            best_value = nodes[t].value;
        }
    }
    *value = best_value;
    return best;
}

/* OpenCC's DictGroup: the first dictionary (from index `from`) with any
 * prefix match wins, with its longest match. */
static size_t group_match(const zh_oc_step *g, unsigned from,
                          const unsigned char *s, size_t n, uint32_t *value)
{
    for (unsigned k = from; k < g->ndicts; k++) {
        const zh_oc_dict *d = &zh_oc_dicts[g->dicts[k]];
        if (!bit(d->first, s[0]))
            continue;
        size_t m = zh_engine_match(d, s, n, value);
        if (m)
            return m;
    }
    return 0;
}

/* Length of the character starting with b, as OpenCC steps over text that
 * matches nothing; a stray byte counts as one. */
static size_t char_len(unsigned char b, size_t avail)
{
    size_t n = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    return n < avail ? n : avail;
}

static zhfix_status put(zh_buf *out, const void *p, size_t n)
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

static zhfix_status put_value(zh_buf *out, uint32_t value)
{
    return put(out, zh_oc_values + (value >> 8), value & 0xFF);
}

/* A step ready to run: the dictionaries from `from` on, and the bytes any
 * of them can start a key with. */
typedef struct step_plan {
    const zh_oc_step *step;
    unsigned from;
    unsigned char first[32];
} step_plan;

static void plan_step(step_plan *p, const zh_oc_step *s, unsigned from)
{
    p->step = s;
    p->from = from;
    memset(p->first, 0, sizeof p->first);
    for (unsigned k = from; k < s->ndicts; k++)
        for (size_t j = 0; j < sizeof p->first; j++)
            p->first[j] |= zh_oc_dicts[s->dicts[k]].first[j];
}

/* Convert one segment s[0..n) with one step, appending to out. */
static zhfix_status run_step(const step_plan *p, const unsigned char *s,
                             size_t n, zh_buf *out)
{
    size_t i = 0, copied = 0;
    zhfix_status st;
    while (i < n) {
        unsigned char b = s[i];
        /* A byte no key starts with is copied later. Continuation bytes
         * never start a key, so this lands on character boundaries. */
        if (!bit(p->first, b)) {
            i++;
            continue;
        }
        uint32_t value;
        size_t m = group_match(p->step, p->from, s + i, n - i, &value);
        if (!m) {
            i += char_len(b, n - i);
            continue;
        }
        if ((st = put(out, s + copied, i - copied)) != ZHFIX_OK ||
            (st = put_value(out, value)) != ZHFIX_OK)
            return st;
        i += m;
        copied = i;
    }
    return put(out, s + copied, n - copied);
}

typedef struct engine_run {
    const zh_oc_config *cfg;
    /* The first step's group starts with the segmentation dictionary: a
     * segment that dictionary matched converts to that match's value, and
     * in the text between matches the dictionary matches nowhere, so the
     * first step skips it there. */
    int reuse_seg;
    step_plan seg;
    step_plan steps[ZH_OC_STEPS_MAX];
    step_plan first_rest; /* steps[0] without its first dictionary */
    zh_buf tmp[2];
} engine_run;

/* Run the conversion chain on one segment. matched is the packed value
 * when the segmentation dictionary matched the whole segment, else 0. */
static zhfix_status run_chain(engine_run *r, const unsigned char *s,
                              size_t n, uint32_t matched, zh_buf *out)
{
    const unsigned char *cur = s;
    size_t curlen = n;
    unsigned nsteps = r->cfg->nsteps;
    for (unsigned k = 0; k < nsteps; k++) {
        zh_buf *dst = k + 1 == nsteps ? out : &r->tmp[k & 1];
        if (dst != out)
            dst->len = 0;
        zhfix_status st;
        if (k == 0 && r->reuse_seg)
            st = matched ? put_value(dst, matched)
                         : run_step(&r->first_rest, cur, curlen, dst);
        else
            st = run_step(&r->steps[k], cur, curlen, dst);
        if (st != ZHFIX_OK)
            return st;
        cur = (const unsigned char *)dst->data;
        curlen = dst->len;
    }
    return ZHFIX_OK;
}

zhfix_status zh_engine_convert(const zh_oc_config *cfg, const char *src,
                               size_t len, zh_buf *out)
{
    engine_run r;
    memset(&r, 0, sizeof r);
    r.cfg = cfg;
    plan_step(&r.seg, &cfg->seg, 0);
    for (unsigned k = 0; k < cfg->nsteps; k++)
        plan_step(&r.steps[k], &cfg->steps[k], 0);
    r.reuse_seg = cfg->seg.ndicts == 1 &&
                  cfg->steps[0].dicts[0] == cfg->seg.dicts[0];
    plan_step(&r.first_rest, &cfg->steps[0], 1);

    /* Most output is about as long as the input. */
    zhfix_status st = zh_buf_reserve(out, len + len / 8 + 16);
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0, run = 0;
    while (st == ZHFIX_OK && i < len) {
        unsigned char b = s[i];
        if (!bit(r.seg.first, b)) {
            i++;
            continue;
        }
        uint32_t value;
        size_t m = group_match(&cfg->seg, 0, s + i, len - i, &value);
        if (!m) {
            i += char_len(b, len - i);
            continue;
        }
        /* The unmatched text before the match is one segment. */
        if (i > run)
            st = run_chain(&r, s + run, i - run, 0, out);
        if (st == ZHFIX_OK)
            st = run_chain(&r, s + i, m, value, out);
        i += m;
        run = i;
    }
    if (st == ZHFIX_OK && len > run)
        st = run_chain(&r, s + run, len - run, 0, out);
    zh_buf_free(&r.tmp[0]);
    zh_buf_free(&r.tmp[1]);
    return st;
}
