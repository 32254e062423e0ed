/*
 * zhfix.h - find and repair corrupted Chinese text, convert its script.
 *
 * The one public header of libzhfix.
 *
 * Ownership, once for the whole API:
 *   - A zhfix handle owns everything it hands out (findings, their strings,
 *     error text). Those stay valid until the next call on the same handle
 *     or zhfix_destroy().
 *   - Buffers returned by the *_alloc() calls belong to the caller and are
 *     released with zhfix_free().
 *   - Caller-sized calls take (src, srclen, dst, dstcap, &needed) and follow
 *     snprintf: *needed is always the full size of the result; when dstcap is
 *     too small the call returns ZHFIX_BUFFER_TOO_SMALL and writes nothing
 *     useful. Results are not NUL-terminated; text may contain NUL bytes.
 *
 * Threads: a handle is not thread-safe; use one handle per thread. Distinct
 * handles may be used concurrently. Nothing in the library keeps global
 * mutable state (OpenCC's process-wide error string is never exposed).
 *
 * Text passed to zhfix_check / zhfix_fix / zhfix_convert must be valid UTF-8
 * (decode other encodings first with a zhfix_codec); invalid input returns
 * ZHFIX_INVALID_INPUT and the handle's message names the byte offset.
 */
#ifndef ZHFIX_H
#define ZHFIX_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ZHFIX_STATIC)
#define ZHFIX_API
#elif defined(ZHFIX_BUILDING) && defined(__GNUC__)
#define ZHFIX_API __attribute__((visibility("default")))
#else
#define ZHFIX_API
#endif

#define ZHFIX_VERSION_MAJOR 0
#define ZHFIX_VERSION_MINOR 1
#define ZHFIX_VERSION_PATCH 0
#define ZHFIX_VERSION_STRING "0.1.0"

/* Library version, "MAJOR.MINOR.PATCH". */
ZHFIX_API const char *zhfix_version(void);

/* Version of the generated data tables in dicts/ compiled into the library
 * (names the sources and their versions). */
ZHFIX_API const char *zhfix_data_version(void);

/* ---- Status codes ------------------------------------------------------ */

/* One list generates the enum, zhfix_strerror() and zhfix_status_name().
 * New codes are only ever appended. */
#define ZHFIX_STATUS_MAP(X)                                                   \
    X(OK, "success")                                                          \
    X(NOMEM, "out of memory")                                                 \
    X(INVALID_ARGUMENT, "invalid argument")                                   \
    X(BUFFER_TOO_SMALL, "output buffer too small")                            \
    X(INVALID_INPUT, "input is not valid in its encoding")                    \
    X(UNKNOWN_ENCODING, "unknown encoding")                                   \
    X(BINARY_INPUT, "input is binary (contains NUL bytes)")                   \
    X(UNKNOWN_RULE, "unknown rule or category")                               \
    X(UNKNOWN_TARGET, "unknown target script")                                \
    X(OPENCC, "OpenCC failed")                                                \
    X(TOO_LARGE, "input exceeds a size limit")                                \
    X(IO, "input/output error")

typedef enum zhfix_status {
#define ZHFIX_STATUS_ENUM_(name, text) ZHFIX_##name,
    ZHFIX_STATUS_MAP(ZHFIX_STATUS_ENUM_)
#undef ZHFIX_STATUS_ENUM_
    ZHFIX_STATUS_COUNT_
} zhfix_status;

/* Fixed English description of a status; never NULL. */
ZHFIX_API const char *zhfix_strerror(zhfix_status status);
/* Symbolic name without prefix, e.g. "BUFFER_TOO_SMALL"; never NULL. */
ZHFIX_API const char *zhfix_status_name(zhfix_status status);

/* ---- Rules ------------------------------------------------------------- */

#define ZHFIX_CATEGORY_MAP(X)                                                 \
    X(ENCODING, "encoding")                                                   \
    X(ARTIFACT, "artifact")                                                   \
    X(PUNCTUATION, "punctuation")                                             \
    X(WIDTH, "width")                                                         \
    X(SCRIPT, "script")

typedef enum zhfix_category {
#define ZHFIX_CATEGORY_ENUM_(name, text) ZHFIX_CATEGORY_##name,
    ZHFIX_CATEGORY_MAP(ZHFIX_CATEGORY_ENUM_)
#undef ZHFIX_CATEGORY_ENUM_
    ZHFIX_CATEGORY_COUNT_
} zhfix_category;

/* "encoding", "artifact", ...; NULL for an out-of-range value. */
ZHFIX_API const char *zhfix_category_name(zhfix_category category);

typedef struct zhfix_rule_info {
    const char *id;          /* stable kebab-case id, e.g. "invisible-char" */
    zhfix_category category;
    const char *description; /* one line */
    int default_on;          /* selected when no --select is given */
} zhfix_rule_info;

/* Number of rules compiled in, and rule i (0 <= i < count); NULL if out of
 * range. The table is static: pointers stay valid for the process. */
ZHFIX_API size_t zhfix_rule_count(void);
ZHFIX_API const zhfix_rule_info *zhfix_rule_get(size_t index);

/* ---- Handle ------------------------------------------------------------ */

typedef struct zhfix zhfix;

typedef struct zhfix_options {
    /* Comma-separated rule ids and/or category names, or "all". NULL or ""
     * selects the default rules (categories encoding, artifact, punctuation). */
    const char *select;
    /* Comma-separated rule ids and/or categories removed from the selection. */
    const char *ignore;
    /* Target script: NULL keeps the script; otherwise one of "simplified",
     * "traditional", "taiwan", "taiwan-phrases", "hongkong", "japanese". */
    const char *target;
    /* An OpenCC config name ("s2twp") or path ("/x/my.json"); overrides
     * target's choice of config. NULL for none. */
    const char *opencc_config;
    /* Directory of OpenCC's data; NULL for the one libopencc was built with. */
    const char *opencc_data_dir;
    /* Conversion engine: NULL or "auto" uses zhfix's own engine for the
     * configs it compiles in and libopencc for any other; "opencc" always
     * uses libopencc. */
    const char *engine;
    /* 1 when the caller will not read the findings of fix and convert:
     * zhfix_finding_count is then 0 after them, and locating, copying and
     * explaining each repair is skipped. check keeps its findings, without
     * their detail. 0 (the default) keeps everything. */
    int skip_findings;
} zhfix_options;

/* Fill opts with defaults (all NULL and 0). */
ZHFIX_API void zhfix_options_init(zhfix_options *opts);

/* Create a handle. On failure *out is NULL; when an error message is useful
 * (unknown rule "foo") and errbuf is non-NULL it is written there, at most
 * errcap bytes including the NUL. OpenCC is loaded lazily on first use. */
ZHFIX_API zhfix_status zhfix_create(const zhfix_options *opts, zhfix **out,
                                    char *errbuf, size_t errcap);

/* Destroy a handle; NULL is accepted. */
ZHFIX_API void zhfix_destroy(zhfix *h);

/* Detail of the last failure on this handle ("" when none); never NULL. */
ZHFIX_API const char *zhfix_errmsg(const zhfix *h);

/* Release memory returned by a *_alloc() call. NULL is accepted. */
ZHFIX_API void zhfix_free(void *p);

/* ---- Findings ---------------------------------------------------------- */

typedef struct zhfix_finding {
    size_t offset;      /* byte offset of the span in the input */
    size_t length;      /* byte length of the span */
    size_t line;        /* 1-based line of the span's start */
    size_t column;      /* 1-based column, counted in characters */
    const char *rule;   /* rule id */
    zhfix_category category;
    const char *message;     /* one line, English */
    const char *text;        /* the offending text (NUL-terminated copy) */
    const char *replacement; /* repaired text, or NULL when none is known */
    const char *detail;      /* explanation (decoding chain, scores) or NULL */
    int applied;             /* 1 when zhfix_fix applied the replacement */
} zhfix_finding;

/* Findings of the last zhfix_check or zhfix_fix on this handle, in order of
 * offset. Pointers stay valid until the next call on the handle. */
ZHFIX_API size_t zhfix_finding_count(const zhfix *h);
ZHFIX_API const zhfix_finding *zhfix_finding_get(const zhfix *h, size_t index);

/* ---- Operations on UTF-8 text ------------------------------------------ */

/* Find defects with the selected rules; changes nothing. The findings are
 * kept in the handle. */
ZHFIX_API zhfix_status zhfix_check(zhfix *h, const char *src, size_t srclen);

/* Repair with the selected rules, then convert the script when the handle has
 * a target. Text with nothing to repair comes back byte-identical. Findings
 * (applied or not) are kept in the handle. */
ZHFIX_API zhfix_status zhfix_fix(zhfix *h, const char *src, size_t srclen,
                                 char *dst, size_t dstcap, size_t *needed);
ZHFIX_API zhfix_status zhfix_fix_alloc(zhfix *h, const char *src,
                                       size_t srclen, char **out,
                                       size_t *outlen);
/* As zhfix_fix_alloc, but when the fixed text is src unchanged (clean
 * text), *out is set to NULL and *outlen to srclen, and nothing is
 * allocated or copied: the caller goes on with src. */
ZHFIX_API zhfix_status zhfix_fix_if_changed(zhfix *h, const char *src,
                                            size_t srclen, char **out,
                                            size_t *outlen);

/* Script conversion only, with the handle's target or OpenCC config. Returns
 * ZHFIX_UNKNOWN_TARGET when the handle has neither. */
ZHFIX_API zhfix_status zhfix_convert(zhfix *h, const char *src, size_t srclen,
                                     char *dst, size_t dstcap, size_t *needed);
ZHFIX_API zhfix_status zhfix_convert_alloc(zhfix *h, const char *src,
                                           size_t srclen, char **out,
                                           size_t *outlen);

/* Count characters by script: Han characters that exist only in Simplified,
 * only in Traditional, or in both. */
typedef struct zhfix_script_counts {
    size_t han;         /* all Han characters */
    size_t simplified;  /* Simplified-only */
    size_t traditional; /* Traditional-only */
} zhfix_script_counts;

ZHFIX_API zhfix_status zhfix_script_count(zhfix *h, const char *src,
                                          size_t srclen,
                                          zhfix_script_counts *counts);

/* ---- Documents --------------------------------------------------------- */

/* How a document is written, which decides where rules look. */
typedef enum zhfix_syntax {
    ZHFIX_SYNTAX_PLAIN,    /* all text (URLs are never changed) */
    ZHFIX_SYNTAX_MARKDOWN, /* code blocks, inline code, URLs, link targets,
                              HTML tags and front matter are left alone */
    ZHFIX_SYNTAX_DATA      /* CSV/TSV: only encoding rules run */
} zhfix_syntax;

/* Start a document: the calls that follow (check, fix) are consecutive
 * pieces of it, each ending at a line end (as zhfix_block_length cuts), and
 * state that spans lines carries over from piece to piece: an open Markdown
 * code fence, a zhfix-disable region, the start of the input (a BOM there
 * is the file's own). zhfix_document_end returns to the default, where each
 * call is a whole plain-text document.
 *
 * In every syntax a line containing "zhfix-ignore" is skipped, and lines
 * from one containing "zhfix-disable" to one containing "zhfix-enable" are
 * skipped, whatever comment syntax surrounds the words. */
ZHFIX_API void zhfix_document_begin(zhfix *h, zhfix_syntax syntax);
ZHFIX_API void zhfix_document_end(zhfix *h);

/* Move a document on over a piece that another handle reads: the state
 * that spans pieces (code fence, zhfix-disable region, the input's start)
 * becomes what it would be had this handle read the piece, and nothing
 * else changes (the findings of the last call stay). Several handles can
 * so share the pieces of one document, each reading some and skipping
 * the others, with the output of one handle reading all (the CLI's -j on
 * a single input). Outside a document it does nothing. */
ZHFIX_API zhfix_status zhfix_document_skip(zhfix *h, const char *src,
                                           size_t srclen);

/* Large texts are processed in blocks that end at the first line break at or
 * after this many bytes; processing a text whole or block by block (as the
 * CLI streams files) gives identical output. */
#define ZHFIX_BLOCK_SIZE ((size_t)1 << 20)

/* Length of the block starting at src: up to and including the first '\n' at
 * or after ZHFIX_BLOCK_SIZE bytes, or srclen if there is none (when
 * final is 0 and no such '\n' exists, returns 0: more input is needed). */
ZHFIX_API size_t zhfix_block_length(const char *src, size_t srclen, int final);

/* ---- Encodings --------------------------------------------------------- */

#define ZHFIX_ENCODING_MAP(X)                                                 \
    X(AUTO, "auto")                                                           \
    X(UTF8, "utf-8")                                                          \
    X(UTF16LE, "utf-16le")                                                    \
    X(UTF16BE, "utf-16be")                                                    \
    X(GB18030, "gb18030")                                                     \
    X(GBK, "gbk")                                                             \
    X(BIG5, "big5")                                                           \
    X(BIG5HKSCS, "big5-hkscs")

typedef enum zhfix_encoding {
#define ZHFIX_ENCODING_ENUM_(name, text) ZHFIX_ENC_##name,
    ZHFIX_ENCODING_MAP(ZHFIX_ENCODING_ENUM_)
#undef ZHFIX_ENCODING_ENUM_
    ZHFIX_ENC_COUNT_
} zhfix_encoding;

/* Canonical name ("utf-8", "gbk", ...); NULL for an out-of-range value. */
ZHFIX_API const char *zhfix_encoding_name(zhfix_encoding enc);
/* Parse a name (case-insensitive; aliases such as "utf8", "cp936", "cp950"
 * accepted). ZHFIX_UNKNOWN_ENCODING if not recognised. */
ZHFIX_API zhfix_status zhfix_encoding_from_name(const char *name,
                                                zhfix_encoding *out);

/* Incremental encoding detection: feed the whole input (in pieces of any
 * size), then read the verdict. */
typedef struct zhfix_detector zhfix_detector;

typedef struct zhfix_detection {
    zhfix_encoding encoding; /* best guess; UTF8 for pure ASCII or empty */
    int confidence;          /* 0..100 */
    size_t bom_length;       /* bytes of byte-order mark at the start, or 0 */
    int binary;              /* 1 if the input contains NUL bytes and is not
                                UTF-16 */
} zhfix_detection;

ZHFIX_API zhfix_status zhfix_detector_create(zhfix_detector **out);
ZHFIX_API void zhfix_detector_destroy(zhfix_detector *d);
ZHFIX_API void zhfix_detector_feed(zhfix_detector *d, const char *src,
                                   size_t srclen);
/* 1 when further input can no longer change the verdict, so a caller may
 * stop feeding early. */
ZHFIX_API int zhfix_detector_done(const zhfix_detector *d);
ZHFIX_API void zhfix_detector_result(const zhfix_detector *d,
                                     zhfix_detection *out);

/* Offset of the first byte of src that does not start a complete, valid
 * UTF-8 sequence (overlong forms, surrogates and code points above
 * U+10FFFF are invalid; a sequence cut by the end of src is reported at its
 * start), or srclen when all of src is valid UTF-8. */
ZHFIX_API size_t zhfix_utf8_validate(const char *src, size_t srclen);

/* One-shot convenience over a whole buffer. */
ZHFIX_API void zhfix_detect_encoding(const char *src, size_t srclen,
                                     zhfix_detection *out);

/* Streaming conversion between an encoding and UTF-8 (either side). */
typedef struct zhfix_codec zhfix_codec;

/* from and to are concrete encodings (not AUTO); one of them is UTF8. */
ZHFIX_API zhfix_status zhfix_codec_create(zhfix_encoding from,
                                          zhfix_encoding to,
                                          zhfix_codec **out);
ZHFIX_API void zhfix_codec_destroy(zhfix_codec *c);

/* Convert as much of *src as fits into *dst, advancing both pointers and
 * decreasing both lengths (iconv's contract). Returns ZHFIX_OK when all input
 * was consumed, except that an incomplete multibyte sequence at the end is
 * left in *src unless final is nonzero (then it is ZHFIX_INVALID_INPUT);
 * ZHFIX_BUFFER_TOO_SMALL when *dst filled up (call again with more room);
 * ZHFIX_INVALID_INPUT at an invalid sequence, with *src pointing at it. */
ZHFIX_API zhfix_status zhfix_codec_convert(zhfix_codec *c, const char **src,
                                           size_t *srclen, char **dst,
                                           size_t *dstcap, int final);

/* Total input bytes consumed so far (to report the offset of bad input). */
ZHFIX_API unsigned long long zhfix_codec_offset(const zhfix_codec *c);

/* Detail of the last failure on this codec; never NULL. */
ZHFIX_API const char *zhfix_codec_errmsg(const zhfix_codec *c);

#ifdef __cplusplus
}
#endif

#endif /* ZHFIX_H */
