/*
 * convert.c - script conversion: zhfix's own engine (engine.c) for
 * OpenCC's own configs, libopencc for any other config or when asked for
 * (zhfix_options.engine = "opencc"). The only file that calls libopencc,
 * so its traps are handled in one place:
 *   - opencc_open() returns (opencc_t)-1 on failure, not NULL;
 *   - a relative config name is looked up in the current directory first, so
 *     configs are always opened by absolute path;
 *   - opencc_error() is one process-wide string: it is read only right after
 *     a failed open and copied into the caller's buffer;
 *   - one invalid byte makes a call return NULL, a character cut at the end
 *     of the buffer makes it read past it, and a NUL truncates: only valid
 *     UTF-8 without NUL bytes is ever passed (callers validate; NUL-separated
 *     pieces are converted one by one here);
 *   - results are released with opencc_convert_utf8_free(), never free();
 *   - opencc_convert_utf8_to_buffer() takes no capacity and is not used.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <opencc.h>

#include "engine.h"
#include "internal.h"

#ifndef ZHFIX_OPENCC_DATA_DIR
#define ZHFIX_OPENCC_DATA_DIR "/usr/share/opencc"
#endif

struct zh_converter {
    const zh_oc_config *engine; /* zhfix's engine, or NULL for libopencc */
    opencc_t od;                /* only when engine is NULL */
};

/* Target script names of the CLI and the OpenCC config each one uses. The
 * source side is the other script: t2s reads any Traditional text, s2t and
 * its regional variants read Simplified. */
static const struct {
    const char *target;
    const char *config;
} targets[] = {
    {"simplified", "t2s"},      {"traditional", "s2t"},
    {"taiwan", "s2tw"},         {"taiwan-phrases", "s2twp"},
    {"hongkong", "s2hk"},       {"japanese", "t2jp"},
};

#ifdef __GNUC__
__attribute__((format(printf, 3, 4)))
#endif
static void put_err(char *err, size_t errcap, const char *fmt, ...)
{
    if (!err || !errcap)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errcap, fmt, ap);
    va_end(ap);
}

zhfix_status zh_converter_resolve(const char *target, const char *config,
                                  const char *data_dir, char *path,
                                  size_t pathcap, char *err, size_t errcap)
{
    if (!data_dir)
        data_dir = ZHFIX_OPENCC_DATA_DIR;
    if (!config) {
        for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
            if (target && !strcmp(target, targets[i].target))
                config = targets[i].config;
        if (!config) {
            put_err(err, errcap,
                    "unknown target script '%s' (simplified, traditional, "
                    "taiwan, taiwan-phrases, hongkong, japanese)",
                    target ? target : "");
            return ZHFIX_UNKNOWN_TARGET;
        }
    }
    int n;
    size_t clen = strlen(config);
    int has_json = clen >= 5 && !strcmp(config + clen - 5, ".json");
    if (strchr(config, '/')) {
        /* A path of the user's: make it absolute so OpenCC does not search. */
        char abs[PATH_MAX];
        if (!realpath(config, abs)) {
            put_err(err, errcap, "OpenCC config '%s' not found", config);
            return ZHFIX_UNKNOWN_TARGET;
        }
        n = snprintf(path, pathcap, "%s", abs);
    } else {
        n = snprintf(path, pathcap, "%s/%s%s", data_dir, config,
                     has_json ? "" : ".json");
    }
    if (n < 0 || (size_t)n >= pathcap) {
        put_err(err, errcap, "OpenCC config path too long: %s", config);
        return ZHFIX_UNKNOWN_TARGET;
    }
    if (access(path, R_OK) != 0) {
        put_err(err, errcap, "OpenCC config not found: %s", path);
        return ZHFIX_UNKNOWN_TARGET;
    }
    return ZHFIX_OK;
}

zhfix_status zh_converter_open(const char *config_path, zh_engine_mode mode,
                               zh_converter **out, char *err, size_t errcap)
{
    *out = NULL;
    zh_converter *c = malloc(sizeof *c);
    if (!c)
        return ZHFIX_NOMEM;
    /* The engine needs no loading; libopencc is then never opened. */
    c->engine = mode == ZH_ENGINE_AUTO ? zh_engine_for_path(config_path)
                                       : NULL;
    if (c->engine) {
        c->od = NULL;
        *out = c;
        return ZHFIX_OK;
    }
    c->od = opencc_open(config_path);
    if (c->od == (opencc_t)-1) {
        const char *why = opencc_error();
        if (err && errcap)
            snprintf(err, errcap, "OpenCC cannot load %s: %s", config_path,
                     why ? why : "unknown error");
        free(c);
        return ZHFIX_OPENCC;
    }
    *out = c;
    return ZHFIX_OK;
}

int zh_converter_is_engine(const zh_converter *c)
{
    return c && c->engine;
}

void zh_converter_close(zh_converter *c)
{
    if (!c)
        return;
    if (!c->engine)
        opencc_close(c->od);
    free(c);
}

zhfix_status zh_converter_run(zh_converter *c, const char *src, size_t len,
                              zh_buf *out, char *err, size_t errcap)
{
    if (c->engine) {
        /* NUL bytes need no splitting: no key contains one. */
        zhfix_status st = zh_engine_convert(c->engine, src, len, out);
        if (st != ZHFIX_OK)
            put_err(err, errcap, "conversion failed: %s",
                    zhfix_strerror(st));
        return st;
    }
    size_t pos = 0;
    while (pos < len) {
        const char *nul = memchr(src + pos, '\0', len - pos);
        size_t piece = nul ? (size_t)(nul - (src + pos)) : len - pos;
        if (piece) {
            char *conv = opencc_convert_utf8(c->od, src + pos, piece);
            if (!conv) {
                put_err(err, errcap, "%s", "OpenCC failed to convert text");
                return ZHFIX_OPENCC;
            }
            zhfix_status st = zh_buf_append(out, conv, strlen(conv));
            opencc_convert_utf8_free(conv);
            if (st != ZHFIX_OK)
                return st;
        }
        pos += piece;
        if (nul) {
            zhfix_status st = zh_buf_append(out, "", 1);
            if (st != ZHFIX_OK)
                return st;
            pos++;
        }
    }
    return ZHFIX_OK;
}
