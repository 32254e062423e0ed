/*
 * realign.h - re-decoding a stretch of text that a GBK decoder read one
 * byte out of step (realign.c).
 *
 * When a byte is lost from (or inserted into) GBK text, the decoder pairs
 * each character's trail byte with the next character's lead byte, and
 * produces a run of wrong characters until a trail byte below 0x80 (an
 * ASCII character) puts it back in step. Every wrong character still
 * carries its two bytes, so the run can be encoded back to GBK and decoded
 * in step. What cannot be read back is searched for and scored with the
 * character model (data.h): a lead byte that became '?', a pair that
 * decoded to a private-use character and was dropped, a fullwidth form
 * that was folded to ASCII.
 */
#ifndef ZHFIX_REALIGN_H
#define ZHFIX_REALIGN_H

#include <stddef.h>
#include <stdint.h>

#define ZH_REALIGN_MAX_OUT 80

/* A starting point: characters already decided (0..2), and the lead byte
 * that waits for its trail, which is the first byte of the run. */
typedef struct zh_realign_start {
    uint32_t chars[2];
    size_t nchars;
    unsigned pending; /* lead byte 0x81..0xFE */
    double bias;      /* prior log-weight of this start */
} zh_realign_start;

typedef struct zh_realign_result {
    size_t end;                        /* run ends here (byte offset) */
    uint32_t chars[ZH_REALIGN_MAX_OUT]; /* the span decoded in step */
    size_t nchars;
    double score;  /* model score of the repaired span and its context */
    double avg;    /* that score per character of the repaired span */
    int garbage;   /* the repaired span has characters no prose has */
    int hidden;    /* dropped pairs restored */
} zh_realign_result;

/* How the block itself pairs its characters: the counts of adjacent Han
 * characters and Chinese marks. The character a lost byte or a dropped
 * pair stood for is most often one the document writes elsewhere in the
 * same words (manual pages repeat 可以用, 數據庫; a story its names), so
 * the search weighs a pair the block shows above the general model.
 * Built only when a run is to be read; NULL means none. */
typedef struct zh_doc_usage zh_doc_usage;

zh_doc_usage *zh_doc_usage_new(const char *text, size_t len);
void zh_doc_usage_free(zh_doc_usage *u);

/* Score of the characters cps[0..n) after the character prev, followed by
 * the text at next (the annotation bonus is applied when next starts with
 * "(syllable)"). Used for the corrupted form, to compare. */
double zh_realign_score(const zh_doc_usage *u, uint32_t prev,
                        const uint32_t *cps, size_t n, const char *text,
                        size_t len, size_t next, int *garbage);

/* Search the best in-step decoding of the run at text[q..] for the given
 * starts, prev being the character before the span. Returns 1 and fills
 * *res when some start leads to a run that falls back in step within the
 * line; 0 otherwise. */
int zh_realign(const zh_doc_usage *u, const char *text, size_t len, size_t q,
               uint32_t prev, const zh_realign_start *starts, size_t nstarts,
               zh_realign_result *res);

/* Whether a re-decoded run r starting at t[start] (after the character
 * prev) is worth applying; *gain gets its gain in plausibility. Shared by
 * gbk-out-of-step and pinyin-straddle, which must judge alike. A run made
 * only of lost bytes (`?!?` at a line end) carries no information of its
 * own and is refused unless bare is set: the caller has seen the fold
 * elsewhere in the block. */
int zh_realign_accept(const zh_doc_usage *u, const char *t, size_t len,
                      size_t start, uint32_t prev, const zh_realign_result *r,
                      int bare, double *gain);

/* The fold: a scraper replaced the GBK codes of ！，：；？（） (A3 A1, A3
 * AC, A3 BA, A3 BB, A3 BF, A3 A8, A3 A9) with the ASCII mark in the raw
 * bytes. For the ASCII mark c, the second byte of that code, which is the
 * lead byte of the next character where the code straddled two; 0 for
 * any other c. */
unsigned zh_folded_lead(char c);

/* Length of the mark a decoder left for a byte it could not read at t[i]:
 * 1 for '?', 3 for U+FFFD, 0 when there is none. */
size_t zh_lost_byte_mark(const char *t, size_t len, size_t i);

/* The first i' >= i before end where a lost byte's mark can start: a '?'
 * or the first byte of U+FFFD (EF); end when there is none. The rules
 * that look for marks pass over the bytes between at once. */
static inline size_t zh_next_lost_mark(const char *t, size_t i, size_t end)
{
    while (i < end && t[i] != '?' && (unsigned char)t[i] != 0xEF)
        i++;
    return i;
}

#endif /* ZHFIX_REALIGN_H */
