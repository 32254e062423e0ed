/*
 * config.c - the project config file `.zhfix`, found like .editorconfig by
 * walking up from each file's folder; the nearest one applies. Format, one
 * setting a line, `#` starts a comment:
 *
 *     select = encoding, artifact, punctuation
 *     ignore = halfwidth-punct
 *     to = simplified
 *     exclude = docs/old-[0-9]*.md
 *     exclude = *.min.md
 *
 * `exclude` may repeat; a pattern without '/' matches a file name in any
 * folder, one with '/' matches the path relative to the config's folder
 * (fnmatch, where '*' also crosses '/').
 */
#define _GNU_SOURCE /* realpath */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

#define CONFIG_NAME ".zhfix"

struct project_config {
    char *dir;  /* absolute folder of the file */
    char *path; /* the file itself, for messages */
    char *select, *ignore, *to;
    char **exclude;
    size_t nexclude;
};

/* Folders looked at, with the config that applies there (or NULL). */
typedef struct dir_entry {
    char *dir;
    project_config *config;
} dir_entry;

static dir_entry *dirs;
static size_t ndirs, capdirs;
static project_config **configs; /* every config loaded, to free */
static size_t nconfigs;
/* Worker threads (-j) look configs up concurrently; a config, once loaded,
 * is only read. */
static pthread_mutex_t configs_lock = PTHREAD_MUTEX_INITIALIZER;

static char *dup_range(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
                 s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

static void config_free(project_config *c)
{
    if (!c)
        return;
    free(c->dir);
    free(c->path);
    free(c->select);
    free(c->ignore);
    free(c->to);
    for (size_t i = 0; i < c->nexclude; i++)
        free(c->exclude[i]);
    free(c->exclude);
    free(c);
}

/* Parse dir/.zhfix; NULL with *bad set when it exists but is wrong. */
static project_config *load(const char *dir, int *bad)
{
    size_t n = strlen(dir) + sizeof CONFIG_NAME + 1;
    char *path = malloc(n);
    if (!path)
        return NULL;
    snprintf(path, n, "%s/%s", dir, CONFIG_NAME);
    FILE *f = fopen(path, "r");
    if (!f) {
        free(path);
        return NULL;
    }
    project_config *c = calloc(1, sizeof *c);
    if (!c) {
        fclose(f);
        free(path);
        return NULL;
    }
    c->path = path;
    c->dir = dup_range(dir, strlen(dir));
    char line[4096];
    unsigned lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *s = trim(line);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            cli_error(path, "line %u: expected KEY = VALUE", lineno);
            *bad = 1;
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        char **slot = NULL;
        if (!strcmp(key, "select"))
            slot = &c->select;
        else if (!strcmp(key, "ignore"))
            slot = &c->ignore;
        else if (!strcmp(key, "to"))
            slot = &c->to;
        if (slot) {
            free(*slot);
            *slot = dup_range(value, strlen(value));
        } else if (!strcmp(key, "exclude")) {
            char **p = realloc(c->exclude, (c->nexclude + 1) * sizeof *p);
            if (p) {
                c->exclude = p;
                p[c->nexclude] = dup_range(value, strlen(value));
                if (p[c->nexclude])
                    c->nexclude++;
            }
        } else {
            cli_error(path, "line %u: unknown setting '%s' (select, ignore, "
                            "to, exclude)",
                      lineno, key);
            *bad = 1;
            break;
        }
    }
    fclose(f);
    if (*bad) {
        config_free(c);
        return NULL;
    }
    project_config **all = realloc(configs, (nconfigs + 1) * sizeof *all);
    if (!all) {
        config_free(c);
        return NULL;
    }
    configs = all;
    configs[nconfigs++] = c;
    return c;
}

static project_config *lookup_dir(const char *dir, int *bad)
{
    for (size_t i = 0; i < ndirs; i++)
        if (!strcmp(dirs[i].dir, dir))
            return dirs[i].config;
    project_config *c = load(dir, bad);
    if (!c && !*bad) {
        /* Not here: the parent's applies. */
        const char *slash = strrchr(dir, '/');
        if (slash && slash != dir) {
            char *parent = dup_range(dir, (size_t)(slash - dir));
            if (parent) {
                c = lookup_dir(parent, bad);
                free(parent);
            }
        } else if (slash && dir[1]) {
            c = lookup_dir("/", bad);
        }
    }
    if (*bad)
        return NULL;
    if (ndirs == capdirs) {
        size_t cap = capdirs ? capdirs * 2 : 16;
        dir_entry *p = realloc(dirs, cap * sizeof *p);
        if (!p)
            return c;
        dirs = p;
        capdirs = cap;
    }
    dirs[ndirs].dir = dup_range(dir, strlen(dir));
    dirs[ndirs].config = c;
    if (dirs[ndirs].dir)
        ndirs++;
    return c;
}

int config_for(const char *file, project_config **out)
{
    *out = NULL;
    char *abs = realpath(file, NULL);
    if (!abs)
        return 0; /* the file's own open reports what is wrong */
    char *slash = strrchr(abs, '/');
    if (slash == abs)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    int bad = 0;
    pthread_mutex_lock(&configs_lock);
    *out = lookup_dir(abs, &bad);
    pthread_mutex_unlock(&configs_lock);
    free(abs);
    return bad ? -1 : 0;
}

int config_excludes(const project_config *c, const char *file)
{
    if (!c || !c->nexclude)
        return 0;
    char *abs = realpath(file, NULL);
    if (!abs)
        return 0;
    size_t dl = strlen(c->dir);
    const char *rel = abs;
    if (!strncmp(abs, c->dir, dl) && (abs[dl] == '/' || dl == 1))
        rel = abs + (dl == 1 ? 1 : dl + 1);
    const char *base = strrchr(abs, '/');
    base = base ? base + 1 : abs;
    int hit = 0;
    for (size_t i = 0; i < c->nexclude && !hit; i++) {
        const char *pat = c->exclude[i];
        if (strchr(pat, '/'))
            hit = fnmatch(pat, rel, 0) == 0;
        else
            hit = fnmatch(pat, base, 0) == 0;
    }
    free(abs);
    return hit;
}

const char *config_select(const project_config *c) { return c ? c->select : NULL; }
const char *config_ignore(const project_config *c) { return c ? c->ignore : NULL; }
const char *config_target(const project_config *c) { return c ? c->to : NULL; }
const char *config_path(const project_config *c) { return c ? c->path : NULL; }

void config_release_all(void)
{
    for (size_t i = 0; i < nconfigs; i++)
        config_free(configs[i]);
    free(configs);
    configs = NULL;
    nconfigs = 0;
    for (size_t i = 0; i < ndirs; i++)
        free(dirs[i].dir);
    free(dirs);
    dirs = NULL;
    ndirs = capdirs = 0;
}
