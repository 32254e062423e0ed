/*
 * convert.c - script conversion: zhfix's own engine (engine.c) for
 * OpenCC's own configs, libopencc for any other config or when asked for
 * (zhfix_options.engine = "opencc"). The only file that calls libopencc,
 * so its traps are handled in one place:
 *   - libopencc is opened with dlopen the first time a conversion needs it,
 *     not linked: loading it and the C++ runtime it brings took 2.4 ms of
 *     every start-up (an empty program linked with it: 3.7 -> 6.1 ms), a
 *     third of what `zhfix check` on one line costs, for the few runs that
 *     convert with a config of the user's;
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
#include <dlfcn.h>
#include <pthread.h>
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
/* The library's soname, which CMakeLists.txt reads from the one built
 * against (its functions' types come from that version's opencc.h). */
#ifndef ZHFIX_OPENCC_SONAME
#define ZHFIX_OPENCC_SONAME "libopencc.so.1.1"
#endif

/* The libopencc functions used (as opencc.h declares them), once opened. */
static struct {
    opencc_t (*open)(const char *config_file);
    int (*close)(opencc_t od);
    const char *(*error)(void);
    char *(*convert_utf8)(opencc_t od, const char *input, size_t length);
    void (*convert_utf8_free)(char *str);
    char why[256]; /* why it could not be opened */
} oc;
static pthread_once_t oc_once = PTHREAD_ONCE_INIT;

/* Symbols are read through a union: ISO C has no conversion from void *
 * to a function pointer, POSIX guarantees the representation. */
static int oc_symbol(void *lib, const char *name, void (**fn)(void))
{
    union {
        void *object;
        void (*function)(void);
    } sym;
    sym.object = dlsym(lib, name);
    *fn = sym.function;
    if (!sym.object)
        snprintf(oc.why, sizeof oc.why, "%s has no %s", ZHFIX_OPENCC_SONAME,
                 name);
    return sym.object != NULL;
}

static void oc_load(void)
{
    /* Kept open for the life of the process: its configs may be open on
     * any handle. */
    void *lib = dlopen(ZHFIX_OPENCC_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror(); /* names the library */
        snprintf(oc.why, sizeof oc.why, "%s",
                 e ? e : ZHFIX_OPENCC_SONAME ": cannot be opened");
        return;
    }
    void (*fn[5])(void);
    if (!oc_symbol(lib, "opencc_open", &fn[0]) ||
        !oc_symbol(lib, "opencc_close", &fn[1]) ||
        !oc_symbol(lib, "opencc_error", &fn[2]) ||
        !oc_symbol(lib, "opencc_convert_utf8", &fn[3]) ||
        !oc_symbol(lib, "opencc_convert_utf8_free", &fn[4]))
        return;
    oc.close = (int (*)(opencc_t))fn[1];
    oc.error = (const char *(*)(void))fn[2];
    oc.convert_utf8 = (char *(*)(opencc_t, const char *, size_t))fn[3];
    oc.convert_utf8_free = (void (*)(char *))fn[4];
    oc.open = (opencc_t(*)(const char *))fn[0]; /* last: the sign of success */
}

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
    pthread_once(&oc_once, oc_load);
    if (!oc.open) {
        if (err && errcap)
            snprintf(err, errcap, "libopencc, which %s needs, is not there: %s",
                     config_path, oc.why);
        free(c);
        return ZHFIX_OPENCC;
    }
    c->od = oc.open(config_path);
    if (c->od == (opencc_t)-1) {
        const char *why = oc.error();
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
        oc.close(c->od);
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
            char *conv = oc.convert_utf8(c->od, src + pos, piece);
            if (!conv) {
                put_err(err, errcap, "%s", "OpenCC failed to convert text");
                return ZHFIX_OPENCC;
            }
            zhfix_status st = zh_buf_append(out, conv, strlen(conv));
            oc.convert_utf8_free(conv);
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
