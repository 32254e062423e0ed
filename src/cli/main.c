/*
 * main.c - the zhfix command: fix, check, convert, detect, rules.
 *
 * Files are streamed: the encoding is detected first (a whole pass, since a
 * single GBK line can end 50 MB of ASCII), then the text is decoded and cut
 * into the library's blocks, so memory stays bounded on any file and the
 * output equals processing the file whole. A file that cannot be processed
 * gets a message naming it and exit status 2; the other files go on.
 */
#define _GNU_SOURCE /* getopt_long, mkstemp, fchown, fsync */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../hugemap.h"
#include "../newlines.h"
#include "cli.h"

/* Bytes read at a time. */
#define READ_CHUNK ((size_t)256 << 10)
/* Inputs up to this size are read once and kept in memory; larger ones are
 * read twice (detection, then decoding) or spooled when not seekable. */
#define MEMORY_INPUT_MAX ((size_t)8 << 20)
/* ...but a regular file up to this size is read whole into memory (a
 * buffer of its size), and when it is UTF-8 its blocks are read there:
 * read once, not copied. */
#define WHOLE_FILE_MAX ((size_t)16 << 20)
/* Below this detection confidence (0..100) a non-UTF-8 guess is refused. */
#define MIN_CONFIDENCE 5

static const char usage_text[] =
    "Usage: zhfix COMMAND [OPTIONS] [FILE...]\n"
    "Find and repair corrupted Chinese text; convert between scripts.\n"
    "\n"
    "Commands:\n"
    "  fix        repair files (stdout, or in place with -i)\n"
    "  check      report defects, change nothing (exit 1 if any)\n"
    "  convert    convert the script only (needs --to or --opencc)\n"
    "  detect     show each file's encoding, script and findings\n"
    "  rules      list the rules\n"
    "\n"
    "No FILE, or -, reads standard input.\n"
    "\n"
    "Options:\n"
    "  -i, --in-place          rewrite each file atomically (fix, convert)\n"
    "      --backup[=SUFFIX]   with -i, keep the original as FILE~ (or "
    "FILE+SUFFIX)\n"
    "      --diff              print a unified diff instead of the text\n"
    "      --explain           fix: print each repair and why on stderr\n"
    "      --to TARGET         simplified, traditional, taiwan, "
    "taiwan-phrases,\n"
    "                          hongkong, japanese\n"
    "      --opencc CONFIG     any OpenCC config name (s2twp) or path\n"
    "      --engine ENGINE     auto (default: zhfix's engine for OpenCC's own\n"
    "                          configs) or opencc (always libopencc)\n"
    "      --from-encoding ENC auto (default), utf-8, utf-16le, utf-16be,\n"
    "                          gb18030, gbk, big5, big5-hkscs\n"
    "      --to-encoding ENC   output encoding (default utf-8; with -i, the "
    "input's)\n"
    "      --select LIST       rule ids or categories, comma-separated, or "
    "all\n"
    "      --ignore LIST       rule ids or categories to leave out\n"
    "      --format FORMAT     check, detect, rules: text (default), json, "
    "sarif\n"
    "      --statistics        check: counts per rule instead of findings\n"
    "      --syntax SYNTAX     auto (by file name: .md Markdown, .csv/.tsv "
    "data),\n"
    "                          plain, markdown, csv\n"
    "      --no-config         ignore .zhfix project config files\n"
    "      --jsonl             input is JSON Lines: process the --field "
    "strings\n"
    "                          of each record, keep every other byte\n"
    "      --field NAME        a string field (repeatable); a.b is member b "
    "of a\n"
    "      --jsonl-invalid=error|pass  a malformed record is an error "
    "(default)\n"
    "                          or is passed through with a warning\n"
    "      --jsonl-max-record BYTES  longest record processed (default: "
    "64 MiB,\n"
    "                          most: 1 GiB); a longer one is kept as it is\n"
    "  -j, --jobs N            files, or a single input's blocks, processed\n"
    "                          in parallel (default: cores)\n"
    "      --progress, --no-progress  progress on stderr (default: on a "
    "terminal)\n"
    "  -q, --quiet             no summary on stderr\n"
    "  -h, --help              show this help\n"
    "  -V, --version           show the version\n"
    "\n"
    "Exit status: 0 done (check: nothing found), 1 check found something,\n"
    "2 usage error or a file could not be processed.\n";

void cli_error(const char *what, const char *fmt, ...)
{
    va_list ap;
    FILE *err = cli_stderr();
    fprintf(err, "zhfix: %s: ", what);
    va_start(ap, fmt);
    vfprintf(err, fmt, ap);
    va_end(ap);
    fputc('\n', err);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("zhfix: ", stderr);
    fprintf(stderr, "%s%s\n", fmt, arg ? arg : "");
    fputs("Try 'zhfix --help'.\n", stderr);
    return EXIT_TROUBLE;
}

/* ---- Per-run state ----------------------------------------------------- */

typedef struct handle_slot {
    const project_config *config;
    zhfix *h;
} handle_slot;

/* Most threads that read the blocks of one input (-j on a single input). */
#define MAX_BLOCK_WORKERS 16

/* A handle that reads blocks beside another (its primary) on one input. */
typedef struct block_helper {
    const zhfix *primary;
    int index; /* 1 .. MAX_BLOCK_WORKERS - 1 */
    zhfix *h;
} block_helper;

typedef struct run {
    cli_options *o;
    zhfix *h; /* for files without a project config */
    handle_slot *slots; /* one handle per project config met */
    size_t nslots;
    int block_workers; /* threads for the blocks of one input, 1 for none */
    block_helper *helpers;
    size_t nhelpers;
    report *rep;     /* check findings, or --explain on stderr */
    int status;      /* worst exit status so far */
    int json_first;  /* detect --format json */
    unsigned long long files, files_changed;
} run;

/* Where the text of one file comes from. */
typedef struct source {
    int fd;       /* -1 when the input is all in mem */
    char *mem;    /* input read during detection (owned) */
    size_t memlen, mempos;
    size_t memmap; /* mem's size when it is mapped (input_buffer), else 0 */
    int checked_utf8; /* all of it was read and found valid UTF-8 */
} source;

typedef struct job {
    run *r;
    zhfix *h; /* the handle for this file's config */
    zhfix_options lib; /* the options h was made with */
    int helpers; /* handles reading blocks beside h (block_helpers_begin) */
    const char *name; /* as shown in messages */
    const char *path; /* NULL for stdin */
    char *target;     /* file rewritten by -i (symlinks resolved) */
    struct stat st0;  /* the input before reading */
    zhfix_encoding in_enc, out_enc;
    size_t bom_len;
    int in_bom; /* input started with a byte-order mark */
    /* Output. */
    FILE *out;      /* stdout, the temp file, or NULL (check, diff) */
    char *tmp_path; /* -i */
    zhfix_codec *encoder; /* UTF-8 to out_enc, or NULL */
    int skip_out_bom; /* drop a leading U+FEFF when encoding */
    differ *diff;
    int changed;
    size_t line_base;
    /* detect */
    zhfix_script_counts script;
    unsigned long long *rule_counts;
} job;

static void set_status(run *r, int st)
{
    if (st > r->status)
        r->status = st;
}

/* ---- Reading ----------------------------------------------------------- */

static ssize_t read_full(int fd, char *buf, size_t cap)
{
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

/* A buffer from input_buffer: mapped (its size) or from malloc (0). */
static void release_buffer(char *p, size_t mapped)
{
    if (p && mapped)
        zh_unmap(p, mapped);
    else
        free(p);
}

/* A buffer of n bytes for j's input, mapped in huge pages (hugemap.h)
 * where the input is a file of over 2 MB (for a small one, mapping and
 * unmapping cost more than they save: 20 small files took 40% longer to
 * check), else from malloc: *mapped is set for release_buffer. All of it
 * is huge pages: the file fills it at once, and its first 2 MB in 4 KB
 * pages were 512 faults. */
static char *input_buffer(const job *j, size_t n, size_t *mapped)
{
    const size_t mapped_over = (size_t)2 << 20;
    int large = S_ISREG(j->st0.st_mode) && j->st0.st_size > (off_t)mapped_over;
    char *p = large ? zh_map_huge(n) : NULL;
    *mapped = p ? n : 0;
    return p ? p : malloc(n);
}

static ssize_t source_read(source *s, char *buf, size_t cap)
{
    if (s->mem && s->mempos < s->memlen) {
        size_t n = s->memlen - s->mempos;
        if (n > cap)
            n = cap;
        memcpy(buf, s->mem + s->mempos, n);
        s->mempos += n;
        return (ssize_t)n;
    }
    if (s->fd < 0)
        return 0;
    return read_full(s->fd, buf, cap);
}

/* A private temp file for spooling standard input, already unlinked. */
static int spool_file(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/zhfix-spool-XXXXXX", dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

static int write_all(int fd, const char *s, size_t len)
{
    while (len) {
        ssize_t n = write(fd, s, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

/* 1 if the input is all valid UTF-8 with no NUL byte: the memory part, and
 * with rest, the rest of the (seekable) file, which is then read and the
 * file put back where the memory part ends. 0 if not (a character cut at
 * the very end counts as not: the detector judges that case), -1 on a
 * read error. */
static int plain_utf8(source *src, int rest)
{
    const char *m = src->mem;
    size_t len = src->memlen, carry = 0;
    size_t bad = zhfix_utf8_validate(m, len);
    if (memchr(m, '\0', bad))
        return 0;
    if (bad < len && (!rest || len - bad > 3))
        return 0;
    if (!rest)
        return 1;
    /* The rest of the file, with a character cut by a read carried on. */
    char *buf = malloc(READ_CHUNK + 4);
    if (!buf)
        return 0;
    carry = len - bad;
    memcpy(buf, m + bad, carry);
    int plain = 1;
    for (;;) {
        ssize_t n = read_full(src->fd, buf + carry, READ_CHUNK);
        if (n < 0) {
            plain = -1;
            break;
        }
        size_t have = carry + (size_t)n;
        size_t b = zhfix_utf8_validate(buf, have);
        if (memchr(buf, '\0', b) || (b < have && (n == 0 || have - b > 3))) {
            plain = 0;
            break;
        }
        if (n == 0)
            break;
        carry = have - b;
        memmove(buf, buf + b, carry);
    }
    free(buf);
    if (plain >= 0 &&
        lseek(src->fd, (off_t)src->memlen, SEEK_SET) == (off_t)-1)
        plain = -1;
    return plain;
}

/* 1 when the head of the input is UTF-8 with Chinese or other non-ASCII
 * text up to an invalid sequence, which *bad then describes (its offset
 * and bytes): what the owner of a UTF-8 file with one bad byte in it
 * needs to be told, rather than the detector's best guess of another
 * encoding. */
static int utf8_until_bad(const char *mem, size_t len, char *bad,
                          size_t badsize)
{
    size_t ok = zhfix_utf8_validate(mem, len);
    if (ok == len)
        return 0;
    int non_ascii = 0;
    for (size_t i = 0; i < ok && !non_ascii; i++)
        non_ascii = (unsigned char)mem[i] >= 0x80;
    zhfix_codec *c;
    if (!non_ascii ||
        zhfix_codec_create(ZHFIX_ENC_UTF8, ZHFIX_ENC_UTF8, &c) != ZHFIX_OK)
        return 0;
    char *out = malloc(len);
    int told = 0;
    if (out) {
        const char *in = mem;
        size_t inlen = len, cap = len;
        char *o = out;
        /* Not final: a character cut where the memory part ends is
         * no bad sequence. */
        if (zhfix_codec_convert(c, &in, &inlen, &o, &cap, 0) ==
            ZHFIX_INVALID_INPUT) {
            snprintf(bad, badsize, "%s", zhfix_codec_errmsg(c));
            told = 1;
        }
        free(out);
    }
    zhfix_codec_destroy(c);
    return told;
}

/* Detect the encoding of the whole input. Small inputs stay in memory;
 * a large non-seekable one is spooled to a temp file so it can be read
 * again. Returns 0, or -1 after reporting an error. */
static int detect_input(job *j, source *src, zhfix_detection *det)
{
    zhfix_detector *d = NULL;
    if (zhfix_detector_create(&d) != ZHFIX_OK) {
        cli_error(j->name, "out of memory");
        return -1;
    }
    int seekable = S_ISREG(j->st0.st_mode) &&
                   lseek(src->fd, 0, SEEK_CUR) != (off_t)-1;
    size_t cap = MEMORY_INPUT_MAX;
    /* A byte over the size: a file that has grown since is read on. */
    if (seekable && j->st0.st_size > 0 &&
        (unsigned long long)j->st0.st_size < WHOLE_FILE_MAX)
        cap = (size_t)j->st0.st_size + 1;
    src->mem = input_buffer(j, cap, &src->memmap);
    int spool = -1, rc = 0;
    char *chunk = NULL;
    if (!src->mem) {
        cli_error(j->name, "out of memory");
        zhfix_detector_destroy(d);
        return -1;
    }
    /* First the part that fits in memory. */
    ssize_t n = read_full(src->fd, src->mem, cap);
    if (n < 0)
        goto read_error;
    src->memlen = (size_t)n;
    /* Valid UTF-8 without NUL bytes is UTF-8 to the detector too (its
     * first rule after a BOM); checking that is many times cheaper than
     * scoring every candidate encoding, and most input is UTF-8. */
    if (src->memlen < cap || seekable) {
        int plain = plain_utf8(src, seekable && src->memlen == cap);
        if (plain < 0)
            goto read_error;
        if (plain) {
            det->encoding = ZHFIX_ENC_UTF8;
            det->confidence = 100;
            det->bom_length = src->memlen >= 3 &&
                                      !memcmp(src->mem, "\xEF\xBB\xBF", 3)
                                  ? 3
                                  : 0;
            det->binary = 0;
            src->checked_utf8 = 1;
            if (src->memlen < cap)
                src->fd = -1;
            zhfix_detector_destroy(d);
            return 0;
        }
    }
    zhfix_detector_feed(d, src->mem, src->memlen);
    if (src->memlen < cap) {
        /* All of it is in memory. */
        src->fd = -1;
        goto done;
    }
    chunk = malloc(READ_CHUNK);
    if (!chunk) {
        cli_error(j->name, "out of memory");
        rc = -1;
        goto done;
    }
    if (!seekable) {
        spool = spool_file();
        if (spool < 0 || write_all(spool, src->mem, src->memlen)) {
            cli_error(j->name, "cannot spool standard input: %s",
                      strerror(errno));
            rc = -1;
            goto done;
        }
    }
    for (;;) {
        if (seekable && zhfix_detector_done(d))
            break;
        n = read_full(src->fd, chunk, READ_CHUNK);
        if (n < 0)
            goto read_error;
        if (n == 0)
            break;
        zhfix_detector_feed(d, chunk, (size_t)n);
        if (spool >= 0 && write_all(spool, chunk, (size_t)n)) {
            cli_error(j->name, "cannot spool standard input: %s",
                      strerror(errno));
            rc = -1;
            goto done;
        }
    }
    /* Read again from the start: the memory part first, then the rest. */
    if (spool >= 0) {
        src->fd = spool;
        spool = -1;
    }
    if (lseek(src->fd, (off_t)src->memlen, SEEK_SET) == (off_t)-1) {
        cli_error(j->name, "cannot rewind: %s", strerror(errno));
        rc = -1;
    }
    goto done;
read_error:
    cli_error(j->name, "read error: %s", strerror(errno));
    rc = -1;
done:
    zhfix_detector_result(d, det);
    zhfix_detector_destroy(d);
    free(chunk);
    if (spool >= 0)
        close(spool);
    return rc;
}

/* ---- Writing ----------------------------------------------------------- */

static int emit(job *j, const char *s, size_t len)
{
    if (!j->out)
        return 0;
    if (!j->encoder)
        return fwrite(s, 1, len, j->out) == len ? 0 : -1;
    if (j->skip_out_bom) {
        j->skip_out_bom = 0;
        if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3)) {
            s += 3;
            len -= 3;
        }
    }
    char buf[64 << 10];
    while (len) {
        char *dst = buf;
        size_t room = sizeof buf;
        zhfix_status st =
            zhfix_codec_convert(j->encoder, &s, &len, &dst, &room, 1);
        if (fwrite(buf, 1, sizeof buf - room, j->out) != sizeof buf - room)
            return -1;
        if (st == ZHFIX_BUFFER_TOO_SMALL)
            continue;
        if (st != ZHFIX_OK) {
            cli_error(j->name, "cannot write as %s: %s",
                      zhfix_encoding_name(j->out_enc),
                      zhfix_codec_errmsg(j->encoder));
            return -2;
        }
    }
    return 0;
}

/* ---- One block of text ------------------------------------------------- */

static int lib_failed(job *j, zhfix_status st)
{
    const char *msg = zhfix_errmsg(j->h);
    cli_error(j->name, "%s", *msg ? msg : zhfix_strerror(st));
    return -1;
}

/* What the library made of one block, read on some thread. */
typedef struct block_work {
    zhfix *h;
    const char *text;
    size_t len;
    zhfix_status st;
    char *out; /* fix, convert; NULL for a fix that changed nothing */
    size_t outlen;
    command cmd;
    size_t before; /* bytes of its batch before it (read_batch) */
} block_work;

/* The library's part of a block: check, fix or convert it with w->h. */
static void block_read(block_work *w)
{
    command cmd = w->cmd;
    w->out = NULL;
    w->outlen = 0;
    if (cmd == CMD_FIX)
        w->st =
            zhfix_fix_if_changed(w->h, w->text, w->len, &w->out, &w->outlen);
    else if (cmd == CMD_CONVERT)
        w->st = zhfix_convert_alloc(w->h, w->text, w->len, &w->out,
                                    &w->outlen);
    else
        w->st = zhfix_check(w->h, w->text, w->len);
}

/* What comes of a block read by block_read with j's handle or a helper:
 * findings, diff, text. Returns 0, or -1 after reporting an error. */
static int block_deliver(job *j, block_work *w)
{
    run *r = j->r;
    zhfix *h = w->h;
    const char *text = w->text;
    size_t len = w->len;
    char *out = w->out;
    size_t outlen = w->outlen;
    zhfix_status st = w->st;
    /* A fix that changed nothing hands back no copy: the text is its
     * own result. */
    const char *result = out ? out : text;
    int rc = 0;
    if (st != ZHFIX_OK) {
        zhfix_free(out);
        const char *msg = zhfix_errmsg(h);
        cli_error(j->name, "%s", *msg ? msg : zhfix_strerror(st));
        return -1; /* as lib_failed, with the handle that read the block */
    }
    switch (r->o->cmd) {
    case CMD_CHECK:
        report_findings(r->rep, j->name, h, j->line_base, 0);
        break;
    case CMD_FIX:
    case CMD_CONVERT:
        if (r->o->explain && r->rep)
            report_findings(r->rep, j->name, h, j->line_base, 1);
        if (out && (outlen != len || memcmp(out, text, len)))
            j->changed = 1;
        if (j->diff && differ_feed(j->diff, text, len, result, outlen)) {
            cli_error(j->name, "diff too large or out of memory");
            rc = -1;
        }
        if (rc == 0) {
            int wr = emit(j, result, outlen);
            if (wr == -1) {
                cli_error(j->tmp_path ? j->name : "<stdout>",
                          "write error: %s", strerror(errno));
                rc = -1;
            } else if (wr < 0) {
                rc = -1;
            }
        }
        break;
    default:
        break;
    }
    zhfix_free(out);
    j->line_base += zh_count_newlines(text, len);
    return rc;
}

/* Returns 0, or -1 after reporting an error. */
static int handle_block(job *j, const char *text, size_t len)
{
    run *r = j->r;
    zhfix *h = j->h;
    if (r->o->cmd != CMD_DETECT) {
        block_work w = {h, text, len, ZHFIX_OK, NULL, 0, r->o->cmd, 0};
        block_read(&w);
        return block_deliver(j, &w);
    }
    zhfix_status st = zhfix_check(h, text, len);
    if (st == ZHFIX_OK) {
        zhfix_script_counts c;
        st = zhfix_script_count(h, text, len, &c);
        j->script.han += c.han;
        j->script.simplified += c.simplified;
        j->script.traditional += c.traditional;
    }
    if (st != ZHFIX_OK)
        return lib_failed(j, st);
    for (size_t i = 0; i < zhfix_finding_count(h); i++) {
        const char *id = zhfix_finding_get(h, i)->rule;
        for (size_t k = 0; k < zhfix_rule_count(); k++)
            if (!strcmp(zhfix_rule_get(k)->id, id))
                j->rule_counts[k]++;
    }
    j->line_base += zh_count_newlines(text, len);
    return 0;
}

/* ---- The blocks of one input on several threads (-j) ------------------ */

/* The handle that reads the k-th block of each batch of j's input beside
 * j's own (k >= 1): made on first use, with the same options. */
static zhfix *block_helper_for(job *j, int k)
{
    run *r = j->r;
    for (size_t i = 0; i < r->nhelpers; i++)
        if (r->helpers[i].primary == j->h && r->helpers[i].index == k)
            return r->helpers[i].h;
    block_helper *p = realloc(r->helpers, (r->nhelpers + 1) * sizeof *p);
    if (!p)
        return NULL;
    r->helpers = p;
    zhfix *h = NULL;
    if (zhfix_create(&j->lib, &h, NULL, 0) != ZHFIX_OK)
        return NULL;
    p[r->nhelpers++] = (block_helper){j->h, k, h};
    return h;
}

/* Start the document on the handles that read j's blocks beside its own,
 * when there is more than one block to read: 0 when none will, else how
 * many (block_workers - 1); -1 after an error. */
static int block_helpers_begin(job *j, zhfix_syntax syntax)
{
    command cmd = j->r->o->cmd;
    int n = j->r->block_workers - 1;
    if (n <= 0 || !(cmd == CMD_FIX || cmd == CMD_CHECK || cmd == CMD_CONVERT))
        return 0;
    if (j->path && S_ISREG(j->st0.st_mode) &&
        (size_t)j->st0.st_size <= ZHFIX_BLOCK_SIZE)
        return 0;
    for (int k = 1; k <= n; k++) {
        zhfix *h = block_helper_for(j, k);
        if (!h) {
            cli_error(j->name, "out of memory");
            return -1;
        }
        zhfix_document_begin(h, syntax);
    }
    return n;
}

/* Most blocks in one batch: the pending input (16 MB and some) or a file
 * read whole (under WHOLE_FILE_MAX) holds at most 17, each block of at
 * least ZHFIX_BLOCK_SIZE bytes but the last. */
#define MAX_BATCH_BLOCKS 32

/* A batch of blocks read by several threads. Each thread takes the next
 * block not yet taken, so a thread that is slowed (a costlier block, a
 * busy core) takes fewer: with a block a thread per batch, every batch
 * waited for its slowest. Blocks are delivered in order, by whichever
 * thread completes the run of blocks read so far. */
typedef struct batch {
    job *j;
    const char *text;
    size_t total;
    block_work w[MAX_BATCH_BLOCKS];
    unsigned char read_done[MAX_BATCH_BLOCKS];
    int n;
    int next;       /* the first block no thread has taken */
    int delivered;  /* blocks delivered, in order */
    int delivering; /* a thread is delivering one now */
    int rc;         /* -1 once a delivery failed: the rest are dropped */
    pthread_mutex_t mu;
    pthread_cond_t cv;
} batch;

/* Deliver the blocks read so far, in order, unless another thread is at
 * it (that one then goes on to these). Called and returns with b->mu
 * held; delivers with it released. */
static void batch_deliver_ready(batch *b)
{
    while (!b->delivering && b->delivered < b->n &&
           b->read_done[b->delivered]) {
        block_work *w = &b->w[b->delivered];
        b->delivering = 1;
        pthread_mutex_unlock(&b->mu);
        int rc = 0;
        if (b->rc == 0)
            rc = block_deliver(b->j, w);
        else
            zhfix_free(w->out);
        pthread_mutex_lock(&b->mu);
        if (rc)
            b->rc = -1;
        b->delivered++;
        b->delivering = 0;
        pthread_cond_broadcast(&b->cv);
    }
}

/* Whether a block's delivery reads its handle (findings for check and
 * --explain, the message of an error): then the handle reads nothing else
 * until the block is delivered. */
static int delivery_reads_handle(const job *j, const block_work *w)
{
    return w->st != ZHFIX_OK || w->cmd == CMD_CHECK || j->r->o->explain;
}

/* One thread's part of a batch, with handle h: take blocks until none is
 * left, skipping the text between them, then skip to the batch's end, so
 * that every handle ends the batch where the document does. */
static void batch_work(batch *b, zhfix *h)
{
    size_t at = 0; /* how far into the batch h has moved */
    pthread_mutex_lock(&b->mu);
    while (b->next < b->n) {
        int i = b->next++;
        pthread_mutex_unlock(&b->mu);
        block_work *w = &b->w[i];
        w->h = h;
        zhfix_status st = zhfix_document_skip(h, b->text + at, w->before - at);
        if (st == ZHFIX_OK) {
            block_read(w);
        } else {
            w->st = st;
            w->out = NULL;
            w->outlen = 0;
        }
        at = w->before + w->len;
        pthread_mutex_lock(&b->mu);
        b->read_done[i] = 1;
        batch_deliver_ready(b);
        if (delivery_reads_handle(b->j, w))
            while (b->delivered <= i) {
                batch_deliver_ready(b);
                if (b->delivered <= i)
                    pthread_cond_wait(&b->cv, &b->mu);
            }
    }
    pthread_mutex_unlock(&b->mu);
    if (at < b->total)
        (void)zhfix_document_skip(h, b->text + at, b->total - at);
}

typedef struct batch_thread_arg {
    batch *b;
    zhfix *h;
} batch_thread_arg;

static void *batch_thread(void *arg)
{
    batch_thread_arg *a = arg;
    batch_work(a->b, a->h);
    return NULL;
}

/* Read the n blocks of text (lengths lens) with j's handle and its
 * helpers, each on a thread of its own, and deliver them in order.
 * Returns 0 or -1. */
static int read_batch(job *j, const char *text, const size_t *lens, int n)
{
    batch *b = calloc(1, sizeof *b);
    if (!b) {
        cli_error(j->name, "out of memory");
        return -1;
    }
    b->j = j;
    b->text = text;
    b->n = n;
    for (int k = 0; k < n; k++) {
        block_work *w = &b->w[k];
        w->text = text + b->total;
        w->len = lens[k];
        w->before = b->total;
        w->cmd = j->r->o->cmd;
        b->total += lens[k];
    }
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
    int workers = j->helpers + 1 < n ? j->helpers + 1 : n;
    pthread_t tid[MAX_BLOCK_WORKERS];
    batch_thread_arg arg[MAX_BLOCK_WORKERS];
    int started[MAX_BLOCK_WORKERS] = {0};
    int rc = 0;
    for (int k = 1; k < workers; k++) {
        arg[k] = (batch_thread_arg){b, block_helper_for(j, k)};
        if (!arg[k].h) {
            cli_error(j->name, "out of memory");
            rc = -1;
            break;
        }
        started[k] = !pthread_create(&tid[k], NULL, batch_thread, &arg[k]);
    }
    if (rc == 0)
        batch_work(b, j->h);
    for (int k = 1; k < workers; k++)
        if (started[k])
            pthread_join(tid[k], NULL);
    /* A helper that could not start: its handle still skips the batch. */
    for (int k = 1; k < workers && rc == 0; k++)
        if (!started[k])
            (void)zhfix_document_skip(arg[k].h, text, b->total);
    if (rc == 0)
        rc = b->rc;
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
    free(b);
    return rc;
}

/* The blocks at the start of pend: all of them one by one, or with -j on
 * a single input as batches. The more blocks a batch has, the less its
 * threads wait for each other at its end: a file's batch waits for the
 * buffer to fill (or the file to end); input from a pipe, for two blocks
 * a thread, so that its output keeps flowing. Returns the bytes used;
 * *rc is set to -1 after an error. */
static size_t hand_on_blocks(job *j, const char *pend, size_t plen, int eof,
                             int full, int *rc)
{
    int workers = j->helpers + 1;
    size_t off = 0, b;
    if (workers <= 1) {
        while (*rc == 0 &&
               (b = zhfix_block_length(pend + off, plen - off, eof)) > 0) {
            *rc = handle_block(j, pend + off, b);
            off += b;
        }
        return off;
    }
    int from_file = S_ISREG(j->st0.st_mode);
    while (*rc == 0) {
        size_t lens[MAX_BATCH_BLOCKS];
        int n = 0;
        size_t at = off;
        while (n < MAX_BATCH_BLOCKS &&
               (b = zhfix_block_length(pend + at, plen - at, eof)) > 0) {
            lens[n++] = b;
            at += b;
        }
        if (n == 0 || (!eof && !full && (from_file || n < 2 * workers)))
            break; /* wait for more input */
        if (n == 1)
            *rc = handle_block(j, pend + off, lens[0]);
        else
            *rc = read_batch(j, pend + off, lens, n);
        off = at;
        full = 0; /* room again: the rest waits for more input */
    }
    return off;
}

/* Before an error that ends the input: the whole blocks that wait for a
 * batch, which one thread would have read already. */
static void flush_batch(job *j, const char *pend, size_t plen)
{
    int rc = 0;
    if (j->helpers > 0)
        (void)hand_on_blocks(j, pend, plen, 0, 1, &rc);
}

/* Decode the input to UTF-8 and hand it on block by block. */
static int stream(job *j, source *src, zhfix_encoding enc)
{
    if (src->checked_utf8 && enc == ZHFIX_ENC_UTF8 && src->fd < 0 &&
        src->mempos == 0) {
        /* All of it in memory, and checked: its blocks are read there. */
        int rc = 0;
        jobs_count_bytes(src->memlen);
        (void)hand_on_blocks(j, src->mem, src->memlen, 1, 0, &rc);
        src->mempos = src->memlen;
        return rc;
    }
    zhfix_codec *codec = NULL;
    if (zhfix_codec_create(enc, ZHFIX_ENC_UTF8, &codec) != ZHFIX_OK) {
        cli_error(j->name, "cannot decode %s", zhfix_encoding_name(enc));
        return -1;
    }
    /* UTF-8 never grows when decoded; two bytes of the others give at most
     * three, four of UTF-16 give four. */
    size_t pend_cap = ((size_t)16 << 20) + 2 * READ_CHUNK + 64;
    char *raw = malloc(READ_CHUNK + 8);
    size_t pend_map;
    char *pend = input_buffer(j, pend_cap, &pend_map);
    size_t rawlen = 0, plen = 0;
    /* A UTF-16 byte-order mark is decoded with the text, so that the
     * codec's offsets in messages are offsets in the file (they used to be
     * short by the mark's 2 bytes); the U+FEFF it becomes is dropped. */
    int rc = 0, eof = 0, bom_pending = j->bom_len > 0;
    if (!raw || !pend) {
        cli_error(j->name, "out of memory");
        rc = -1;
    }
    /* Input already validated as UTF-8 needs no decoding: it is read
     * straight into the block buffer. */
    int direct = src->checked_utf8 && enc == ZHFIX_ENC_UTF8;
    while (rc == 0 && !eof) {
        ssize_t n;
        if (direct) {
            /* Room for a read is always there: at most a block's worth
             * is left over after cutting. */
            size_t want = pend_cap - plen < READ_CHUNK ? pend_cap - plen
                                                       : READ_CHUNK;
            n = source_read(src, pend + plen, want);
        } else {
            n = source_read(src, raw + rawlen, READ_CHUNK);
        }
        if (n < 0) {
            flush_batch(j, pend, plen);
            cli_error(j->name, "read error: %s", strerror(errno));
            rc = -1;
            break;
        }
        jobs_count_bytes((size_t)n);
        eof = n == 0;
        const char *in = raw;
        size_t inlen = rawlen + (size_t)n;
        char *dst = pend + plen;
        size_t room = pend_cap - plen;
        zhfix_status st = ZHFIX_OK;
        if (direct) {
            /* Validated during detection (and again by the library, should
             * the file have changed since): not decoded again. */
            inlen = 0;
            dst += n;
        } else {
            st = zhfix_codec_convert(codec, &in, &inlen, &dst, &room, eof);
        }
        if (st != ZHFIX_OK) {
            flush_batch(j, pend, plen);
            cli_error(j->name, "%s", zhfix_codec_errmsg(codec));
            rc = -1;
            break;
        }
        memmove(raw, in, inlen);
        rawlen = inlen;
        plen = (size_t)(dst - pend);
        if (bom_pending && (plen >= 3 || eof)) {
            if (plen >= 3 && !memcmp(pend, "\xEF\xBB\xBF", 3)) {
                memmove(pend, pend + 3, plen - 3);
                plen -= 3;
            }
            bom_pending = 0;
        }
        /* A batch of blocks waits until there is room for no more. */
        int full = pend_cap - plen < READ_CHUNK + 64;
        size_t off = hand_on_blocks(j, pend, plen, eof, full, &rc);
        memmove(pend, pend + off, plen - off);
        plen -= off;
    }
    zhfix_codec_destroy(codec);
    free(raw);
    release_buffer(pend, pend_map);
    return rc;
}

/* ---- In-place rewriting ------------------------------------------------ */

/* The temp files being written, for the signal handler: a fatal signal
 * (SIGINT, SIGTERM, SIGHUP) in the middle of -i removes them before zhfix
 * dies, so no .NAME.zhfix-* is left behind. With -j several are written
 * at once: each takes a slot (under a mutex; the handler only reads). */
#define PENDING_SLOTS 256
static char *volatile pending_temps[PENDING_SLOTS];
static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;

static void remove_temp_and_die(int sig)
{
    for (size_t i = 0; i < PENDING_SLOTS; i++) {
        char *t = pending_temps[i];
        if (t)
            unlink(t); /* async-signal-safe */
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void pending_add(char *path)
{
    pthread_mutex_lock(&pending_lock);
    for (size_t i = 0; i < PENDING_SLOTS; i++)
        if (!pending_temps[i]) {
            pending_temps[i] = path;
            break;
        }
    pthread_mutex_unlock(&pending_lock);
}

static void pending_remove(const char *path)
{
    pthread_mutex_lock(&pending_lock);
    for (size_t i = 0; i < PENDING_SLOTS; i++)
        if (pending_temps[i] == path)
            pending_temps[i] = NULL;
    pthread_mutex_unlock(&pending_lock);
}

/* Called once before the first -i file. SIGXFSZ is ignored so that going
 * over RLIMIT_FSIZE is a write error (EFBIG) that is reported and cleaned
 * up, not a kill that leaves the temp file. */
static void guard_temp_files(void)
{
    static const int fatal[] = {SIGINT, SIGTERM, SIGHUP};
    signal(SIGXFSZ, SIG_IGN);
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_temp_and_die;
        sigemptyset(&sa.sa_mask);
        /* A signal ignored by whoever started us stays ignored. */
        if (sigaction(fatal[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(fatal[i], &sa, NULL);
    }
}

/* Longest part of the file name kept in the temp name: ".", this, and
 * ".zhfix-XXXXXX" stay within NAME_MAX (255) for any file name. */
#define TEMP_BASE_MAX 200

static int open_temp(job *j)
{
    const char *t = j->target;
    const char *slash = strrchr(t, '/');
    size_t dirlen = slash ? (size_t)(slash - t) + 1 : 0;
    const char *base = slash ? slash + 1 : t;
    size_t baselen = strlen(base);
    if (baselen > TEMP_BASE_MAX)
        baselen = TEMP_BASE_MAX;
    size_t need = dirlen + baselen + 32;
    j->tmp_path = malloc(need);
    if (!j->tmp_path)
        return -1;
    snprintf(j->tmp_path, need, "%.*s.%.*s.zhfix-XXXXXX", (int)dirlen, t,
             (int)baselen, base);
    int fd = mkstemp(j->tmp_path);
    if (fd < 0) {
        cli_error(j->name, "cannot create a temporary file beside it: %s",
                  strerror(errno));
        free(j->tmp_path);
        j->tmp_path = NULL;
        return -1;
    }
    pending_add(j->tmp_path);
    j->out = fdopen(fd, "wb");
    if (!j->out) {
        cli_error(j->name, "out of memory");
        close(fd);
        unlink(j->tmp_path);
        return -1;
    }
    return 0;
}

static void discard_temp(job *j)
{
    if (j->out) {
        fclose(j->out);
        j->out = NULL;
    }
    if (j->tmp_path) {
        unlink(j->tmp_path);
        pending_remove(j->tmp_path);
        free(j->tmp_path);
        j->tmp_path = NULL;
    }
}

static int keep_backup(job *j)
{
    size_t need = strlen(j->target) + strlen(j->r->o->backup_suffix) + 1;
    char *backup = malloc(need);
    if (!backup)
        return -1;
    snprintf(backup, need, "%s%s", j->target, j->r->o->backup_suffix);
    /* A hard link keeps the original inode, owner and times as the backup;
     * the rename that follows then only replaces the name. */
    unlink(backup);
    int rc = link(j->target, backup);
    if (rc)
        cli_error(j->name, "cannot keep backup %s: %s", backup,
                  strerror(errno));
    free(backup);
    return rc;
}

/* Replace the file by the temp file, or drop the temp file when nothing
 * changed. The original is untouched on every error path. */
static int commit_temp(job *j)
{
    if (!j->changed) {
        discard_temp(j);
        return 0;
    }
    int fd = fileno(j->out);
    if (fflush(j->out) || fsync(fd)) {
        cli_error(j->name, "write error: %s", strerror(errno));
        discard_temp(j);
        return -1;
    }
    struct stat now;
    if (stat(j->target, &now) || now.st_size != j->st0.st_size ||
        now.st_mtim.tv_sec != j->st0.st_mtim.tv_sec ||
        now.st_mtim.tv_nsec != j->st0.st_mtim.tv_nsec ||
        now.st_ino != j->st0.st_ino) {
        cli_error(j->name, "file changed while being read; left as it is");
        discard_temp(j);
        return -1;
    }
    /* Keeping the owner needs privileges; without them the file becomes
     * the caller's, as with any editor's save. The owner is set before
     * the mode: chown clears the setuid and setgid bits. */
    if (fchown(fd, j->st0.st_uid, j->st0.st_gid) && errno != EPERM) {
        cli_error(j->name, "cannot set owner: %s", strerror(errno));
        discard_temp(j);
        return -1;
    }
    if (fchmod(fd, j->st0.st_mode & 07777)) {
        cli_error(j->name, "cannot set mode: %s", strerror(errno));
        discard_temp(j);
        return -1;
    }
    if (fclose(j->out)) {
        j->out = NULL;
        cli_error(j->name, "write error: %s", strerror(errno));
        discard_temp(j);
        return -1;
    }
    j->out = NULL;
    if (j->r->o->backup_suffix && keep_backup(j)) {
        discard_temp(j);
        return -1;
    }
    if (rename(j->tmp_path, j->target)) {
        cli_error(j->name, "cannot replace the file: %s", strerror(errno));
        discard_temp(j);
        return -1;
    }
    pending_remove(j->tmp_path);
    free(j->tmp_path);
    j->tmp_path = NULL;
    j->r->files_changed++;
    return 0;
}

/* ---- detect output ----------------------------------------------------- */

static const char *script_verdict(const zhfix_script_counts *c)
{
    size_t s = c->simplified, t = c->traditional;
    if (!c->han)
        return "none";
    if (!s && !t)
        return "neutral";
    size_t minority = s < t ? s : t;
    /* A few characters of the other script occur in real text (names,
     * quotations); mixed means a real share of both. */
    if (minority >= 2 && minority * 20 >= s + t)
        return "mixed";
    return s > t ? "simplified" : "traditional";
}

static void print_detect(job *j, const zhfix_detection *det)
{
    run *r = j->r;
    const zhfix_script_counts *c = &j->script;
    FILE *out = cli_stdout();
    if (r->o->format == FORMAT_JSON) {
        fprintf(out, "{\"file\":\"");
        for (const char *p = j->name; *p; p++) {
            if (*p == '"' || *p == '\\')
                fputc('\\', out);
            if ((unsigned char)*p < 0x20)
                fprintf(out, "\\u%04x", (unsigned char)*p);
            else
                fputc(*p, out);
        }
        fprintf(out,
                "\",\"encoding\":\"%s\",\"confidence\":%d,\"bom\":%s,"
                "\"script\":\"%s\",\"han\":%zu,\"simplified\":%zu,"
                "\"traditional\":%zu,\"findings\":{",
                zhfix_encoding_name(j->in_enc), det->confidence,
                det->bom_length ? "true" : "false", script_verdict(c), c->han,
                c->simplified, c->traditional);
        int first = 1;
        for (size_t k = 0; k < zhfix_rule_count(); k++) {
            if (!j->rule_counts[k])
                continue;
            fprintf(out, "%s\"%s\":%llu", first ? "" : ",",
                    zhfix_rule_get(k)->id, j->rule_counts[k]);
            first = 0;
        }
        fprintf(out, "}}\n");
        return;
    }
    unsigned long long total = 0;
    for (size_t k = 0; k < zhfix_rule_count(); k++)
        total += j->rule_counts[k];
    fprintf(out,
            "%s: %s%s (confidence %d%%), script %s (Han %zu: "
            "simplified-only %zu, traditional-only %zu), %llu finding%s",
            j->name, zhfix_encoding_name(j->in_enc),
            det->bom_length ? " with BOM" : "", det->confidence,
            script_verdict(c), c->han, c->simplified, c->traditional, total,
            total == 1 ? "" : "s");
    const char *sep = ": ";
    for (size_t k = 0; k < zhfix_rule_count(); k++) {
        if (!j->rule_counts[k])
            continue;
        fprintf(out, "%s%s %llu", sep, zhfix_rule_get(k)->id,
                j->rule_counts[k]);
        sep = ", ";
    }
    fputc('\n', out);
}

/* ---- Handles and document syntax --------------------------------------- */

/* The handle for files under config c: the command line's options, with
 * the config's settings where the command line gives none. */
static zhfix_options options_for(const run *r, const project_config *c)
{
    const cli_options *o = r->o;
    zhfix_options lib = o->lib;
    if (!c)
        return lib;
    if (!lib.select && config_select(c))
        lib.select = config_select(c);
    if (!lib.ignore && config_ignore(c))
        lib.ignore = config_ignore(c);
    if (!lib.target && !lib.opencc_config && config_target(c) &&
        o->cmd == CMD_FIX)
        lib.target = config_target(c);
    return lib;
}

static zhfix *handle_for(run *r, const project_config *c, const char *name)
{
    if (!c)
        return r->h;
    for (size_t i = 0; i < r->nslots; i++)
        if (r->slots[i].config == c)
            return r->slots[i].h;
    zhfix_options lib = options_for(r, c);
    zhfix *h = NULL;
    char err[512] = "";
    zhfix_status st = zhfix_create(&lib, &h, err, sizeof err);
    if (st != ZHFIX_OK) {
        cli_error(config_path(c), "%s", *err ? err : zhfix_strerror(st));
        (void)name;
        return NULL;
    }
    handle_slot *p = realloc(r->slots, (r->nslots + 1) * sizeof *p);
    if (!p) {
        zhfix_destroy(h);
        return NULL;
    }
    r->slots = p;
    p[r->nslots].config = c;
    p[r->nslots].h = h;
    r->nslots++;
    return h;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcasecmp(s + n - m, suffix);
}

/* Markdown and CSV/TSV by file name; everything else is plain text. */
static zhfix_syntax syntax_for(const cli_options *o, const char *path)
{
    if (o->syntax >= 0)
        return (zhfix_syntax)o->syntax;
    if (!path)
        return ZHFIX_SYNTAX_PLAIN;
    if (ends_with(path, ".md") || ends_with(path, ".markdown") ||
        ends_with(path, ".mdx"))
        return ZHFIX_SYNTAX_MARKDOWN;
    if (ends_with(path, ".csv") || ends_with(path, ".tsv"))
        return ZHFIX_SYNTAX_DATA;
    return ZHFIX_SYNTAX_PLAIN;
}

/* Each record's fields are whole documents of their own. */
static int run_jsonl(job *j, source *src)
{
    jsonl_job jj;
    memset(&jj, 0, sizeof jj);
    jj.h = j->h;
    jj.o = j->r->o;
    jj.name = j->name;
    jj.out = j->out;
    jj.out_name = j->tmp_path ? j->name : "<stdout>";
    jj.diff = j->diff;
    jj.rep = j->r->rep;
    jj.may_map = !j->tmp_path;
    /* -j on a single input: records are read side by side. */
    zhfix *helpers[MAX_BLOCK_WORKERS];
    for (int k = 1; k < j->r->block_workers; k++) {
        helpers[k - 1] = block_helper_for(j, k);
        if (!helpers[k - 1]) {
            cli_error(j->name, "out of memory");
            return -1;
        }
        jj.helpers = helpers;
        jj.nhelpers = k;
    }
    int rc = jsonl_stream(&jj, src->fd);
    if (jj.changed)
        j->changed = 1;
    return rc;
}

/* ---- One file ---------------------------------------------------------- */

/* Returns the exit status for this file (0 or 2; findings are counted by
 * the report). */
static int process(run *r, const char *arg)
{
    cli_options *o = r->o;
    job j;
    memset(&j, 0, sizeof j);
    j.r = r;
    source src = {-1, NULL, 0, 0, 0, 0};
    int is_stdin = !strcmp(arg, "-");
    j.name = is_stdin ? "<stdin>" : arg;
    j.path = is_stdin ? NULL : arg;
    int rc = 0;
    zhfix_detection det;
    memset(&det, 0, sizeof det);

    j.h = r->h;
    j.lib = o->lib;
    if (!is_stdin && !o->no_config) {
        project_config *c = NULL;
        if (config_for(arg, &c))
            return EXIT_TROUBLE;
        if (config_excludes(c, arg))
            return EXIT_CLEAN; /* excluded by the project: not ours */
        j.lib = options_for(r, c);
        j.h = handle_for(r, c, arg);
        if (!j.h)
            return EXIT_TROUBLE;
    }
    if (is_stdin) {
        src.fd = STDIN_FILENO;
    } else {
        /* With -i, a FIFO must not block the open: it is refused below as
         * not a regular file (O_NONBLOCK changes nothing for those). */
        src.fd = open(arg, O_RDONLY | O_CLOEXEC |
                               (o->in_place ? O_NONBLOCK : 0));
        if (src.fd < 0) {
            cli_error(j.name, "%s", strerror(errno));
            return EXIT_TROUBLE;
        }
    }
    int in_fd = src.fd;
    if (fstat(src.fd, &j.st0)) {
        cli_error(j.name, "%s", strerror(errno));
        rc = -1;
        goto out;
    }
    if (S_ISDIR(j.st0.st_mode)) {
        cli_error(j.name, "is a directory");
        rc = -1;
        goto out;
    }
    if (o->in_place) {
        if (is_stdin) {
            cli_error(j.name, "cannot rewrite standard input in place");
            rc = -1;
            goto out;
        }
        if (!S_ISREG(j.st0.st_mode)) {
            cli_error(j.name, "not a regular file; cannot rewrite in place");
            rc = -1;
            goto out;
        }
        /* A symlink is followed: the file it points to is rewritten and
         * the link stays as it is. */
        j.target = realpath(arg, NULL);
        if (!j.target) {
            cli_error(j.name, "%s", strerror(errno));
            rc = -1;
            goto out;
        }
    }

    /* Encoding. JSON Lines are UTF-8 (RFC 8259); jsonl.c checks. */
    if (o->jsonl) {
        j.in_enc = ZHFIX_ENC_UTF8;
    } else if (o->from_encoding == ZHFIX_ENC_AUTO) {
        if (detect_input(&j, &src, &det)) {
            rc = -1;
            goto out;
        }
        if (det.binary) {
            cli_error(j.name, "binary file (contains NUL bytes); skipped");
            rc = -1;
            goto out;
        }
        j.in_enc = det.encoding;
        /* Bytes that no supported encoding reads as plausible Chinese
         * (Shift_JIS, EUC-KR, Latin-1 ...) would come out mangled: refuse
         * rather than guess. */
        if (o->cmd != CMD_DETECT && !det.bom_length &&
            det.encoding != ZHFIX_ENC_UTF8 &&
            det.confidence < MIN_CONFIDENCE) {
            char bad[200];
            if (utf8_until_bad(src.mem, src.memlen, bad, sizeof bad))
                cli_error(j.name,
                          "cannot tell the encoding: UTF-8 up to an %s, and "
                          "no other supported encoding reads it as Chinese; "
                          "name it with --from-encoding",
                          bad);
            else
                cli_error(j.name,
                          "cannot tell the encoding (best guess %s, "
                          "confidence %d%%): not Chinese text in a supported "
                          "encoding; name it with --from-encoding",
                          zhfix_encoding_name(det.encoding), det.confidence);
            rc = -1;
            goto out;
        }
    } else {
        j.in_enc = o->from_encoding;
        /* A byte-order mark that matches the named encoding is read
         * as one; it is not text. */
        src.mem = malloc(4);
        if (!src.mem) {
            rc = -1;
            goto out;
        }
        ssize_t n = read_full(src.fd, src.mem, 4);
        if (n < 0) {
            cli_error(j.name, "read error: %s", strerror(errno));
            rc = -1;
            goto out;
        }
        src.memlen = (size_t)n;
        det.encoding = j.in_enc;
        det.confidence = 100;
        if (src.memlen >= 2 && j.in_enc == ZHFIX_ENC_UTF16LE &&
            !memcmp(src.mem, "\xFF\xFE", 2))
            det.bom_length = 2;
        if (src.memlen >= 2 && j.in_enc == ZHFIX_ENC_UTF16BE &&
            !memcmp(src.mem, "\xFE\xFF", 2))
            det.bom_length = 2;
        if (src.memlen >= 3 && j.in_enc == ZHFIX_ENC_UTF8 &&
            !memcmp(src.mem, "\xEF\xBB\xBF", 3))
            det.bom_length = 3;
    }
    j.in_bom = det.bom_length > 0;
    /* A UTF-8 BOM is passed through as U+FEFF so that UTF-8 output keeps
     * it; the UTF-16 ones are markers of the byte order only. */
    j.bom_len = j.in_enc == ZHFIX_ENC_UTF8 ? 0 : det.bom_length;

    /* Output. */
    if (o->cmd == CMD_FIX || o->cmd == CMD_CONVERT) {
        j.out_enc = o->to_encoding;
        if (j.out_enc == ZHFIX_ENC_AUTO)
            j.out_enc = o->in_place ? j.in_enc : ZHFIX_ENC_UTF8;
        if (j.out_enc != j.in_enc)
            j.changed = 1;
        if (o->diff) {
            j.diff = differ_open(cli_stdout(), j.name, j.name);
            if (!j.diff) {
                rc = -1;
                goto out;
            }
        }
        if (o->in_place) {
            if (open_temp(&j)) {
                rc = -1;
                goto out;
            }
        } else if (!o->diff) {
            j.out = cli_stdout();
        }
        if (j.out && j.out_enc != ZHFIX_ENC_UTF8) {
            if (zhfix_codec_create(ZHFIX_ENC_UTF8, j.out_enc, &j.encoder)) {
                cli_error(j.name, "cannot encode %s",
                          zhfix_encoding_name(j.out_enc));
                rc = -1;
                goto out;
            }
            j.skip_out_bom = 1;
            const char *bom = NULL;
            if (j.in_bom && j.out_enc == ZHFIX_ENC_UTF16LE)
                bom = "\xFF\xFE";
            if (j.in_bom && j.out_enc == ZHFIX_ENC_UTF16BE)
                bom = "\xFE\xFF";
            if (bom && fwrite(bom, 1, 2, j.out) != 2) {
                cli_error(j.name, "write error: %s", strerror(errno));
                rc = -1;
                goto out;
            }
        }
    }
    if (o->cmd == CMD_DETECT) {
        j.rule_counts = calloc(zhfix_rule_count() + 1, sizeof *j.rule_counts);
        if (!j.rule_counts) {
            rc = -1;
            goto out;
        }
    }

    if (o->jsonl) {
        rc = run_jsonl(&j, &src);
    } else {
        zhfix_syntax syntax = syntax_for(o, j.path);
        zhfix_document_begin(j.h, syntax);
        /* The handles that read blocks beside j's start the document with
         * it: each must see every block, read or skipped. */
        j.helpers = block_helpers_begin(&j, syntax);
        rc = j.helpers < 0 ? -1 : stream(&j, &src, j.in_enc);
        for (int k = 1; k <= j.helpers; k++)
            zhfix_document_end(block_helper_for(&j, k));
        zhfix_document_end(j.h);
    }
    if (j.diff && differ_close(j.diff) < 0 && rc == 0) {
        cli_error(j.name, "diff too large or out of memory");
        rc = -1;
    }
    j.diff = NULL; /* closed either way: a failed file's diff was leaked */
    if (rc == 0 && j.tmp_path)
        rc = commit_temp(&j);
    if (rc == 0 && o->cmd == CMD_DETECT)
        print_detect(&j, &det);
out:
    if (j.diff)
        differ_close(j.diff);
    if (j.tmp_path)
        discard_temp(&j);
    zhfix_codec_destroy(j.encoder);
    if (in_fd >= 0 && in_fd != STDIN_FILENO)
        close(in_fd);
    if (src.fd >= 0 && src.fd != in_fd)
        close(src.fd);
    release_buffer(src.mem, src.memmap);
    free(j.target);
    free(j.rule_counts);
    r->files++;
    return rc ? EXIT_TROUBLE : EXIT_CLEAN;
}

/* ---- rules ------------------------------------------------------------- */

static int list_rules(const cli_options *o)
{
    size_t n = zhfix_rule_count();
    for (size_t i = 0; i < n; i++) {
        const zhfix_rule_info *info = zhfix_rule_get(i);
        const char *cat = zhfix_category_name(info->category);
        if (o->format == FORMAT_JSON)
            printf("{\"id\":\"%s\",\"category\":\"%s\",\"default\":%s,"
                   "\"description\":\"%s\"}\n",
                   info->id, cat, info->default_on ? "true" : "false",
                   info->description);
        else
            printf("%-24s %-12s %-4s %s\n", info->id, cat,
                   info->default_on ? "on" : "off", info->description);
    }
    return EXIT_CLEAN;
}

/* ---- Options ----------------------------------------------------------- */

enum {
    OPT_TO = 256,
    OPT_OPENCC,
    OPT_OPENCC_DATA,
    OPT_FROM_ENCODING,
    OPT_TO_ENCODING,
    OPT_SELECT,
    OPT_IGNORE,
    OPT_DIFF,
    OPT_BACKUP,
    OPT_EXPLAIN,
    OPT_STATISTICS,
    OPT_FORMAT,
    OPT_SYNTAX,
    OPT_NO_CONFIG,
    OPT_ENGINE,
    OPT_JSONL,
    OPT_FIELD,
    OPT_JSONL_INVALID,
    OPT_JSONL_MAX,
    OPT_PROGRESS,
    OPT_NO_PROGRESS
};

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"in-place", no_argument, NULL, 'i'},
    {"quiet", no_argument, NULL, 'q'},
    {"to", required_argument, NULL, OPT_TO},
    {"opencc", required_argument, NULL, OPT_OPENCC},
    {"opencc-data", required_argument, NULL, OPT_OPENCC_DATA},
    {"engine", required_argument, NULL, OPT_ENGINE},
    {"from-encoding", required_argument, NULL, OPT_FROM_ENCODING},
    {"to-encoding", required_argument, NULL, OPT_TO_ENCODING},
    {"select", required_argument, NULL, OPT_SELECT},
    {"ignore", required_argument, NULL, OPT_IGNORE},
    {"diff", no_argument, NULL, OPT_DIFF},
    {"backup", optional_argument, NULL, OPT_BACKUP},
    {"explain", no_argument, NULL, OPT_EXPLAIN},
    {"statistics", no_argument, NULL, OPT_STATISTICS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"syntax", required_argument, NULL, OPT_SYNTAX},
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"jsonl", no_argument, NULL, OPT_JSONL},
    {"field", required_argument, NULL, OPT_FIELD},
    {"jsonl-invalid", required_argument, NULL, OPT_JSONL_INVALID},
    {"jsonl-max-record", required_argument, NULL, OPT_JSONL_MAX},
    {"jobs", required_argument, NULL, 'j'},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {NULL, 0, NULL, 0},
};

/* Append a --select/--ignore value to the comma-joined list. */
static int join_list(char **list, const char *value)
{
    size_t old = *list ? strlen(*list) : 0;
    char *p = realloc(*list, old + strlen(value) + 2);
    if (!p)
        return -1;
    if (old)
        p[old++] = ',';
    memcpy(p + old, value, strlen(value) + 1);
    *list = p;
    return 0;
}

static int parse_command(const char *word, command *cmd)
{
    static const struct {
        const char *name;
        command cmd;
    } commands[] = {{"fix", CMD_FIX},         {"check", CMD_CHECK},
                    {"convert", CMD_CONVERT}, {"detect", CMD_DETECT},
                    {"rules", CMD_RULES}};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(word, commands[i].name)) {
            *cmd = commands[i].cmd;
            return 0;
        }
    return -1;
}

/* Returns -1 to go on, or an exit status. */
static int parse_options(int argc, char **argv, cli_options *o)
{
    int c;
    while ((c = getopt_long(argc, argv, "hViqj:", long_options, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_CLEAN;
        case 'V':
            printf("zhfix %s (data: %s)\n", zhfix_version(),
                   zhfix_data_version());
            return EXIT_CLEAN;
        case 'i': o->in_place = 1; break;
        case 'q': o->quiet = 1; break;
        case OPT_TO: o->lib.target = optarg; break;
        case OPT_OPENCC: o->lib.opencc_config = optarg; break;
        case OPT_OPENCC_DATA: o->lib.opencc_data_dir = optarg; break;
        case OPT_ENGINE: o->lib.engine = optarg; break;
        case OPT_FROM_ENCODING:
        case OPT_TO_ENCODING: {
            zhfix_encoding e;
            if (zhfix_encoding_from_name(optarg, &e) != ZHFIX_OK)
                return usage_error("unknown encoding: ", optarg);
            if (c == OPT_TO_ENCODING && e == ZHFIX_ENC_AUTO)
                return usage_error("--to-encoding needs an encoding, not ",
                                   optarg);
            if (c == OPT_FROM_ENCODING)
                o->from_encoding = e;
            else
                o->to_encoding = e;
            break;
        }
        case OPT_SELECT:
        case OPT_IGNORE:
            if (join_list(c == OPT_SELECT ? &o->select_list : &o->ignore_list,
                          optarg))
                return usage_error("out of memory", NULL);
            break;
        case OPT_DIFF: o->diff = 1; break;
        case OPT_BACKUP: o->backup_suffix = optarg ? optarg : "~"; break;
        case OPT_EXPLAIN: o->explain = 1; break;
        case OPT_STATISTICS: o->statistics = 1; break;
        case OPT_FORMAT:
            if (!strcmp(optarg, "text"))
                o->format = FORMAT_TEXT;
            else if (!strcmp(optarg, "json"))
                o->format = FORMAT_JSON;
            else if (!strcmp(optarg, "sarif"))
                o->format = FORMAT_SARIF;
            else
                return usage_error("unknown format (text, json, sarif): ",
                                   optarg);
            break;
        case OPT_SYNTAX:
            if (!strcmp(optarg, "auto"))
                o->syntax = -1;
            else if (!strcmp(optarg, "plain"))
                o->syntax = ZHFIX_SYNTAX_PLAIN;
            else if (!strcmp(optarg, "markdown"))
                o->syntax = ZHFIX_SYNTAX_MARKDOWN;
            else if (!strcmp(optarg, "csv") || !strcmp(optarg, "data"))
                o->syntax = ZHFIX_SYNTAX_DATA;
            else
                return usage_error("unknown syntax (auto, plain, markdown, "
                                   "csv): ",
                                   optarg);
            break;
        case OPT_NO_CONFIG: o->no_config = 1; break;
        case OPT_JSONL: o->jsonl = 1; break;
        case OPT_FIELD: {
            const char **f =
                realloc(o->fields, (o->nfields + 1) * sizeof *o->fields);
            if (!f)
                return usage_error("out of memory", NULL);
            o->fields = f;
            f[o->nfields++] = optarg;
            break;
        }
        case OPT_JSONL_INVALID:
            if (!strcmp(optarg, "error"))
                o->jsonl_pass_invalid = 0;
            else if (!strcmp(optarg, "pass"))
                o->jsonl_pass_invalid = 1;
            else
                return usage_error("--jsonl-invalid is error or pass, not ",
                                   optarg);
            break;
        case OPT_JSONL_MAX: {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || !v || v > JSONL_MAX_RECORD)
                return usage_error("--jsonl-max-record takes 1 to 1073741824 "
                                   "bytes, not ",
                                   optarg);
            o->jsonl_max_record = (size_t)v;
            break;
        }
        case 'j': {
            char *end;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || v < 1 || v > 1024)
                return usage_error("-j takes a number of jobs from 1 to 1024, "
                                   "not ",
                                   optarg);
            o->jobs = (int)v;
            break;
        }
        case OPT_PROGRESS: o->progress = 1; break;
        case OPT_NO_PROGRESS: o->progress = -1; break;
        default:
            return usage_error("invalid option", NULL);
        }
    }
    int edits = o->cmd == CMD_FIX || o->cmd == CMD_CONVERT;
    if ((o->in_place || o->diff) && !edits)
        return usage_error("-i and --diff go with fix and convert", NULL);
    if (o->backup_suffix && !o->in_place)
        return usage_error("--backup goes with -i", NULL);
    if (o->backup_suffix && !*o->backup_suffix)
        return usage_error("--backup needs a non-empty suffix", NULL);
    if (o->cmd == CMD_CONVERT && !o->lib.target && !o->lib.opencc_config)
        return usage_error("convert needs --to or --opencc", NULL);
    if (o->explain && o->cmd != CMD_FIX)
        return usage_error("--explain goes with fix", NULL);
    if (o->statistics && o->cmd != CMD_CHECK)
        return usage_error("--statistics goes with check", NULL);
    if (o->format == FORMAT_SARIF && o->cmd != CMD_CHECK)
        return usage_error("--format sarif goes with check", NULL);
    if (o->format != FORMAT_TEXT && edits)
        return usage_error("--format goes with check, detect and rules", NULL);
    if (o->nfields && !o->jsonl)
        return usage_error("--field goes with --jsonl", NULL);
    if (o->jsonl && !o->nfields)
        return usage_error("--jsonl needs at least one --field NAME", NULL);
    if (o->jsonl && o->cmd == CMD_DETECT)
        return usage_error("--jsonl goes with fix, check and convert", NULL);
    if (o->jsonl && ((o->from_encoding != ZHFIX_ENC_AUTO &&
                      o->from_encoding != ZHFIX_ENC_UTF8) ||
                     (o->to_encoding != ZHFIX_ENC_AUTO &&
                      o->to_encoding != ZHFIX_ENC_UTF8)))
        return usage_error("JSON Lines are UTF-8: --jsonl takes no other "
                           "encoding",
                           NULL);
    return -1;
}

/* ---- Files on worker threads (-j) -------------------------------------- */

/* A worker: the run's settings with a handle and a report of its own. */
static void *worker_start(void *ctx)
{
    run *main_run = ctx;
    run *w = malloc(sizeof *w);
    if (!w)
        return NULL;
    *w = *main_run;
    w->slots = NULL;
    w->nslots = 0;
    w->helpers = NULL;
    w->nhelpers = 0;
    w->files = w->files_changed = 0;
    w->rep = NULL;
    if (zhfix_create(&main_run->o->lib, &w->h, NULL, 0) != ZHFIX_OK) {
        free(w);
        return NULL;
    }
    if (main_run->rep && !(w->rep = report_fork(main_run->rep))) {
        zhfix_destroy(w->h);
        free(w);
        return NULL;
    }
    return w;
}

static int worker_file(void *worker, const char *arg)
{
    run *w = worker;
    report_set_output(w->rep, w->o->cmd == CMD_CHECK ? cli_stdout()
                                                     : cli_stderr());
    return process(w, arg);
}

static void worker_stop(void *ctx, void *worker)
{
    run *main_run = ctx, *w = worker;
    report_merge(main_run->rep, w->rep);
    main_run->files += w->files;
    main_run->files_changed += w->files_changed;
    zhfix_destroy(w->h);
    for (size_t i = 0; i < w->nslots; i++)
        zhfix_destroy(w->slots[i].h);
    free(w->slots);
    for (size_t i = 0; i < w->nhelpers; i++)
        zhfix_destroy(w->helpers[i].h);
    free(w->helpers);
    free(w);
}

/* The files one after the other, or on worker threads when there are
 * several and -j allows, or when progress is shown. */
static int run_files(run *r, char **files, size_t nfiles)
{
    static char *stdin_only[] = {"-"};
    const cli_options *o = r->o;
    if (!nfiles) {
        files = stdin_only;
        nfiles = 1;
    }
    int jobs = o->jobs ? o->jobs : jobs_default();
    /* A single input is cut into blocks, and -j reads them side by side. */
    r->block_workers = nfiles > 1              ? 1
                       : jobs > MAX_BLOCK_WORKERS ? MAX_BLOCK_WORKERS
                                                  : jobs;
    int progress = o->progress > 0                              ? 2
                   : o->progress == 0 && isatty(STDERR_FILENO) ? 1
                                                                : 0;
    if (progress || (jobs > 1 && nfiles > 1)) {
        jobs_spec spec = {jobs, progress, 0, o->in_place, r,
                          worker_start, worker_file, worker_stop};
        spec.drop_first_byte = o->cmd == CMD_CHECK &&
                               o->format == FORMAT_SARIF && !o->statistics;
        int status = jobs_run(&spec, files, nfiles);
        if (status >= 0)
            return status;
    }
    int status = EXIT_CLEAN;
    for (size_t i = 0; i < nfiles; i++) {
        int st = process(r, files[i]);
        if (st > status)
            status = st;
    }
    return status;
}

static int finish_stdout(void)
{
    if (fflush(stdout) || ferror(stdout)) {
        cli_error("<stdout>", "write error: %s", strerror(errno));
        return EXIT_TROUBLE;
    }
    if (fclose(stdout)) {
        cli_error("<stdout>", "write error: %s", strerror(errno));
        return EXIT_TROUBLE;
    }
    return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
#if defined(__GLIBC__) && defined(M_TRIM_THRESHOLD)
    /* A block's buffers (a MB or so each) are freed after it and made
     * again for the next: malloc keeps them rather than giving them back
     * to the system, which faulted them in again page by page (on 10 MB
     * of mojibake-heavy text, 10% of the CPU time with glibc's defaults). */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
    cli_options o;
    memset(&o, 0, sizeof o);
    zhfix_options_init(&o.lib);
    o.syntax = -1;
    if (argc < 2)
        return usage_error("missing command (fix, check, convert, detect, "
                           "rules)",
                           NULL);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage_text, stdout);
        return finish_stdout();
    }
    if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
        printf("zhfix %s (data: %s)\n", zhfix_version(), zhfix_data_version());
        return finish_stdout();
    }
    if (parse_command(argv[1], &o.cmd))
        return usage_error("unknown command: ", argv[1]);
    int status = parse_options(argc - 1, argv + 1, &o);
    if (status >= 0) {
        free(o.select_list);
        free(o.ignore_list);
        free(o.fields);
        return status == EXIT_CLEAN ? finish_stdout() : status;
    }
    int first_file = optind + 1;
    if (o.cmd == CMD_RULES) {
        status = list_rules(&o);
        int s2 = finish_stdout();
        return s2 > status ? s2 : status;
    }
    o.lib.select = o.select_list;
    o.lib.ignore = o.ignore_list;
    /* fix and convert read the findings only to explain them. */
    o.lib.skip_findings =
        (o.cmd == CMD_FIX || o.cmd == CMD_CONVERT) && !o.explain;
    /* convert changes the script only: no rule runs. */
    run r;
    memset(&r, 0, sizeof r);
    r.o = &o;
    char err[512] = "";
    zhfix_status st = zhfix_create(&o.lib, &r.h, err, sizeof err);
    if (st != ZHFIX_OK) {
        free(o.select_list);
        free(o.ignore_list);
        free(o.fields);
        return usage_error(*err ? err : zhfix_strerror(st), NULL);
    }
    if (o.cmd == CMD_CHECK)
        r.rep = report_open(o.format, stdout, o.statistics);
    else if (o.cmd == CMD_FIX && o.explain)
        r.rep = report_open(FORMAT_TEXT, stderr, 0);
    if ((o.cmd == CMD_CHECK || o.explain) && !r.rep) {
        cli_error("zhfix", "out of memory");
        return EXIT_TROUBLE;
    }
    if (o.in_place)
        guard_temp_files();
    set_status(&r, run_files(&r, argv + first_file,
                             first_file < argc ? (size_t)(argc - first_file)
                                               : 0));
    unsigned long long found = report_close(r.rep, o.quiet || o.explain);
    if (o.cmd == CMD_CHECK && found)
        set_status(&r, EXIT_FINDINGS);
    zhfix_destroy(r.h);
    for (size_t i = 0; i < r.nslots; i++)
        zhfix_destroy(r.slots[i].h);
    free(r.slots);
    for (size_t i = 0; i < r.nhelpers; i++)
        zhfix_destroy(r.helpers[i].h);
    free(r.helpers);
    config_release_all();
    free(o.select_list);
    free(o.ignore_list);
    free(o.fields);
    set_status(&r, finish_stdout());
    return r.status;
}
