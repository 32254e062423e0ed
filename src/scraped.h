/*
 * scraped.h - traces of the scraper that folded marks and slipped in
 * commas (issue 5), shared by the rules that undo them (scraped.c).
 *
 * A folded text loses the Chinese marks that tell prose from data: a
 * stanza of poetry whose ，；？ became ,;? has lines of short Han fields
 * separated by commas, which prose.h takes for a table. Where the block
 * shows the fold, a line that is prose in every other respect and carries
 * a folded mark right after a Han character (`若冬涉川;` `能無離乎?`),
 * which a row of data does not, is prose again.
 */
#ifndef ZHFIX_SCRAPED_H
#define ZHFIX_SCRAPED_H

#include <stddef.h>
#include <stdint.h>

#include "prose.h"

/* 1 when t[i] is a stray comma before a mark: ',' after a non-ASCII
 * character and before ',' ';' '?' '!' ':' or 。、，；？！： (the
 * mechanism's own signature). */
int zh_stray_comma_at(const char *t, size_t len, size_t i);

/* The marks a stray comma stands before: the ASCII ones Chinese marks are
 * folded to (; ? ! :, the comma aside), and the Chinese ones
 * 。、，；？！：. */
int zh_stray_folded_mark(uint32_t cp);
int zh_stray_target_mark(uint32_t cp);

/* 1 when t has a comma right before one of the Chinese marks
 * (zh_stray_target_mark): the scraper's stray comma, which no table or
 * program writes (`,,` alone may be a CSV row's empty field). */
int zh_stray_before_wide(const char *t, size_t len);

/* 1 when the block shows the fold and the stray commas as raw text (the
 * encoding rules run before the commas go): ASCII commas after Han
 * characters (three or more) with hardly a fullwidth one (one in ten),
 * and three or more stray commas before marks. */
int zh_fold_shown(const char *t, size_t len);

/* zh_fold_shown of the text around position i of the block t[0, len):
 * the whole lines within ZH_FOLD_TILE bytes before the tile of i and
 * after it. A block may hold many documents (a corpus in one file), and
 * one of them folded is no evidence for the next; an article of a few
 * kilobytes is read whole. The cache starts as {0, -1} and keeps the last
 * tile's answer, as positions are asked in order. */
#define ZH_FOLD_TILE 4096
typedef struct zh_fold_cache {
    size_t tile;
    int shown; /* -1 until asked */
} zh_fold_cache;
int zh_fold_near(const char *t, size_t len, size_t i, zh_fold_cache *fc);

/* 1 when t[start, end) holds a Han character. */
int zh_line_has_han(const char *t, size_t start, size_t end);

/* For a line zh_line_is_prose rejected, in a block that shows the fold:
 * 1 when it is prose but for looking like a table row and a Han character
 * in it is followed right away by ; ? ! or : (a folded mark), by a stray
 * comma and one of them, or by a comma (or two) ending the line. Callers
 * read the block's evidence only for such lines. */
int zh_folded_row_is_prose(const zh_line *line, const char *text);

#endif /* ZHFIX_SCRAPED_H */
