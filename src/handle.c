/*
 * handle.c - the zhfix handle: options, rule selection, errors, versions.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "handle.h"

const char *zhfix_version(void) { return ZHFIX_VERSION_STRING; }

static const char *const status_text[] = {
#define STATUS_TEXT_(name, text) text,
    ZHFIX_STATUS_MAP(STATUS_TEXT_)
#undef STATUS_TEXT_
};

static const char *const status_names[] = {
#define STATUS_NAME_(name, text) #name,
    ZHFIX_STATUS_MAP(STATUS_NAME_)
#undef STATUS_NAME_
};

static const char *const category_names[] = {
#define CATEGORY_NAME_(name, text) text,
    ZHFIX_CATEGORY_MAP(CATEGORY_NAME_)
#undef CATEGORY_NAME_
};

const char *zhfix_strerror(zhfix_status status)
{
    if ((unsigned)status >= ZHFIX_STATUS_COUNT_)
        return "unknown status";
    return status_text[status];
}

const char *zhfix_status_name(zhfix_status status)
{
    if ((unsigned)status >= ZHFIX_STATUS_COUNT_)
        return "UNKNOWN";
    return status_names[status];
}

const char *zhfix_category_name(zhfix_category category)
{
    if ((unsigned)category >= ZHFIX_CATEGORY_COUNT_)
        return NULL;
    return category_names[category];
}

size_t zhfix_rule_count(void) { return zh_rule_total; }

const zhfix_rule_info *zhfix_rule_get(size_t index)
{
    if (index >= zh_rule_total)
        return NULL;
    return &zh_rules[index]->info;
}

void zhfix_options_init(zhfix_options *opts)
{
    memset(opts, 0, sizeof *opts);
}

void zhfix_free(void *p) { free(p); }

zhfix_status zh_set_error(zhfix *h, zhfix_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->err, sizeof h->err, fmt, ap);
    va_end(ap);
    return status;
}

const char *zhfix_errmsg(const zhfix *h)
{
    return h ? h->err : "no handle";
}

#ifdef __GNUC__
__attribute__((format(printf, 3, 4)))
#endif
static void set_errbuf(char *errbuf, size_t errcap, const char *fmt, ...)
{
    if (!errbuf || !errcap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errbuf, errcap, fmt, ap);
    va_end(ap);
}

/* Apply one comma-separated list to the selection: on = 1 selects, 0
 * removes. Words are rule ids, category names or "all". */
static zhfix_status apply_list(unsigned char *selected, const char *list,
                               int on, char *errbuf, size_t errcap)
{
    const char *p = list;
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        const char *start = p;
        while (*p && *p != ',')
            p++;
        size_t n = (size_t)(p - start);
        while (n && isspace((unsigned char)start[n - 1]))
            n--;
        if (!n)
            continue;
        char word[64];
        if (n >= sizeof word) {
            set_errbuf(errbuf, errcap, "unknown rule or category: %s", start);
            return ZHFIX_UNKNOWN_RULE;
        }
        memcpy(word, start, n);
        word[n] = '\0';
        int matched = 0;
        for (size_t i = 0; i < zh_rule_total; i++) {
            const zhfix_rule_info *r = &zh_rules[i]->info;
            if (!strcmp(word, "all") || !strcmp(word, r->id) ||
                !strcmp(word, zhfix_category_name(r->category))) {
                selected[i] = (unsigned char)on;
                matched = 1;
            }
        }
        /* A category with no rules yet is still a valid name. */
        for (int c = 0; !matched && c < ZHFIX_CATEGORY_COUNT_; c++)
            matched = !strcmp(word, category_names[c]);
        if (!matched && strcmp(word, "all") != 0) {
            set_errbuf(errbuf, errcap, "unknown rule or category: %s", word);
            return ZHFIX_UNKNOWN_RULE;
        }
    }
    return ZHFIX_OK;
}

/* The script a conversion writes, for the script rule: from the target
 * name, or from an OpenCC config's name (t2s, tw2sp: Simplified; s2t,
 * s2twp, t2hk: Traditional; t2jp and a user's config: neither). */
static int target_script(const zhfix_options *opts)
{
    static const char *const simplified[] = {"simplified", "t2s", "tw2s",
                                             "tw2sp", "hk2s"};
    static const char *const traditional[] = {
        "traditional", "taiwan", "taiwan-phrases", "hongkong", "s2t", "s2tw",
        "s2twp", "s2hk", "t2tw", "t2hk", "tw2t", "hk2t"};
    const char *name = opts->opencc_config ? opts->opencc_config : opts->target;
    if (!name)
        return 0;
    size_t n = strlen(name);
    if (n > 5 && !strcmp(name + n - 5, ".json"))
        n -= 5;
    for (size_t i = 0; i < sizeof simplified / sizeof simplified[0]; i++)
        if (strlen(simplified[i]) == n && !strncmp(name, simplified[i], n))
            return ZH_SCRIPT_SIMPLIFIED;
    for (size_t i = 0; i < sizeof traditional / sizeof traditional[0]; i++)
        if (strlen(traditional[i]) == n && !strncmp(name, traditional[i], n))
            return ZH_SCRIPT_TRADITIONAL;
    return 0;
}

zhfix_status zhfix_create(const zhfix_options *opts, zhfix **out,
                          char *errbuf, size_t errcap)
{
    if (!out)
        return ZHFIX_INVALID_ARGUMENT;
    *out = NULL;
    zhfix_options defaults;
    if (!opts) {
        zhfix_options_init(&defaults);
        opts = &defaults;
    }
    zhfix *h = calloc(1, sizeof *h);
    if (!h)
        return ZHFIX_NOMEM;
    h->selected = calloc(zh_rule_total ? zh_rule_total : 1, 1);
    if (!h->selected) {
        zhfix_destroy(h);
        return ZHFIX_NOMEM;
    }
    h->skip_findings = opts->skip_findings != 0;
    zhfix_status st = ZHFIX_OK;
    if (opts->select && *opts->select) {
        st = apply_list(h->selected, opts->select, 1, errbuf, errcap);
    } else {
        for (size_t i = 0; i < zh_rule_total; i++)
            h->selected[i] = (unsigned char)zh_rules[i]->info.default_on;
    }
    if (st == ZHFIX_OK && opts->ignore)
        st = apply_list(h->selected, opts->ignore, 0, errbuf, errcap);
    if (st != ZHFIX_OK) {
        zhfix_destroy(h);
        return st;
    }
    if (!opts->engine || !strcmp(opts->engine, "auto")) {
        h->engine = ZH_ENGINE_AUTO;
    } else if (!strcmp(opts->engine, "opencc")) {
        h->engine = ZH_ENGINE_OPENCC;
    } else {
        set_errbuf(errbuf, errcap, "unknown engine '%s' (auto, opencc)",
                   opts->engine);
        zhfix_destroy(h);
        return ZHFIX_INVALID_ARGUMENT;
    }
    if (opts->target || opts->opencc_config) {
        char err[256] = "";
        st = zh_converter_resolve(opts->target, opts->opencc_config,
                                  opts->opencc_data_dir, h->config_path,
                                  sizeof h->config_path, err, sizeof err);
        if (st != ZHFIX_OK) {
            set_errbuf(errbuf, errcap, "%s", err);
            zhfix_destroy(h);
            return st;
        }
    }
    h->target_script = target_script(opts);
    *out = h;
    return ZHFIX_OK;
}

void zhfix_destroy(zhfix *h)
{
    if (!h)
        return;
    zh_converter_close(h->converter);
    zh_arena_reset(&h->arena);
    free(h->findings);
    free(h->sorting);
    free(h->edits);
    free(h->selected);
    zh_buf_free(&h->scratch[0]);
    zh_buf_free(&h->scratch[1]);
    zh_buf_free(&h->out);
    for (size_t i = 0; i < h->npasses; i++)
        free(h->passes[i].edits);
    free(h->protect.items);
    zh_hot_lines_free(&h->hot);
    zh_hot_lines_free(&h->hot_spare);
    free(h->passes);
    if (h->memo)
        for (size_t r = 0; r < zh_rule_total; r++)
            zh_lineset_free(&h->memo[r]);
    free(h->memo);
    free(h->quiet_at);
    free(h->plaus_memo);
    free(h);
}

zhfix_status zh_handle_converter(zhfix *h, zh_converter **out)
{
    if (!h->config_path[0])
        return zh_set_error(h, ZHFIX_UNKNOWN_TARGET,
                            "no target script or OpenCC config given");
    if (!h->converter) {
        char err[512] = "";
        zhfix_status st = zh_converter_open(h->config_path, h->engine,
                                            &h->converter, err, sizeof err);
        if (st != ZHFIX_OK)
            return zh_set_error(h, st, "%s", err);
    }
    *out = h->converter;
    return ZHFIX_OK;
}
