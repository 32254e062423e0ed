/*
 * failshim.c - an LD_PRELOAD library for tests/cli/inplace_safety.sh that
 * makes one step of zhfix's in-place rewrite fail, deterministically.
 * SHIM_FAIL names the step:
 *   fwrite   fwrite() to the temp file (.NAME.zhfix-*) fails with EIO once
 *            SHIM_AFTER bytes have been written to it
 *   fsync, fchmod, fclose, rename, link
 *            that call fails with EIO (fclose still closes the stream)
 *   append   after the first read() of SHIM_TARGET, a line is appended to
 *            it (a concurrent writer, without the race)
 *   rewrite  after the first read(), SHIM_TARGET's first byte is
 *            overwritten (same size, new mtime)
 *   replace  after the first read(), another file is renamed over
 *            SHIM_TARGET
 *   term     SIGTERM is raised at the first fwrite() to the temp file
 * Only zhfix's own calls go through here (glibc's stdio calls its internal
 * write, not this one), which is exactly what is wanted.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mode_is(const char *m)
{
    const char *v = getenv("SHIM_FAIL");
    return v && !strcmp(v, m);
}

static int fd_path(int fd, char *path, size_t cap)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, cap - 1);
    if (n < 0)
        return -1;
    path[n] = '\0';
    return 0;
}

static int is_temp(int fd)
{
    char path[4096];
    return fd >= 0 && fd_path(fd, path, sizeof path) == 0 &&
           strstr(path, ".zhfix-") != NULL;
}

static void *real(const char *name)
{
    void *f = dlsym(RTLD_NEXT, name);
    if (!f)
        abort();
    return f;
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    size_t (*next)(const void *, size_t, size_t, FILE *) = real("fwrite");
    static size_t total;
    if (is_temp(fileno(f))) {
        if (mode_is("term"))
            raise(SIGTERM);
        if (mode_is("fwrite")) {
            const char *a = getenv("SHIM_AFTER");
            size_t limit = a ? strtoul(a, NULL, 10) : 0, want = size * n;
            if (total + want > limit) {
                size_t part = limit - total;
                if (part)
                    next(p, 1, part, f);
                total = limit;
                errno = EIO;
                return size ? part / size : 0;
            }
            total += want;
        }
    }
    return next(p, size, n, f);
}

int fsync(int fd)
{
    int (*next)(int) = real("fsync");
    if (mode_is("fsync") && is_temp(fd)) {
        errno = EIO;
        return -1;
    }
    return next(fd);
}

int fchmod(int fd, mode_t m)
{
    int (*next)(int, mode_t) = real("fchmod");
    if (mode_is("fchmod") && is_temp(fd)) {
        errno = EIO;
        return -1;
    }
    return next(fd, m);
}

int fclose(FILE *f)
{
    int (*next)(FILE *) = real("fclose");
    if (mode_is("fclose") && is_temp(fileno(f))) {
        next(f);
        errno = EIO;
        return EOF;
    }
    return next(f);
}

int rename(const char *from, const char *to)
{
    int (*next)(const char *, const char *) = real("rename");
    if (mode_is("rename") && strstr(from, ".zhfix-")) {
        errno = EIO;
        return -1;
    }
    return next(from, to);
}

int link(const char *from, const char *to)
{
    int (*next)(const char *, const char *) = real("link");
    if (mode_is("link")) {
        errno = EIO;
        return -1;
    }
    return next(from, to);
}

ssize_t read(int fd, void *buf, size_t n)
{
    ssize_t (*next)(int, void *, size_t) = real("read");
    static int done;
    ssize_t got = next(fd, buf, n);
    const char *target = getenv("SHIM_TARGET");
    char path[4096];
    if (done || !target || fd_path(fd, path, sizeof path) ||
        strcmp(path, target))
        return got;
    done = 1;
    if (mode_is("append")) {
        int w = open(target, O_WRONLY | O_APPEND);
        if (w >= 0) {
            if (write(w, "appended\n", 9) != 9)
                abort();
            close(w);
        }
    } else if (mode_is("rewrite")) {
        int w = open(target, O_WRONLY);
        if (w >= 0) {
            if (pwrite(w, "X", 1, 0) != 1)
                abort();
            close(w);
        }
    } else if (mode_is("replace")) {
        char other[4200];
        snprintf(other, sizeof other, "%s.other", target);
        int w = open(other, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (w >= 0) {
            if (write(w, "other\n", 6) != 6)
                abort();
            close(w);
            int (*ren)(const char *, const char *) = real("rename");
            ren(other, target);
        }
    }
    return got;
}
