/*
 * triggers.h - which lines of a block can give a rule anything to do.
 *
 * Most lines of real text hold nothing to repair, and a rule that decodes
 * every character of every line to find that out makes the whole pipeline
 * as slow as its slowest rule. So the pipeline reads each block once and
 * records, per line, the triggers it holds: the characters (or pairs of
 * characters) without which a rule cannot act on that line. A rule then
 * walks only the lines holding its triggers (zh_hot_next).
 *
 * The contract: a rule that walks hot lines must emit nothing, and change
 * no state it keeps across lines, for a line without one of its triggers.
 * The property tests run every input with and without the prefilter and
 * require the same findings and output.
 */
#ifndef ZHFIX_TRIGGERS_H
#define ZHFIX_TRIGGERS_H

#include <stddef.h>
#include <stdint.h>

enum zh_trigger {
    /* A Markdown fence line (``` or ~~~ after at most three spaces): the
     * line walker of prose.h keeps its fence state from these, so every
     * walk visits them. */
    ZH_TRIG_FENCE = 1u << 0,
    ZH_TRIG_QUESTION = 1u << 1,  /* '?' */
    ZH_TRIG_FFFD = 1u << 2,      /* U+FFFD */
    ZH_TRIG_GARBAGE = 1u << 3,   /* 锟 錕 (锟斤拷), 烫 屯 (debug fill) */
    ZH_TRIG_INVISIBLE = 1u << 4, /* U+200B U+2060 U+FEFF U+00AD */
    /* A pair of characters one chain's mojibake is made of (one that
     * starts it, codec_tables.h: ZH_MF_UTF8_GBK, _BIG5, _SB, GBK_SB, and
     * one that continues it, or '?' or a space), two rare characters close
     * together (ZH_MF_DBCS), U+FFFD, a private-use character or a C1
     * control: a superset of the lines rule_mojibake.c's own pre-filter
     * (line_suspicious) takes. */
    ZH_TRIG_MOJIBAKE = 1u << 5,
    /* One of , : ; ? ! ( next to a non-ASCII byte, or one of 。、，；：
     * directly followed by another CJK mark (a possible double). */
    ZH_TRIG_HALFWIDTH = 1u << 6,
    ZH_TRIG_FULLWIDTH = 1u << 7, /* fullwidth Latin letter or digit */
    /* ',' before one of , ; ? ! : or a non-ASCII character (a possible
     * stray comma before a mark). */
    ZH_TRIG_COMMA = 1u << 8,
    ZH_TRIG_AMPERSAND = 1u << 9 /* '&' (a character reference) */
};

typedef struct zh_hot_line {
    uint32_t start; /* first byte of the line */
    uint32_t next;  /* first byte after its '\n' (or the block's end) */
    uint32_t mask;  /* ZH_TRIG_* bits */
} zh_hot_line;

typedef struct zh_hot_lines {
    zh_hot_line *lines;
    size_t n, cap;
} zh_hot_lines;

/* Record the lines of text[0, len) (valid UTF-8, len < 4 GiB) that hold
 * any trigger. Returns 0 on allocation failure. */
int zh_hot_lines_scan(zh_hot_lines *hl, const char *text, size_t len);
/* Append the line [start, next) with triggers mask. Returns 0 on
 * allocation failure. */
int zh_hot_lines_add(zh_hot_lines *hl, size_t start, size_t next,
                     uint32_t mask);
/* Append the lines of text[from, to) that hold a trigger: from starts a
 * line and to ends one (just after its '\n', or the end of the text).
 * A line's triggers depend on its own bytes only, so after an edit only
 * the lines it touched need reading again. Returns 0 on allocation
 * failure. */
int zh_hot_lines_scan_more(zh_hot_lines *hl, const char *text, size_t from,
                           size_t to);
void zh_hot_lines_free(zh_hot_lines *hl);

/* 1 when the UTF-8 line text[0, len) holds a pair of characters that a
 * single-byte code page decodes from a UTF-8 lead byte and a continuation
 * byte (the same page for both; ZH_MF_UTF8_SB characters only), or either
 * kind of start (ZH_MF_UTF8_SB, ZH_MF_GBK_SB) before a space, or a
 * ZH_MF_GBK_SB character before a non-Han character of 80-2FFF. The
 * mojibake trigger and rule_mojibake.c's pre-filter both take a line for
 * its single-byte pairs only through this test. */
int zh_sb_pair_in(const char *text, size_t len);

#endif /* ZHFIX_TRIGGERS_H */
