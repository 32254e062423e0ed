/*
 * trigger_classes.h - the per-character tables the triggers pass reads
 * (triggers.c). They are made at build time by src/gen/trigger_classes.c
 * from the codec tables and the Han table, the sources they were built
 * from at every start-up before: building them took 1.9M instructions and
 * 80 page faults, most of what `zhfix check` did on a short file.
 */
#ifndef ZHFIX_TRIGGER_CLASSES_H
#define ZHFIX_TRIGGER_CLASSES_H

#include <stdint.h>

#include "triggers.h"

/* A CJK mark that can be typed twice (。、，；：); the pass turns it into
 * ZH_TRIG_HALFWIDTH when another CJK mark follows. No character carries
 * ZH_TRIG_FENCE, so its bit is free for this. */
#define CLASS_MARK ZH_TRIG_FENCE

/* What each BMP character tells of mojibake: the pairs the mojibake
 * rule's own pre-filter looks for (a character that starts a chain's
 * mojibake followed by one that continues it), kept coarser here so that
 * every line that pre-filter would take is hot: a start bit at 1 << k
 * pairs with the continuation bit at 1 << (k + 3). */
enum {
    MOJI_START_GBK = 1,  /* ZH_MF_UTF8_GBK */
    MOJI_START_BIG5 = 2, /* ZH_MF_UTF8_BIG5 */
    MOJI_START_SB = 4,   /* ZH_MF_UTF8_SB, ZH_MF_GBK_SB */
    MOJI_NEXT_GBK = 8,   /* ZH_MF_GBK_NEXT, ZH_MF_GBK_NEXT_WEAK */
    MOJI_NEXT_BIG5 = 16, /* ZH_MF_BIG5_NEXT */
    MOJI_NEXT_SB = 32,   /* non-ASCII below U+3000, not Han */
    MOJI_ALONE = 64,     /* U+FFFD, private use, C1 controls */
    MOJI_RARE = 128      /* ZH_MF_DBCS: two close together count */
};
#define MOJI_STARTS (MOJI_START_GBK | MOJI_START_BIG5 | MOJI_START_SB)

/* Per BMP character, what the pass's loop reads: the MOJI_START_* and
 * MOJI_NEXT_* bits, and SLOW8 for a character with triggers (cls) or
 * that alone or in a close pair is mojibake (MOJI_ALONE, MOJI_RARE). One
 * byte a character: at 64 KiB, the ideographs' part stays in the
 * first-level cache. */
extern const uint8_t zh_trig_moji8[65536];
#define SLOW8 64u
/* The slow path's: the character's triggers (bits 0-7; ASCII is handled
 * by the pass itself) and its MOJI_* bits << MOJI_SHIFT. */
extern const uint16_t zh_trig_cls[65536];
#define MOJI_SHIFT 8
/* Per BMP character, one bit per single-byte code page (1 << ZH_SB_*):
 * the pages that decode a UTF-8 lead byte (C2-F4) to it, and those that
 * decode a continuation byte (80-BF) to it (zh_sb_pair_in). */
extern const uint8_t zh_trig_sb_lead[65536], zh_trig_sb_cont[65536];

#endif /* ZHFIX_TRIGGER_CLASSES_H */
