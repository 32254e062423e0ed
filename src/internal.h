/*
 * internal.h - what the modules of libzhfix share and nothing outside sees.
 *
 * A rule is one small module with one shape (zh_rule): it scans a block of
 * whole lines of valid UTF-8 and emits edits. An edit names a byte span of
 * the block, a message, and optionally a replacement; `fixable` says the
 * evidence is strong enough for `fix` to apply it. Rules never modify text
 * themselves: the pipeline applies edits, so `check` and `fix` stay in step.
 */
#ifndef ZHFIX_INTERNAL_H
#define ZHFIX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "data.h" /* zh_is_han */
#include "triggers.h"
#include "zhfix.h"

/* ---- Growing byte buffer with a cap ------------------------------------ */

typedef struct zh_buf {
    char *data;
    size_t len;
    size_t cap;
} zh_buf;

/* Largest buffer the library will grow to: output of one call. */
#define ZH_BUF_MAX ((size_t)1 << 31)

zhfix_status zh_buf_reserve(zh_buf *b, size_t extra);
/* 1 when b's bytes are mapped on their own (a large buffer, see text.c):
 * they are not malloc's to hand on, and only zh_buf_free releases them. */
int zh_buf_is_mapped(const zh_buf *b);
zhfix_status zh_buf_append(zh_buf *b, const char *src, size_t len);
void zh_buf_free(zh_buf *b);

/* ---- Arena for strings that live until the next call on a handle ------- */

typedef struct zh_arena_chunk zh_arena_chunk;
typedef struct zh_arena {
    zh_arena_chunk *head;
} zh_arena;

/* Copy len bytes and add a NUL; NULL on allocation failure. */
char *zh_arena_strndup(zh_arena *a, const char *s, size_t len);
/* printf into the arena; NULL on failure. */
char *zh_arena_printf(zh_arena *a, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void zh_arena_reset(zh_arena *a);

/* ---- UTF-8 helpers (text.c) ------------------------------------------- */

/* Encode cp into out (4 bytes room); returns the length. */
size_t zh_utf8_encode(uint32_t cp, char *out);
/* Length of the UTF-8 sequence that starts with byte b (1 for a stray
 * continuation byte). Inline: loops that step over whole blocks use it. */
static inline size_t zh_utf8_seqlen(unsigned char b)
{
    return b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

/* Decode one code point from valid UTF-8 at s (n bytes available, n >= 1).
 * Returns its length in bytes (1..4) and stores the code point. Invalid
 * input yields length 1 and U+FFFD: callers only pass validated text.
 * Inline: the rules' per-character loops call it for every character. */
static inline size_t zh_utf8_decode(const unsigned char *s, size_t n,
                                    uint32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t len = zh_utf8_seqlen(b);
    if (len == 1 || len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    uint32_t v = b & (0x7F >> len);
    for (size_t i = 1; i < len; i++)
        v = (v << 6) | (s[i] & 0x3F);
    *cp = v;
    return len;
}
/* Offset of the first invalid byte, or len when s is valid UTF-8. */
size_t zh_utf8_validate(const char *s, size_t len);
/* The same by one path, for the tests: 0 the scalar DFA, 1 SSSE3, 2 AVX2;
 * (size_t)-1 when this machine lacks that path. */
size_t zh_utf8_validate_path(const char *s, size_t len, int path);
/* Number of code points in valid UTF-8. */
size_t zh_utf8_count(const char *s, size_t len);

/* CJK punctuation that belongs to Chinese prose: 、。，；：？！“”‘’（）《》
 * 【】「」『』…—·〈〉 and the fullwidth forms of ASCII marks. */
int zh_is_cjk_punct(uint32_t cp);
/* Hiragana, Katakana: their presence means the text may be Japanese. */
int zh_is_kana(uint32_t cp);
/* An ASCII letter or digit. */
static inline int zh_is_ascii_alnum(uint32_t c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* Sort n elements of size bytes at base by cmp, stably, as glibc's qsort
 * (a merge sort) does, for lists that come nearly in order (a rule's
 * edits by line, a line's candidates): an insertion sort, which hands the
 * rest to qsort after about 8n + 64 moves (the prefix it left is sorted
 * stably, so the result is the same) or for elements over
 * ZH_SORT_NEARLY_MAX bytes. */
#define ZH_SORT_NEARLY_MAX 256
void zh_sort_nearly(void *base, size_t n, size_t size,
                    int (*cmp)(const void *, const void *));

/* ---- Edits and the rule shape ------------------------------------------ */

typedef struct zh_rule zh_rule;

typedef struct zh_edit {
    size_t start, end;       /* byte span in the scanned text */
    const char *replacement; /* arena string, or NULL when none is known */
    size_t replacement_len;
    int fixable;             /* fix may apply it */
    const char *message;     /* static or arena string */
    const char *detail;      /* arena string or NULL (--explain) */
    const zh_rule *rule;
} zh_edit;

typedef struct zh_scan {
    zhfix *handle;
    const char *text; /* the block being scanned: whole lines, valid UTF-8 */
    size_t len;
    int at_input_start; /* text starts at the start of the caller's input */
    const zh_rule *rule; /* the rule being run (set by the pipeline) */
    /* Edits emitted so far by the current rule. */
    zh_edit *edits;
    size_t nedits, capedits;
    zh_arena *arena; /* for replacement/detail strings */
    /* The lines of text holding triggers, computed by the first
     * zh_hot_next call on this text: hot_state 0 means not yet, 1 valid,
     * -1 the prefilter is off (zh_hot_next then walks every line). */
    zh_hot_lines *hot;
    int hot_state;
    /* 1 in the rounds after the first: the pipeline drops the edits that
     * are not fixable unreported, so a rule may pass over lines that yield
     * only those. */
    int fixable_only;
    /* The current rule's own map of lines to what it found in them
     * (lineset.h), for the rule to fill and read: the handle keeps it
     * across blocks and rounds, for a rule whose findings on a line
     * depend on the line's bytes alone. */
    struct zh_lineset *memo;
    size_t passes; /* repairs applied to the block before this scan */
    /* Whether the block reads as Japanese (prose.h): 0 not yet known, 1
     * yes, -1 no. Worked out on the block as the caller gave it (input,
     * input_len) when first asked, and kept for the block's later rules
     * and rounds: a Japanese block gets no repair that could make it less
     * so. Not on the text of the pass that first asks: which pass that is
     * depends on the handle's caches (a line the mojibake rule has seen
     * before asks at once), and check and fix must agree. */
    int japanese;
    /* Whether the block showed GBK read as Big5 or the reverse on enough
     * of its lines (rule_mojibake.c's census): 0 not yet, 1 yes. Kept for
     * the later rounds, which read the block with most of it repaired. */
    int swaps_shown;
    /* Whether the block shows a decoder that reads GBK's user-defined
     * pairs as private use, the way GB18030 does (rule_mojibake.c's
     * pua_read_hot): 0 not yet known, 1 yes, -1 no. Kept for the later
     * rounds, like swaps_shown. */
    int pua_read;
    const char *input;
    size_t input_len;
    /* 0 when no finding will be read with its detail (skip_findings): a
     * rule may leave the detail out (NULL). */
    int want_detail;
} zh_scan;

/* The handle's cache of zh_plaus_step (plaus.h), made the first time a
 * rule asks and kept with the handle: its answers depend on the model
 * alone, so every block and round of a handle may share it. NULL when it
 * cannot be had. */
struct zh_plaus_memo *zh_scan_plaus_memo(zh_scan *scan);

/* 1 when the character at pos of scan->text was written by a repair of
 * the encoding category earlier in this block (a run re-decoded in step):
 * what it is now, the text it came from did not show. */
int zh_scan_restored(const zh_scan *scan, size_t pos);

/* Walk the lines of scan->text that hold one of `triggers` (triggers.h),
 * in order: start with *cursor = 0. Gives the line as [*start, *end)
 * without its '\n' (a '\r' stays) and returns its trigger mask (all bits
 * when the prefilter is off); 0 after the last line. */
uint32_t zh_hot_next(zh_scan *scan, uint32_t triggers, size_t *cursor,
                     size_t *start, size_t *end);

/* The same for a loop over byte offsets, `for (i = 0; zh_hot_pos(scan,
 * triggers, &walk, &i); i++)` with walk = {0, 0}: moves i on to the next
 * offset that lies on a line holding one of the triggers (not its '\n'),
 * and returns 0 when there is none. A loop may move i ahead itself. */
typedef struct zh_hot_walk {
    size_t cursor, end; /* zh_hot_next's cursor; end of the current line */
} zh_hot_walk;
int zh_hot_next_pos(zh_scan *scan, uint32_t triggers, zh_hot_walk *walk,
                    size_t *i);
/* Inline for the offsets inside the current line, which a loop over every
 * byte of its lines meets at almost every step. */
static inline int zh_hot_pos(zh_scan *scan, uint32_t triggers,
                             zh_hot_walk *walk, size_t *i)
{
    return *i < walk->end || zh_hot_next_pos(scan, triggers, walk, i);
}

/* Emit an edit for the current rule. `replacement` (may be NULL) is copied.
 * Returns ZHFIX_OK or ZHFIX_NOMEM. */
zhfix_status zh_emit(zh_scan *scan, size_t start, size_t end,
                     const char *replacement, size_t replacement_len,
                     int fixable, const char *message, const char *detail);

struct zh_rule {
    zhfix_rule_info info;
    /* Scan scan->text and emit edits with zh_emit. Edits of one rule must not
     * overlap; the pipeline sorts them by start. */
    zhfix_status (*scan)(zh_scan *scan);
    /* 1 for a rule of Chinese prose or of GBK bytes: in a block that reads
     * as Japanese (zh_scan_japanese) the pipeline drops its edits. Asked
     * only when the rule has some, so clean text never pays for it. */
    int chinese_only;
};

/* The HTML character reference at t[i] == '&' (line ending at end) that
 * rule html-entity decodes: a name of its table (&nbsp;), a number
 * (&#20013; &#x4e2d;), or one of those escaped once or twice more
 * (&amp;nbsp;). Stores the code point and returns the reference's length;
 * 0 when there is none. (rule_html_entity.c) */
size_t zh_html_reference(const char *t, size_t i, size_t end, uint32_t *cp);

/* The registry (rules.c): all rules in the order fix applies them. */
extern const zh_rule *const zh_rules[];
extern const size_t zh_rule_total;

/* ---- Script conversion (convert.c: the only file that calls OpenCC) ---- */

typedef struct zh_converter zh_converter;

/* Resolve a target name ("simplified") or config ("s2t", "/path/x.json") to
 * an absolute config path, without loading it. */
zhfix_status zh_converter_resolve(const char *target, const char *config,
                                  const char *data_dir, char *path,
                                  size_t pathcap, char *err, size_t errcap);
/* Which implementation zh_converter_open uses: AUTO picks zhfix's own
 * engine (engine.h) for OpenCC's own configs it compiles in and libopencc
 * for any other; OPENCC always uses libopencc. */
typedef enum zh_engine_mode {
    ZH_ENGINE_AUTO,
    ZH_ENGINE_OPENCC
} zh_engine_mode;

zhfix_status zh_converter_open(const char *config_path, zh_engine_mode mode,
                               zh_converter **out, char *err, size_t errcap);
/* 1 when c runs zhfix's own engine, 0 when libopencc. */
int zh_converter_is_engine(const zh_converter *c);
void zh_converter_close(zh_converter *c);
/* Convert valid UTF-8 (no NUL bytes inside lines are passed to OpenCC);
 * appends to out. */
zhfix_status zh_converter_run(zh_converter *c, const char *src, size_t len,
                              zh_buf *out, char *err, size_t errcap);

/* ---- Handle internals -------------------------------------------------- */

zhfix_status zh_set_error(zhfix *h, zhfix_status status, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif /* ZHFIX_INTERNAL_H */
