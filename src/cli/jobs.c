/*
 * jobs.c - files processed on worker threads (-j N), with everything they
 * print released in input order, so the output is the same as one file
 * after the other: stdout text, findings, diffs, detect lines and error
 * messages.
 *
 * Each file gets two streams (fopencookie) standing in for stdout and
 * stderr. The file whose turn it is (the oldest not yet released) writes
 * straight through; the others are held: in memory up to a budget shared
 * by all, then in an unlinked temporary file. When the file in turn is
 * done, the next one's held output is released and it writes straight
 * through from then on. A handle is not thread-safe, so each worker has
 * its own (made by the caller's worker_start).
 *
 * Progress (files, bytes, MB/s, time left) is drawn on stderr a few times a
 * second by its own thread, under the same lock as the output, and is
 * cleared before anything else is written there.
 */
#define _GNU_SOURCE /* fopencookie, realpath */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Output held in memory by all files together, and by one stream. */
#define HOLD_BUDGET ((size_t)64 << 20)
#define HOLD_STREAM ((size_t)16 << 20)
/* Size of each file's stdout buffer. */
#define STREAM_BUFFER ((size_t)64 << 10)

enum { OUT, ERR };

typedef struct held {
    char *mem;
    size_t len, cap;
    int fd; /* spill file, or -1 */
    int failed;
} held;

typedef struct task task;

typedef struct cookie {
    task *t;
    int which;
} cookie;

struct task {
    size_t index;
    const char *arg;
    char *real; /* -i: the file rewritten, to order files naming it */
    long after; /* a task that must be done before this one starts, or -1 */
    held h[2];
    cookie c[2];
    int done, status;
};

typedef struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const jobs_spec *spec;
    task *tasks;
    size_t n, next, head;
    size_t held_mem;
    int drop_pending;
    /* Progress. */
    int progress, tty, drawn, finished;
    int flush_out; /* stdout is the terminal progress is drawn on */
    struct timespec start;
    size_t files_done;
    unsigned long long total_bytes;
    int total_known;
} pool;

static pool P;
static atomic_ullong bytes_read;
static _Thread_local FILE *cur_out, *cur_err;

FILE *cli_stdout(void)
{
    return cur_out ? cur_out : stdout;
}
FILE *cli_stderr(void)
{
    return cur_err ? cur_err : stderr;
}

void cli_set_thread_streams(FILE *out, FILE *err)
{
    cur_out = out;
    cur_err = err;
}

void jobs_count_bytes(size_t n)
{
    atomic_fetch_add_explicit(&bytes_read, n, memory_order_relaxed);
}

int jobs_default(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* ---- Progress ---------------------------------------------------------- */

static double elapsed(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - P.start.tv_sec) +
           (double)(now.tv_nsec - P.start.tv_nsec) / 1e9;
}

/* Under the lock. */
static void progress_clear(void)
{
    if (P.drawn) {
        fputs("\r\033[K", stderr);
        P.drawn = 0;
    }
}

static void progress_draw(int final)
{
    double secs = elapsed();
    unsigned long long done = atomic_load(&bytes_read);
    double mb = (double)done / 1e6;
    double rate = secs > 0 ? mb / secs : 0;
    char line[256];
    int len = snprintf(line, sizeof line, "zhfix: %zu/%zu files, %.1f",
                       P.files_done, P.n, mb);
    if (P.total_known)
        len += snprintf(line + len, sizeof line - (size_t)len, "/%.1f",
                        (double)P.total_bytes / 1e6);
    len +=
        snprintf(line + len, sizeof line - (size_t)len, " MB, %.1f MB/s", rate);
    if (P.total_known && !final && rate > 0 && done <= P.total_bytes) {
        double left = ((double)(P.total_bytes - done) / 1e6) / rate;
        long s = (long)(left + 0.5);
        len += snprintf(line + len, sizeof line - (size_t)len,
                        ", %ld:%02ld left", s / 60, s % 60);
    }
    if (P.tty) {
        fprintf(stderr, "\r%s\033[K", line);
        P.drawn = 1;
    } else {
        fprintf(stderr, "%s\n", line);
    }
    fflush(stderr);
}

static void *progress_main(void *unused)
{
    (void)unused;
    /* On a terminal a short run shows nothing: drawing starts after a
     * second, unless --progress asked for it. */
    int forced = P.spec->progress > 1;
    double every = P.tty ? 0.25 : 1.0;
    double next = P.tty && !forced ? 1.0 : 0.0;
    pthread_mutex_lock(&P.mu);
    while (!P.finished) {
        double now = elapsed();
        if (now >= next) {
            progress_draw(0);
            next = now + every;
        }
        double wait = next - elapsed();
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        long ns = (long)(wait * 1e9);
        if (ns < 1000000)
            ns = 1000000;
        until.tv_sec += ns / 1000000000;
        until.tv_nsec += ns % 1000000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&P.cv, &P.mu, &until);
    }
    if (P.tty)
        progress_clear();
    else
        progress_draw(1);
    pthread_mutex_unlock(&P.mu);
    return NULL;
}

/* ---- Output ------------------------------------------------------------ */

/* Write to the real stream, under the lock. */
static void pass_on(int which, const char *s, size_t n)
{
    if (!n)
        return;
    progress_clear();
    if (which == OUT) {
        if (P.drop_pending) {
            P.drop_pending = 0;
            if (*s == ',') {
                s++;
                n--;
            }
        }
        fwrite(s, 1, n, stdout);
        /* Text left in stdout's buffer would land after the next redraw. */
        if (P.flush_out)
            fflush(stdout);
    } else {
        fwrite(s, 1, n, stderr);
    }
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int spill_file(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/zhfix-hold-XXXXXX", dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

/* Hold output of a file that is not yet in turn, under the lock. */
static int hold(held *h, const char *s, size_t n)
{
    if (!n)
        return 0;
    if (h->fd < 0 && h->len + n <= HOLD_STREAM &&
        P.held_mem + n <= HOLD_BUDGET) {
        if (h->len + n > h->cap) {
            size_t cap = h->cap ? h->cap : STREAM_BUFFER;
            while (cap < h->len + n)
                cap *= 2;
            char *p = realloc(h->mem, cap);
            if (p) {
                h->mem = p;
                h->cap = cap;
            }
        }
        if (h->len + n <= h->cap) {
            memcpy(h->mem + h->len, s, n);
            h->len += n;
            P.held_mem += n;
            return 0;
        }
    }
    if (h->fd < 0 && (h->fd = spill_file()) < 0)
        return -1;
    return write_all(h->fd, s, n);
}

/* Release what a file held, under the lock. */
static void release(task *t)
{
    for (int w = OUT; w <= ERR; w++) {
        held *h = &t->h[w];
        pass_on(w, h->mem, h->len);
        P.held_mem -= h->len;
        free(h->mem);
        h->mem = NULL;
        h->len = h->cap = 0;
        if (h->fd >= 0) {
            char buf[64 << 10];
            ssize_t r;
            if (lseek(h->fd, 0, SEEK_SET) == 0)
                while ((r = read(h->fd, buf, sizeof buf)) > 0)
                    pass_on(w, buf, (size_t)r);
            close(h->fd);
            h->fd = -1;
        }
    }
}

static ssize_t cookie_write(void *c, const char *s, size_t n)
{
    cookie *k = c;
    task *t = k->t;
    ssize_t rc = (ssize_t)n;
    pthread_mutex_lock(&P.mu);
    if (t->index == P.head) {
        pass_on(k->which, s, n);
    } else if (hold(&t->h[k->which], s, n)) {
        t->h[k->which].failed = errno ? errno : EIO;
        rc = -1;
    }
    pthread_mutex_unlock(&P.mu);
    return rc;
}

static int cookie_close(void *c)
{
    (void)c;
    return 0;
}

/* ---- Workers ----------------------------------------------------------- */

static void *worker_main(void *state)
{
    const jobs_spec *spec = P.spec;
    cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
    for (;;) {
        pthread_mutex_lock(&P.mu);
        if (P.next >= P.n) {
            pthread_mutex_unlock(&P.mu);
            break;
        }
        task *t = &P.tasks[P.next++];
        while (t->after >= 0 && !P.tasks[t->after].done)
            pthread_cond_wait(&P.cv, &P.mu);
        pthread_mutex_unlock(&P.mu);

        cur_out = fopencookie(&t->c[OUT], "w", io);
        cur_err = fopencookie(&t->c[ERR], "w", io);
        int status;
        if (!cur_out || !cur_err) {
            if (cur_out)
                fclose(cur_out);
            if (cur_err)
                fclose(cur_err);
            cur_out = cur_err = NULL;
            pthread_mutex_lock(&P.mu);
            while (t->index != P.head)
                pthread_cond_wait(&P.cv, &P.mu);
            pthread_mutex_unlock(&P.mu);
            /* In turn: writing directly keeps the order. */
            status = spec->worker_file(state, t->arg);
        } else {
            setvbuf(cur_out, NULL, _IOFBF, STREAM_BUFFER);
            setvbuf(cur_err, NULL, _IONBF, 0);
            status = spec->worker_file(state, t->arg);
            fclose(cur_out);
            fclose(cur_err);
            cur_out = cur_err = NULL;
        }

        pthread_mutex_lock(&P.mu);
        for (int w = OUT; w <= ERR; w++)
            if (t->h[w].failed) {
                /* Printed when it is released, in its place. */
                char msg[256];
                int len = snprintf(msg, sizeof msg,
                                   "zhfix: %s: cannot hold output: %s\n",
                                   t->arg, strerror(t->h[w].failed));
                t->h[w].failed = 0;
                if (t->index == P.head || hold(&t->h[ERR], msg, (size_t)len))
                    pass_on(ERR, msg, (size_t)len);
                status = EXIT_TROUBLE;
            }
        t->status = status;
        t->done = 1;
        P.files_done++;
        while (P.head < P.n && P.tasks[P.head].done) {
            P.head++;
            if (P.head < P.n)
                release(&P.tasks[P.head]);
        }
        pthread_cond_broadcast(&P.cv);
        pthread_mutex_unlock(&P.mu);
    }
    return NULL;
}

static int real_cmp(const void *a, const void *b)
{
    const task *x = *(task *const *)a, *y = *(task *const *)b;
    int c = strcmp(x->real, y->real);
    if (c)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

/* With -i, a file named twice (or through a link) must be rewritten once
 * after the other, as it would be without -j. */
static void order_same_files(void)
{
    task **by = malloc(P.n * sizeof *by);
    size_t m = 0;
    for (size_t i = 0; i < P.n; i++) {
        P.tasks[i].real = realpath(P.tasks[i].arg, NULL);
        if (P.tasks[i].real && by)
            by[m++] = &P.tasks[i];
    }
    if (!by)
        return;
    qsort(by, m, sizeof *by, real_cmp);
    for (size_t i = 1; i < m; i++)
        if (!strcmp(by[i]->real, by[i - 1]->real))
            by[i]->after = (long)by[i - 1]->index;
    free(by);
}

int jobs_run(const jobs_spec *spec, char **files, size_t nfiles)
{
    memset(&P, 0, sizeof P);
    P.spec = spec;
    P.n = nfiles;
    P.drop_pending = spec->drop_first_byte;
    P.tasks = calloc(nfiles ? nfiles : 1, sizeof *P.tasks);
    size_t nw = (size_t)(spec->jobs > 0 ? spec->jobs : 1);
    if (nw > nfiles)
        nw = nfiles ? nfiles : 1;
    void **states = calloc(nw, sizeof *states);
    pthread_t *threads = calloc(nw, sizeof *threads);
    if (!P.tasks || !states || !threads) {
        free(P.tasks);
        free(states);
        free(threads);
        return -1;
    }
    size_t started = 0;
    for (size_t i = 0; i < nw; i++) {
        states[i] = spec->worker_start(spec->ctx);
        if (!states[i])
            break;
        started++;
    }
    if (!started) {
        free(P.tasks);
        free(states);
        free(threads);
        return -1;
    }
    for (size_t i = 0; i < nfiles; i++) {
        task *t = &P.tasks[i];
        t->index = i;
        t->arg = files[i];
        t->after = -1;
        t->h[OUT].fd = t->h[ERR].fd = -1;
        t->c[OUT].t = t->c[ERR].t = t;
        t->c[OUT].which = OUT;
        t->c[ERR].which = ERR;
    }
    /* The total is known when every input is a regular file (standard
     * input and pipes have no size); missing files count as empty. */
    P.total_known = 1;
    for (size_t i = 0; i < nfiles; i++) {
        struct stat st;
        if (!strcmp(files[i], "-"))
            P.total_known = 0;
        else if (!stat(files[i], &st) && S_ISREG(st.st_mode))
            P.total_bytes += (unsigned long long)st.st_size;
        else if (!stat(files[i], &st) && !S_ISDIR(st.st_mode))
            P.total_known = 0;
    }
    if (spec->in_place)
        order_same_files();
    pthread_mutex_init(&P.mu, NULL);
    pthread_cond_init(&P.cv, NULL);
    atomic_store(&bytes_read, 0);
    clock_gettime(CLOCK_MONOTONIC, &P.start);
    P.progress = spec->progress;
    P.tty = isatty(STDERR_FILENO);
    P.flush_out = P.progress && P.tty && isatty(STDOUT_FILENO);
    pthread_t progress_thread;
    int have_progress = P.progress && pthread_create(&progress_thread, NULL,
                                                     progress_main, NULL) == 0;

    size_t running = 0;
    for (size_t i = 0; i < started; i++) {
        if (pthread_create(&threads[i], NULL, worker_main, states[i]))
            break;
        running++;
    }
    if (!running)
        worker_main(states[0]); /* no thread at all: do it here */
    for (size_t i = 0; i < running; i++)
        pthread_join(threads[i], NULL);

    pthread_mutex_lock(&P.mu);
    P.finished = 1;
    pthread_cond_broadcast(&P.cv);
    pthread_mutex_unlock(&P.mu);
    if (have_progress)
        pthread_join(progress_thread, NULL);

    int status = EXIT_CLEAN;
    for (size_t i = 0; i < nfiles; i++) {
        if (P.tasks[i].status > status)
            status = P.tasks[i].status;
        free(P.tasks[i].real);
    }
    for (size_t i = 0; i < started; i++)
        spec->worker_stop(spec->ctx, states[i]);
    pthread_cond_destroy(&P.cv);
    pthread_mutex_destroy(&P.mu);
    free(P.tasks);
    free(states);
    free(threads);
    return status;
}
