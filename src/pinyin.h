/*
 * pinyin.h - "(syllable)" annotations after Han characters, shared by the
 * injected-pinyin rule and the re-alignment repairs (pinyin.c).
 */
#ifndef ZHFIX_PINYIN_H
#define ZHFIX_PINYIN_H

#include <stddef.h>
#include <stdint.h>

/* If text[i] starts "(" syllable ")" — one pinyin syllable of letters
 * (tone marks allowed) with an optional tone number — return the length
 * of the whole annotation and store the syllable span in *syl and *syllen.
 * Returns 0 otherwise. The syllable is not checked against the readings. */
size_t zh_pinyin_annotation(const char *text, size_t len, size_t i,
                            size_t *syl, size_t *syllen);

/* The same without the opening parenthesis: syllable ")" at text[i]. */
size_t zh_pinyin_closed(const char *text, size_t len, size_t i, size_t *syl,
                        size_t *syllen);

/* The character before byte offset i of text, looking through one
 * annotation: when "(syllable)" ends at i and follows a Han character,
 * that character (the annotator pasted the annotation after its bytes, so
 * it stands next to what follows in the original bytes). */
uint32_t zh_pinyin_char_before(const char *text, size_t i);

#endif /* ZHFIX_PINYIN_H */
