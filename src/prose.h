/*
 * prose.h - where Chinese prose is, for the rules that repair scraped text.
 *
 * The punctuation and artifact rules must act in Chinese prose only: never
 * in code (Markdown fences, indented blocks, inline `code`, lines that look
 * like program text), tables (CSV-like lines), URLs or Japanese. This
 * module walks a block line by line and answers those questions, so every
 * rule draws the same border.
 */
#ifndef ZHFIX_PROSE_H
#define ZHFIX_PROSE_H

#include <stddef.h>
#include <stdint.h>

/* Han character or CJK punctuation: a character of Chinese prose. */
int zh_is_chinese(uint32_t cp);

/* Code point that ends just before byte offset i of valid UTF-8 text, and
 * its start in *start (may be NULL); 0 when i is 0. */
uint32_t zh_cp_before(const char *t, size_t i, size_t *start);

/* Code point at byte offset i (< len), its length in *n (may be NULL); 0
 * when i >= len. */
uint32_t zh_cp_at(const char *t, size_t len, size_t i, size_t *n);

struct zh_scan;

/* Line walker over a block. Walking is cheap (a memchr per line and the
 * fence state); whether a line is prose is asked only of lines that have
 * something to repair. */
typedef struct zh_lines {
    const char *text;
    size_t len;
    size_t pos;
    int in_fence; /* inside a ``` or ~~~ fence */
    /* Walking the hot lines of a scan (zh_lines_init_hot), or NULL. */
    struct zh_scan *scan;
    uint32_t triggers;
    size_t cursor;
    /* 1 when the text has a comma right before a fullwidth mark (`,。`),
     * the scraper's stray comma; -1 until zh_line_is_prose needs it. */
    int stray_before_wide;
} zh_lines;

typedef struct zh_line {
    size_t start, end; /* the line, without its '\n' or "\r\n" */
    size_t next;       /* start of the next line */
    int in_fence;      /* a fence line or inside a fence */
} zh_line;

/* Walk every line of text. */
void zh_lines_init(zh_lines *it, const char *text, size_t len);
/* Walk only the lines of scan->text that hold one of `triggers`
 * (triggers.h); fence lines are read on the way, so in_fence is right. */
void zh_lines_init_hot(zh_lines *it, struct zh_scan *scan, uint32_t triggers);
/* Next line; 0 at the end of the block. */
int zh_lines_next(zh_lines *it, zh_line *line);
/* 1 when the line may be Chinese prose: not in a Markdown fence, not
 * program text, not Japanese (kana), not a table row (a line without CJK
 * punctuation and short fields, in a run of three or more lines with as
 * many commas or tabs; unless every row's separators are commas in
 * pairs and the text shows the scraper's stray comma before a fullwidth
 * mark elsewhere, when the pairs are folded marks). */
int zh_line_is_prose(zh_lines *it, const zh_line *line);

/* 1 when the UTF-8 text [s, s + n) reads as Japanese: it has kana (three
 * hiragana at least), half its hiragana are the particles and endings
 * Japanese writes most (の を は が に で て と た る す し な か れ), and
 * kana are a quarter of its kana and Han. Chinese misread through GBK or
 * Big5 shows kana too (GBK's rows A4 and A5), but few (at most a seventh
 * of its kana and Han in manpages-zh and fortunes-zh read so) and others
 * (ノ い ぃ ウ ぇ first; of its hiragana at most a third are those). In
 * Japanese text (manpages-ja) kana are three quarters, and those particles
 * three quarters of the hiragana. Big5 read as GBK can pass those tests
 * (its commonest lead byte, A4, is GBK's row of hiragana), but it also
 * shows GBK's user-defined area as private use, which Japanese text does
 * not: with half as many private-use characters as kana, it is no
 * Japanese. */
int zh_reads_japanese(const char *s, size_t n);

/* zh_reads_japanese of the block being scanned, worked out once per block
 * (in scan). Rules that read Chinese by its bytes or its marks (mojibake
 * through GBK and Big5, runs out of step, Chinese punctuation) leave a
 * Japanese block alone: Japanese kanji forms and kana are rare Chinese. */
int zh_scan_japanese(struct zh_scan *scan);

/* 1 when byte offset pos of the line [start, end) lies inside an inline
 * code span (`...`) or a URL/e-mail token (a run of non-space characters
 * containing "://", "www." or '@' before pos). */
int zh_in_code_or_url(const char *t, size_t start, size_t end, size_t pos);

#endif /* ZHFIX_PROSE_H */
