/*
 * rule_mojibake.c - undo wrong decodings ("mojibake").
 *
 * A stretch of text T is mojibake of the chain (bytes in encoding E, read as
 * D) when T can be encoded in D, those bytes are valid in E, and E's reading
 * of them is far more plausible than T. The rule tries each chain on each
 * suspicious line: it encodes the line in D, decodes the bytes as E, keeps
 * the stretches that decode cleanly and start and end on character
 * boundaries of T, and repairs those whose reading gains more than
 * ZH_MOJI_MARGIN nats of plausibility (plaus.c). A repaired stretch is tried
 * again, so double and triple encodings are undone one layer at a time for
 * as long as each layer makes the text more plausible.
 *
 * Losses are undone where the mechanism leaves a trace:
 *   - a byte the misreading decoder could not read and replaced with '?' or
 *     U+FFFD (the odd byte at the end of a run, GBK's user-defined lead
 *     bytes, Big5's missing trail bytes, Windows-1252's undefined bytes);
 *   - a pair GBK decoded to a private-use character that was then stripped;
 *   - a byte Windows-1252 leaves undefined and a decoder dropped;
 *   - a no-break space (0xA0) turned into a plain space.
 * The missing bytes are chosen among the few candidates that make the
 * stream valid, by the plausibility of the result; for Latin-script text,
 * where guessing one letter is unreliable, the character becomes U+FFFD.
 *
 * Text that discusses encodings (it names mojibake, 乱码, an encoding) is
 * reported, never repaired: the mojibake is likely quoted on purpose.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beamset.h"
#include "codec_tables.h"
#include "data.h"
#include "internal.h"
#include "lineset.h"
#include "plaus.h"
#include "prose.h"
#include "scraped.h"
#include "triggers.h"
#include "words.h"

/* Minimum gain in nats for a repair: calibrated so that no clean paragraph
 * of the evaluation set (tests/eval) and none of the look-alike traps
 * changes, while a single mojibaked letter between ASCII letters is still
 * repaired. */
#define ZH_MOJI_MARGIN 5.0
/* A single two-byte sequence (Ã© for é) is weaker evidence: random Western
 * text forms one now and then. It needs this much on its own. */
#define ZH_MOJI_MARGIN_WEAK 7.5
/* What a reading needs once a stronger one by the same chain was made on
 * the same line. */
#define ZH_MOJI_MARGIN_ESTABLISHED 0.5
/* GBK read as Big5 or the reverse: a whole document goes through the one
 * decoder, so once the line has shown the chain, a word on its own (或
 * shown as 麼 between ASCII) is taken unless it reads clearly worse. */
#define ZH_MOJI_MARGIN_SWAP (-5.0)
/* ...but a swap that is all the Chinese near it, shown as two or more
 * Han characters, has nothing but its own characters to go by: it trades
 * rare characters for common ones, and a title or a name in rare
 * characters does that too (齪齪 as 牌牌, 芮煇 as 秃辦, in a collection of
 * poems). It needs this much. Real text misread gains more: TypeScript's
 * Traditional messages as Big5 read as GBK lose no line to it. (With
 * ZH_MOJI_MARGIN_INSIDE, 58 of 72 lines of chinese-poetry that changed,
 * each read alone, stay; in their collection the census takes back
 * more, census_swaps.) */
#define ZH_MOJI_MARGIN_BARE 12.0
/* UTF-8 read as GBK or Big5 in a stretch of three characters or fewer
 * between Han characters that stay: a decoder misreads a line, or a field
 * pasted into it, not two characters in the middle of a word. Such a
 * stretch of real text (澹姢 in 窺窗澹姢姢, read as 士护 with a stripped
 * private-use pair restored) needs this much. On the evaluation sets
 * (Debian's prose, TypeScript's messages) no line of one layer of
 * mojibake was lost to it. */
#define ZH_MOJI_MARGIN_INSIDE 10.0
/* Extra cost of each byte the repair had to restore: small where a mark
 * shows the loss, larger for a gap that nothing marks. */
#define ZH_FILL_PENALTY 0.5
#define ZH_INSERT_PENALTY 2.0
#define ZH_MAX_LAYERS 3
/* Per character of a Western-looking stretch that reads as Chinese in a
 * line that has Chinese. */
#define ZH_CONTEXT_BONUS 2.0
/* ...that has Chinese this near, in code points either side: a line of
 * text has it all; a line of a megabyte (a script bundle) does not. */
#define ZH_CONTEXT_REACH 256

/* A line with up to this many characters that start the chain's mojibake
 * (codec_tables.h) tries the chain with its restorations of lost bytes;
 * other lines only when its plain reading gains. */
#define ZH_SHORT_LINE 40

#define WILD 0x100 /* a byte the misreading decoder lost */
#define ZH_RUN_MAX 6 /* longest run of lost bytes restored */
#define ZH_BEAM 12   /* states kept while restoring a run */
#define ZH_FILL_MISSES 4 /* failed restorations in a row before giving up */
/* How a byte was restored: its value guessed for a lost-byte mark ('?',
 * U+FFFD), a no-break space read back from a space, or inserted into a
 * gap no mark shows. */
enum { ZH_FILL_GUESS = 1, ZH_FILL_SURE = 2, ZH_FILL_INSERT = 3 };

enum { CK_UTF8, CK_GBK, CK_BIG5, CK_SB };

typedef struct codec {
    int kind;
    int sb; /* ZH_SB_* for CK_SB */
} codec;

typedef struct chain {
    codec misread; /* D: the decoder that produced the text */
    codec real;    /* E: the encoding the bytes really were in */
    double prior;  /* cost of assuming this chain, in nats */
    uint8_t need;  /* ZH_MF_* flag a line must show for the chain */
} chain;

static const chain chains[] = {
    {{CK_GBK, 0}, {CK_UTF8, 0}, 0.0, ZH_MF_UTF8_GBK},
    {{CK_BIG5, 0}, {CK_UTF8, 0}, 1.0, ZH_MF_UTF8_BIG5},
    {{CK_SB, ZH_SB_CP1252}, {CK_UTF8, 0}, 0.0, ZH_MF_UTF8_SB},
    {{CK_SB, ZH_SB_CP1250}, {CK_UTF8, 0}, 2.0, ZH_MF_UTF8_SB},
    {{CK_SB, ZH_SB_CP1251}, {CK_UTF8, 0}, 1.5, ZH_MF_UTF8_SB},
    {{CK_SB, ZH_SB_CP1257}, {CK_UTF8, 0}, 2.5, ZH_MF_UTF8_SB},
    {{CK_SB, ZH_SB_ISO8859_2}, {CK_UTF8, 0}, 2.5, ZH_MF_UTF8_SB},
    {{CK_SB, ZH_SB_MACROMAN}, {CK_UTF8, 0}, 2.0, ZH_MF_UTF8_SB},
    {{CK_SB, ZH_SB_CP437}, {CK_UTF8, 0}, 2.5, ZH_MF_UTF8_SB},
    {{CK_SB, ZH_SB_CP1252}, {CK_GBK, 0}, 1.0, ZH_MF_GBK_SB},
    {{CK_SB, ZH_SB_CP1252}, {CK_BIG5, 0}, 2.0, ZH_MF_GBK_SB},
    {{CK_BIG5, 0}, {CK_GBK, 0}, 1.0, ZH_MF_DBCS},
    {{CK_GBK, 0}, {CK_BIG5, 0}, 1.0, ZH_MF_DBCS},
};
#define NCHAINS (sizeof chains / sizeof chains[0])
/* chains[FIRST_OTHER_SB .. + N_OTHER_SB): UTF-8 read as a Western code
 * page other than Windows-1252. */
#define FIRST_OTHER_SB 3
#define N_OTHER_SB 6

/* 1 for GBK read as Big5 or Big5 read as GBK. */
static int is_swap(const chain *ch)
{
    return ch->misread.kind != CK_SB && ch->real.kind != CK_UTF8;
}

/* Korean's letters: syllables and jamo. */
static int hangul(uint32_t cp)
{
    return (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1100 && cp <= 0x11FF) ||
           (cp >= 0x3130 && cp <= 0x318F);
}

static const char *codec_name(codec c)
{
    switch (c.kind) {
    case CK_UTF8: return "utf-8";
    case CK_GBK: return "gbk";
    case CK_BIG5: return "big5";
    default: return zh_sb_name[c.sb];
    }
}

/* ---- Work buffers ------------------------------------------------------ */

typedef struct unit {
    uint32_t bs, blen; /* bytes [bs, bs + blen) of the stream */
    uint32_t cp;
    uint8_t ok;        /* a valid multibyte sequence of E */
} unit;

typedef struct work {
    /* The line (or repaired stretch) being examined. */
    uint32_t *cp;
    size_t n, capc;
    /* The line encoded in D: bytes (or WILD) and the index of the character
     * each came from. */
    uint16_t *b;
    uint32_t *ci;
    uint8_t *fl; /* 1 for a byte the repair restored */
    size_t nb, capb;
    unit *u;
    size_t nu, capu;
    /* Han characters of cp[0, k) at hanpre[k], for the line a candidate
     * search ended on (line_han_near). */
    uint32_t *hanpre;
    size_t caph;
    /* Beam search over a whole stream: the values chosen for lost bytes,
     * and a cache of the optimistic cost of a begun character. */
    struct shist {
        int32_t parent;
        uint32_t pos;
        uint8_t v;
        uint16_t v2; /* second byte of the mark, or ZH_SBEAM_NONE */
    } *hist;
    size_t nhist, caphist;
    /* Points where decode_stream without restorations would have tried
     * one: when none, restoring changes nothing. */
    size_t fillable;
    /* What find_all still needs of a plain reading (PROBE_*): once one
     * point is fillable its candidates are dropped, so the reading stops
     * as soon as what it was asked is known. gained: a candidate of the
     * reading so far gains (gain > 0). */
    int probe;
    int gained;
    /* 1 + the code page whose misreading the layer above undid, 0 for
     * none (deepen): the layer under it was likely misread by the same. */
    int again_sb;
    /* The segment being restored showed a stripped pair (strips_in). */
    int strips_shown;
    /* try_fill is scoring insertions at a gap: the character right after
     * the gap may have lost its last byte to a mark (lost_last). */
    int inserting;
    /* Readings may not make private-use characters of GBK's
     * (decode_stream): the line's own were read as such and no layer
     * under them read them back. */
    int no_pua;
    /* Readings may not read U+FFFD back from 锟 (decode_stream): the
     * line's were read as such and no layer under them restored them. */
    int no_lost_marks;
    /* Readings with restorations of lost bytes made (find_chain with
     * fill): the costly searches. */
    size_t restored;
    /* The chain try_fill works for reads a single-byte code page, which
     * drops its undefined bytes without a trace. */
    int silent_drops;
    /* The chain try_fill works for reads GBK, whose private-use pairs a
     * scraper may have stripped without a trace (stripped_trace). */
    int strips_pairs;
    /* What the stream showed before any restoration, for a chain that
     * reads UTF-8 through a code page with a no-break space (0 for the
     * others): a byte dropped (drops_shown) and words spaced out
     * (spaces_shown). Set by decode_stream. */
    int drops_shown, spaces_shown;
    /* completion_cost by (previous character, lead, first continuation
     * byte): the same few are asked for again and again. lc 0: empty.
     * ZH_CC_SLOTS entries, NULL until needed: most works (every clean
     * block's) never ask, and zeroing it in place cost more than their
     * scan. */
    struct ccache {
        uint32_t prev;
        uint16_t lc;
        float cost;
    } *cc;
    /* completion_cost for every second byte of a lead after a character
     * (completion_row); NULL until needed. */
    struct crow *crow;
    /* Lowest begun_cost of each three-byte lead over its second bytes,
     * for the leads whose bit is set in lead_known. */
    double lead_floor[16];
    uint16_t lead_known;
    /* zh_plaus_step's cache (wstep); NULL until needed. The windows and
     * beams of a line score the same few transitions again and again,
     * and text repeats its words. The handle's (zh_scan_plaus_memo) when
     * the work has a scan: its answers depend on the model alone, so the
     * rounds and blocks after the first start with it filled. */
    zh_plaus_memo *steps;
    zh_scan *memo_scan; /* whose handle lends the cache, or NULL */
    int own_steps;      /* steps is the work's own, to free */
    /* lost_pair by masks of one byte's values (lost_mask); NULL until
     * needed. */
    struct lost_cache *lost;
    struct c1_lead *c1; /* c1_lead_cands, NULL until needed */
    /* The script (enum zh_script) the characters that survived whole show
     * the stream is not written in; ZH_SCRIPT_BOTH when they show none.
     * Set by sbeam_restore for the characters it guesses. */
    int sbeam_alien;
    /* The same for the stream decode_stream restores in (fill_rerank,
     * fill_run). */
    int fill_alien;
    /* 1 when the stream w->b runs to the end of its line (find_chain): a
     * window that reaches its end scores the line's end too
     * (zh_plaus_end), the one thing that tells a lost byte of the last
     * character apart where nothing follows (：or ， from EF BC [xx]).
     * line_first: the line's first character other than a blank, when
     * the stream begins the line and reads it; else 0. */
    int ends_line;
    uint32_t line_first;
    /* 1 when the Big5 beam ranks a begun character by the bytes after it
     * (sbeam_h): not in the browsers' reading, where states that took a
     * mark as one byte and as two are at different places in the bytes
     * (ranking them so measured worse there, 48.4% CER against 47.9%). */
    int sbeam_ahead;
    /* The swaps emitted (GBK read as Big5 or the reverse), for the
     * block's census (census_swaps): each one's index in the scan's edits
     * times two, plus 1 when its stretch is shown as text. */
    size_t *swap_edits;
    size_t nswap, capswap;
    /* ZH_MF_* flags a line is searched for whatever it shows: those of
     * the chains its block has shown (swapped_block_lines). */
    uint8_t force_flags;
} work;

static int grow(void **p, size_t *cap, size_t want, size_t size)
{
    if (want <= *cap)
        return 1;
    size_t c = *cap ? *cap : 64;
    while (c < want)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return 0;
    *p = q;
    *cap = c;
    return 1;
}

static int grow_bytes(work *w, size_t want)
{
    size_t cap = w->capb;
    if (!grow((void **)&w->b, &cap, want, sizeof *w->b))
        return 0;
    size_t cap2 = w->capb;
    if (!grow((void **)&w->ci, &cap2, want, sizeof *w->ci))
        return 0;
    size_t cap3 = w->capb;
    if (!grow((void **)&w->fl, &cap3, want, sizeof *w->fl))
        return 0;
    w->capb = cap < cap2 ? cap : cap2;
    if (cap3 < w->capb)
        w->capb = cap3;
    return 1;
}

#define ZH_CC_SLOTS 1024

static void work_free(work *w)
{
    free(w->cc);
    free(w->cp);
    free(w->b);
    free(w->ci);
    free(w->fl);
    free(w->u);
    free(w->hanpre);
    free(w->hist);
    free(w->swap_edits);
    free(w->crow);
    if (w->own_steps)
        free(w->steps);
    free(w->lost);
    free(w->c1);
}

/* The work's cache of zh_plaus_step, NULL when it cannot be had. */
static zh_plaus_memo *work_memo(work *w)
{
    if (!w->steps && w->memo_scan)
        w->steps = zh_scan_plaus_memo(w->memo_scan);
    if (!w->steps) {
        w->steps = calloc(1, sizeof *w->steps);
        w->own_steps = w->steps != NULL;
    }
    return w->steps;
}

/* wstep before the work has its cache. */
static double wstep_first(work *w, uint32_t prev, uint32_t cp)
{
    if (!work_memo(w))
        return zh_plaus_step(prev, cp);
    return zh_plaus_memo_step(w->steps, prev, cp);
}

/* zh_plaus_step through the work's cache. Inline: the windows of the
 * restorations ask it for every character they read. */
static inline double wstep(work *w, uint32_t prev, uint32_t cp)
{
    if (w->steps)
        return zh_plaus_memo_step(w->steps, prev, cp);
    return wstep_first(w, prev, cp);
}

/* zh_plaus_cost through the work's cache. */
static double wcost(work *w, uint32_t prev, const uint32_t *cps, size_t n)
{
    double c = 0.0;
    for (size_t i = 0; i < n; i++) {
        c += wstep(w, prev, cps[i]);
        prev = cps[i];
    }
    return c;
}

/* What a plain reading (find_chain without restorations) must find out
 * once a point is fillable: nothing more (its candidates are dropped), or
 * whether one of them gains. PROBE_NONE: all its candidates are wanted. */
enum { PROBE_NONE, PROBE_FILLABLE, PROBE_GAINS };

/* 1 when the plain reading under way has answered what find_all asked. */
static int probe_done(const work *w)
{
    return w->probe != PROBE_NONE && w->fillable &&
           (w->probe == PROBE_FILLABLE || w->gained);
}

/* ---- Codecs ------------------------------------------------------------ */

static int sb_encode(int sb, uint32_t cp)
{
    if (cp > 0xFFFF || (cp >= 0x2600 && cp < 0xF8FF))
        return -1; /* no single-byte code page reaches CJK (glibc's
                    * MacRoman has U+E01E, which no text needs) */
    int b = zh_sb_encode_pages[zh_sb_encode_page[sb][cp >> 8]][cp & 0xFF];
    return b ? b : -1;
}

/* 1 when cp[0..n) begins with ’ (E2 80 99) as the code page d reads
 * it (â€™ in Windows-1252, вЂ™ in Windows-1251): l’ in French whose
 * apostrophe the same misreading garbled. */
static int misread_apostrophe(codec d, const uint32_t *cp, size_t n)
{
    static const uint8_t quote[3] = {0xE2, 0x80, 0x99};
    if (d.kind != CK_SB || n < 3)
        return 0;
    for (size_t i = 0; i < 3; i++)
        if (zh_sb_decode[d.sb][quote[i] - 0x80] != cp[i])
            return 0;
    return 1;
}

/* encode_char's cases other than ASCII and a character of the
 * double-byte tables: U+FFFD, a single-byte code page, beyond the BMP. */
static int encode_char_other(codec d, uint32_t cp, uint16_t *out)
{
    if (cp == 0xFFFD) {
        out[0] = WILD;
        return 1;
    }
    if (d.kind != CK_SB)
        return 0; /* beyond the BMP: no double-byte code has it */
    int b = sb_encode(d.sb, cp);
    if (b < 0)
        return 0;
    out[0] = (uint16_t)b;
    return 1;
}

/* Encode cp in D: the bytes go to out (up to 2); returns their number, 0
 * when cp cannot be encoded. Inline for the common case, ASCII and the
 * characters of GBK and Big5: every plain reading encodes the whole line
 * character by character. */
static inline int encode_char(codec d, uint32_t cp, uint16_t *out)
{
    if (cp < 0x80) {
        out[0] = (uint16_t)cp;
        return 1;
    }
    if (d.kind == CK_SB || cp > 0xFFFF || cp == 0xFFFD)
        return encode_char_other(d, cp, out);
    unsigned v = d.kind == CK_GBK ? zh_gbk_encode_table[cp] : zh_big5_encode[cp];
    if (!v)
        return 0;
    if (v < 0x100) {
        out[0] = (uint16_t)v;
        return 1;
    }
    out[0] = (uint16_t)(v >> 8);
    out[1] = (uint16_t)(v & 0xFF);
    return 2;
}

/* decode_at's cases other than ASCII, the common three-byte UTF-8 and
 * the pairs of GBK and Big5: the other UTF-8 sequences, GBK's euro sign,
 * and whatever is cut short or lost. */
static size_t decode_at_other(codec e, const uint16_t *b, size_t p, size_t n,
                              uint32_t *cp)
{
    unsigned c = b[p];
    if (c >= WILD)
        return 0;
    if (e.kind == CK_UTF8) {
        size_t len;
        uint32_t v, min;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            v = c & 0x1F;
            min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            v = c & 0x0F;
            min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            v = c & 0x07;
            min = 0x10000;
        } else {
            return 0;
        }
        if (n - p < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            unsigned t = b[p + k];
            if (t >= WILD || (t & 0xC0) != 0x80)
                return 0;
            v = (v << 6) | (t & 0x3F);
        }
        if (v >= 0xD800 && v <= 0xDBFF && len == 3 && n - p >= 6 &&
            b[p + 3] == 0xED && (b[p + 4] & 0xF0) == 0xB0 &&
            (b[p + 5] & 0xC0) == 0x80 && b[p + 4] < WILD && b[p + 5] < WILD) {
            /* CESU-8: a surrogate pair written as two three-byte
             * sequences (Java, MySQL's old utf8). */
            uint32_t lo = 0xDC00 | ((b[p + 4] & 0x0F) << 6) | (b[p + 5] & 0x3F);
            *cp = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            return 6;
        }
        if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return len;
    }
    if (e.kind == CK_GBK && c == 0x80) {
        *cp = 0x20AC;
        return 1;
    }
    return 0; /* a pair cut short, or no lead byte */
}

/* Decode one character of E at p: returns its length (0 when invalid).
 * Inline for ASCII, the three-byte UTF-8 of most of Chinese (a lead that
 * restricts neither its second byte nor the value) and the pairs of GBK
 * and Big5: the readings decode every character of every line, and
 * restorations every window. */
static inline size_t decode_at(codec e, const uint16_t *b, size_t p,
                               size_t n, uint32_t *cp)
{
    unsigned c = b[p];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (e.kind == CK_UTF8 && ((c >= 0xE1 && c <= 0xEC) || c == 0xEE ||
                              c == 0xEF) && n - p >= 3) {
        unsigned t1 = b[p + 1], t2 = b[p + 2];
        if (t1 >= WILD || t2 >= WILD || (t1 & 0xC0) != 0x80 ||
            (t2 & 0xC0) != 0x80)
            return 0;
        *cp = (uint32_t)(c & 0x0F) << 12 | (uint32_t)(t1 & 0x3F) << 6 |
              (t2 & 0x3F);
        return 3;
    }
    if (e.kind != CK_UTF8 && c >= 0x81 && c <= 0xFE && n - p >= 2) {
        /* A pair of GBK or Big5 (the readings of GBK and Big5 read as
         * each other decode nothing else). */
        unsigned t = b[p + 1];
        if (t < 0x40 || t > 0xFE || t == 0x7F)
            return 0;
        uint16_t v = (e.kind == CK_GBK ? zh_gbk_decode
                                       : zh_big5_decode)[(c - 0x81) * 191 +
                                                         (t - 0x40)];
        if (!v)
            return 0;
        *cp = v;
        return 2;
    }
    return decode_at_other(e, b, p, n, cp);
}

/* ---- Restoring lost bytes ---------------------------------------------- */

/* Byte of D that decodes to U+00A0, or -1. */
static int nbsp_byte(codec d)
{
    return d.kind == CK_SB ? sb_encode(d.sb, 0xA0) : -1;
}

/* Decode [r, end) after a tentative fill; returns the cost of the reading
 * when it is valid up to and including the unit that covers `past`, else
 * HUGE_VAL. window_cost_from resumes such a decoding at p with the cost
 * and the previous character of what came before (window_prefix). */
/* 1 when a UTF-8 lead byte at p is followed by fewer continuation bytes
 * than it needs: the trace of a byte dropped from its sequence. */
static int cut_short(codec e, const uint16_t *b, size_t p, size_t n)
{
    unsigned c = b[p];
    if (e.kind != CK_UTF8 || c < 0xC2 || c > 0xF4)
        return 0;
    size_t len = zh_utf8_seqlen((unsigned char)c);
    for (size_t k = 1; k < len; k++)
        if (p + k >= n || b[p + k] >= WILD || (b[p + k] & 0xC0) != 0x80)
            return 1;
    return 0;
}

/* 1 when a continuation byte stands at p where a character should start,
 * in a stream read as GBK: what a stripped private-use pair leaves (口 =
 * E5 8F A3 after 端 = E7 AB AF: AF E5 stripped leaves E7 AB 8F A3, read
 * as a wrong character and a byte of none). Not A1-A3: those lead GBK's
 * Chinese marks and fullwidth forms (“ is A1 B0, ， A3 AC), which the
 * text beside the mojibake has of its own (“涓枃” quoted in a line about
 * encodings is no stripped pair before the closing quote). */
static int stripped_byte(unsigned c)
{
    return c < WILD && (c & 0xC0) == 0x80 && (c < 0xA1 || c > 0xA3);
}

static int stripped_trace(const work *w, const uint16_t *b, size_t p)
{
    return w->strips_pairs && stripped_byte(b[p]);
}

/* 1 when a lost byte (U+FFFD or '?' in the misreading) is at p or within
 * the three bytes after it. */
static int lost_near(const uint16_t *b, size_t p, size_t n)
{
    for (size_t q = p; q < n && q <= p + 3; q++)
        if (b[q] == WILD || b[q] == '?')
            return 1;
    return 0;
}

static double completion_cost(work *w, unsigned lead, unsigned c1,
                              uint32_t prev);

/* 1 when the UTF-8 at p is a three-byte sequence with its lead and first
 * continuation byte and nothing more: a character whose last byte a code
 * page dropped without a trace. */
static int begun_cut(codec e, const uint16_t *b, size_t p, size_t n)
{
    return e.kind == CK_UTF8 && b[p] >= 0xE0 && b[p] <= 0xEF && p + 1 < n &&
           b[p + 1] < WILD && (b[p + 1] & 0xC0) == 0x80 &&
           (p + 2 >= n || b[p + 2] >= WILD || (b[p + 2] & 0xC0) != 0x80);
}

/* 1 when the character of right context at p (p >= past) is a
 * three-byte sequence whose last byte a double-byte decoder lost to a
 * mark (WILD): window_cost_from scores it by its best completion. */
static int lost_last(const work *w, codec e, const uint16_t *b, size_t p,
                     size_t n, size_t past)
{
    return (p > past || (p == past && w->inserting)) && !w->silent_drops &&
           begun_cut(e, b, p, n) && p + 2 < n && b[p + 2] == WILD;
}

/* 1 when what follows the byte at p ends a character before it: the
 * line's end, or ASCII (not '?', which may be a lost byte too). */
static int ends_lost(const work *w, const uint16_t *b, size_t p, size_t n)
{
    return p + 1 == n ? w->ends_line
                      : b[p + 1] >= 0x20 && b[p + 1] < 0x80 && b[p + 1] != '?';
}

/* 1 when the character of right context at p is a byte lost alone before
 * the line's end or ASCII, in a stream read as GBK: no UTF-8 character is
 * one byte of 80-FF, so the reading before it is wrong. (本。 = E6 9C AC
 * E3 80 82 read by GB18030, AC E3 stripped as private use, leaves 鏈 and
 * two lost bytes, 80 and 82; AC for the first left the second alone.) */
static int lone_lost_end(const work *w, codec e, const uint16_t *b, size_t p,
                         size_t n)
{
    return w->strips_pairs && e.kind == CK_UTF8 && b[p] == WILD &&
           ends_lost(w, b, p, n);
}

/* A window's cost with the end of the line after last added. */
static double end_cost(const work *w, uint32_t last, double cost,
                       double cutoff)
{
    cost += zh_plaus_end(last, w->line_first);
    return cost < cutoff ? cost : HUGE_VAL;
}

/* 1 when the control character at p, which ends a window, is the CR of
 * a CRLF line that ends there: scored as the line's end, as without it. */
static int cr_ends(const work *w, const uint16_t *b, size_t p, size_t n)
{
    return w->ends_line && b[p] == '\r' && p + 1 == n;
}

static double window_cost_from(work *w, codec e, const uint16_t *b, size_t n,
                               size_t p, size_t past, uint32_t prev,
                               double cost, double cutoff)
{
    while (p < n) {
        uint32_t cp;
        size_t len = decode_at(e, b, p, n, &cp);
        if (!len) {
            /* Beyond the fill, the character of right context is another
             * error, a lost byte or a sequence cut short (a byte the code
             * page dropped without a trace): it ends the window and gets
             * its own turn. Requiring it to read made a later fill pay for
             * the next gap where an earlier one stopped short of it (三种
             * read as 三珧). */
            /* ...or lost its last byte to a mark (U+FFFD: 循环 = E5 BE AA
             * E7 8E AF read by Python's gbk loses AA and AF): it is scored
             * by its best completion, so that the fill before it sees the
             * word (循环, not 往环 for E5 BE ?), and gets its own turn. */
            if (lost_last(w, e, b, p, n, past)) {
                cost += completion_cost(w, b[p], b[p + 1], prev);
                return cost < cutoff ? cost : HUGE_VAL;
            }
            if (lone_lost_end(w, e, b, p, n))
                return HUGE_VAL;
            if (p > past && (cut_short(e, b, p, n) || lost_near(b, p, n) ||
                             stripped_trace(w, b, p)))
                return cost;
            /* The character of right context itself lost its last byte to
             * a code page that drops bytes without a trace (！” with both
             * undefined bytes dropped: EF BC [81] E2 80 [9D]): it is
             * scored by its best completion, and its own gap gets its
             * turn. */
            if (w->silent_drops && p == past && begun_cut(e, b, p, n)) {
                cost += completion_cost(w, b[p], b[p + 1], prev);
                return cost < cutoff ? cost : HUGE_VAL;
            }
            return HUGE_VAL;
        }
        if (zh_plaus_forbidden(cp)) {
            /* A control character of the text after the fill (the CR of
             * a CRLF line, a terminal's escape) ends the window as the
             * line's end does: it is no character to score, and it made
             * every value of a byte lost right before it unreadable. */
            if (p > past && cp < 0x20)
                return cr_ends(w, b, p, n) ? end_cost(w, prev, cost, cutoff)
                                           : cost;
            return HUGE_VAL;
        }
        cost += wstep(w, prev, cp);
        if (cost >= cutoff)
            return HUGE_VAL; /* steps cost >= 0: no better than the best */
        prev = cp;
        if (p > past)
            return cost; /* one character of right context is scored */
        p += len;
    }
    return w->ends_line ? end_cost(w, prev, cost, cutoff) : cost;
}

/* The characters window_cost_from reads from p, when they do not depend
 * on what the window began with (the bytes before p): decoded once, they
 * are scored after each of the values of a lost byte before p in turn. */
#define ZH_TAIL_MAX 16
typedef struct window_tail {
    uint32_t cp[ZH_TAIL_MAX];
    size_t n;
    int valid; /* 0: every window through them is HUGE_VAL */
    uint8_t cut_lead, cut_c1; /* a begun_cut character ends it (lead != 0) */
    int ends; /* the line's end comes after them (end_cost) */
} window_tail;

/* Read the tail from p as window_cost_from(w, e, b, n, p, past, ...) does;
 * 0 when it is longer than a tail holds. */
static int window_tail_read(const work *w, codec e, const uint16_t *b,
                            size_t n, size_t p, size_t past, window_tail *t)
{
    t->n = 0;
    t->valid = 1;
    t->cut_lead = t->cut_c1 = 0;
    t->ends = 0;
    while (p < n) {
        uint32_t cp;
        size_t len = decode_at(e, b, p, n, &cp);
        if (!len) {
            if (lost_last(w, e, b, p, n, past)) { /* window_cost_from */
                t->valid = 1;
                t->cut_lead = (uint8_t)b[p];
                t->cut_c1 = (uint8_t)b[p + 1];
                return 1;
            }
            t->valid = !lone_lost_end(w, e, b, p, n) && p > past &&
                       (cut_short(e, b, p, n) || lost_near(b, p, n) ||
                        stripped_trace(w, b, p));
            if (!t->valid && w->silent_drops && p == past &&
                begun_cut(e, b, p, n)) {
                t->valid = 1;
                t->cut_lead = (uint8_t)b[p];
                t->cut_c1 = (uint8_t)b[p + 1];
            }
            return 1;
        }
        if (zh_plaus_forbidden(cp)) {
            t->valid = p > past && cp < 0x20; /* window_cost_from */
            t->ends = t->valid && cr_ends(w, b, p, n);
            return 1;
        }
        if (t->n == ZH_TAIL_MAX)
            return 0;
        t->cp[t->n++] = cp;
        if (p > past)
            return 1;
        p += len;
    }
    t->ends = w->ends_line;
    return 1;
}

/* window_cost_from through a tail read by window_tail_read: the same sums
 * in the same order. */
static double window_tail_cost(work *w, const window_tail *t, uint32_t prev,
                               double cost, double cutoff)
{
    if (!t->valid)
        return HUGE_VAL;
    for (size_t k = 0; k < t->n; k++) {
        cost += wstep(w, prev, t->cp[k]);
        if (cost >= cutoff)
            return HUGE_VAL;
        prev = t->cp[k];
    }
    if (t->cut_lead) {
        cost += completion_cost(w, t->cut_lead, t->cut_c1, prev);
        if (cost >= cutoff)
            return HUGE_VAL;
    }
    return t->ends ? end_cost(w, prev, cost, cutoff) : cost;
}

static double window_cost(work *w, codec e, const uint16_t *b, size_t n,
                          size_t r, size_t past, uint32_t prev, double cutoff)
{
    return window_cost_from(w, e, b, n, r, past, prev, 0.0, cutoff);
}

/* The characters from r that end at or before q, which every window from
 * r decodes alike whatever byte goes to q (a surrogate's lead, whose
 * decoding looks further, ends them): returns where they end, and their
 * cost and last character in *cost and *prev (which enter with the
 * character before r). A window that reaches q is then
 * window_cost_from(that end), except that a cost at or above its cutoff
 * already makes it HUGE_VAL: each step costs >= 0, so the cost a window
 * checks after each of these characters is at most their total. */
static size_t window_prefix(work *w, codec e, const uint16_t *b, size_t n,
                            size_t r, size_t q, uint32_t *prev, double *cost)
{
    size_t p = r;
    *cost = 0.0;
    while (p < q && b[p] != 0xED) {
        uint32_t cp;
        size_t len = decode_at(e, b, p, n, &cp);
        if (!len || p + len > q || zh_plaus_forbidden(cp))
            break; /* left to the window, which decides as before */
        *cost += wstep(w, *prev, cp);
        *prev = cp;
        p += len;
    }
    return p;
}

static int is_pua(uint32_t cp) { return cp >= 0xE000 && cp <= 0xF8FF; }

/* The private-use characters a GB18030 decoder makes of GBK's
 * user-defined pairs (AAA1-AFFE, F8A1-FEFE, A140-A7A0) and of the
 * unassigned places of its symbol rows. */
static int gbk_user_defined(uint32_t cp) { return cp >= 0xE000 && cp <= 0xE864; }

static int line_suspicious(const unsigned char *s, size_t len);

static int euro_bytes(codec d, const uint16_t *b, size_t nb, uint32_t next,
                      uint16_t out[2]);

/* 1 when the GBK bytes of a, then of mark, then of b are what UTF-8 read
 * as GBK makes: a UTF-8 sequence of three or four bytes begun in a's
 * bytes takes mark's first byte. For mark a GBK private-use pair (是覆 =
 * E6 98 AF E8 A6 86 is 鏄, AF E8, ...); for the euro sign, where the GBK
 * chain re-encodes it as A2 E3 (euro_bytes). Text that uses a private-use
 * character (a rare character of an old font, 白 then U+E1E5 in verse:
 * B0 D7, AF B0) has none. */
static int mark_continues_utf8(uint32_t a, uint32_t mark, uint32_t b)
{
    const codec gbk = {CK_GBK, 0};
    uint16_t u[6];
    int na = encode_char(gbk, a, u);
    if (na <= 0)
        return 0;
    if (mark == 0x20AC)
        return euro_bytes(gbk, u, (size_t)na, b, u + na) == 2;
    if (encode_char(gbk, mark, u + na) != 2)
        return 0;
    int nb = encode_char(gbk, b, u + na + 2);
    size_t n = (size_t)(na + 2 + (nb > 0 ? nb : 0));
    size_t at = (size_t)na; /* mark's first byte */
    for (size_t s = at; s-- > 0 && at - s <= 3;) {
        unsigned c = u[s];
        if (c >= 0x80 && c < 0xC0)
            continue; /* a continuation byte: the lead is further back */
        if (c < 0xE0 || c > 0xF4)
            return 0;
        size_t len = c >= 0xF0 ? 4 : 3;
        if (s + len <= at || s + len > n)
            return 0;
        for (size_t k = s + 1; k < s + len; k++)
            if (u[k] < 0x80 || u[k] >= 0xC0)
                return 0;
        return 1;
    }
    return 0;
}

/* 1 when text[0..len) shows a decoder that read UTF-8 as GBK the way
 * GB18030 decoders do: a private-use character of GBK's user-defined
 * pairs between two other non-ASCII characters, or the euro sign (A2 E3)
 * between two Han characters, whose bytes continue a UTF-8 sequence
 * begun in the character before (mark_continues_utf8). Python's gbk loses
 * those pairs (U+FFFD for the lead) and has no euro sign, where a GB18030
 * decoder loses a byte inside a run only when it is 80, which leads
 * nothing. */
static int pua_read_shown(const char *text, size_t len)
{
    /* Those characters are EE 80 80-EE A1 A4 and E2 82 AC: a line with
     * neither lead byte is not decoded. */
    if (!memchr(text, 0xEE, len) && !memchr(text, 0xE2, len))
        return 0;
    uint32_t prev2 = 0, prev = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += zh_utf8_decode((const unsigned char *)text + i, len - i, &cp);
        if (((gbk_user_defined(prev) && prev2 >= 0x80 && cp >= 0x80) ||
             (prev == 0x20AC && zh_is_han(prev2) && zh_is_han(cp))) &&
            mark_continues_utf8(prev2, prev, cp))
            return 1;
        prev2 = prev;
        prev = cp;
    }
    return 0;
}

/* 1 when a line of the block that may hold mojibake shows
 * pua_read_shown. Asked once, at the first suspicious line of the block's
 * first mojibake scan, and kept for its later rounds. */
static int pua_read_hot(zh_scan *scan)
{
    size_t cursor = 0, pos, end;
    /* Only lines that may hold mojibake: the prefilter's hot lines are a
     * superset of those, and without it every line is hot; the evidence
     * must not depend on which. (The cheaper test first: most lines have
     * neither lead byte.) */
    while (zh_hot_next(scan, ZH_TRIG_MOJIBAKE, &cursor, &pos, &end))
        if (pua_read_shown(scan->text + pos, end - pos) &&
            line_suspicious((const unsigned char *)scan->text + pos, end - pos))
            return 1;
    return 0;
}

/* 1 when the block of w showed pua_read_shown, or the segment being
 * restored a stripped pair (strips_in). */
static int pua_read(const work *w)
{
    return w->strips_shown || (w->memo_scan && w->memo_scan->pua_read > 0);
}

/* 1 when the stream w->b, UTF-8 read as GBK, shows a private-use pair
 * stripped: a continuation byte where a character should start, no lost
 * byte near it (what stripped_trace looks for). Python's gbk marks every
 * byte it loses; a decoder whose pairs a scraper could strip made them
 * private use, so it is GB18030's, which loses only 80 inside a run. */
static int strips_in(const work *w)
{
    for (size_t p = 0; p < w->nb;) {
        uint32_t cp;
        size_t len = decode_at((codec){CK_UTF8, 0}, w->b, p, w->nb, &cp);
        if (!len && stripped_byte(w->b[p]) &&
            !lost_near(w->b, p >= 3 ? p - 3 : 0, w->nb) &&
            !lost_near(w->b, p, w->nb))
            return 1;
        p += len ? len : 1;
    }
    return 0;
}

/* 1 when GBK or Big5 would have lost the lead byte v followed by t.
 * pua_read: the block's decoder read GBK's user-defined pairs as private
 * use (pua_read_shown), so it lost none of them. */
static int lost_pair(codec d, unsigned v, unsigned t, int pua_read)
{
    if (v < 0x81 || v > 0xFE || t >= WILD)
        return 1;
    if (t < 0x40 || t > 0xFE || t == 0x7F)
        return 1;
    const uint16_t *dec = d.kind == CK_GBK ? zh_gbk_decode : zh_big5_decode;
    uint16_t c = dec[(v - 0x81) * 191 + (t - 0x40)];
    return !c || (is_pua(c) && !(pua_read && d.kind == CK_GBK));
}

/* 1 when GB18030 decodes the GBK pair (v, t) to a private-use character,
 * which a scraper may strip (v and t valid lead and trail bytes). */
static int gbk_pua_pair(unsigned v, unsigned t)
{
    return is_pua(zh_gbk_decode[(v - 0x81) * 191 + (t - 0x40)]);
}

/* Values 0x80-0xFF of a byte, bit v - 0x80 of m[(v - 0x80) / 64]. */
typedef struct vmask {
    uint64_t m[2];
} vmask;

struct lost_cache {
    /* by codec (GBK, Big5, GBK read by a decoder that keeps its
     * user-defined pairs) and byte */
    vmask row[3][256], col[3][256];
    uint8_t row_known[3][256], col_known[3][256];
};

/* A character from a guessed byte that is no letter: the quotation
 * marks, dashes and ellipsis of General Punctuation (U+2010-U+2027). The
 * byte Windows-1252 loses from ” (E2 80 9D) leaves U+2001, U+200D, U+200F,
 * U+2010 and U+201D to choose from, and Chinese text has the closing
 * quote far more often than the others. (Western text keeps U+FFFD, as
 * ftfy does: there the reading is not checked by any Chinese around it.) */
static int reliable_guess(uint32_t cp)
{
    return cp >= 0x2010 && cp <= 0x2027;
}

/* 1 when the single-byte code page sb leaves byte v undefined: its
 * table maps the byte to the C1 control of the same value. Only 80-9F
 * can be: A0-BF map to themselves as Latin-1's, and are defined. */
static int sb_undefined(int sb, unsigned v)
{
    return v >= 0x80 && v < 0xA0 && zh_sb_decode[sb][v - 0x80] == v;
}

/* The bytes that the single-byte code page sb leaves undefined. */
static vmask sb_undefined_mask(int sb)
{
    vmask m = {{0, 0}};
    for (unsigned v = 0x80; v < 0xA0; v++)
        if (sb_undefined(sb, v))
            m.m[0] |= (uint64_t)1 << (v & 63);
    return m;
}

/* The values v of 0x80-0xFF for which lost_pair(d, a, v) holds (col 0)
 * or lost_pair(d, v, a) does (col 1), a < 0x100; from the work's cache.
 * All of them when the cache cannot be had. */
static vmask lost_mask(work *w, codec d, unsigned a, int col)
{
    int pua = pua_read(w);
    vmask all = {{~(uint64_t)0, ~(uint64_t)0}};
    if (!w->lost && !(w->lost = calloc(1, sizeof *w->lost)))
        col = -1;
    if (col < 0 || a > 0xFF) {
        vmask m = {{0, 0}};
        for (unsigned v = 0x80; v <= 0xFF; v++)
            if (a > 0xFF ||
                (col ? lost_pair(d, v, a, pua) : lost_pair(d, a, v, pua)))
                m.m[(v - 0x80) >> 6] |= (uint64_t)1 << (v & 63);
        return a > 0xFF ? all : m;
    }
    int k = d.kind == CK_GBK ? (pua ? 2 : 0) : 1;
    vmask *m = col ? &w->lost->col[k][a] : &w->lost->row[k][a];
    uint8_t *known = col ? &w->lost->col_known[k][a] : &w->lost->row_known[k][a];
    if (!*known) {
        m->m[0] = m->m[1] = 0;
        for (unsigned v = 0x80; v <= 0xFF; v++)
            if (col ? lost_pair(d, v, a, pua) : lost_pair(d, a, v, pua))
                m->m[(v - 0x80) >> 6] |= (uint64_t)1 << (v & 63);
        *known = 1;
    }
    return *m;
}

/* Continuation bytes a UTF-8 decoder still wants after reading [r, q);
 * -1 when [r, q) is not a valid prefix. */
static int utf8_need(const uint16_t *b, size_t r, size_t q)
{
    int need = 0;
    for (size_t i = r; i < q; i++) {
        unsigned c = b[i];
        if (c >= WILD)
            return -1;
        if (need > 0) {
            if ((c & 0xC0) != 0x80)
                return -1;
            need--;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
        } else if (c >= 0x80) {
            return -1;
        }
    }
    return need;
}

static int sbeam_char_ok(uint32_t cp, int len);

/* What completion_cost reads for each lead byte E0-EF of a three-byte
 * sequence, by its second byte: the valid code points the chain may
 * produce after them (zh_plaus_step_min's set). Kept for the process the
 * first time each is asked (they depend on the character model alone,
 * and each scan's work built them anew), with a state per block as
 * begun_cost's: 0 empty, 1 being filled by the thread that set it, 2
 * ready. */
static zh_plaus_block lead_blocks[16][64];
static atomic_uchar lead_block_state[16][64];

static void completion_block_init(zh_plaus_block *blk, unsigned lead,
                                  unsigned c1)
{
    uint32_t base = ((uint32_t)(lead & 0x0F) << 12) |
                    ((uint32_t)(c1 & 0x3F) << 6);
    uint64_t mask = 0;
    for (unsigned t = 0; t < 64; t++) {
        uint32_t cp = base | t;
        if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF) ||
            zh_plaus_forbidden(cp))
            continue;
        mask |= (uint64_t)1 << t;
    }
    zh_plaus_block_init(blk, base, mask);
}

/* The block of (lead, c1), lead E0-EF: the process's, filled now if it
 * is empty; *spare filled and returned while another thread fills it. */
static const zh_plaus_block *block_of(unsigned lead, unsigned c1,
                                      zh_plaus_block *spare)
{
    unsigned l = lead - 0xE0, t = c1 & 0x3F;
    unsigned char st =
        atomic_load_explicit(&lead_block_state[l][t], memory_order_acquire);
    if (st == 2)
        return &lead_blocks[l][t];
    unsigned char empty = 0;
    if (st == 0 &&
        atomic_compare_exchange_strong(&lead_block_state[l][t], &empty, 1)) {
        completion_block_init(&lead_blocks[l][t], lead, t);
        atomic_store_explicit(&lead_block_state[l][t], 2,
                              memory_order_release);
        return &lead_blocks[l][t];
    }
    completion_block_init(spare, lead, t);
    return spare;
}

/* The 64 blocks of a lead in a row: the process's when all are ready,
 * else copies in spare (64 of them). */
static const zh_plaus_block *blocks_row(unsigned lead, zh_plaus_block *spare)
{
    unsigned l = lead - 0xE0;
    int ready = 1;
    for (unsigned t = 0; t < 64 && ready; t++)
        ready = atomic_load_explicit(&lead_block_state[l][t],
                                     memory_order_acquire) == 2;
    if (ready)
        return lead_blocks[l];
    int all = 1;
    for (unsigned t = 0; t < 64; t++)
        all &= block_of(lead, t, &spare[t]) != &spare[t];
    if (all)
        return lead_blocks[l];
    for (unsigned t = 0; t < 64; t++) {
        const zh_plaus_block *b = block_of(lead, t, &spare[t]);
        if (b != &spare[t])
            spare[t] = *b;
    }
    return spare;
}

/* begun_cost's answers for the process, by (lead - E0) * 64 + second
 * byte, each kept the first time it is asked (a few dozen on clean text,
 * where a whole lead's 64 cost more than the search that asked): a state
 * 0 (empty), 1 (being written, by the thread that set it), 2 (ready); a
 * thread that finds it being written computes on its own. */
static double begun_known[16 * 64];
static atomic_uchar begun_state[16 * 64];

/* Lowest cost, without context, of a character the chain produces whose
 * UTF-8 begins with lead and c1 (a three-byte sequence): an optimistic
 * cost of completing a begun character. */
static double begun_cost(unsigned lead, unsigned c1)
{
    if (lead < 0xE0 || lead > 0xEF)
        return 0.0;
    size_t k = (size_t)(lead - 0xE0) * 64 + (c1 & 0x3F);
    if (atomic_load_explicit(&begun_state[k], memory_order_acquire) == 2)
        return begun_known[k];
    double best = 30.0;
    for (unsigned t = 0; t < 64; t++) {
        uint32_t cp = ((uint32_t)(lead & 0x0F) << 12) |
                      ((uint32_t)(c1 & 0x3F) << 6) | t;
        if (cp < 0x800 || !sbeam_char_ok(cp, 3))
            continue;
        double c = zh_plaus_step(0, cp);
        if (c < best)
            best = c;
    }
    unsigned char empty = 0;
    if (atomic_compare_exchange_strong(&begun_state[k], &empty, 1)) {
        begun_known[k] = best;
        atomic_store_explicit(&begun_state[k], 2, memory_order_release);
    }
    return best;
}

/* Lowest cost, after prev, of a character whose UTF-8 begins with lead
 * and c1 (a three-byte sequence): what the best completion of a begun
 * character can cost (as a float: what the cache holds). */
static double completion_cost(work *w, unsigned lead, unsigned c1,
                              uint32_t prev)
{
    if (lead < 0xE0 || lead > 0xEF)
        return 0.0;
    uint16_t lc = (uint16_t)(lead << 8 | c1);
    if (!w->cc)
        w->cc = calloc(ZH_CC_SLOTS, sizeof *w->cc);
    struct ccache none;
    struct ccache *c =
        w->cc ? &w->cc[(prev * 2654435761u ^ lc * 40503u) % ZH_CC_SLOTS]
              : &none;
    if (w->cc && c->lc == lc && c->prev == prev)
        return c->cost;
    zh_plaus_block spare;
    double best = zh_plaus_step_min(block_of(lead, c1, &spare), prev);
    c->prev = prev;
    c->lc = lc;
    c->cost = (float)best;
    return (float)best;
}

/* completion_cost(w, lead, 0x80 + t, prev) for t = 0..63, by t; lead one
 * of E0-EF. fill_run asks them together (a lost byte after a lead takes
 * every continuation value), and one walk of the character model answers
 * the row (zh_plaus_step_mins). NULL when the cache cannot be had. The
 * work keeps 1024 rows (about 270 KB, made when first asked): a block's
 * runs of lost bytes come back to the same few hundred (lead, prev), which
 * 64 rows evicted (on 1 MB of mojibake 868 walks of the model for the
 * 1926 rows asked, against 1329; 4096 rows saved little more). */
#define ZH_CROW_SLOTS 1024
struct crow {
    uint32_t prev;
    uint16_t lead; /* 0: empty */
    float cost[64];
};

static const float *completion_row(work *w, unsigned lead, uint32_t prev)
{
    if (!w->crow && !(w->crow = calloc(ZH_CROW_SLOTS, sizeof *w->crow)))
        return NULL;
    struct crow *c =
        &w->crow[(prev * 2654435761u ^ lead * 40503u) % ZH_CROW_SLOTS];
    if (c->lead == lead && c->prev == prev)
        return c->cost;
    double best[64];
    zh_plaus_block spare[64];
    zh_plaus_step_mins(blocks_row(lead, spare), 64, prev, best);
    for (unsigned t = 0; t < 64; t++)
        c->cost[t] = (float)best[t];
    c->lead = (uint16_t)lead;
    c->prev = prev;
    return c->cost;
}

/* Cost of the reading of [r, end), where the last sequence may be left
 * incomplete, added to `cost` (that of what came before, as for
 * window_cost_from); HUGE_VAL when it is invalid before that. A begun three-byte
 * sequence whose first two bytes are known counts with its cheapest
 * completion after the character before it: without it every value of its
 * second byte would tie, and a beam would keep whichever came first. */
static double prefix_cost(work *w, codec e, size_t r, size_t end,
                          uint32_t prev, double cost, double cutoff)
{
    const uint16_t *b = w->b;
    size_t n = w->nb;
    size_t p = r;
    while (p < end) {
        uint32_t cp;
        size_t len = decode_at(e, b, p, n, &cp);
        if (!len) {
            if (end - p >= 4 || utf8_need(b, p, end) < 0)
                return HUGE_VAL;
            if (e.kind == CK_UTF8 && end - p == 2) {
                const float *row = b[p] >= 0xE0 && b[p] <= 0xEF
                                       ? completion_row(w, b[p], prev)
                                       : NULL;
                cost += row ? row[b[p + 1] & 0x3F]
                            : completion_cost(w, b[p], b[p + 1], prev);
            }
            return cost < cutoff ? cost : HUGE_VAL;
        }
        if (zh_plaus_forbidden(cp))
            return HUGE_VAL;
        cost += wstep(w, prev, cp);
        if (cost >= cutoff)
            return HUGE_VAL;
        prev = cp;
        p += len;
    }
    return cost;
}

/* 1 when byte v may stand at a point of a UTF-8 reading of Chinese text
 * where `need` continuation bytes are still wanted (utf8_need): a
 * continuation byte inside a sequence, between sequences a lead byte of
 * Latin-1 and Latin Extended-A, of punctuation, CJK and fullwidth forms,
 * or of emoji (the characters decode_stream takes from such a reading). */
static int utf8_fill_ok(int need, unsigned v)
{
    if (need > 0)
        return v >= 0x80 && v <= 0xBF;
    return (v >= 0xC2 && v <= 0xC5) || (v >= 0xE2 && v <= 0xE9) ||
           v == 0xEF || v == 0xF0;
}

/* The first and last bytes utf8_fill_ok(need, v) takes: the loops over
 * candidate values need not look outside them. */
static unsigned fill_lo(int need) { return need > 0 ? 0x80 : 0xC2; }
static unsigned fill_hi(int need) { return need > 0 ? 0xBF : 0xF0; }

typedef struct beam_state {
    uint8_t v[ZH_RUN_MAX];
    double cost;
} beam_state;

/* 1 when the UTF-8 sequence at pend holds q as one of its continuation
 * bytes and its other bytes are all there, with a lead whose second byte
 * is not restricted (not E0, ED, F0, F4): every continuation byte at q
 * then makes a valid character, base | (v & 0x3F) << *shift, of *len
 * bytes. */
static int seq_gap(const uint16_t *b, size_t n, size_t pend, size_t q,
                   uint32_t *base, size_t *len, unsigned *shift)
{
    if (pend >= q)
        return 0;
    unsigned lead = b[pend];
    if (lead < 0xC2 || lead > 0xF3 || lead == 0xE0 || lead == 0xED ||
        lead == 0xF0)
        return 0;
    size_t l = zh_utf8_seqlen((unsigned char)lead);
    if (q >= pend + l || pend + l > n)
        return 0;
    uint32_t x = lead & (l == 2 ? 0x1F : l == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < l; k++) {
        unsigned t = b[pend + k];
        if (pend + k == q)
            t = 0x80;
        else if (t >= WILD || (t & 0xC0) != 0x80)
            return 0;
        x = x << 6 | (t & 0x3F);
    }
    *base = x;
    *len = l;
    *shift = (unsigned)(6 * (pend + l - 1 - q));
    return 1;
}

/* A restored character of the script the text around it is not in:
 * text is written in one script, and the model, half Simplified and half
 * Traditional, weighs 询 and 詢 (E8 AF A2, E8 A9 A2) alike where the byte
 * that tells them apart was lost. As ZH_SBEAM_ALIEN for Big5. */
#define ZH_FILL_ALIEN 4.0
/* A restored “ where one is open, or ” where one was closed: quotation
 * marks come in pairs. */
#define ZH_FILL_UNPAIRED 3.0

/* The script the stream is not written in, by the three-byte characters
 * all of whose bytes survived: the other one when only one shows. */
static int alien_script(const work *w)
{
    size_t simplified = 0, traditional = 0;
    for (size_t i = 0; i + 2 < w->nb; i++) {
        unsigned a = w->b[i], b = w->b[i + 1], c = w->b[i + 2];
        if (a < 0xE0 || a > 0xEF || b >= WILD || (b & 0xC0) != 0x80 ||
            c >= WILD || (c & 0xC0) != 0x80)
            continue;
        uint32_t cp = (uint32_t)(a & 0x0F) << 12 | (uint32_t)(b & 0x3F) << 6 |
                      (c & 0x3F);
        int k = zh_script_class(cp);
        simplified += k == ZH_SCRIPT_SIMPLIFIED;
        traditional += k == ZH_SCRIPT_TRADITIONAL;
    }
    if (traditional && !simplified)
        return ZH_SCRIPT_SIMPLIFIED;
    if (simplified && !traditional)
        return ZH_SCRIPT_TRADITIONAL;
    return ZH_SCRIPT_BOTH;
}

/* Characters of the script w->fill_alien among those that hold a byte of
 * [from, to) of the stream, read from the start of the one at from. */
static size_t alien_chars(const work *w, codec e, size_t from, size_t to)
{
    size_t p = from;
    while (p > 0 && from - p < 3 && w->b[p] >= 0x80 && w->b[p] < 0xC0 &&
           e.kind == CK_UTF8)
        p--;
    size_t n = 0;
    while (p < to && p < w->nb) {
        uint32_t cp;
        size_t len = decode_at(e, w->b, p, w->nb, &cp);
        if (!len)
            break;
        n += zh_script_class(cp) == w->fill_alien;
        p += len;
    }
    return n;
}

/* 1 when the bytes from p are k pairs GBK reads (lead 81-FE, trail
 * 40-FE but 7F) none of which is a lead byte of three or four UTF-8 bytes
 * (E0-F4) and its continuation: clean Chinese re-encoded as GBK (預 is
 * EE 41). UTF-8 read as GBK makes no three such pairs in a row: of any
 * three pairs of three-byte characters, one begins with a character's
 * lead byte. */
static int clean_pairs(const uint16_t *b, size_t p, size_t n, size_t k)
{
    for (size_t i = 0; i < k; i++, p += 2)
        if (p + 1 >= n || b[p] < 0x81 || b[p] > 0xFE || b[p + 1] < 0x40 ||
            b[p + 1] > 0xFE || b[p + 1] == 0x7F ||
            (b[p] >= 0xE0 && b[p] <= 0xF4 && b[p + 1] >= 0x80))
            return 0;
    return 1;
}

/* The byte a GBK decoder tried to pair the lost byte before p with: b[p],
 * or WILD (any) where what follows is clean Chinese, which does not read
 * as UTF-8. There the corrupted stretch ends, and the decoder, which read
 * it alone, lost the byte at the end of its input (part of a line: 方面
 * read as GB18030 loses 面's last byte A2 before the clean 有, whose
 * bytes D3 D0 A2 would pair with). */
static unsigned loss_partner(codec d, codec e, const uint16_t *b, size_t p,
                             size_t n)
{
    if (p >= n)
        return WILD;
    if (d.kind == CK_GBK && e.kind == CK_UTF8 && clean_pairs(b, p, n, 3))
        return WILD;
    return b[p];
}

/* Fill the k lost bytes at q (k >= 2) by beam search; 1 when done. */
static int fill_run(work *w, codec d, codec e, size_t r, size_t q, size_t k,
                    uint32_t prev)
{
    size_t n = w->nb;
    uint16_t saved[ZH_RUN_MAX];
    memcpy(saved, w->b + q, k * sizeof *saved);
    beam_state beam[ZH_BEAM], next[ZH_BEAM];
    size_t nbeam = 1, nnext;
    /* What comes before the run reads the same for every filling. */
    uint32_t pprev = prev;
    double pcost;
    size_t pend = window_prefix(w, e, w->b, n, r, q, &pprev, &pcost);
    memset(&beam[0], 0, sizeof beam[0]);
    for (size_t i = 0; i < k && nbeam; i++) {
        nnext = 0;
        /* A full beam keeps nothing worse than its worst (the first of the
         * costliest, which a better state replaces): cut is that cost. */
        double cut = HUGE_VAL;
        size_t worst = 0;
        /* The last byte's windows read the same characters after the
         * one it completes, by that one's length (window_tail). */
        window_tail tails[5];
        signed char tail_ok[5] = {0, 0, 0, 0, 0};
        for (size_t s = 0; s < nbeam; s++) {
            for (size_t j = 0; j < i; j++)
                w->b[q + j] = beam[s].v[j];
            /* Only bytes that continue the UTF-8 reading: a continuation
             * byte inside a sequence, else a lead byte of what the chain
             * produces. */
            int need = e.kind == CK_UTF8 ? utf8_need(w->b, r, q + i) : 0;
            if (need < 0)
                continue;
            unsigned v0 = e.kind == CK_UTF8 ? fill_lo(need) : 0x80;
            unsigned v1 = e.kind == CK_UTF8 ? fill_hi(need) : 0xF4;
            /* The values the filters of the original loop keep (v0 >=
             * 0x80): a UTF-8 byte that continues the reading, lost before
             * the byte after the run and after the value before it. */
            vmask ok = {{~(uint64_t)0, ~(uint64_t)0}};
            if (d.kind == CK_SB) {
                /* A single-byte code page loses only the bytes it leaves
                 * undefined, each on its own. */
                ok = sb_undefined_mask(d.sb);
            } else if (i > 0) {
                vmask m = lost_mask(w, d, beam[s].v[i - 1], 0);
                ok.m[0] &= m.m[0];
                ok.m[1] &= m.m[1];
            }
            if (d.kind != CK_SB && i + 1 == k && q + k < n) {
                vmask m =
                    lost_mask(w, d, loss_partner(d, e, w->b, q + k, n), 1);
                ok.m[0] &= m.m[0];
                ok.m[1] &= m.m[1];
            }
            uint8_t vs[0xF4 - 0x80 + 1];
            size_t nvs = 0;
            for (unsigned v = v0; v <= v1; v++) {
                if (!(ok.m[(v - 0x80) >> 6] >> (v & 63) & 1)) {
                    /* The next value kept: the lowest set bit above. */
                    unsigned h = (v - 0x80) >> 6;
                    uint64_t rest = ok.m[h] & (~(uint64_t)0 << (v & 63));
                    if (!rest && h == 0)
                        rest = ok.m[1], h = 1;
                    if (!rest)
                        break;
                    v = 0x80 + h * 64 + (unsigned)__builtin_ctzll(rest);
                    if (v > v1)
                        break;
                }
                if (e.kind == CK_UTF8 && !utf8_fill_ok(need, v))
                    continue;
                vs[nvs++] = (uint8_t)v;
            }
            /* The last byte of the run a continuation byte of a sequence
             * whose other bytes are there (seq_gap): the window's first
             * character after pprev for every value in one pass
             * (zh_plaus_steps), a value whose first character already
             * reaches the cut failing as its window would. */
            uint32_t base = 0, cps[0xF4 - 0x80 + 1];
            size_t clen = 0;
            unsigned shift = 0;
            double steps[0xF4 - 0x80 + 1];
            int fast = i + 1 == k && e.kind == CK_UTF8 && need > 0 && nvs &&
                       seq_gap(w->b, n, pend, q + i, &base, &clen, &shift);
            if (fast) {
                for (size_t x = 0; x < nvs; x++)
                    cps[x] = base | (uint32_t)(vs[x] & 0x3F) << shift;
                zh_plaus_steps(pprev, cps, nvs, steps, work_memo(w));
            }
            /* The second byte of a three-byte lead right before it, the
             * third still lost: prefix_cost would decode nothing before
             * the begun character and give pcost plus its completion
             * after pprev, from the row of the lead (completion_row). */
            const float *row = NULL;
            if (!fast && i + 1 < k && e.kind == CK_UTF8 && need > 0 &&
                pend + 1 == q + i && w->b[pend] >= 0xE0 && w->b[pend] <= 0xEF)
                row = completion_row(w, w->b[pend], pprev);
            for (size_t vi = 0; vi < nvs; vi++) {
                unsigned v = vs[vi];
                w->b[q + i] = (uint16_t)v;
                beam_state t = beam[s];
                t.v[i] = (uint8_t)v;
                if (pend > r && pcost >= cut)
                    continue; /* window_prefix: HUGE_VAL */
                if (fast) {
                    double c = pcost + steps[vi];
                    if (!tail_ok[clen])
                        tail_ok[clen] =
                            window_tail_read(w, e, w->b, n, pend + clen, q + k - 1,
                                             &tails[clen])
                                ? 1
                                : -1;
                    t.cost = zh_plaus_forbidden(cps[vi]) || c >= cut
                                 ? HUGE_VAL
                             : tail_ok[clen] > 0
                                 ? window_tail_cost(w, &tails[clen], cps[vi], c,
                                                    cut)
                                 : window_cost_from(w, e, w->b, n, pend + clen,
                                                    q + k - 1, cps[vi], c, cut);
                } else if (row) {
                    double c = pcost + row[v & 0x3F];
                    t.cost = c < cut ? c : HUGE_VAL;
                } else {
                    t.cost = i + 1 == k
                                 ? window_cost_from(w, e, w->b, n, pend,
                                                    q + k - 1, pprev, pcost, cut)
                                 : prefix_cost(w, e, pend, q + i + 1, pprev,
                                               pcost, cut);
                }
                if (t.cost < HUGE_VAL) {
                    if (nnext < ZH_BEAM)
                        next[nnext++] = t;
                    else if (t.cost < next[worst].cost)
                        next[worst] = t;
                    if (nnext == ZH_BEAM) {
                        worst = 0;
                        for (size_t x = 1; x < nnext; x++)
                            if (next[x].cost > next[worst].cost)
                                worst = x;
                        cut = next[worst].cost;
                    }
                }
            }
        }
        memcpy(beam, next, nnext * sizeof *beam);
        nbeam = nnext;
    }
    if (!nbeam) {
        memcpy(w->b + q, saved, k * sizeof *saved);
        return 0;
    }
    /* The text's script decides between fillings the model weighs
     * alike (查询 and 查詢 where both bytes after 询's lead E8 were
     * lost). */
    size_t best = 0;
    double best_cost = HUGE_VAL;
    for (size_t s = 0; s < nbeam; s++) {
        double c = beam[s].cost;
        if (w->fill_alien) {
            for (size_t j = 0; j < k; j++)
                w->b[q + j] = beam[s].v[j];
            c += ZH_FILL_ALIEN * (double)alien_chars(w, e, q, q + k);
        }
        if (c < best_cost) {
            best_cost = c;
            best = s;
        }
    }
    for (size_t j = 0; j < k; j++) {
        w->b[q + j] = beam[best].v[j];
        w->fl[q + j] = ZH_FILL_GUESS;
    }
    return 1;
}

/* Try to make the stream decodable at the error at p (decoding resumed at
 * r, after a character prev). Candidates: a lost byte ('?', U+FFFD) given
 * a value; a no-break space restored; bytes inserted where D drops them
 * (GBK private-use pairs, undefined Windows-125x bytes). The cheapest
 * valid reading wins. Returns 1 when the stream was changed. */
/* Kinds of a byte that starts a UTF-8 character, such that the validity
 * of a reading from it depends on the kind only, not on the byte: the
 * same continuation rules and the same forbidden code points
 * (zh_plaus_forbidden: controls, private use, noncharacters). */
static int lead_kind(unsigned t)
{
    if (t < 0x7F)
        return 0;
    if (t == 0x7F)
        return 1;
    if (t < 0xC2)
        return 2; /* continuation or overlong: never valid here */
    if (t == 0xC2)
        return 3; /* C1 controls */
    if (t <= 0xDF)
        return 4;
    if (t == 0xE0)
        return 5;
    if (t <= 0xEC)
        return 6;
    if (t == 0xED)
        return 7;
    if (t == 0xEE)
        return 8; /* private use */
    if (t == 0xEF)
        return 9;
    if (t == 0xF0)
        return 10;
    if (t <= 0xF2)
        return 11;
    if (t == 0xF3)
        return 12; /* plane 15: private use */
    if (t == 0xF4)
        return 13;
    return 14;
}

/* The cheapest restorations try_fill finds, cheapest first, for the word
 * model to choose among (words.h): the character model's windows are a
 * character wide on each side, too short to see words. */
#define ZH_FILL_RERANK 4
/* Only a restoration this close to the cheapest is reconsidered. */
#define ZH_FILL_RERANK_MARGIN 6.0
typedef struct fill_cand {
    double cost;
    size_t q;
    /* v[1]: second inserted byte, WILD + 1 for none; v[2], v[3]: the
     * third and fourth of a character lost whole (insert_lost_char), else
     * 0. */
    uint16_t v[4];
    int kind;      /* ZH_FILL_GUESS, ZH_FILL_SURE, or 0 an insert */
    uint32_t ord;  /* place in the order candidates are enumerated */
} fill_cand;
typedef struct fill_set {
    fill_cand c[ZH_FILL_RERANK];
    size_t n;
    double bar; /* what a restoration must cost less than to enter */
    uint32_t seq; /* ord of the next candidate enumerated */
} fill_set;


/* Bytes the restoration c inserts: 0 when it replaces one. */
static size_t fill_inserts(const fill_cand *c)
{
    return c->kind ? 0 : c->v[1] == WILD + 1 ? 1 : c->v[2] ? 4 : 2;
}

/* Offer the candidate that comes ord-th in the order of enumeration: the
 * set keeps the cheapest, the first enumerated winning a tie, whatever
 * order they are offered in (try_fill weighs a lost byte's values
 * cheapest first). */
static void fill_offer_bytes(fill_set *fs, double cost, uint32_t ord, size_t q,
                             const uint16_t v[4], int kind)
{
    if (!(cost < fs->bar) &&
        !(fs->n == ZH_FILL_RERANK && cost == fs->c[fs->n - 1].cost &&
          ord < fs->c[fs->n - 1].ord))
        return;
    size_t at = fs->n < ZH_FILL_RERANK ? fs->n++ : fs->n - 1;
    /* After any of equal cost enumerated before it. */
    while (at > 0 && (fs->c[at - 1].cost > cost ||
                      (fs->c[at - 1].cost == cost && fs->c[at - 1].ord > ord))) {
        fs->c[at] = fs->c[at - 1];
        at--;
    }
    fs->c[at] = (fill_cand){cost, q, {v[0], v[1], v[2], v[3]}, kind, ord};
    fs->bar = fs->c[0].cost + ZH_FILL_RERANK_MARGIN;
    while (fs->n > 1 && fs->c[fs->n - 1].cost >= fs->bar)
        fs->n--;
    if (fs->n == ZH_FILL_RERANK && fs->c[fs->n - 1].cost < fs->bar)
        fs->bar = fs->c[fs->n - 1].cost;
}

static void fill_offer_ord(fill_set *fs, double cost, uint32_t ord, size_t q,
                           unsigned v0, unsigned v1, int kind)
{
    const uint16_t v[4] = {(uint16_t)v0, (uint16_t)v1, 0, 0};
    fill_offer_bytes(fs, cost, ord, q, v, kind);
}

/* Offer the next candidate in the order of enumeration. */
static void fill_offer(fill_set *fs, double cost, size_t q, unsigned v0,
                       unsigned v1, int kind)
{
    fill_offer_ord(fs, cost, fs->seq++, q, v0, v1, kind);
}

/* What a candidate offered out of order must cost less than for
 * fill_offer_ord to keep it: fs->bar, or just above it when a full set's
 * last may lose a tie to it. */
static double fill_cut(const fill_set *fs)
{
    if (fs->n < ZH_FILL_RERANK)
        return fs->bar;
    /* The next double up: the bar is a cost, finite and >= 0. */
    uint64_t u;
    double x = fs->bar;
    memcpy(&u, &x, sizeof u);
    u++;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Characters of context the word model reads on each side of a fill. */
#define ZH_FILL_WORD_CTX 3

/* Whether a “ before r is still open (1) or was closed (0): in the
 * reading so far, or in the text where the reading failed (a line only
 * partly misread keeps its own quotation marks); -1 when the line has
 * shown neither (a quotation may close that an earlier line opened). */
static int quote_state_before(const work *w, size_t r)
{
    int open = -1;
    size_t last_ci = SIZE_MAX;
    for (size_t k = 0; k < w->nu && w->u[k].bs < r; k++) {
        uint32_t q = w->u[k].cp;
        if (!w->u[k].ok) {
            size_t ci = w->ci[w->u[k].bs];
            if (ci == last_ci)
                continue;
            last_ci = ci;
            q = w->cp[ci];
        }
        if (q == 0x201C || q == 0x201D)
            open = q == 0x201C;
    }
    return open;
}

/* The candidate of fs the word model prefers (words.h): each is applied
 * to a copy of the bytes from r, read up to a few characters past the
 * last candidate position, and ranked with the characters before r. */
static size_t fill_rerank(work *w, codec e, const fill_set *fs, size_t r)
{
    if (fs->n < 2)
        return 0;
    /* The words of the characters before r, once for all candidates. */
    uint32_t left[ZH_FILL_WORD_CTX];
    size_t nleft = 0;
    for (size_t k = w->nu; k-- > 0 && nleft < ZH_FILL_WORD_CTX;)
        if (w->u[k].bs < r)
            left[nleft++] = w->u[k].cp;
    zh_words_ctx ctx0 = {{0}, {0}};
    while (nleft > 0)
        zh_words_push(&ctx0, left[--nleft]);
    int open0 = -2; /* quote_state_before(w, r), when a candidate asks */
    size_t last_q = r;
    for (size_t i = 0; i < fs->n; i++)
        if (fs->c[i].q > last_q)
            last_q = fs->c[i].q;
    size_t best = 0, han0 = 0;
    double best_rank = HUGE_VAL;
    for (size_t i = 0; i < fs->n; i++) {
        const fill_cand *c = &fs->c[i];
        size_t ins = fill_inserts(c);
        /* The same bytes for every candidate: through the last position
         * tried and three characters of three bytes beyond. */
        size_t end = last_q + 1 + 3 * ZH_FILL_WORD_CTX + ins;
        uint16_t buf[64];
        size_t nbuf = 0;
        if (!ins) {
            /* A byte replaced: the bytes as they are, that one changed. */
            nbuf = end - r < sizeof buf / sizeof *buf ? end - r
                                                      : sizeof buf / sizeof *buf;
            if (nbuf > (w->nb > r ? w->nb - r : 0))
                nbuf = w->nb > r ? w->nb - r : 0;
            memcpy(buf, w->b + r, nbuf * sizeof *buf);
            if (c->q >= r && c->q - r < nbuf)
                buf[c->q - r] = c->v[0];
        }
        for (size_t j = r;
             ins && nbuf < sizeof buf / sizeof *buf && nbuf < end - r; j++) {
            if (j == c->q && ins) {
                if (nbuf + ins > sizeof buf / sizeof *buf)
                    break;
                for (size_t t = 0; t < ins; t++)
                    buf[nbuf++] = c->v[t];
            }
            if (j >= w->nb || nbuf >= sizeof buf / sizeof *buf)
                break;
            buf[nbuf++] = j == c->q && !ins ? c->v[0] : w->b[j];
        }
        /* The character model's window (c->cost) is fair to every
         * candidate; the words are read as far as each reads. */
        zh_words_ctx ctx = ctx0;
        double words = 0.0;
        size_t nhan = 0, alien = 0, unpaired = 0;
        int open = open0; /* -2: not read yet */
        for (size_t p = 0; p < nbuf;) {
            uint32_t cp;
            size_t len = decode_at(e, buf, p, nbuf, &cp);
            if (!len)
                break; /* the next error, or the copy's end */
            words += zh_words_push(&ctx, cp);
            nhan += zh_is_han(cp) != 0;
            alien += w->fill_alien && zh_script_class(cp) == w->fill_alien;
            /* “ and ” differ in one byte (9C, 9D): the one that pairs
             * with the marks around it is the quotation mark that was
             * there (“{1}” before a lost byte, not “{1}“). */
            if (cp == 0x201C || cp == 0x201D) {
                if (open == -2) /* read only when a candidate has one */
                    open = open0 = quote_state_before(w, r);
                unpaired += open >= 0 && (cp == 0x201C) == (open == 1);
                open = cp == 0x201C;
            }
            p += len;
        }
        /* The word model weighs Han readings against each other: one
         * with another number of Han characters than the cheapest (a
         * symbol for a character) keeps the character model's verdict. */
        if (i == 0)
            han0 = nhan;
        else if (nhan != han0)
            continue;
        double rank = c->cost + ZH_WORDS_WEIGHT * words +
                      ZH_FILL_ALIEN * (double)alien +
                      ZH_FILL_UNPAIRED * (double)unpaired;
        if (rank < best_rank) {
            best_rank = rank;
            best = i;
        }
    }
    return best;
}

/* The cheapest insertions found at one gap, k bytes at q, each through
 * the window that ends past the gap (try_fill). */
typedef struct gap_best {
    size_t q, past;
    fill_set fs;
    int inserting; /* w->inserting while it was scored */
} gap_best;

/* The cost of the window [r, end) with the insertion c made at q (the
 * buffer has room for it). */
static double insert_cost(work *w, codec e, size_t n, size_t r, size_t q,
                          const fill_cand *c, size_t end, uint32_t prev,
                          double cutoff)
{
    size_t k = fill_inserts(c);
    memmove(w->b + q + k, w->b + q, (n - q) * sizeof *w->b);
    for (size_t i = 0; i < k; i++)
        w->b[q + i] = c->v[i];
    double cost = window_cost(w, e, w->b, n + k, r, end, prev, cutoff);
    memmove(w->b + q, w->b + q + k, (n - q) * sizeof *w->b);
    return cost;
}

/* The values of a lost byte of a punctuation mark are told apart by how
 * often text uses each after the character before (zh_mark_costs: 时，
 * and 如下：) instead of the model's own cost, which prices most marks
 * alike (，：；？！ from EF BC [xx], “”‘’…— from E2 80 [xx]): steps[i],
 * zh_plaus_step's cost of cps[i] after prev, gets that count in place of
 * the character's own cost. Only the choice among the values is so made;
 * what the repair gains is scored as before. */
static void mark_steps(uint32_t prev, const uint32_t *cps, size_t m,
                       double *steps)
{
    /* The values span 64 code points in increasing order, and each block
     * of marks begins on such a span: where neither end is in one, none
     * is (the Han of most lost bytes). */
    if (!m || (!zh_in_mark_blocks(cps[0]) && !zh_in_mark_blocks(cps[m - 1])))
        return;
    double costs[64];
    zh_mark_costs(prev, cps, m, costs);
    for (size_t i = 0; i < m; i++)
        if (costs[i] >= 0.0)
            steps[i] += costs[i] - zh_plaus_step(0, cps[i]);
}

/* 1 for an ASCII letter, digit or space: the edge of an ASCII word. */
static int word_edge(uint32_t c)
{
    return c == ' ' || (c < 0x80 && zh_is_ascii_alnum(c));
}

/* The values of a lost byte that are Han characters, next to an ASCII
 * word (使用 apt 或 aptitude): how often each stands at such an edge
 * (zh_han_edges; 或 far more often than 我, E6 88 [96] against [91]), on
 * the left where prev is a word's edge and on the right where next is,
 * is added to steps[i]. A step stays >= 0, as the windows' pruning
 * assumes. Like mark_steps, only the choice among the values is so made. */
static void edge_steps(uint32_t prev, uint32_t next, const uint32_t *cps,
                       size_t m, double *steps)
{
    int prev_ascii = word_edge(prev), next_ascii = word_edge(next);
    if (!m || (!prev_ascii && !next_ascii) ||
        (!zh_is_han(cps[0]) && !zh_is_han(cps[m - 1])))
        return; /* Han blocks begin and end on the values' 64-spans */
    double left[64], right[64];
    zh_han_edges(cps, m, left, right);
    for (size_t i = 0; i < m; i++) {
        double s = steps[i] + (prev_ascii ? left[i] : 0.0) +
                   (next_ascii ? right[i] : 0.0);
        steps[i] = s > 0.0 ? s : 0.0;
    }
}

/* 1 when mark_steps or edge_steps may change the steps of the 64 values
 * from base after prev, with next after them. */
static int steps_adjusted(uint32_t prev, uint32_t next, uint32_t base)
{
    uint32_t top = base | 0x3F;
    if (zh_in_mark_blocks(base) || zh_in_mark_blocks(top))
        return 1;
    return (word_edge(prev) || word_edge(next)) &&
           (zh_is_han(base) || zh_is_han(top));
}

/* try_fill's values for a lost continuation byte at q of a UTF-8
 * sequence that starts at pend and whose other bytes are all there: the
 * character is then valid for every value (its lead is none whose second
 * byte is restricted: E0, ED, F0, F4), and only the bits the byte gives
 * change. Each value's window is the one window_cost_from reads from
 * pend: that character after pprev, then the rest from where it ends.
 * The characters' costs after pprev come in one pass over the model
 * (zh_plaus_steps); the cheapest value's window is weighed first, so
 * that fs turns away most others on their first character alone (steps
 * cost >= 0), and fill_offer_ord keeps the restorations offering them in
 * order would. Returns 0, doing nothing, where this does not apply. */
static int fill_fast(work *w, codec d, codec e, size_t n, size_t q,
                     size_t pend, size_t past, uint32_t pprev, double pcost,
                     int need, int kind, fill_set *fs)
{
    const uint16_t *b = w->b;
    if (e.kind != CK_UTF8 || d.kind == CK_SB || need <= 0)
        return 0;
    uint32_t base;
    size_t len;
    unsigned shift;
    if (!seq_gap(b, n, pend, q, &base, &len, &shift))
        return 0;
    uint32_t ord0 = fs->seq;
    fs->seq += 0x40;
    if (pcost >= fill_cut(fs))
        return 1; /* every window costs at least pcost */
    /* What every window reads after the character of the gap. */
    window_tail tail;
    int have_tail = window_tail_read(w, e, b, n, pend + len, past, &tail);
    if (have_tail && !tail.valid)
        return 1; /* no value reads */
    uint32_t cps[64];
    uint8_t vs[64];
    double steps[64];
    size_t m = 0;
    /* A double-byte decoder loses a byte only when it cannot pair it with
     * the next one: the values 0x80-0xBF it could not pair with b[q + 1]
     * (bits 0-63 of the cached mask). */
    uint64_t lost = ~(uint64_t)0;
    if (q + 1 < n)
        lost = lost_mask(w, d, loss_partner(d, e, b, q + 1, n), 1).m[0];
    /* The characters span [base, base + (63 << shift)]: most such spans
     * hold no forbidden code point, and then none is tested. */
    uint32_t top = base | (uint32_t)0x3F << shift;
    int may_forbid = base < 0xA0 || top > 0xFFFF || top >= 0xFDD0 ||
                     (base <= 0xF8FF && top >= 0xD800);
    for (; lost; lost &= lost - 1) {
        unsigned v = 0x80 + (unsigned)__builtin_ctzll(lost);
        uint32_t cp = base | (uint32_t)(v & 0x3F) << shift;
        if (may_forbid && zh_plaus_forbidden(cp))
            continue;
        cps[m] = cp;
        vs[m++] = (uint8_t)v;
    }
    if (!m)
        return 1;
    zh_plaus_steps(pprev, cps, m, steps, work_memo(w));
    mark_steps(pprev, cps, m, steps);
    edge_steps(pprev, pend + len < n ? b[pend + len] : 0, cps, m, steps);
    size_t seed = 0;
    for (size_t i = 1; i < m; i++)
        if (steps[i] < steps[seed])
            seed = i;
    double cut = fill_cut(fs); /* changes only with an offer */
    for (size_t j = 0; j <= m; j++) {
        size_t i = j == 0 ? seed : j - 1;
        if (j > 0 && i == seed)
            continue;
        double c = pcost + steps[i];
        if (c >= cut)
            continue;
        w->b[q] = vs[i];
        c = have_tail ? window_tail_cost(w, &tail, cps[i], c, cut)
                      : window_cost_from(w, e, w->b, n, pend + len, past,
                                         cps[i], c, cut);
        if (c < cut) {
            fill_offer_ord(fs, c, ord0 + (vs[i] - 0x80u), q, vs[i], 0, kind);
            cut = fill_cut(fs);
        }
    }
    return 1;
}

/* 1 when a UTF-8 sequence of the stream that kept its lead and a
 * continuation byte is cut short right before a whole multibyte sequence:
 * a byte dropped inside mojibake, which a no-break space read back as a
 * space cannot explain. (An accented letter before a plain one, ça, is
 * no such trace.) */
static int drops_shown(const work *w)
{
    const codec utf8 = {CK_UTF8, 0};
    for (size_t p = 0; p < w->nb; p++) {
        unsigned c = w->b[p];
        if (c < 0xC2 || c > 0xF4)
            continue;
        size_t len = zh_utf8_seqlen((unsigned char)c), k = 1;
        while (k < len && p + k < w->nb && w->b[p + k] < WILD &&
               (w->b[p + k] & 0xC0) == 0x80)
            k++;
        if (k >= 2 && k < len && p + k < w->nb && w->b[p + k] < WILD &&
            w->b[p + k] >= 0xC2 && !cut_short(utf8, w->b, p + k, w->nb))
            return 1;
        p += k - 1;
    }
    return 0;
}

/* 1 when the stream has a space between a whole three-byte sequence of
 * CJK (E3-E9) and the lead of another: text whose words are spaced out
 * (manual pages: 相应的 操作), where a space after a character cut short
 * may be one of them as well as a no-break space read back as a space. */
static int spaces_shown(const work *w)
{
    const codec utf8 = {CK_UTF8, 0};
    for (size_t p = 3; p + 1 < w->nb; p++)
        if (w->b[p] == ' ' && w->b[p + 1] >= 0xE3 && w->b[p + 1] <= 0xE9 &&
            w->b[p - 3] >= 0xE3 && w->b[p - 3] <= 0xE9 &&
            !cut_short(utf8, w->b, p - 3, w->nb))
            return 1;
    return 0;
}

/* The cost through the character that byte x, put at q, completes (it
 * begins at pend, after the prefix's pprev and pcost), that character in
 * *before; HUGE_VAL when x completes none the model may read. */
static double completed_head(work *w, codec e, size_t pend, size_t q,
                             unsigned x, uint32_t pprev, double pcost,
                             uint32_t *before)
{
    w->b[q] = (uint16_t)x;
    *before = 0;
    if (decode_at(e, w->b, pend, q + 1, before) != q + 1 - pend ||
        zh_plaus_forbidden(*before))
        return HUGE_VAL;
    return pcost + wstep(w, pprev, *before);
}

/* A character lost whole to a GB18030 decoder and a scraper that strips
 * private use: UTF-8 E6 98 AF E5 A4 9A (是多) read as GBK is E6 98 (鏄),
 * then AF E5 and A4 9A, both private use and stripped, so the next lead
 * byte follows 鏄 directly. Offers to fs the four bytes inserted at q
 * (where the character before wants one byte more): x completing that
 * character, with which the lead L of the lost character makes a
 * private-use pair, and the lost character's two continuation bytes,
 * another. The lost character is taken to be Han (L E4-E9; the
 * continuation bytes of fullwidth and CJK marks never make such a pair).
 * Each is scored through the window that ends one character past the
 * gap, as try_fill's pairs are; the characters the last character of the
 * prefix can be followed by come in one pass over the model per byte
 * pair (zh_plaus_steps), and the window's cutoff turns most away on
 * their own cost. pend, pprev and pcost are window_prefix's from the
 * run's start to q. The buffer has room for n + 4 bytes. */
static void insert_lost_char(work *w, codec e, size_t n, size_t q, size_t past,
                             size_t pend, uint32_t pprev, double pcost,
                             fill_set *fs)
{
    if (pend >= q || pcost >= fill_cut(fs) || !work_memo(w))
        return;
    /* The lost character's continuation bytes c1 c2 that make a
     * private-use pair: c1 A1-AF, by c1 the c2 in increasing order; listed
     * when first wanted (most calls turn every x away first). */
    uint8_t c2s[15][64];
    size_t nc2[15];
    int listed = 0;
    memmove(w->b + q + 4, w->b + q, (n - q) * sizeof *w->b);
    window_tail tail;
    int have_tail = window_tail_read(w, e, w->b, n + 4, q + 4, past + 2, &tail);
    for (unsigned x = 0x81; x < 0xC0 && (!have_tail || tail.valid); x++) {
        uint32_t before;
        double head = completed_head(w, e, pend, q, x, pprev, pcost, &before);
        if (head >= fill_cut(fs))
            continue;
        for (unsigned lead = 0xE4; lead <= 0xE9; lead++) {
            if (!gbk_pua_pair(x, lead))
                continue;
            for (unsigned c1 = 0xA1; !listed && c1 <= 0xAF; c1++) {
                nc2[c1 - 0xA1] = 0;
                for (unsigned c2 = 0x80; c2 < 0xC0; c2++)
                    if (gbk_pua_pair(c1, c2))
                        c2s[c1 - 0xA1][nc2[c1 - 0xA1]++] = (uint8_t)c2;
            }
            listed = 1;
            w->b[q + 1] = (uint16_t)lead;
            for (unsigned c1 = 0xA1; c1 <= 0xAF; c1++) {
                const uint8_t *c2 = c2s[c1 - 0xA1];
                size_t m = nc2[c1 - 0xA1];
                if (!m)
                    continue;
                uint32_t cps[64];
                double steps[64];
                for (size_t i = 0; i < m; i++)
                    cps[i] = (lead & 0x0Fu) << 12 | (c1 & 0x3Fu) << 6 |
                             (c2[i] & 0x3Fu);
                zh_plaus_steps(before, cps, m, steps, w->steps);
                w->b[q + 2] = (uint16_t)c1;
                double cut = fill_cut(fs);
                for (size_t i = 0; i < m; i++) {
                    double c = head + steps[i];
                    if (c >= cut)
                        continue;
                    w->b[q + 3] = c2[i];
                    c = have_tail ? window_tail_cost(w, &tail, cps[i], c, cut)
                                  : window_cost_from(w, e, w->b, n + 4, q + 4,
                                                     past + 2, cps[i], c, cut);
                    if (c < cut) {
                        const uint16_t v[4] = {(uint16_t)x, (uint16_t)lead,
                                               (uint16_t)c1, c2[i]};
                        fill_offer_bytes(fs, c, fs->seq++, q, v, 0);
                        cut = fill_cut(fs);
                    }
                }
            }
        }
    }
    memmove(w->b + q, w->b + q + 4, (n - q) * sizeof *w->b);
}

/* A character lost with the pair before it, at the line's end or before
 * ASCII: 本。 = E6 9C AC E3 80 82 read by GB18030 is 鏈, the private-use
 * pair AC E3 (stripped), 80 (which leads nothing: lost) and 82 (lost at
 * the end, or before ASCII, which it cannot pair with). At q a character
 * wants one byte more, and two lost bytes follow. Offers to fs the pair x
 * L inserted at q: x completes the character, L leads the lost one, whose
 * first continuation byte is 80 (GB18030 pairs any other lead with what
 * follows) and whose last is chosen with it, by its cheapest completion
 * before what follows. The next fills restore the two lost bytes. pend, pprev
 * and pcost are window_prefix's from the run's start to q; the buffer holds the
 * gap at q. */
static void insert_before_lost_end(work *w, codec e, size_t n, size_t q,
                                   size_t pend, uint32_t pprev, double pcost,
                                   fill_set *fs)
{
    if (q + 4 > n + 2 || w->b[q + 2] != WILD || w->b[q + 3] != WILD ||
        !ends_lost(w, w->b, q + 3, n + 2) || pend >= q || pcost >= fill_cut(fs))
        return;
    unsigned next = q + 4 < n + 2 ? w->b[q + 4] : 0;
    for (unsigned x = 0xAA; x <= 0xAF; x++) {
        uint32_t before;
        double head = completed_head(w, e, pend, q, x, pprev, pcost, &before);
        if (head >= fill_cut(fs))
            continue;
        for (unsigned lead = 0xE3; lead <= 0xE9; lead++) {
            if (!gbk_pua_pair(x, lead))
                continue;
            uint32_t cps[64];
            double steps[64];
            for (unsigned c2 = 0; c2 < 64; c2++)
                cps[c2] = (lead & 0x0Fu) << 12 | c2;
            zh_plaus_steps(before, cps, 64, steps, w->steps);
            double best = HUGE_VAL;
            for (unsigned c2 = 0; c2 < 64; c2++) {
                if (zh_plaus_forbidden(cps[c2]))
                    continue;
                double c = head + steps[c2];
                c = next ? c + wstep(w, cps[c2], next)
                         : end_cost(w, cps[c2], c, fill_cut(fs));
                if (c < best)
                    best = c;
            }
            if (best < fill_cut(fs))
                fill_offer(fs, best, q, x, lead, 0);
        }
    }
}

/* 1 when c is a pair insert_before_lost_end offered (a lead of the
 * character lost with it second, two lost bytes then the line's end or
 * ASCII): its cost already reads past the lost bytes, where a window
 * through them would read nothing. */
static int lost_end_insert(const work *w, size_t n, const fill_cand *c)
{
    return fill_inserts(c) == 2 && c->q + 2 <= n && w->b[c->q] == WILD &&
           w->b[c->q + 1] == WILD && ends_lost(w, w->b, c->q + 1, n) &&
           c->v[1] >= 0xE3 && c->v[1] <= 0xE9;
}

/* Offer to fs every pair of bytes v, v2 that the single-byte code page d
 * leaves undefined, inserted at q where a lead byte wants two more: each
 * scored as window_cost(w, e, w->b, n + 2, r, past, prev, fs->bar), in
 * the same order. Up to 32 x 32 pairs (ISO 8859-2 leaves all of 80-9F
 * undefined), tried wherever an accented letter reads as a lead byte
 * (textbook pinyin: wén). Where the lead is a three-byte one that every
 * such pair completes (E1-EF; ED 80-9F is no surrogate), the characters
 * before it and those after the gap read alike for every pair: they are
 * decoded once (window_prefix, window_tail_read), and the 32 characters
 * of each v are scored after the one before them in one pass
 * (zh_plaus_steps, which is zh_plaus_step for each). */
static void fill_both_undefined(work *w, codec e, codec d, size_t n, size_t r,
                                size_t q, size_t past, uint32_t prev,
                                fill_set *fs)
{
    uint8_t undef[32];
    size_t nu = 0;
    for (unsigned v = 0x80; v < 0xA0; v++)
        if (sb_undefined(d.sb, v))
            undef[nu++] = (uint8_t)v;
    uint32_t pprev = prev;
    double pcost;
    size_t pend = window_prefix(w, e, w->b, n + 2, r, q, &pprev, &pcost);
    unsigned lead = pend < q ? w->b[pend] : 0;
    /* E0 wants A0-BF next: with 80-9F no window reads. */
    if (lead == 0xE0 && pend + 1 == q)
        return;
    window_tail tail;
    int fast = lead >= 0xE1 && lead <= 0xEF && pend + 1 == q &&
               window_tail_read(w, e, w->b, n + 2, q + 2, past, &tail);
    for (size_t i = 0; i < nu; i++) {
        w->b[q] = undef[i];
        uint32_t cps[32];
        double steps[32];
        if (fast) {
            uint32_t base = (lead & 0x0Fu) << 12 | (undef[i] & 0x3Fu) << 6;
            for (size_t j = 0; j < nu; j++)
                cps[j] = base | (undef[j] & 0x3Fu);
            zh_plaus_steps(pprev, cps, nu, steps, work_memo(w));
        }
        for (size_t j = 0; j < nu; j++) {
            w->b[q + 1] = undef[j];
            double c;
            if (!fast) {
                c = window_cost(w, e, w->b, n + 2, r, past, prev, fs->bar);
            } else if (zh_plaus_forbidden(cps[j]) ||
                       (pend > r && pcost >= fs->bar)) {
                c = HUGE_VAL; /* as window_cost_from, window_prefix */
            } else {
                /* window_cost_from(pend): the character, then the tail
                 * unless the character already lies past `past`. */
                c = pcost + steps[j];
                if (c >= fs->bar)
                    c = HUGE_VAL;
                else if (pend <= past)
                    c = window_tail_cost(w, &tail, cps[j], c, fs->bar);
            }
            if (c < fs->bar)
                fill_offer(fs, c, q, undef[i], undef[j], 0);
        }
    }
}

static int try_fill(work *w, const chain *ch, size_t r, size_t p,
                    uint32_t prev)
{
    codec d = ch->misread, e = ch->real;
    size_t n = w->nb;
    w->silent_drops = d.kind == CK_SB;
    w->strips_pairs = d.kind == CK_GBK && e.kind == CK_UTF8;
    fill_set fs = {.n = 0, .bar = HUGE_VAL};
    size_t hi = p + 3 < n ? p + 3 : n;
    int nb = nbsp_byte(d);
    /* Replacements of a lost or altered byte. */
    for (size_t q = r; q < hi; q++) {
        unsigned old = w->b[q];
        unsigned lo_v = 0, hi_v = 0;
        int need = -2; /* not computed */
        if (old == WILD || (old == '?' && q > r)) {
            lo_v = 0x80;
            hi_v = 0xF4;
            if (d.kind == CK_SB)
                hi_v = 0x9F; /* only undefined bytes become U+FFFD or '?' */
            else if (e.kind == CK_UTF8 && (need = utf8_need(w->b, r, q)) < 0)
                continue;
            if (need >= 0) {
                lo_v = fill_lo(need);
                hi_v = fill_hi(need);
            }
        } else if (old == ' ' && nb >= 0 && q > r) {
            lo_v = hi_v = (unsigned)nb;
        } else {
            continue;
        }
        uint32_t pprev = prev;
        double pcost;
        size_t pend = window_prefix(w, e, w->b, n, r, q, &pprev, &pcost);
        size_t past = q > p ? q : p;
        int kind = lo_v == hi_v ? ZH_FILL_SURE : ZH_FILL_GUESS;
        if (fill_fast(w, d, e, n, q, pend, past, pprev, pcost, need, kind,
                      &fs)) {
            w->b[q] = (uint16_t)old;
            continue;
        }
        unsigned partner = loss_partner(d, e, w->b, q + 1, n);
        for (unsigned v = lo_v; v <= hi_v; v++) {
            if (d.kind == CK_SB && v < 0xA0 && lo_v != hi_v &&
                !sb_undefined(d.sb, v))
                continue;
            if (need >= 0 && !utf8_fill_ok(need, v))
                continue;
            /* A double-byte decoder loses a byte only when it cannot pair
             * it with the next one. */
            if (d.kind != CK_SB && q + 1 < n &&
                !lost_pair(d, v, partner, pua_read(w)))
                continue;
            if (pend > r && pcost >= fs.bar)
                continue; /* window_prefix: HUGE_VAL */
            w->b[q] = (uint16_t)v;
            double c = window_cost_from(w, e, w->b, n, pend, past, pprev,
                                        pcost, fs.bar);
            if (c < fs.bar)
                fill_offer(&fs, c, q, v, 0, kind);
        }
        w->b[q] = (uint16_t)old;
    }
    /* Several lost bytes in a row (Big5 loses many; GBK a byte it cannot
     * lead with, then an odd one; Windows-1252 both continuation bytes of
     * 名 = E5 90 8D): a beam search over their values, each a byte the
     * decoder could not read. */
    for (size_t q = r; fs.n == 0 && q + 1 < hi; q++) {
        size_t k = 0;
        while (q + k < n && k < ZH_RUN_MAX &&
               (w->b[q + k] == WILD || (w->b[q + k] == '?' && q + k > r)))
            k++;
        if (k < 2)
            continue;
        if (fill_run(w, d, e, r, q, k, prev))
            return 1;
        break;
    }
    /* A space after a character cut short may be a no-break space read
     * back as one, or a real space after a character that lost an
     * undefined byte (宏 = E5 AE 8F before a space, against 宠 = E5 AE
     * A0): the insertions below are weighed against it, each through the
     * window that ends at the same character. */
    int nbsp_only = fs.n > 0 && w->drops_shown;
    for (size_t i = 0; nbsp_only && i < fs.n; i++)
        nbsp_only = fs.c[i].kind == ZH_FILL_SURE && w->b[fs.c[i].q] == ' ';
    fill_set spaces = fs;
    if (nbsp_only)
        fs = (fill_set){.n = 0, .bar = HUGE_VAL, .seq = spaces.seq};
    if (fs.n == 0 && d.kind != CK_BIG5 && e.kind == CK_UTF8) {
        /* Insertions at character boundaries of T near the error. */
        if (!grow_bytes(w, n + 4)) /* insert_lost_char's four */
            return 0;
        size_t lo = p >= 3 && p - 3 > r ? p - 3 : r + 1;
        /* Each gap's best insertion is found through a window that ends
         * one character past the gap (or the error), so a later gap's
         * window scores more of the text after it; the gaps' winners are
         * then compared through one window, the longest (a cheaper
         * shorter window made 免於 lose to 偅於: E5 85 [8D] against
         * E5 [81] 85). */
        gap_best gaps[8];
        size_t ngaps = 0;
        /* The gap may lie just after the byte where decoding failed: a
         * lead byte whose continuation went missing. */
        for (size_t q = lo; q <= p + 3 && q <= n; q++) {
            if (q < n && q > 0 && w->ci[q] == w->ci[q - 1])
                continue;
            size_t past = (q > p ? q : p) + 2;
            gap_best gb = {q, past, {.n = 0, .bar = HUGE_VAL}, 0};
            /* Continuation bytes still wanted at q: inserted bytes start
             * with one, so q must be inside a sequence. */
            int need = utf8_need(w->b, r, q);
            if (need <= 0)
                continue;
            /* Where the gap completes a Han character (E4-E9 and two
             * continuation bytes), the one right after it may have lost
             * its last byte to a mark
             * (是最重要的 read by Python's gb18030: 要 = E8 A6 81 lost
             * the private-use pair A6 81, 的 = E7 9A 84 its 84 at the
             * line's end): it is scored by its best completion. */
            size_t lead_at = q - (size_t)(3 - need);
            gb.inserting = w->inserting = need <= 2 && q >= r + (3 - need) &&
                                          w->b[lead_at] >= 0xE4 &&
                                          w->b[lead_at] <= 0xE9;
            /* The characters before the gap read alike for every GBK pair
             * inserted: scored once (window_prefix). */
            uint32_t gprev = prev;
            double gcost = 0.0;
            size_t gend = d.kind == CK_GBK ? window_prefix(w, e, w->b, n, r, q,
                                                           &gprev, &gcost)
                                           : r;
            memmove(w->b + q + 2, w->b + q, (n - q) * sizeof *w->b);
            if (d.kind == CK_GBK) {
                /* The lead bytes of the pairs a GB18030 decoder makes
                 * private use of that a UTF-8 continuation byte can
                 * start: the user-defined areas (A140-A7A0, AAA1-AFFE)
                 * and the unassigned places of the symbol rows A2, A6,
                 * A8 and A9 (A8 EF: a character ending in A8 before the
                 * comma EF BC 8C; GB18030-2000's mapping, Python's and
                 * glibc's). */
                static const uint8_t leads[] = {0xA1, 0xA2, 0xA3, 0xA4, 0xA5,
                                                0xA6, 0xA7, 0xA8, 0xA9, 0xAA,
                                                0xAB, 0xAC, 0xAD, 0xAE, 0xAF};
                /* The reading after the inserted pair does not depend on
                 * its lead byte: where the character it completes ends at
                 * q + 2 (or the second byte starts one at q + 1), decode
                 * that rest once instead of once per pair. A pair whose
                 * rest is invalid could not score (window_cost). */
                /* The second bytes worth trying, in order: each continues
                 * the sequence or starts the next character, and leaves a
                 * valid rest. Where the second byte starts a character,
                 * the rest's validity depends only on its kind of lead
                 * byte (the ranges with the same continuation rules and
                 * forbidden code points), so it is decoded once a kind. */
                uint8_t seconds[191];
                size_t nsec = 0;
                int rest_ok = need == 2 ? window_cost(w, e, w->b, n + 2, q + 2,
                                                      past, 0, HUGE_VAL) <
                                              HUGE_VAL
                                        : 1;
                signed char kind_ok[16];
                memset(kind_ok, -1, sizeof kind_ok);
                for (unsigned t = 0x40; t <= 0xFE; t++) {
                    if (need >= 2 ? (t & 0xC0) != 0x80 : (t & 0xC0) == 0x80)
                        continue;
                    int ok = rest_ok;
                    if (need == 1) {
                        int kind = lead_kind(t);
                        if (kind_ok[kind] < 0) {
                            w->b[q + 1] = (uint16_t)t;
                            kind_ok[kind] = window_cost(w, e, w->b, n + 2, q + 1,
                                                        past, 0, HUGE_VAL) <
                                            HUGE_VAL;
                        }
                        ok = kind_ok[kind];
                    }
                    if (ok)
                        seconds[nsec++] = (uint8_t)t;
                }
                if (need == 1)
                    insert_before_lost_end(w, e, n, q, gend, gprev, gcost,
                                           &gb.fs);
                for (size_t li = 0; li < sizeof leads; li++) {
                    for (size_t si = 0; si < nsec; si++) {
                        unsigned t = seconds[si];
                        if (!gbk_pua_pair(leads[li], t))
                            continue;
                        if (gend > r && gcost >= gb.fs.bar)
                            break; /* window_prefix: HUGE_VAL */
                        w->b[q] = leads[li];
                        w->b[q + 1] = (uint16_t)t;
                        double c =
                            window_cost_from(w, e, w->b, n + 2, gend, past,
                                             gprev, gcost, gb.fs.bar);
                        if (c < gb.fs.bar)
                            fill_offer(&gb.fs, c, q, leads[li], t, 0);
                    }
                }
            } else {
                /* One undefined byte of the code page, dropped. */
                memmove(w->b + q + 1, w->b + q + 2, (n - q) * sizeof *w->b);
                for (unsigned v = 0x80; v < 0xA0; v++) {
                    if (!sb_undefined(d.sb, v))
                        continue;
                    w->b[q] = (uint16_t)v;
                    double c = window_cost(w, e, w->b, n + 1, r, past - 1,
                                           prev, gb.fs.bar);
                    if (c < gb.fs.bar)
                        fill_offer(&gb.fs, c, q, v, WILD + 1, 0); /* one byte */
                }
                memmove(w->b + q + 2, w->b + q + 1, (n - q) * sizeof *w->b);
                /* Both continuation bytes undefined (名 = E5 90 8D): a
                 * lead byte with none of its continuations left. */
                if (need == 2)
                    fill_both_undefined(w, e, d, n, r, q, past, prev, &gb.fs);
            }
            memmove(w->b + q, w->b + q + 2, (n - q) * sizeof *w->b);
            /* Where the character before q wants one byte more, the
             * character after it may be lost whole as well. */
            if (d.kind == CK_GBK && need == 1)
                insert_lost_char(w, e, n, q, past, gend, gprev, gcost, &gb.fs);
            if (gb.fs.n && ngaps < sizeof gaps / sizeof gaps[0])
                gaps[ngaps++] = gb;
        }
        size_t end = 0;
        for (size_t g = 0; g < ngaps; g++)
            if (gaps[g].past > end)
                end = gaps[g].past;
        for (size_t g = 0; g < ngaps; g++)
            for (size_t i = 0; i < gaps[g].fs.n; i++) {
                const fill_cand *c = &gaps[g].fs.c[i];
                /* The window argument counts inserted bytes: past - 1 for
                 * one, past for two (as scored above). */
                size_t k = fill_inserts(c);
                w->inserting = gaps[g].inserting;
                double cost = ngaps == 1 || lost_end_insert(w, n, c)
                                  ? c->cost
                                  : insert_cost(w, e, n, r, gaps[g].q, c,
                                                end + k - 2, prev, fs.bar);
                if (cost < fs.bar)
                    fill_offer_bytes(&fs, cost, fs.seq++, gaps[g].q, c->v, 0);
            }
        if (nbsp_only && fs.n > 0) {
            /* Both kinds through one window: past the last space. */
            size_t last = 0;
            for (size_t i = 0; i < spaces.n; i++)
                if (spaces.c[i].q > last)
                    last = spaces.c[i].q;
            fill_set both = {.n = 0, .bar = HUGE_VAL, .seq = fs.seq};
            /* In text spaced out by words, the space itself says nothing
             * (the model, trained on prose, prices any space between Han
             * characters high): an insertion before it is scored as if
             * the space were not there, the character it completes
             * against the one the no-break space would make. */
            int unspaced = spaces.n == 1 && w->spaces_shown;
            for (size_t i = 0; i < fs.n; i++) {
                const fill_cand *c = &fs.c[i];
                size_t k = fill_inserts(c);
                double cost;
                if (unspaced && c->q <= last) {
                    memmove(w->b + last, w->b + last + 1,
                            (n - last - 1) * sizeof *w->b);
                    cost = insert_cost(w, e, n - 1, r, c->q, c, last + k - 1,
                                       prev, both.bar);
                    memmove(w->b + last + 1, w->b + last,
                            (n - last - 1) * sizeof *w->b);
                    w->b[last] = ' ';
                } else {
                    cost = insert_cost(w, e, n, r, c->q, c, last + k, prev,
                                       both.bar);
                }
                if (cost < both.bar)
                    fill_offer_bytes(&both, cost, c->ord, c->q, c->v, 0);
            }
            for (size_t i = 0; i < spaces.n; i++) {
                const fill_cand *c = &spaces.c[i];
                w->b[c->q] = c->v[0];
                double cost =
                    window_cost(w, e, w->b, n, r, last, prev, both.bar);
                w->b[c->q] = ' ';
                if (cost < both.bar)
                    fill_offer_bytes(&both, cost, c->ord, c->q, c->v, c->kind);
            }
            fs = both;
        }
        w->inserting = 0;
    }
    if (nbsp_only && fs.n == 0)
        fs = spaces;
    if (fs.n == 0)
        return 0;
    const fill_cand *chosen = &fs.c[fill_rerank(w, e, &fs, r)];
    size_t best_q = chosen->q;
    const uint16_t *best_v = chosen->v;
    if (chosen->kind) {
        w->b[best_q] = best_v[0];
        w->fl[best_q] = (uint8_t)chosen->kind;
    } else {
        size_t k = fill_inserts(chosen);
        memmove(w->b + best_q + k, w->b + best_q, (n - best_q) * sizeof *w->b);
        memmove(w->ci + best_q + k, w->ci + best_q,
                (n - best_q) * sizeof *w->ci);
        memmove(w->fl + best_q + k, w->fl + best_q,
                (n - best_q) * sizeof *w->fl);
        for (size_t i = 0; i < k; i++) {
            w->b[best_q + i] = best_v[i];
            w->fl[best_q + i] = ZH_FILL_INSERT;
            /* Inserted bytes belong to the character after the gap, or
             * before it at the end, and where they complete a character of
             * three or four bytes before an ASCII byte (宏 before a space
             * that stays one; the space is no part of the repair). */
            int ends_cjk =
                (w->b[best_q - 1] >= 0xE0 && w->b[best_q - 1] < WILD) ||
                (best_q >= 2 && w->b[best_q - 2] >= 0xE0 &&
                 w->b[best_q - 2] < WILD);
            w->ci[best_q + i] =
                best_q + k < n + k && (w->b[best_q + k] >= 0x80 || !ends_cjk)
                    ? w->ci[best_q + k]
                    : w->ci[best_q - 1];
        }
        w->nb += k;
    }
    return 1;
}

/* 1 when a lead byte at p is followed closely by a lost byte (or, where
 * D has a no-break space, by a space that may have been one). */
static int lost_ahead(const uint16_t *b, size_t p, size_t n, int nbsp)
{
    if (b[p] < 0xC2 || b[p] > 0xF4)
        return 0;
    for (size_t q = p + 1; q < n && q <= p + 3; q++)
        if (b[q] == WILD || b[q] == '?' || (nbsp && b[q] == ' '))
            return 1;
    return 0;
}

/* ---- Restoring a whole stream by beam search ---------------------------- */

/* Big5 decoders lose about half the bytes of UTF-8 Chinese, one U+FFFD per
 * byte they cannot lead a pair with: too many for the local repairs above.
 * Instead the whole segment is read left to right, keeping the ZH_SBEAM
 * most plausible readings; a lost byte takes every value that continues
 * the UTF-8 sequence (a lead byte of the characters the chain produces, or
 * a continuation byte) and that the misreading decoder could not have
 * paired with the byte after it. A state is ranked by its cost plus an
 * optimistic cost of the character it has begun, so that states holding
 * half a character compete fairly with complete ones.
 *
 * Browsers decode Big5 as the WHATWG Encoding Standard says: a lead byte
 * and a non-ASCII byte that make no pair are one U+FFFD together, so a
 * mark stands for one or two bytes. When the reading with one byte a mark
 * leaves bytes that are no part of any character, the segment is read
 * again that way: a mark is two bytes (a lead and a byte it makes no pair
 * with), or one where the decoder could not have taken two (0x80; a lead
 * before ASCII or at the end), and the cheaper reading is kept. */
#define ZH_SBEAM ZH_BEAMSET_CAP /* 32 */
#define ZH_SBEAM_ERR 15.0  /* a byte that is no part of any reading */
#define ZH_SBEAM_MARK 12.0 /* a lost byte left lost */
#define ZH_SBEAM_GUESSED 3.0 /* a wholly guessed character that is not Han */
#define ZH_SBEAM_ALIEN 4.0 /* a character of the script the text is not in */
#define ZH_SBEAM_NONE 0xFFFF

typedef struct sstate {
    double cost, rank;
    uint32_t prev; /* last complete character (0 at the start) */
    uint32_t acc;  /* bits of the character begun */
    uint8_t lead, c1;
    uint8_t have, need;
    uint8_t kept;   /* bytes of the begun character that were not lost */
    uint8_t bad;    /* a byte so far is part of no character */
    uint16_t lw;    /* value given to the previous token if it was lost */
    uint16_t pv;    /* value given to this token (ZH_SBEAM_NONE if known) */
    uint16_t pv2;   /* its second byte (WHATWG: a mark of two bytes) */
    int32_t hist;   /* last chosen value (index into work.hist), -1 none */
} sstate;

/* Leads of what a double-byte decoder misreads from Chinese UTF-8: the
 * accented letters of Latin-1 and Latin Extended-A, general punctuation,
 * CJK punctuation and ideographs, fullwidth forms, emoji. */
static const uint8_t sbeam_leads[] = {0xC2, 0xC3, 0xC4, 0xC5, 0xE2, 0xE3, 0xE4,
                                      0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEF};

/* 1 when the character is one the chain produces (decode_stream's test). */
static int sbeam_char_ok(uint32_t cp, int len)
{
    if (zh_plaus_forbidden(cp) || cp == 0xFFFD)
        return 0;
    if (len == 2)
        return cp <= 0x17F;
    if (len == 3)
        return !(cp < 0x2000 || (cp >= 0x2C00 && cp < 0x2E80) ||
                 (cp >= 0xA000 && cp < 0xF900) ||
                 (cp >= 0xFB00 && cp < 0xFE30));
    return len == 1;
}

/* Optimistic cost, after prev, of the three-byte character that begins
 * with lead and c1 when the byte at p comes next: exact when that byte
 * survived, else the cheapest completion in that context. */
static double sbeam_rest(work *w, uint32_t prev, unsigned lead, unsigned c1,
                         size_t p)
{
    if (!w->sbeam_ahead)
        return begun_cost(lead, c1);
    if (p < w->nb && w->b[p] < WILD) {
        if ((w->b[p] & 0xC0) != 0x80)
            return 2 * ZH_SBEAM_ERR; /* the character will be abandoned */
        uint32_t cp = (uint32_t)(lead & 0x0F) << 12 |
                      (uint32_t)(c1 & 0x3F) << 6 | (w->b[p] & 0x3F);
        if (cp >= 0x800 && sbeam_char_ok(cp, 3))
            return wstep(w, prev, cp);
        return 3 * ZH_SBEAM_ERR;
    }
    /* Only a Han character gives the model a context; after anything
     * else the cheapest completion without one is as good a bound. */
    if (!zh_is_han(prev))
        return begun_cost(lead, c1);
    return completion_cost(w, lead, c1, prev);
}

/* Optimistic cost of completing the character begun in s, whose next
 * byte is at p. Where the bytes ahead survived they say which character
 * it is: the cost is then that of the character after s->prev, so that
 * states holding half a character are ranked by their context too. */
static double sbeam_h(work *w, const sstate *s, size_t p)
{
    if (!s->need)
        return 0.0;
    if (s->lead < 0xE0 || s->lead > 0xEF)
        return 3.0;
    if (s->have == 2)
        return sbeam_rest(w, s->prev, s->lead, s->c1, p);
    if (!w->sbeam_ahead)
        return 3.0;
    if (p < w->nb && w->b[p] < WILD)
        return (w->b[p] & 0xC0) == 0x80
                   ? sbeam_rest(w, s->prev, s->lead, w->b[p], p + 1)
                   : ZH_SBEAM_ERR;
    return 3.0; /* the cheapest ideographs cost about this */
}

/* step: zh_plaus_step(s->prev, cp) when the caller has it, else NULL. */
static void sbeam_complete(work *w, sstate *s, uint32_t cp, int ok,
                           const double *step)
{
    if (ok) {
        /* A character none of whose bytes survived is most likely what
         * most of the text is: Han, not punctuation or a symbol. */
        if (!s->kept && cp >= 0x80 && !zh_is_han(cp))
            s->cost += ZH_SBEAM_GUESSED;
        /* Text is written in one script: a guess in the other is most
         * likely a neighbour of the right character in code. */
        if (w->sbeam_alien && zh_script_class(cp) == w->sbeam_alien)
            s->cost += ZH_SBEAM_ALIEN;
        s->cost += step ? *step : wstep(w, s->prev, cp);
        s->prev = cp;
    } else {
        s->cost += ZH_SBEAM_ERR * (s->have ? s->have : 1);
        s->prev = 0xFFFD;
        s->bad = 1;
    }
    s->have = s->need = s->kept = 0;
    s->acc = 0;
}

/* Feed byte x to s; 0 when the state cannot take it (a lost byte that
 * would make the reading invalid). */
static int sbeam_feed(work *w, sstate *s, unsigned x, int lost,
                      const double *step)
{
    if (s->need) {
        if ((x & 0xC0) == 0x80) {
            s->kept += !lost;
            if (s->have == 1)
                s->c1 = (uint8_t)x;
            s->acc = (s->acc << 6) | (x & 0x3F);
            s->have++;
            if (--s->need == 0) {
                int len = s->have;
                uint32_t cp = s->acc;
                uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
                int ok = cp >= min && cp <= 0x10FFFF &&
                         !(cp >= 0xD800 && cp <= 0xDFFF) &&
                         (len == 4 ? cp >= 0x1F000 && cp <= 0x1FAFF
                                   : sbeam_char_ok(cp, len));
                if (!ok && lost)
                    return 0;
                sbeam_complete(w, s, cp, ok, step);
            }
            return 1;
        }
        if (lost)
            return 0;
        sbeam_complete(w, s, 0, 0, NULL); /* the begun character is abandoned */
    }
    s->kept = !lost;
    if (x < 0x80) {
        s->have = 1;
        sbeam_complete(w, s, x, 1, NULL);
        return 1;
    }
    int need = x >= 0xC2 && x <= 0xDF   ? 1
               : x >= 0xE0 && x <= 0xEF ? 2
               : x >= 0xF0 && x <= 0xF4 ? 3
                                        : 0;
    if (!need) {
        if (lost)
            return 0;
        s->have = 1;
        sbeam_complete(w, s, 0, 0, NULL);
        return 1;
    }
    s->lead = (uint8_t)x;
    s->acc = x & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07);
    s->have = 1;
    s->need = (uint8_t)need;
    return 1;
}

/* What makes two states the same reading state: prev and acc fit 21
 * bits each (code points), have and need 3 and 2, lw 16. */
static uint64_t sbeam_key(const sstate *s)
{
    return (uint64_t)s->prev << 42 | (uint64_t)(s->acc & 0x1FFFFF) << 21 |
           (uint64_t)(s->have & 7) << 18 | (uint64_t)(s->need & 3) << 16 |
           s->lw;
}

/* A lower bound of the rank of any state s becomes by taking one more
 * lost byte (costs only grow; this is the least optimistic part it can
 * have then): a lead byte after a complete character gets sbeam_h's 3.0,
 * the second byte of a three-byte sequence the lowest begun_cost of its
 * lead. Only the browsers' reading asks, where sbeam_h looks at nothing
 * ahead. */
static double sbeam_floor(work *w, const sstate *s)
{
    if (!s->need)
        return s->cost + 3.0;
    if (s->have != 1 || s->lead < 0xE0 || s->lead > 0xEF)
        return s->cost;
    unsigned l = s->lead - 0xE0u;
    if (!(w->lead_known >> l & 1)) {
        double m = HUGE_VAL;
        for (unsigned c1 = 0x80; c1 <= 0xBF; c1++) {
            double c = begun_cost(s->lead, c1);
            if (c < m)
                m = c;
        }
        w->lead_floor[l] = m;
        w->lead_known |= (uint16_t)(1u << l);
    }
    return s->cost + w->lead_floor[l];
}

/* 1 when s holds the lead byte of a three-byte sequence only: its next
 * byte adds nothing to its cost, and its rank then is its cost plus
 * begun_cost. */
static int sbeam_begun3(const sstate *s)
{
    return s->have == 1 && s->need == 2 && s->lead >= 0xE0 && s->lead <= 0xEF;
}

/* Offer s to the beam being built (set bs, states next): the same reading
 * state reached twice keeps the cheaper, a full beam takes s in place of
 * its worst when s is better (beamset.h). */
static void sbeam_add(zh_beamset *bs, sstate *next, const sstate *s)
{
    if (!(s->rank < zh_beamset_bar(bs)))
        return; /* most offers: the key is not even needed */
    int at = zh_beamset_offer(bs, sbeam_key(s), s->rank);
    if (at >= 0)
        next[at] = *s;
}

/* Record the values chosen at token i by the states of next. */
static int sbeam_record(work *w, sstate *next, size_t nnext, size_t i)
{
    for (size_t k = 0; k < nnext; k++) {
        if (next[k].pv == ZH_SBEAM_NONE)
            continue;
        if (!grow((void **)&w->hist, &w->caphist, w->nhist + 1,
                  sizeof *w->hist))
            return 0;
        w->hist[w->nhist].parent = next[k].hist;
        w->hist[w->nhist].pos = (uint32_t)i;
        w->hist[w->nhist].v = (uint8_t)next[k].pv;
        w->hist[w->nhist].v2 = next[k].pv2;
        next[k].hist = (int32_t)w->nhist++;
    }
    return 1;
}

/* Values a lost byte may take after state s: a lead byte between
 * characters, a continuation byte inside one. */
static const uint8_t *sbeam_values(const sstate *s, uint8_t *cont, size_t *nv)
{
    if (!s->need) {
        *nv = sizeof sbeam_leads;
        return sbeam_leads;
    }
    for (unsigned v = 0; v < 64; v++)
        cont[v] = (uint8_t)(0x80 + v);
    *nv = 64;
    return cont;
}

/* Begun states of a two-byte mark kept per state before its second byte
 * is chosen. */
#define ZH_SBEAM_FIRST 16

/* Beam search over w->b; whatwg selects the reading of a mark. The best
 * path's last history entry goes to *best_hist, its cost to *best_cost,
 * and *bad is set when it holds bytes that are part of no character.
 * Returns 0 on allocation failure; *best_hist is -2 when nothing reads or
 * every reading has cost limit or more (costs only grow). */
static int sbeam_search(work *w, codec d, int whatwg, double limit,
                        int32_t *best_hist, double *best_cost, int *bad)
{
    size_t n = w->nb;
    w->sbeam_ahead = !whatwg;
    sstate beam[ZH_SBEAM], next[ZH_SBEAM];
    size_t nbeam = 1, nnext = 0;
    memset(&beam[0], 0, sizeof beam[0]);
    beam[0].lw = ZH_SBEAM_NONE;
    beam[0].hist = -1;
    *best_hist = -2;
    for (size_t i = 0; i < n; i++) {
        unsigned b = w->b[i];
        int lost = b == WILD;
        unsigned after = i + 1 < n ? w->b[i + 1] : ZH_SBEAM_NONE;
        zh_beamset bs;
        zh_beamset_clear(&bs);
        for (size_t k = 0; k < nbeam; k++) {
            const sstate *s = &beam[k];
            if (!lost) {
                if (s->lw != ZH_SBEAM_NONE && !lost_pair(d, s->lw, b, 0))
                    continue;
                sstate t = *s;
                t.lw = ZH_SBEAM_NONE;
                t.pv = t.pv2 = ZH_SBEAM_NONE;
                sbeam_feed(w, &t, b, 0, NULL);
                t.rank = t.cost + sbeam_h(w, &t, i + 1);
                sbeam_add(&bs, next, &t);
                continue;
            }
            /* A state's successors cost no less than it does (costs only
             * grow, the optimistic part is never negative), and the bar
             * only rises as the beam fills and then falls as it improves:
             * a state the bar already excludes has no successor to offer. */
            if (!(s->cost < zh_beamset_bar(&bs)))
                continue;
            /* The byte left lost, between characters. */
            if (!s->need) {
                sstate t = *s;
                t.lw = ZH_SBEAM_NONE;
                t.pv = t.pv2 = ZH_SBEAM_NONE;
                t.cost += ZH_SBEAM_MARK;
                t.prev = 0xFFFD;
                t.bad = 1;
                t.rank = t.cost;
                sbeam_add(&bs, next, &t);
            }
            uint8_t cont[64];
            size_t nv;
            const uint8_t *vals = sbeam_values(s, cont, &nv);
            sstate first[ZH_SBEAM_FIRST];
            size_t nfirst = 0, fw = 0;
            int begun3 = sbeam_begun3(s);
            /* A lost byte that completes the character of s: the
             * characters' costs after s->prev in one pass (in the order of
             * vals, increasing), so that the values whose state the beam
             * would turn away (its rank, its cost at least, not below the
             * bar) are not made (not in the browsers' reading, which keeps
             * a few for a second byte whatever the bar). */
            double steps[64];
            int stepped = !whatwg && s->need == 1 && nv == 64;
            zh_plaus_block spare_block;
            /* A three-byte character whose completions all cost too much
             * (the cheapest of its block, zh_plaus_step_min, over the same
             * steps) offers nothing, and this state nothing else. Not
             * where mark_steps or edge_steps may lower a step below the
             * model's: the bound would turn away a completion they make
             * the cheapest. */
            if (stepped && s->have == 2 && s->lead >= 0xE0 && s->lead <= 0xEF &&
                !steps_adjusted(s->prev, after, s->acc << 6) &&
                !(s->cost + zh_plaus_step_min(
                                block_of(s->lead, s->c1, &spare_block),
                                s->prev) <
                  zh_beamset_bar(&bs)))
                continue;
            if (stepped) {
                uint32_t cps[64];
                for (size_t j = 0; j < nv; j++)
                    cps[j] = s->acc << 6 | (vals[j] & 0x3Fu);
                zh_plaus_steps(s->prev, cps, nv, steps, work_memo(w));
                mark_steps(s->prev, cps, nv, steps);
                edge_steps(s->prev, after, cps, nv, steps);
            }
            for (size_t j = 0; j < nv; j++) {
                unsigned v = vals[j];
                if (s->lw != ZH_SBEAM_NONE && !lost_pair(d, s->lw, v, 0))
                    continue;
                /* One byte: the decoder lost v as it could not pair it
                 * with the next byte (checked here when that byte is
                 * known). WHATWG's decoder loses a lone byte only when it
                 * is no lead (0x80), or before ASCII or the end. */
                int one = whatwg
                              ? v == 0x80 || after == ZH_SBEAM_NONE ||
                                    (after < 0x80 && lost_pair(d, v, after, 0))
                              : after >= WILD || lost_pair(d, v, after, 0);
                if (!whatwg && one && begun3 &&
                    !(s->cost + sbeam_rest(w, s->prev, s->lead, v, i + 1) <
                      zh_beamset_bar(&bs)))
                    continue; /* as below */
                if (!whatwg && !one)
                    continue; /* nothing is offered */
                if (stepped && !(s->cost + steps[j] < zh_beamset_bar(&bs)))
                    continue; /* sbeam_add would refuse it */
                sstate t = *s;
                if (!sbeam_feed(w, &t, v, 1, stepped ? &steps[j] : NULL))
                    continue;
                t.pv = (uint16_t)v;
                t.pv2 = ZH_SBEAM_NONE;
                t.rank = t.cost + sbeam_h(w, &t, i + 1);
                if (one) {
                    t.lw = whatwg ? ZH_SBEAM_NONE : (uint16_t)v;
                    sbeam_add(&bs, next, &t);
                }
                /* Two bytes (WHATWG): v leads, its partner is lost with it. */
                if (!whatwg || v < 0x81)
                    continue;
                if (nfirst < ZH_SBEAM_FIRST)
                    first[nfirst++] = t;
                else if (t.rank < first[fw].rank)
                    first[fw] = t;
                else
                    continue;
                if (nfirst == ZH_SBEAM_FIRST) {
                    /* The first of the worst, which a better one replaces. */
                    fw = 0;
                    for (size_t x = 1; x < nfirst; x++)
                        if (first[x].rank > first[fw].rank)
                            fw = x;
                }
            }
            for (size_t f = 0; f < nfirst; f++) {
                if (!(sbeam_floor(w, &first[f]) < zh_beamset_bar(&bs)))
                    continue; /* as above */
                size_t nv2;
                const uint8_t *vals2 = sbeam_values(&first[f], cont, &nv2);
                int f3 = sbeam_begun3(&first[f]);
                for (size_t j = 0; j < nv2; j++) {
                    unsigned v2 = vals2[j];
                    if (!lost_pair(d, first[f].pv, v2, 0))
                        continue;
                    /* The second byte of a three-byte sequence adds no
                     * cost: the rank is known before the state is made. */
                    if (f3 && !(first[f].cost +
                                        begun_cost(first[f].lead, v2) <
                                    zh_beamset_bar(&bs)))
                        continue;
                    sstate t = first[f];
                    if (!sbeam_feed(w, &t, v2, 1, NULL))
                        continue;
                    t.lw = ZH_SBEAM_NONE;
                    t.pv2 = (uint16_t)v2;
                    t.rank = t.cost + sbeam_h(w, &t, i + 1);
                    sbeam_add(&bs, next, &t);
                }
            }
        }
        nnext = bs.n;
        if (!nnext)
            return 1; /* nothing reads */
        double least = next[0].cost;
        for (size_t k = 1; k < nnext; k++)
            if (next[k].cost < least)
                least = next[k].cost;
        if (least >= limit)
            return 1; /* no reading can be the cheaper */
        if (!sbeam_record(w, next, nnext, i))
            return 0;
        memcpy(beam, next, nnext * sizeof *beam);
        nbeam = nnext;
    }
    /* The line's end after the last character, as window_cost_from
     * scores it. */
    size_t best = 0;
    double bc = HUGE_VAL;
    for (size_t k = 0; k < nbeam; k++) {
        double c = beam[k].cost + (beam[k].need ? ZH_SBEAM_ERR : 0.0);
        if (w->ends_line && !beam[k].need && beam[k].prev)
            c += zh_plaus_end(beam[k].prev, w->line_first);
        if (c < bc) {
            best = k;
            bc = c;
        }
    }
    *best_hist = beam[best].hist;
    *best_cost = bc;
    *bad = beam[best].bad || beam[best].need;
    return 1;
}

/* ---- Control characters stripped -------------------------------------- */

/* UTF-8 read as Latin-1 (or ISO 8859-2), whose bytes 80-9F are C1
 * controls, and the controls then stripped: every continuation byte
 * below A0 is gone without a trace, half of them. The lead bytes all
 * stay (C2-F4 are letters), so the characters are still told apart: a
 * lead and the continuation bytes A0-BF after it, short of what the lead
 * wants by the bytes lost. A three-byte character that lost one is one
 * of 64 (the lost byte before or after the one kept), one that lost both
 * one of 1,024; a beam over the characters of the segment chooses them
 * together with the character model, where the restoration of one gap
 * at a time (try_fill) reads each against guesses. (A two-byte character
 * short of its byte is Western text's, and left to try_fill.) */
#define ZH_C1_BEAM 8
#define ZH_C1_CANDS 64

typedef struct c1_tok {
    uint32_t at;  /* first byte in the stream */
    uint8_t len;  /* bytes in the stream (lead and continuations kept) */
    uint8_t lost; /* continuation bytes lost */
} c1_tok;

typedef struct c1_cand {
    uint32_t cp;
    uint8_t bytes[4];
} c1_cand;

/* The code point of the UTF-8 sequence s[0..len), 0 when it is not one
 * character (decode_at's reading). */
static uint32_t c1_decode(const uint8_t *s, size_t len)
{
    uint16_t b[3];
    uint32_t cp;
    for (size_t q = 0; q < len; q++)
        b[q] = s[q];
    return decode_at((codec){CK_UTF8, 0}, b, 0, len, &cp) == len ? cp : 0;
}

/* A mark of Chinese text: CJK punctuation, fullwidth forms, the marks of
 * General Punctuation (quotes, dashes, ellipsis). */
static int chinese_mark(uint32_t cp)
{
    return zh_is_cjk_punct(cp) || (cp >= 0x3000 && cp <= 0x303F) ||
           (cp >= 0xFF01 && cp <= 0xFF5E) || (cp >= 0x2010 && cp <= 0x2027);
}

/* A character a restoration may give: what Chinese text read so holds. */
static int c1_char_ok(uint32_t cp)
{
    return zh_is_han(cp) || chinese_mark(cp) || (cp >= 0xC0 && cp <= 0x17F);
}

/* The candidates of a three-byte lead that lost both continuation bytes,
 * the ZH_C1_CANDS cheapest by their own cost (work.c1, by lead). */
typedef struct c1_lead {
    int known;
    uint32_t n;
    c1_cand c[ZH_C1_CANDS];
} c1_lead;

static const c1_lead *c1_lead_cands(work *w, unsigned lead)
{
    if (!w->c1 && !(w->c1 = calloc(16, sizeof *w->c1)))
        return NULL;
    c1_lead *l = &w->c1[lead & 15];
    if (l->known)
        return l;
    c1_cand all[1024];
    double own[1024];
    uint32_t n = 0;
    for (unsigned v = 0; v < 1024; v++) {
        uint8_t s[4] = {(uint8_t)lead, (uint8_t)(0x80 | (v & 31)),
                        (uint8_t)(0x80 | v >> 5), 0};
        uint32_t cp = c1_decode(s, 3);
        if (!cp || !c1_char_ok(cp))
            continue;
        all[n].cp = cp;
        memcpy(all[n].bytes, s, 4);
        own[n++] = wstep(w, 0, cp);
    }
    /* Partial selection, the cheapest first. */
    for (uint32_t a = 0; a < n && a < ZH_C1_CANDS; a++) {
        uint32_t best = a;
        for (uint32_t z = a + 1; z < n; z++)
            if (own[z] < own[best])
                best = z;
        l->c[a] = all[best];
        all[best] = all[a];
        own[best] = own[a];
    }
    l->n = n < ZH_C1_CANDS ? n : ZH_C1_CANDS;
    l->known = 1;
    return l;
}

/* The candidates of token t of w->b, at most ZH_C1_CANDS, into out;
 * their number, 0 when none, -1 on allocation failure. */
static int c1_token_cands(work *w, const c1_tok *t, c1_cand *out)
{
    unsigned lead = w->b[t->at];
    if (t->lost == 2) {
        /* A lead alone: the cheapest of its 1,024, the same each time. */
        const c1_lead *l = c1_lead_cands(w, lead);
        if (!l)
            return -1;
        memcpy(out, l->c, l->n * sizeof *out);
        return (int)l->n;
    }
    /* Every place of the lost byte beside the kept one, every value
     * 80-9F: 64 at most. */
    size_t need = (size_t)t->len - 1 + t->lost;
    int n = 0;
    for (unsigned mask = 0; mask < 1u << need; mask++) {
        if ((unsigned)__builtin_popcount(mask) != t->lost)
            continue;
        for (unsigned v = 0; v < 32; v++) {
            uint8_t s[4] = {(uint8_t)lead, 0, 0, 0};
            size_t kept = 1;
            for (size_t q = 0; q < need; q++)
                s[1 + q] = mask >> q & 1 ? (uint8_t)(0x80 | v)
                                         : (uint8_t)w->b[t->at + kept++];
            uint32_t cp = c1_decode(s, need + 1);
            if (!cp || !c1_char_ok(cp) || n == ZH_C1_CANDS)
                continue;
            out[n].cp = cp;
            memcpy(out[n].bytes, s, 4);
            n++;
        }
    }
    return n;
}

/* A state of the beam, and what the history keeps of it: the parent and
 * the bytes chosen for the token (len 0: the token as it is). */
typedef struct c1_state {
    double cost;
    uint32_t prev;
    int32_t back;   /* this state's entry in the history, -1 none */
    int32_t parent; /* while the state is being made: its parent's entry */
    c1_cand pick;
    uint8_t picked;
} c1_state;

typedef struct c1_hist {
    int32_t parent;
    uint8_t bytes[4];
    uint8_t picked;
} c1_hist;

/* Restore the bytes 80-9F lost from the UTF-8 in w->b[0..nb), read by a
 * code page whose bytes 80-9F were stripped: 1 when done (w->b, ci, fl
 * rewritten, restored bytes marked as insertions), 0 when the stream is
 * no such text (fewer than two three-byte characters short, or a
 * two-byte one short) and -1 on allocation failure. The memory is the
 * stream's tokens and the beam's survivors, ZH_C1_BEAM a token: lines of
 * any length. */
static int c1_restore(work *w)
{
    size_t nb = w->nb, ntok = 0, nshort = 0, nlost = 0;
    c1_tok *tok = malloc((nb + 1) * sizeof *tok);
    if (!tok)
        return -1;
    int nomem = 0;
    for (size_t i = 0; i < nb;) {
        unsigned b = w->b[i];
        c1_tok t = {(uint32_t)i, 1, 0};
        if (b >= 0xC2 && b <= 0xEF) {
            size_t need = b >= 0xE0 ? 2 : 1, k = 0;
            while (k < need && i + 1 + k < nb && w->b[i + 1 + k] >= 0xA0 &&
                   w->b[i + 1 + k] < 0xC0)
                k++;
            t.len = (uint8_t)(1 + k);
            t.lost = (uint8_t)(need - k);
        }
        /* Chinese is read so: three-byte characters. A two-byte one
         * short of its byte is a Western letter whose no-break space
         * became a space (à, C3 A0): the stream is Western text, its gaps
         * try_fill's to weigh. E0, ED and EF alone have no completion the
         * restoration may give (ï, naïve): they stay as they are, as does
         * a continuation no lead wants or a byte no UTF-8 has, and the
         * reading breaks there. */
        if (t.lost && b < 0xE0) {
            free(tok);
            return 0;
        }
        if (t.lost == 2 && (b == 0xE0 || b == 0xED || b == 0xEF))
            t.lost = 0;
        nshort += t.lost > 0;
        nlost += t.lost;
        tok[ntok++] = t;
        i += t.len;
    }
    if (nshort < 2) {
        free(tok);
        return 0;
    }
    c1_hist *hist = NULL;
    size_t nhist = 0, caph = 0;
    c1_state beam[ZH_C1_BEAM], next[ZH_C1_BEAM];
    c1_cand cands[ZH_C1_CANDS];
    size_t nbeam = 1;
    beam[0] = (c1_state){0.0, 0, -1, -1, {0, {0}}, 0};
    for (size_t k = 0; k < ntok && !nomem; k++) {
        const c1_tok *t = &tok[k];
        int nc = t->lost ? c1_token_cands(w, t, cands) : 0;
        if (nc < 0) {
            nomem = 1;
            break;
        }
        int picked = nc > 0;
        if (!nc) {
            /* As it is: a character, or where the reading breaks. */
            nc = 1;
            if (t->lost || !decode_at((codec){CK_UTF8, 0}, w->b, t->at,
                                      t->at + t->len, &cands[0].cp))
                cands[0].cp = 0xFFFD;
        }
        size_t nnext = 0;
        for (size_t s = 0; s < nbeam; s++)
            for (int j = 0; j < nc; j++) {
                uint32_t cp = cands[j].cp;
                double c = beam[s].cost + wstep(w, beam[s].prev, cp);
                /* One state per character: the cheaper. */
                size_t at = nnext;
                for (size_t x = 0; x < nnext; x++)
                    if (next[x].prev == cp) {
                        at = x;
                        break;
                    }
                if (at < nnext && !(c < next[at].cost))
                    continue;
                if (at == nnext) {
                    if (nnext < ZH_C1_BEAM) {
                        nnext++;
                    } else {
                        at = 0;
                        for (size_t x = 1; x < nnext; x++)
                            if (next[x].cost > next[at].cost)
                                at = x;
                        if (!(c < next[at].cost))
                            continue;
                    }
                }
                next[at] = (c1_state){
                    c, cp, -1, beam[s].back, cands[j], (uint8_t)picked};
            }
        if (!grow((void **)&hist, &caph, nhist + nnext, sizeof *hist)) {
            nomem = 1;
            break;
        }
        for (size_t x = 0; x < nnext; x++) {
            hist[nhist] = (c1_hist){next[x].parent, {0}, next[x].picked};
            memcpy(hist[nhist].bytes, next[x].pick.bytes, 4);
            next[x].back = (int32_t)nhist++;
        }
        memcpy(beam, next, nnext * sizeof *beam);
        nbeam = nnext;
    }
    if (nomem) {
        free(tok);
        free(hist);
        return -1;
    }
    size_t best = 0;
    for (size_t s = 1; s < nbeam; s++)
        if (beam[s].cost < beam[best].cost)
            best = s;
    /* The picks, last token first, then the stream rewritten. */
    int32_t *pick = malloc(ntok * sizeof *pick);
    uint16_t *ob = malloc(nb * sizeof *ob);
    uint32_t *oci = malloc(nb * sizeof *oci);
    int done = -1;
    if (pick && ob && oci && grow_bytes(w, nb + nlost)) {
        int32_t h = beam[best].back;
        for (size_t k = ntok; k-- > 0;) {
            pick[k] = h;
            h = hist[h].parent;
        }
        memcpy(ob, w->b, nb * sizeof *ob);
        memcpy(oci, w->ci, nb * sizeof *oci);
        size_t o = 0;
        for (size_t k = 0; k < ntok; k++) {
            const c1_tok *t = &tok[k];
            /* The kept bytes in order (A0-BF after the lead), the restored
             * ones (80-9F) between them. */
            const c1_hist *c = hist[pick[k]].picked ? &hist[pick[k]] : NULL;
            size_t kept = 0, total = (size_t)t->len + (c ? t->lost : 0);
            for (size_t q = 0; q < total; q++) {
                int is_kept = !c || q == 0 || c->bytes[q] >= 0xA0;
                w->b[o] = c ? c->bytes[q] : ob[t->at + q];
                w->ci[o] = oci[t->at + (is_kept ? kept : kept - 1)];
                w->fl[o++] = is_kept ? 0 : ZH_FILL_INSERT;
                kept += is_kept;
            }
        }
        w->nb = o;
        done = 1;
    }
    free(tok);
    free(hist);
    free(pick);
    free(ob);
    free(oci);
    return done;
}

/* Give every lost byte (WILD) of w->b a value by beam search; 0 on
 * allocation failure. Lost bytes the best reading cannot use stay lost. */
static int sbeam_restore(work *w, codec d)
{
    int32_t h1, h2;
    double c1, c2;
    int bad1, bad2;
    w->nhist = 0;
    w->sbeam_alien = alien_script(w);
    if (!sbeam_search(w, d, 0, HUGE_VAL, &h1, &c1, &bad1))
        return 0;
    int two = 0;
    if (h1 == -2 || bad1) {
        if (!sbeam_search(w, d, 1, h1 == -2 ? HUGE_VAL : c1, &h2, &c2,
                          &bad2))
            return 0;
        if (h2 != -2 && (h1 == -2 || c2 < c1)) {
            h1 = h2;
            two = 1;
        }
    }
    if (h1 == -2)
        return 1; /* nothing reads: leave the stream as it is */
    if (two) {
        size_t extra = 0;
        for (int32_t h = h1; h >= 0; h = w->hist[h].parent)
            extra += w->hist[h].v2 != ZH_SBEAM_NONE;
        if (!grow_bytes(w, w->nb + extra))
            return 0;
    }
    /* Positions come last to first, so an inserted byte moves only
     * positions already written. */
    for (int32_t h = h1; h >= 0; h = w->hist[h].parent) {
        size_t pos = w->hist[h].pos;
        w->b[pos] = w->hist[h].v;
        w->fl[pos] = ZH_FILL_GUESS;
        if (w->hist[h].v2 == ZH_SBEAM_NONE)
            continue;
        size_t tail = w->nb - pos - 1;
        memmove(w->b + pos + 2, w->b + pos + 1, tail * sizeof *w->b);
        memmove(w->ci + pos + 2, w->ci + pos + 1, tail * sizeof *w->ci);
        memmove(w->fl + pos + 2, w->fl + pos + 1, tail * sizeof *w->fl);
        w->b[pos + 1] = w->hist[h].v2;
        w->ci[pos + 1] = w->ci[pos];
        w->fl[pos + 1] = ZH_FILL_GUESS;
        w->nb++;
    }
    return 1;
}

/* 0 when no restoration of the lost bytes of w->b (sbeam_restore) can
 * give UTF-8 read as Big5 a reading: find_chain takes only runs that hold
 * a unit of three bytes or more, and decode_stream accepts such a unit
 * only with a lead byte of E2-E9 or EF (the blocks of punctuation, CJK and
 * fullwidth forms), F0 (emoji) or ED (CESU-8's surrogates), followed by
 * continuation bytes. A lost byte becomes one of sbeam_leads or a
 * continuation byte, and in the browsers' reading two bytes: it may lead
 * such a unit or give two continuation bytes. Most segments of UTF-8
 * read as GBK have no such place, and the beam search over them, the
 * costliest work on their lines, cannot change what they yield. */
static int big5_wide_possible(const work *w)
{
    for (size_t p = 0; p < w->nb; p++) {
        unsigned x = w->b[p];
        int need;
        if (x == WILD)
            need = 1; /* a lead and, as two bytes, its first continuation */
        else if ((x >= 0xE2 && x <= 0xE9) || x == 0xEF || x == 0xED)
            need = 2;
        else if (x == 0xF0)
            need = 3;
        else
            continue;
        int have = 0;
        for (size_t q = p + 1; q < w->nb && have < need; q++) {
            unsigned y = w->b[q];
            if (y == WILD)
                have += 2;
            else if (y >= 0x80 && y <= 0xBF)
                have++;
            else
                break;
        }
        if (have >= need)
            return 1;
    }
    return 0;
}

/* Decode the stream as E into units, restoring lost bytes on the way. */
/* 1 when the lead byte at p begins a sequence cut short (a code page that
 * drops its undefined bytes leaves no mark) and what follows its remaining
 * continuation bytes reads as a multibyte character: a character at the
 * start of a run of mojibake that lost bytes (名稱 at a line start read as
 * Windows-1252: å and 稱's three bytes). */
static int dropped_before_mojibake(const chain *ch, const uint16_t *b, size_t p,
                                   size_t n)
{
    /* Chinese only: a lead byte of CJK (E3-E9) or of the fullwidth forms
     * (EF); E2's quotes and dashes are what double encodings garble
     * (â€“), and 'â' before them is no trace of a dropped byte, unless
     * a Chinese character follows: then â€ is ” (E2 80 9D) that lost its
     * 9D (“export”或, “{0}”的). */
    if (ch->misread.kind != CK_SB || b[p] < 0xE2 ||
        (b[p] > 0xE9 && b[p] != 0xEF) || !cut_short(ch->real, b, p, n))
        return 0;
    size_t q = p + 1;
    while (q < n && b[q] >= 0x80 && b[q] < 0xC0)
        q++;
    uint32_t cp;
    if (b[p] == 0xE2)
        return q < n && decode_at(ch->real, b, q, n, &cp) == 3 && cp >= 0x2E80;
    if (q < n && decode_at(ch->real, b, q, n, &cp) >= 2)
        return 1;
    /* ... or a Chinese mark that kept its first two bytes, before ASCII:
     * 、 = E3 80 [81] between letters or digits (n、o、e, K、M、G), where
     * Western text would need a letter with a tilde or diaeresis before a
     * euro sign or an inverted mark. */
    if (q == p + 2 && q < n && b[q] > ' ' && b[q] < 0x7F &&
        ((b[p] == 0xE3 && b[p + 1] == 0x80) ||
         (b[p] == 0xEF && (b[p + 1] == 0xBC || b[p + 1] == 0xBD))))
        return 1;
    /* ... or another sequence cut short, then such a character (！” with
     * both undefined bytes dropped: EF BC | E2 80 | E8 BF 99). */
    if (q >= n || b[q] < 0xE0 || b[q] > 0xEF || !cut_short(ch->real, b, q, n))
        return 0;
    q++;
    while (q < n && b[q] >= 0x80 && b[q] < 0xC0)
        q++;
    return q < n && decode_at(ch->real, b, q, n, &cp) >= 2;
}

static int decode_stream(work *w, const chain *ch, int allow_fill)
{
    w->nu = 0;
    /* Read before any restoration fills the gaps that show drops. */
    int nbsp_utf8 =
        allow_fill && nbsp_byte(ch->misread) >= 0 && ch->real.kind == CK_UTF8;
    w->drops_shown = nbsp_utf8 && drops_shown(w);
    w->spaces_shown = nbsp_utf8 && spaces_shown(w);
    /* Read before any restoration (the bytes a search tries are no
     * evidence of the text's script), from UTF-8's characters. */
    w->fill_alien = allow_fill && ch->real.kind == CK_UTF8 ? alien_script(w)
                                                           : ZH_SCRIPT_BOTH;
    size_t p = 0;
    /* Fills per line: bounds the work on hopeless text. */
    int budget = 16 + (int)(w->nb / 4 < 4096 ? w->nb / 4 : 4096);
    /* Attempts that find nothing: a wrong chain fails at every turn, so a
     * few failures in a row end its attempts on this line. */
    int misses = 0;
    while (p < w->nb) {
        if (!grow((void **)&w->u, &w->capu, w->nu + 1, sizeof *w->u))
            return 0;
        uint32_t cp = 0;
        size_t len = decode_at(ch->real, w->b, p, w->nb, &cp);
        if (!len && !allow_fill && w->b[p] != '\n' &&
            (ch->real.kind == CK_UTF8 || ch->misread.kind == CK_SB)) {
            /* Would a restoration have been tried here? */
            size_t k = w->nu;
            if ((k > 0 && w->u[k - 1].ok &&
                 (w->u[k - 1].blen >= 3 || ch->misread.kind == CK_SB)) ||
                w->b[p] == WILD ||
                lost_ahead(w->b, p, w->nb, nbsp_byte(ch->misread) >= 0) ||
                dropped_before_mojibake(ch, w->b, p, w->nb))
                w->fillable++;
            if (w->probe == PROBE_FILLABLE && w->fillable)
                return 1; /* the units are not wanted */
        }
        if (!len && allow_fill && budget > 0 && misses < ZH_FILL_MISSES &&
            w->b[p] != '\n') {
            /* Resume from the last multibyte unit so that a gap inside it
             * can be found; fill only inside mojibake, after a unit that
             * decoded as a multibyte character. */
            size_t k = w->nu;
            if (k > 0 && w->u[k - 1].ok &&
                (w->u[k - 1].blen >= 3 || ch->misread.kind == CK_SB)) {
                k--;
                size_t r = w->u[k].bs;
                uint32_t prev = k > 0 ? w->u[k - 1].cp : 0;
                budget--;
                if (try_fill(w, ch, r, p, prev)) {
                    w->nu = k;
                    p = r;
                    misses = 0;
                    continue;
                }
                misses++;
            } else if (w->b[p] == WILD ||
                       lost_ahead(w->b, p, w->nb,
                                  nbsp_byte(ch->misread) >= 0) ||
                       dropped_before_mojibake(ch, w->b, p, w->nb)) {
                budget--;
                uint32_t prev = k > 0 ? w->u[k - 1].cp : 0;
                if (try_fill(w, ch, p, p, prev)) {
                    misses = 0;
                    continue;
                }
                misses++;
            }
        }
        unit *u = &w->u[w->nu++];
        u->bs = (uint32_t)p;
        u->blen = len ? (uint32_t)len : 1;
        u->cp = len ? cp : 0xFFFD;
        u->ok = len >= 2 || (len == 1 && ch->real.kind == CK_GBK &&
                             w->b[p] == 0x80);
        /* C1 controls are allowed in a Western reading: they are what
         * the next layer of a double encoding is made of. So are the
         * private-use characters a GB18030 decoder makes of GBK's
         * user-defined pairs: UTF-8 read as GBK has them, and read again
         * as a Western code page or as GBK they are that layer's. */
        int gbk_pua = gbk_user_defined(cp) && ch->real.kind == CK_UTF8 &&
                      ch->misread.kind != CK_BIG5 && !w->no_pua;
        if (u->ok && zh_plaus_forbidden(cp) && !gbk_pua &&
            !(cp >= 0x80 && cp < 0xA0 && ch->misread.kind == CK_SB))
            u->ok = 0;
        /* Where GBK or Big5 misread UTF-8, the text was Chinese: of the
         * two-byte sequences only Latin-1 and Latin Extended-A (accented
         * letters in Chinese text) are taken; Cyrillic, Greek, Hebrew...
         * read from the GBK bytes of real Chinese would be noise. */
        if (u->ok && len == 2 && ch->misread.kind != CK_SB &&
            ch->real.kind == CK_UTF8 && cp > 0x17F)
            u->ok = 0;
        /* Likewise of the three-byte sequences only the CJK, punctuation
         * and symbol blocks, not Indic, Thai, Hangul, Yi... */
        if (u->ok && len == 3 && ch->misread.kind != CK_SB &&
            ch->real.kind == CK_UTF8 && !gbk_pua &&
            (cp < 0x2000 || (cp >= 0x2C00 && cp < 0x2E80) ||
             (cp >= 0xA000 && cp < 0xF900) ||
             (cp >= 0xFB00 && cp < 0xFE30)))
            u->ok = 0;
        /* Replacement characters read as GBK or Big5 (锟斤拷) are a lossy
         * mark, left to the lossy-mark rule; UTF-8 read as GBK reads them
         * back only inside a reading that holds another layer (the lost
         * bytes of the layer under it: cand.lost_marks). */
        if (u->ok && cp == 0xFFFD && ch->misread.kind != CK_SB &&
            !(ch->misread.kind == CK_GBK && ch->real.kind == CK_UTF8 &&
              !w->no_lost_marks))
            u->ok = 0;
        /* Four-byte readings: emoji and symbols (planes 1), and for the
         * single-byte chains the rare Han extensions too; never planes with
         * nothing assigned. */
        if (u->ok && cp >= 0x10000 &&
            !(cp >= 0x1F000 && cp <= 0x1FAFF) &&
            (ch->misread.kind != CK_SB || cp > 0x323AF || cp < 0x20000))
            u->ok = 0;
        p += u->blen;
    }
    return 1;
}

/* ---- Brackets ---------------------------------------------------------- */

/* Opening and closing marks of Chinese prose. */
static const uint32_t bracket_pairs[][2] = {
    {0xFF08, 0xFF09}, /* （） */
    {0x300A, 0x300B}, /* 《》 */
    {0x300C, 0x300D}, /* 「」 */
    {0x300E, 0x300F}, /* 『』 */
    {0x3010, 0x3011}, /* 【】 */
    {0x3008, 0x3009}, /* 〈〉 */
    {0x201C, 0x201D}, /* “” */
    {0x2018, 0x2019}, /* ‘’ */
};
#define N_BRACKETS (sizeof bracket_pairs / sizeof bracket_pairs[0])

static int bracket_of(uint32_t cp, int side)
{
    /* The marks lie in three short ranges; most units asked are Han,
     * between the second and the third. */
    if (cp < 0x2018 || cp > 0xFF09 || (cp > 0x3011 && cp < 0xFF08))
        return -1;
    for (size_t i = 0; i < N_BRACKETS; i++)
        if (bracket_pairs[i][side] == cp)
            return (int)i;
    return -1;
}

/* A lost byte that ends a punctuation mark (》 is E3 80 8B, 。 E3 80 82)
 * leaves the mark to the character model, which knows nothing of pairs:
 * where a bracket of the reading is still open, the guess that closes it
 * is taken instead, if the bytes that were kept allow it. */
/* Make unit u the mark want when only guessed bytes differ; 1 if done. */
static int remark(work *w, codec d, unit *u, uint32_t want)
{
    char enc[4];
    if (u->blen != 3 || zh_utf8_encode(want, enc) != 3)
        return 0;
    for (uint32_t q = 0; q < 3; q++) {
        unsigned nb = (unsigned char)enc[q], ob = w->b[u->bs + q];
        if (nb != ob && (w->fl[u->bs + q] != ZH_FILL_GUESS ||
                         (u->bs + q + 1 < w->nb &&
                          !lost_pair(d, nb, w->b[u->bs + q + 1], pua_read(w)))))
            return 0;
    }
    for (uint32_t q = 0; q < 3; q++)
        w->b[u->bs + q] = (unsigned char)enc[q];
    u->cp = want;
    return 1;
}

/* 1 for a mark (not an ideograph) with a guessed byte. */
static int guessed_mark(const work *w, const unit *u)
{
    if (!u->ok || u->blen != 3 || u->cp < 0x2000 || zh_is_han(u->cp))
        return 0;
    for (uint32_t q = 0; q < 3; q++)
        if (w->fl[u->bs + q] == ZH_FILL_GUESS)
            return 1;
    return 0;
}

static void close_brackets(work *w, codec d)
{
    int stack[16];
    size_t depth = 0;
    /* Left to right: a guessed mark inside an open bracket may close it. */
    for (size_t k = 0; k < w->nu; k++) {
        unit *u = &w->u[k];
        if (!u->ok)
            continue;
        int o = bracket_of(u->cp, 0);
        if (o >= 0) {
            if (depth < 16)
                stack[depth++] = o;
            continue;
        }
        int c = bracket_of(u->cp, 1);
        if (c >= 0 && depth && stack[depth - 1] == c) {
            depth--;
            continue;
        }
        if (depth && guessed_mark(w, u) &&
            remark(w, d, u, bracket_pairs[stack[depth - 1]][1]))
            depth--;
    }
    /* Right to left: a guessed mark before an unopened closing bracket may
     * open it. */
    depth = 0;
    for (size_t k = w->nu; k-- > 0;) {
        unit *u = &w->u[k];
        if (!u->ok)
            continue;
        int c = bracket_of(u->cp, 1);
        if (c >= 0) {
            if (depth < 16)
                stack[depth++] = c;
            continue;
        }
        int o = bracket_of(u->cp, 0);
        if (o >= 0 && depth && stack[depth - 1] == o) {
            depth--;
            continue;
        }
        if (depth && guessed_mark(w, u) &&
            remark(w, d, u, bracket_pairs[stack[depth - 1]][0]))
            depth--;
    }
}

/* ---- Finding repairs --------------------------------------------------- */

/* A Latin letter beyond ASCII. */
static int accented_letter(uint32_t cp)
{
    return (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
           (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* A letter or digit of the Western text a C1 control may stand in, or a
 * C1 control that is one of Windows-1252's letters. */
static int word_char(uint32_t cp)
{
    if (cp >= 0x80 && cp <= 0x9F)
        cp = zh_sb_decode[ZH_SB_CP1252][cp - 0x80];
    return zh_is_ascii_alnum(cp) || accented_letter(cp);
}

/* A character with no glyph that formats or joins text (Unicode's Cf, and
 * U+180E, which was one), or a C0 control other than tab. */
static int invisible_format(uint32_t cp)
{
    return (cp < 0x20 && cp != '\t') || cp == 0xAD || cp == 0x180E ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || cp == 0xFEFF;
}

/* GBK read as Big5, or Big5 read as GBK, shows rare characters close
 * together (the one reading takes the other's frequent pairs for random
 * ones): two that start within ZH_DBCS_REACH bytes (three characters of
 * three bytes) start its chains. Real text has rare characters too, but
 * seldom two so close. Rare: a unigram log-probability below -12 nats
 * (ZH_MF_DBCS, codec_tables.h), or private use (Big5's most frequent row
 * read as GBK). */
#define ZH_DBCS_REACH 9
/* ...and at least one in ZH_DBCS_SHARE of the line's non-ASCII characters
 * is rare: about half of them are in such a line, a tenth at most in real
 * text that has two close together. */
#define ZH_DBCS_SHARE 5

static int dbcs_rare(uint32_t cp)
{
    if (cp > 0xFFFF)
        return 0;
    return (zh_moji_flags[cp] & ZH_MF_DBCS) || (cp >= 0xE000 && cp <= 0xF8FF) ||
           zh_gbk_mark_as_big5(cp) || zh_big5_common_as_gbk(cp);
}

typedef struct susp {
    uint8_t pf;         /* flags of the previous character */
    int weak;           /* weak pairs seen */
    size_t last_rare;   /* byte offset + 1 of the last rare one, 0 none */
    uint32_t rare;      /* rare ones seen */
    int close;          /* two rare ones seen close together */
    int sb;             /* a single-byte chain's pair may be there */
} susp;

/* The DBCS chains' condition once a line has been seen. */
static int dbcs_line(uint32_t k, uint32_t rare, int close)
{
    return close && rare * ZH_DBCS_SHARE >= k;
}

/* 1 when the n code points hold a Chinese mark (zh_is_cjk_punct), which
 * shows that the line was not read by the other double-byte code: GBK's
 * ，。 read as Big5 are ㄛ﹝, Big5's are private use read as GBK, and so
 * for every mark (“ ” come from ※ §, 《 》 from ▲ ◎). One decoder reads a
 * whole stream, so a line of GBK read as Big5 keeps none; a line of
 * classical verse, whose rare characters close together are what the
 * chains look for, has them in every clause (and verse's tonal patterns,
 * 仄仄平平, read as kana). Asked only of a line that meets dbcs_line. */
static int holds_chinese_mark(const uint32_t *cp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (zh_is_cjk_punct(cp[i]))
            return 1;
    return 0;
}

static int suspicious_step(uint32_t cp, size_t at, susp *st);

typedef struct cand {
    size_t cs, ce;  /* characters [cs, ce) of the line */
    uint32_t *rep;  /* the reading (malloc'd) */
    size_t nrep;
    double before, after, gain;
    int chain_ids[ZH_MAX_LAYERS];
    int layers;
    int fills;
    int weak;     /* one two-byte sequence: weak evidence on its own */
    int deepened;
    int state;    /* 0 not eligible, 1 eligible, 2 eligible in company */
    int lone;     /* lone_lossy_in_prose: company means a strong one */
    int nbsp_only; /* no-break spaces read as GBK's 聽, nothing else: the
                    * same */
    int lost_marks; /* U+FFFD read back from 锟 and its neighbour: kept
                     * only where a layer under the reading is undone */
    int kept;
} cand;

typedef struct cands {
    cand *c;
    size_t n, cap;
} cands;

static void cands_clear(cands *cs)
{
    for (size_t i = 0; i < cs->n; i++)
        free(cs->c[i].rep);
    cs->n = 0;
}

static uint32_t at(const uint32_t *cp, size_t n, size_t i)
{
    return i < n ? cp[i] : 0;
}

/* 1 when the line discusses encodings, so mojibake in it may be quoted.
 * One pass over the line: a word is compared only where its first byte
 * stands (every line with a repair asks, and most are long), and the
 * bytes that start none are passed over with one table read. */
static int discusses_encoding(const char *s, size_t len)
{
    static const struct {
        const char *text;
        size_t len;
    } words[] = {
#define WORD(s) {s, sizeof s - 1}
        WORD("mojibake"), WORD("encoding"), WORD("garbled"),
        WORD("\xe4\xb9\xb1\xe7\xa0\x81"), /* 乱码 */
        WORD("\xe4\xba\x82\xe7\xa2\xbc"), /* 亂碼 */
        WORD("\xe7\xbc\x96\xe7\xa0\x81"), /* 编码 */
        WORD("\xe7\xb7\xa8\xe7\xa2\xbc"), /* 編碼 */
#undef WORD
    };
    static const unsigned char starts[256] = {
        ['m'] = 1, ['M'] = 1, ['e'] = 1, ['E'] = 1, ['g'] = 1, ['G'] = 1,
        [0xE4] = 1, [0xE7] = 1,
    };
    for (size_t i = 0; i < len; i++) {
        unsigned char a0 = (unsigned char)s[i];
        if (!starts[a0] || i + 1 >= len)
            continue;
        /* The second bytes of the words (o, n, a; B9, BA, BC, B7): most
         * E4 and E7 of Chinese text start none. */
        unsigned char a1 = (unsigned char)s[i + 1];
        if (a1 >= 'A' && a1 <= 'Z')
            a1 = (unsigned char)(a1 | 0x20);
        if (a1 != 'o' && a1 != 'n' && a1 != 'a' && a1 != 0xB9 && a1 != 0xBA &&
            a1 != 0xBC && a1 != 0xB7)
            continue;
        if (a0 >= 'A' && a0 <= 'Z')
            a0 = (unsigned char)(a0 | 0x20);
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            size_t wl = words[w].len;
            if ((unsigned char)words[w].text[0] != a0 || len - i < wl)
                continue;
            size_t k = 1;
            while (k < wl) {
                unsigned char a = (unsigned char)s[i + k];
                unsigned char b = (unsigned char)words[w].text[k];
                if (a >= 'A' && a <= 'Z')
                    a = (unsigned char)(a | 0x20);
                if (a != b)
                    break;
                k++;
            }
            if (k == wl)
                return 1;
        }
    }
    return 0;
}

/* Han characters of the units of w read from bytes all there (no byte
 * restored), counted up to `enough`. */
static int kept_han(const work *w, int enough)
{
    int n = 0;
    for (size_t k = 0; k < w->nu && n < enough; k++) {
        const unit *u = &w->u[k];
        if (!u->ok || u->blen < 3 || !zh_is_han(u->cp))
            continue;
        int kept = 1;
        for (uint32_t q = 0; q < u->blen; q++)
            kept &= w->fl[u->bs + q] == 0;
        n += kept;
    }
    return n;
}

/* The GBK bytes of the euro sign in UTF-8 read as GBK, after the bytes
 * b[0..nb) and before the character next: GB18030 decoders (glibc's
 * CP936 and GB18030, Python's gb18030, browsers) read it from A2 E3,
 * Windows' CP936 from 80. UTF-8 says which: where the bytes before want
 * one more continuation byte and the character after begins with one or
 * lost its first byte (a GB18030 decoder loses a lone 80: U+FFFD or ?),
 * A2 is that continuation and E3 the lead of the next character (红。 is
 * E7 BA A2 E3 80 82, read as 绾€ and a lost 80). */
static int euro_bytes(codec d, const uint16_t *b, size_t nb, uint32_t next,
                      uint16_t out[2])
{
    size_t cont = 0;
    while (cont < nb && cont < 3 && b[nb - 1 - cont] >= 0x80 &&
           b[nb - 1 - cont] < 0xC0)
        cont++;
    if (cont == nb || b[nb - 1 - cont] == WILD)
        return encode_char(d, 0x20AC, out);
    unsigned lead = b[nb - 1 - cont];
    size_t want = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    uint16_t nx[2];
    int after =
        next == 0xFFFD || next == '?' ||
        (next && encode_char(d, next, nx) && nx[0] >= 0x80 && nx[0] < 0xC0);
    if (want == cont + 1 && after) {
        out[0] = 0xA2;
        out[1] = 0xE3;
        return 2;
    }
    return encode_char(d, 0x20AC, out);
}

/* 1 when unit u of a reading of UTF-8 read as GBK is U+FFFD whose last
 * byte was lost: 锟 (EF BF) and a byte restored to a character of
 * U+FFC0-U+FFFF that GBK has not. No text has those (half-width Hangul,
 * unassigned points), but the layer under a double encoding has U+FFFD
 * where it lost a byte, and the outer layer loses the last byte of a run
 * as any other (锟 and U+FFFD at a run's end). Read so only where lost
 * marks may be read (cand.lost_marks). */
static int lost_mark_read(const work *w, const chain *ch, const unit *u)
{
    if (w->no_lost_marks || ch->misread.kind != CK_GBK ||
        ch->real.kind != CK_UTF8 || u->blen != 3 || u->cp < 0xFFC0 ||
        u->cp == 0xFFFD || zh_gbk_encode_table[u->cp])
        return 0;
    for (uint32_t q = 0; q < u->blen; q++)
        if (w->fl[u->bs + q])
            return 1;
    return 0;
}

/* 1 when the stream w->b of chain ch may be UTF-8 read as Latin-1 or ISO
 * 8859-2 with the C1 controls then stripped (c1_restore): no byte 80-9F
 * is left in it, where such a misreading of Chinese shows dozens. */
static int c1_stripped(const work *w, const chain *ch)
{
    if (ch->misread.kind != CK_SB || ch->real.kind != CK_UTF8 ||
        (ch->misread.sb != ZH_SB_CP1252 && ch->misread.sb != ZH_SB_ISO8859_2))
        return 0;
    for (size_t q = 0; q < w->nb; q++)
        if (w->b[q] >= 0x80 && w->b[q] < 0xA0)
            return 0;
    return 1;
}

/* 1 when the line, read back into ISO 8859-2 by chain ch, shows what
 * c1_restore undoes (no byte 80-9F, two or more three-byte leads short of
 * their continuation bytes): its restoration is tried even where a chain
 * before explained the line. Windows-1250, tried first, has most of ISO
 * 8859-2's letters and reads such a line its own way (文件名称和说明 as
 * 成䝜合称吃说成). Latin-1's case is Windows-1252's, the first chain. */
static int c1_line(const work *w, const chain *ch)
{
    if (ch->misread.kind != CK_SB || ch->misread.sb != ZH_SB_ISO8859_2 ||
        ch->real.kind != CK_UTF8)
        return 0;
    size_t short_leads = 0;
    int want = 0; /* continuation bytes the last lead still wants */
    for (size_t i = 0; i < w->n; i++) {
        int b = w->cp[i] < 0x80 ? (int)w->cp[i]
                                : sb_encode(ZH_SB_ISO8859_2, w->cp[i]);
        /* Such a line is all ISO 8859-2 (UTF-8 read as GBK has the
         * pinyin letters á é í among its Han) and has no C1 control. */
        if (b < 0 || (b >= 0x80 && b < 0xA0))
            return 0;
        if (want && b >= 0xA0 && b < 0xC0) {
            want--;
            continue;
        }
        short_leads += want > 0;
        want = b >= 0xE0 && b <= 0xEF ? 2 : 0;
    }
    short_leads += want > 0;
    return short_leads >= 2;
}

/* 1 when the ASCII unit k stands between two characters the reading
 * made of more than one byte: a word of one letter (“X” read as GBK is
 * 鈥淴鈥 with X the second byte of 淴, 9C 58), which the misreading took
 * whole. Where GBK misread the text, the characters either side may
 * hold a restored byte (按“q” read by GB18030: 鎸 夆, 80 lost, 渜 = 9C
 * 71); not in a reading of Big5, whose guesses make such a character of
 * lossy text (�稍� in a poem read as ╵y). */
static int between_read(const work *w, size_t k, int gbk)
{
    if (k == 0 || k + 1 >= w->nu)
        return 0;
    const unit *a = &w->u[k - 1], *z = &w->u[k + 1];
    if (!a->ok || a->blen < 2 || !z->ok || z->blen < 2 ||
        z->bs != w->u[k].bs + 1)
        return 0;
    /* The letter itself never restored; the characters beside it only
     * where GBK misread them. */
    for (uint32_t q = a->bs; q < z->bs + z->blen; q++)
        if (w->fl[q] && !(gbk && q != w->u[k].bs))
            return 0;
    return 1;
}

/* 1 when the ASCII unit k follows a mark the misreading made, unrestored,
 * and ASCII punctuation follows it in T: a word of code or a path quoted
 * after the mark (。` = E3 80 82 60 read as 銆 and 俙 = 82 60, then #;
 * “g/ read as 鈥 and 済, then /). Not after Han: two rare characters
 * before a bar (宕機| in a dictionary, E5 B4 99 43: 崙C|) are no such
 * reading. Restored bytes in the mark only where GBK misread it. */
static int after_read(const work *w, size_t k, int gbk)
{
    if (k == 0)
        return 0;
    const unit *a = &w->u[k - 1];
    if (!a->ok || a->blen < 3 || !chinese_mark(a->cp))
        return 0;
    for (uint32_t q = a->bs; q <= w->u[k].bs; q++)
        if (w->fl[q] && !(gbk && q < w->u[k].bs))
            return 0;
    return 1;
}

/* 1 when the ASCII unit k, the second byte of a pair of T whose next
 * character is T's nc, belongs to the run though no ASCII word goes on
 * after it: the pair is a private-use character, which no text has
 * (象`*' read as GB18030 keeps A1 60 as U+E4E6 before the *); or the byte
 * is a word of one letter (between_read), or follows a mark before ASCII
 * punctuation (after_read). gbk: GBK misread the text. */
static int trail_read(const work *w, size_t k, size_t nc, int gbk)
{
    uint32_t next = nc < w->n ? w->cp[nc] : 0;
    return is_pua(w->cp[nc - 1]) || between_read(w, k, gbk) ||
           (next > 0x20 && next < 0x7F && after_read(w, k, gbk));
}

/* All candidate repairs of chain ch in w->cp[0..n), appended to out. The
 * characters before and after the examined range are lprev and rnext. */
static int find_chain(work *w, int chain_id, uint32_t lprev, uint32_t rnext,
                      int fill, cands *out)
{
    const chain *ch = &chains[chain_id];
    size_t n = w->n;
    size_t i = 0;
    while (i < n) {
        /* A segment: a maximal run of characters encodable in D that holds
         * a non-ASCII character. */
        uint16_t tmp[2];
        if (w->cp[i] < 0x80 || !encode_char(ch->misread, w->cp[i], tmp)) {
            i++;
            continue;
        }
        size_t s = i;
        while (s > 0 && w->cp[s - 1] < 0x80 && w->cp[s - 1] != '\n' &&
               i - s < 2)
            s--; /* a little ASCII before: trail bytes and lost bytes */
        w->nb = 0;
        size_t j = s;
        /* Room for two bytes a character, at most, once. */
        if (!grow_bytes(w, 2 * (n - s)))
            return 0;
        {
            /* Through locals: a store to w->fl (bytes) may alias the work's
             * fields, which the compiler then read again each time. */
            const codec d = ch->misread;
            const uint32_t *cps = w->cp;
            uint16_t *b = w->b;
            uint32_t *ci = w->ci;
            size_t nb = 0;
            for (; j < n; j++) {
                uint16_t bb[2];
                int k = encode_char(d, cps[j], bb);
                if (!k || cps[j] == '\n')
                    break;
                if (cps[j] == 0x20AC && d.kind == CK_GBK &&
                    ch->real.kind == CK_UTF8)
                    k = euro_bytes(d, b, nb, j + 1 < n ? cps[j + 1] : 0, bb);
                b[nb] = bb[0];
                ci[nb++] = (uint32_t)j;
                if (k == 2) {
                    b[nb] = bb[1];
                    ci[nb++] = (uint32_t)j;
                }
            }
            memset(w->fl, 0, nb * sizeof *w->fl);
            w->nb = nb;
            w->ends_line = j < n ? cps[j] == '\n' : rnext == 0;
            w->line_first = 0;
            size_t k = 0;
            while (k < s && (cps[k] == ' ' || cps[k] == '\t'))
                k++;
            if (k == s && lprev == 0) {
                size_t p = 0;
                while (p < nb && (b[p] == ' ' || b[p] == '\t'))
                    p++;
                uint32_t cp;
                if (p < nb && decode_at(ch->real, b, p, nb, &cp))
                    w->line_first = cp;
            }
        }
        if (!fill && ch->misread.kind == CK_BIG5 && ch->real.kind == CK_UTF8)
            for (size_t q = 0; q < w->nb; q++)
                w->fillable += w->b[q] == WILD;
        if (!fill && probe_done(w))
            return 1;
        w->strips_shown = fill && ch->misread.kind == CK_GBK &&
                          ch->real.kind == CK_UTF8 && strips_in(w);
        if (fill && ch->misread.kind == CK_BIG5 && ch->real.kind == CK_UTF8) {
            if (!big5_wide_possible(w)) {
                i = j > i ? j : i + 1; /* the segment yields nothing */
                continue;
            }
            if (!sbeam_restore(w, ch->misread) || !decode_stream(w, ch, 0))
                return 0;
        } else if (fill && c1_stripped(w, ch)) {
            int done = c1_restore(w);
            if (done < 0)
                return 0;
            if (!decode_stream(w, ch, !done))
                return 0;
        } else if (!decode_stream(w, ch,
                                  fill && (ch->real.kind == CK_UTF8 ||
                                           ch->misread.kind == CK_SB))) {
            /* GBK and Big5 read as each other: only what both bytes of
             * every pair kept is undone. */
            return 0;
        }
        if (!fill && probe_done(w))
            return 1;
        if (fill && ch->real.kind == CK_UTF8 && ch->misread.kind != CK_SB)
            close_brackets(w, ch->misread);
        /* Text spaced out character by character (秀 出 使 用) read by
         * the other double-byte code: the spaces join its words into one
         * reading, as one decoder read them all. */
        if (is_swap(ch))
            for (size_t k = 1; k + 1 < w->nu; k++)
                if (w->u[k].blen == 1 && w->u[k].cp == ' ' &&
                    w->u[k - 1].ok && w->u[k - 1].blen == 2 &&
                    w->u[k + 1].ok && w->u[k + 1].blen == 2)
                    w->u[k].ok = 1;
        /* Big5 loses bytes unevenly: a word may have lost all of them
         * while the segment around it kept enough. The evidence is the
         * segment's (counted for Big5 alone, which reads it). */
        size_t seg_fills = 0, seg_bytes = 0;
        for (size_t k = 0; ch->misread.kind == CK_BIG5 && k < w->nu; k++) {
            if (!w->u[k].ok || w->u[k].blen < 2)
                continue;
            seg_bytes += w->u[k].blen;
            for (uint32_t q = 0; q < w->u[k].blen; q++)
                seg_fills += w->fl[w->u[k].bs + q] != 0;
        }
        /* Han characters the reading makes on the whole line, of bytes
         * all there: two or more say the line is Chinese, and the guessed
         * marks of its segments stand (”、 after an ASCII word). */
        int line_han = -1; /* counted when a guessed mark asks */
        /* Runs of multibyte units aligned on characters of T. */
        size_t a = 0;
        while (a < w->nu) {
            if (!w->u[a].ok) {
                a++;
                continue;
            }
            size_t z = a;
            while (z < w->nu && w->u[z].ok)
                z++;
            size_t ua = a, uz = z;
            a = z;
            /* Align the start and the end on character boundaries. */
            while (ua < uz && w->u[ua].bs > 0 &&
                   w->ci[w->u[ua].bs] == w->ci[w->u[ua].bs - 1])
                ua++;
            /* A double-byte character of T may end with an ASCII byte that
             * E reads as ASCII (銆乤ctive: 乤 is 81 61): take it along,
             * only inside an ASCII word whose rest is still there. Where E
             * is UTF-8, the byte may be any ASCII GBK takes as a second
             * byte, before a letter or digit (鈥渰0}: 渰 is 9C 7B, the end
             * of “ and the { of a placeholder); GBK and Big5 read as each
             * other keep to letters. (契契寤歎, in verse written with ASCII
             * commas, is no 廚U, : the word must go on.) */
            int any_ascii = ch->real.kind == CK_UTF8;
            while (uz < w->nu && uz > ua) {
                size_t be = w->u[uz - 1].bs + w->u[uz - 1].blen;
                uint32_t tail = w->u[uz].cp;
                if (be >= w->nb || w->ci[be] != w->ci[be - 1] ||
                    w->u[uz].blen != 1 ||
                    !(any_ascii ? tail >= 0x40 && tail <= 0x7E
                                : zh_is_ascii_alnum(tail)))
                    break;
                /* ...or, where E is UTF-8, where the reading shows the
                 * byte was taken whole (trail_read). */
                size_t nc = w->ci[be] + 1;
                if ((nc >= n || !zh_is_ascii_alnum(w->cp[nc])) &&
                    !(any_ascii &&
                      trail_read(w, uz, nc, ch->misread.kind == CK_GBK)))
                    break;
                w->u[uz].ok = 1;
                uz++;
            }
            while (uz > ua) {
                size_t be = w->u[uz - 1].bs + w->u[uz - 1].blen;
                if (be >= w->nb || w->ci[be] != w->ci[be - 1])
                    break;
                uz--;
            }
            if (ua == uz)
                continue;
            /* GBK and Big5 misread Chinese: a reading with no character
             * beyond two bytes is not what the chain produces. */
            int nbsp_only = 0;
            if (ch->misread.kind != CK_SB && ch->real.kind == CK_UTF8) {
                int wide = 0;
                for (size_t k = ua; k < uz && !wide; k++)
                    wide = w->u[k].blen >= 3;
                /* ...except no-break spaces (C2 A0, which GBK reads as
                 * 聽): web pages are full of them, and between ASCII
                 * words they are all that the chain leaves. Such a reading
                 * is kept only where a strong one shows the chain on the
                 * line (as lone_lossy_in_prose's), and never next to Han:
                 * there a misread no-break space is part of a wider run,
                 * and 聽 is a word (差不多聽不到 beside a stretch still
                 * to be read as GBK). */
                nbsp_only = !wide && ch->misread.kind == CK_GBK;
                for (size_t k = ua; k < uz && nbsp_only; k++)
                    nbsp_only = w->u[k].cp == 0xA0;
                if (!wide && !nbsp_only)
                    continue;
            }
            size_t cs = w->ci[w->u[ua].bs];
            size_t ce = w->ci[w->u[uz - 1].bs + w->u[uz - 1].blen - 1] + 1;
            if (nbsp_only && ((cs > 0 && zh_is_han(w->cp[cs - 1])) ||
                              (ce < n && zh_is_han(w->cp[ce]))))
                continue;
            if (!grow((void **)&out->c, &out->cap, out->n + 1, sizeof *out->c))
                return 0;
            cand *c = &out->c[out->n];
            memset(c, 0, sizeof *c);
            c->nrep = uz - ua;
            c->rep = malloc((c->nrep + 1) * sizeof *c->rep);
            if (!c->rep)
                return 0;
            for (size_t k = ua; k < uz; k++) {
                c->rep[k - ua] = w->u[k].cp;
                if (lost_mark_read(w, ch, &w->u[k]))
                    c->rep[k - ua] = 0xFFFD;
                c->lost_marks += c->rep[k - ua] == 0xFFFD && w->u[k].ok;
            }
            /* One two-byte sequence, or one symbol: weak evidence. */
            c->weak = uz - ua == 1 &&
                      (w->u[ua].blen <= 2 ||
                       (w->u[ua].cp >= 0x1D00 && w->u[ua].cp < 0x2E80));
            c->cs = cs;
            c->ce = ce;
            c->nbsp_only = nbsp_only;
            uint32_t prev = cs ? w->cp[cs - 1] : lprev;
            uint32_t next = ce < n ? w->cp[ce] : rnext;
            c->before = wcost(w, prev, w->cp + cs, ce - cs);
            c->after = wcost(w, prev, c->rep, c->nrep);
            if (next) {
                c->before += wstep(w, w->cp[ce - 1], next);
                c->after += wstep(w, c->rep[c->nrep - 1], next);
            }
            /* A reading with Chinese in it: its guessed marks stand. */
            int chinese = 0;
            for (size_t k = ua; k < uz && !chinese; k++)
                chinese = zh_is_han(w->u[k].cp);
            for (size_t k = ua; k < uz && ch->misread.kind == CK_SB; k++) {
                /* A guessed byte in Western text: one letter cannot be
                 * told from another, so the character stays lost (scored
                 * as the best guess, shown as U+FFFD). */
                int guessed = 0;
                for (size_t q = 0; q < w->u[k].blen; q++)
                    guessed |= w->fl[w->u[k].bs + q] == ZH_FILL_GUESS;
                if (!guessed || w->u[k].cp >= 0x2E80)
                    continue;
                int reliable = reliable_guess(w->u[k].cp);
                if (reliable && !chinese) {
                    if (line_han < 0)
                        line_han = kept_han(w, 2);
                    chinese = line_han >= 2;
                }
                if (!(chinese && reliable))
                    c->rep[k - ua] = 0xFFFD;
            }
            /* A no-break space read back from a space that also separated
             * two words (spaces coalesced): the separator stays. Only after
             * à, the one such letter that is a word of its own (French,
             * Portuguese). */
            {
                const unit *last = &w->u[uz - 1];
                int nbsp_end = w->fl[last->bs + last->blen - 1] == ZH_FILL_SURE;
                if (nbsp_end && c->rep[c->nrep - 1] == 0xE0 /* à */ &&
                    ce + 1 < n && zh_is_ascii_alnum(w->cp[ce]) &&
                    (zh_is_ascii_alnum(w->cp[ce + 1]) || w->cp[ce + 1] == '\'' ||
                     w->cp[ce + 1] == 0x2019 ||
                     misread_apostrophe(ch->misread, w->cp + ce + 1,
                                        n - ce - 1)))
                    c->rep[c->nrep++] = ' ';
            }
            c->fills = 0;
            size_t bend = w->u[uz - 1].bs + w->u[uz - 1].blen;
            double penalty = 0.0;
            for (size_t k = w->u[ua].bs; k < bend; k++) {
                c->fills += w->fl[k] != 0;
                penalty += w->fl[k] == ZH_FILL_INSERT ? ZH_INSERT_PENALTY
                           : w->fl[k]                ? ZH_FILL_PENALTY
                                                     : 0.0;
            }
            c->gain = c->before - c->after - ch->prior - penalty;
            /* Mostly guessed bytes are no evidence (a run of U+FFFD is not
             * made Chinese). Big5 loses half the bytes of UTF-8 Chinese
             * (every continuation byte below A1 it meets as a lead), so
             * there a quarter of the segment's bytes must be kept. */
            size_t nbytes = bend - w->u[ua].bs;
            if (ch->misread.kind == CK_BIG5
                    ? seg_fills * 4 > seg_bytes * 3
                    : (size_t)c->fills * 2 > nbytes)
                c->gain = -HUGE_VAL;
            /* In Chinese text, a stretch of Western letters and symbols
             * that reads as Chinese is the more likely to be mojibake:
             * the class model prices those letters for Western text. */

            c->chain_ids[0] = chain_id;
            c->layers = 1;
            out->n++;
            w->gained |= c->gain > 0.0;
            if (!fill && probe_done(w))
                return 1;
        }
        i = j > i ? j : i + 1;
    }
    return 1;
}

/* 1 when the reading of c holds a private-use character of GBK's. */
static int has_gbk_pua(const cand *c)
{
    for (size_t q = 0; q < c->nrep; q++)
        if (gbk_user_defined(c->rep[q]))
            return 1;
    return 0;
}

/* Mark the inner repairs deepen splices into a reading (kept): the best
 * of sub (best first), and every other of its chain that gains and
 * overlaps none kept. One decoder misread the whole layer; where it lost
 * bytes, the layer above reads them as U+FFFD or private use, which part
 * its readings. Returns how many. */
static size_t keep_inner(cands *sub)
{
    size_t taken = 0;
    for (size_t k = 0; k < sub->n; k++) {
        cand *s = &sub->c[k];
        s->kept = 0;
        if (s->gain <= 0.0 || s->chain_ids[0] != sub->c[0].chain_ids[0] ||
            s->lost_marks)
            continue;
        int clash = 0;
        for (size_t q = 0; q < k && !clash; q++)
            clash =
                sub->c[q].kept && s->cs < sub->c[q].ce && sub->c[q].cs < s->ce;
        if (clash)
            continue;
        s->kept = 1;
        taken++;
    }
    return taken;
}

/* 1 when c read U+FFFD back from 锟 and no layer under it was undone.
 * Where one was, a U+FFFD the layer under could not restore stays: it is
 * what that layer held, a lossy mark check reports. */
static int lost_marks_left(const cand *c)
{
    return c->lost_marks && c->layers == 1;
}

/* 1 when the readings c[0..n) cover at least half of the line's
 * characters other than spaces: such a line is mojibake, not text that
 * quotes some (discusses_encoding); a scraped paragraph read as
 * Windows-1252 may well name an Accept-Encoding header. */
static int mostly_read(const work *w, const cand *c, size_t n)
{
    size_t read = 0, shown = 0;
    for (size_t k = 0; k < n; k++)
        read += c[k].ce - c[k].cs;
    for (size_t i = 0; i < w->n; i++)
        shown += w->cp[i] != ' ' && w->cp[i] != '\t';
    return read * 2 >= shown && shown > 0;
}

static int cand_cmp(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    if (a->gain != b->gain)
        return a->gain > b->gain ? -1 : 1;
    return a->cs < b->cs ? -1 : a->cs > b->cs;
}

/* 1 when the line has at most ZH_SHORT_LINE characters that start the
 * mojibake of ZH_MF_* flag `need`, and at least one: such a line is
 * restored whether or not its plain reading gains. A line with none has
 * nothing of that misreading, only marks (a line of GBK mojibake read as
 * Big5 has U+FFFD and Han that Big5 reads), and their guesses are no
 * evidence. Counted once per flag (bit fb of *known, the answer in
 * *shorts): chains share them. */
static int short_span(const work *w, uint8_t need, unsigned *known,
                      unsigned *shorts)
{
    int fb = __builtin_ctz(need);
    if (!(*known >> fb & 1)) {
        size_t span = 0;
        for (size_t i = 0; i < w->n && span <= ZH_SHORT_LINE; i++)
            span += w->cp[i] >= 0x80 && w->cp[i] <= 0xFFFF &&
                    (zh_moji_flags[w->cp[i]] & need);
        *known |= 1u << fb;
        if (span >= 1 && span <= ZH_SHORT_LINE)
            *shorts |= 1u << fb;
    }
    return *shorts >> fb & 1;
}

/* 1 when a reading of GBK and Big5 read as each other puts kana, Greek,
 * Cyrillic, bopomofo or box drawing next to Han: the rows of either code
 * that hold them (GBK A4-A9, Big5 A3) are where the other code's common
 * Han characters fall (Big5's 載筐及筥 read as GBK gives 更胆の週), and a
 * Chinese word given back has none of them inside. (A table's frame, │
 * alone between spaces, is what GBK text has.) Kana anywhere: these
 * chains are not tried in a Japanese block (scan_line), so kana would put
 * Japanese into one that is not (verse's tonal pattern 仄仄平平, Big5's
 * A4 row, reads as しキキ). */
static int alphabet(uint32_t cp);

static int swap_makes_foreign(const cand *c)
{
    for (size_t q = 0; q < c->nrep; q++) {
        uint32_t r = c->rep[q];
        if (zh_is_kana(r))
            return 1;
        if (!(alphabet(r) >= 2 /* Greek, Cyrillic */ ||
              (r >= 0x2500 && r <= 0x257F) || (r >= 0x3100 && r <= 0x312F)))
            continue;
        if ((q > 0 && zh_is_han(c->rep[q - 1])) ||
            (q + 1 < c->nrep && zh_is_han(c->rep[q + 1])))
            return 1;
    }
    return 0;
}

/* 1 when the line, encoded back to the single-byte code page sb, holds the
 * three bytes of a UTF-8 Han character somewhere (E3-E9, then two of
 * 80-BF). */
static int sb_holds_utf8_han(const work *w, int sb)
{
    int need = 0; /* continuation bytes still wanted */
    for (size_t i = 0; i < w->n; i++) {
        int b = sb_encode(sb, w->cp[i]);
        if (need && b >= 0x80 && b <= 0xBF) {
            if (--need == 0)
                return 1;
        } else {
            need = b >= 0xE3 && b <= 0xE9 ? 2 : 0;
        }
    }
    return 0;
}

/* Candidates of all chains the line's flags allow, best first; chains
 * that misread as `skip` (when not NULL) are left out. */
static int find_all(work *w, uint8_t flags, const codec *skip, uint32_t lprev,
                    uint32_t rnext, cands *out)
{
    /* The Western code pages other than Windows-1252 are tried only where
     * the line has a character Windows-1252 (with Latin-1) cannot encode,
     * or where Windows-1252's readings as UTF-8 leave a tenth of the line
     * unexplained (and never on long lines): otherwise their readings are
     * Windows-1252's or worse, and the work is bounded. Its readings as
     * GBK do not count: GBK pairs nearly any two bytes, and UTF-8 read as
     * MacRoman has only letters Windows-1252 has too (支援 shows as
     * ÊîØÊè¥, which as GBK read so gives 暑厥瑗). */
    int other_sb = 0;
    if (flags & ZH_MF_UTF8_SB)
        for (size_t i = 0; i < w->n && !other_sb; i++)
            other_sb = w->cp[i] >= 0x80 && w->cp[i] < 0x2600 &&
                       sb_encode(ZH_SB_CP1252, w->cp[i]) < 0;
    size_t covered = 0, covered_utf8 = 0, high = 0, explained = 0;
    for (size_t i = 0; i < w->n; i++)
        high += w->cp[i] >= 0x80;
    /* The single-byte code pages that encode a non-ASCII character of the
     * line (U+FFFD: all, it stands for a lost byte): a chain whose code
     * page encodes none finds nothing (a box-drawing table is cp437's
     * alone), so it is not walked. */
    unsigned sb_have = 0;
    if (flags & (ZH_MF_UTF8_SB | ZH_MF_GBK_SB)) {
        const unsigned all = (1u << ZH_SB_COUNT) - 1;
        for (size_t i = 0; i < w->n && sb_have != all; i++) {
            uint32_t cp = w->cp[i];
            if (cp < 0x80 || cp > 0xFFFF)
                continue;
            if (cp == 0xFFFD) {
                sb_have = all;
                break;
            }
            unsigned m = zh_sb_encode_any[cp >> 8] & ~sb_have;
            for (int sb = 0; m >> sb; sb++)
                if ((m >> sb & 1) && sb_encode(sb, cp) >= 0)
                    sb_have |= 1u << sb;
        }
    }
    /* By bit of a chain's ZH_MF_* flag: whether the line's characters
     * that start such mojibake were counted, and whether they are few
     * (ZH_SHORT_LINE). */
    unsigned short_known = 0, short_span_bits = 0;
    /* The other Western code pages last, once the rest have shown how
     * much of the line they explain. */
    for (size_t o = 0; o < NCHAINS; o++) {
        size_t k = o;
        if (o < NCHAINS - N_OTHER_SB)
            k = o < FIRST_OTHER_SB ? o : o + N_OTHER_SB;
        else
            k = FIRST_OTHER_SB + (o - (NCHAINS - N_OTHER_SB));
        if (!(flags & chains[k].need))
            continue;
        if (chains[k].misread.kind == CK_SB &&
            !(sb_have >> chains[k].misread.sb & 1))
            continue;
        if (skip && chains[k].misread.kind == skip->kind &&
            chains[k].misread.sb == skip->sb)
            continue;
        /* Whether the chains before left most of the line unexplained. */
        int open = explained * 10 < high * 9;
        int other_western = chains[k].misread.kind == CK_SB &&
                            chains[k].misread.sb != ZH_SB_CP1252 &&
                            chains[k].real.kind == CK_UTF8 && !other_sb &&
                            chains[k].misread.sb + 1 != w->again_sb;
        if (other_western && (w->n > 400 || covered_utf8 * 10 >= high * 9))
            continue;
        /* ...where GBK or Big5 read through Windows-1252 explain the line
         * instead, only a reading of Chinese with no byte restored tells
         * UTF-8 from chance: the pairs of GBK text read so give single
         * letters and marks (項 and the space after it read as
         * Windows-1250 are Hangul 헠). */
        int chinese_only = other_western && covered * 10 >= high * 9;
        if (chinese_only && !sb_holds_utf8_han(w, chains[k].misread.sb))
            continue;
        /* Where Windows-1252's readings as UTF-8 explain the line, its
         * bytes are UTF-8: their GBK or Big5 reading would be UTF-8 read
         * as GBK or Big5, whose undoing leads back to the same text. */
        if (chains[k].misread.kind == CK_SB && chains[k].real.kind != CK_UTF8 &&
            high && covered * 10 >= high * 9)
            continue;
        /* UTF-8 read as Big5: the decoder produced the line, so nearly
         * all its characters encode back (the rest may be a quotation). */
        if (chains[k].misread.kind == CK_BIG5 && chains[k].real.kind == CK_UTF8) {
            size_t enc = 0;
            uint16_t tmp[2];
            for (size_t i = 0; i < w->n; i++)
                enc += w->cp[i] >= 0x80 &&
                       encode_char(chains[k].misread, w->cp[i], tmp) > 0;
            if (enc * 4 < high * 3)
                continue;
        }
        /* Where the chains before explain the line (UTF-8 read as GBK,
         * say), it is not GBK or Big5 text read as the other as well: one
         * line is not misread two ways. (The swaps' plain readings were a
         * sixth of the work on lines of UTF-8 read as GBK.) */
        if (is_swap(&chains[k]) && !open)
            continue;
        /* GBK and Big5 read as each other: the one decoder produced every
         * character of the line, so all of them encode back. */
        if (is_swap(&chains[k])) {
            int all = 1;
            uint16_t tmp[2];
            for (size_t i = 0; i < w->n && all; i++)
                all = w->cp[i] < 0x80 ||
                      encode_char(chains[k].misread, w->cp[i], tmp) > 0;
            if (!all)
                continue;
        }
        size_t before = out->n;
        /* Restoring lost bytes is the costly part: a chain whose plain
         * reading (lost bytes left lost) gains nowhere on a line with much
         * it could have misread is not the line's chain, and is not tried
         * further. (A short stretch may need its lost bytes for any
         * reading at all: 涓枃 for 中文 once a private-use character was
         * stripped, é … for 項 once a no-break space became a space.) */
        w->fillable = 0;
        w->gained = 0;
        /* Whether the plain reading gains matters below only where the
         * line is still open, no layer is being undone and the line is
         * not short (a short one is restored either way). */
        w->probe = open && !skip &&
                           !short_span(w, chains[k].need, &short_known,
                                       &short_span_bits)
                       ? PROBE_GAINS
                       : PROBE_FILLABLE;
        int plain = find_chain(w, (int)k, lprev, rnext, 0, out);
        w->probe = PROBE_NONE;
        if (!plain)
            return 0;
        if (w->fillable) {
            /* Where nothing was lost the plain reading is the reading. */
            int gains = 0;
            for (size_t c = before; c < out->n && !gains; c++)
                gains = out->c[c].gain > 0.0;
            for (size_t c = before; c < out->n; c++)
                free(out->c[c].rep);
            out->n = before;
            /* Big5 loses so many bytes that its plain reading is mostly
             * lost: there the marks themselves are the sign (a quarter of
             * the line's non-ASCII characters or more). */
            if (!gains && chains[k].misread.kind == CK_BIG5 &&
                chains[k].real.kind == CK_UTF8) {
                size_t marks = 0;
                for (size_t i = 0; i < w->n; i++)
                    marks += w->cp[i] == 0xFFFD;
                gains = marks * 4 >= high;
            }
            /* Inside a reading (a further layer), the reading itself is
             * the evidence: a gap left in it is restored; so is one of a
             * short line. */
            int is_short = short_span(w, chains[k].need, &short_known,
                                      &short_span_bits);
            /* ...unless the chains before have explained the line (open):
             * then a plain reading that gains somewhere is no reason
             * either (UTF-8 read as GBK, lost bytes and all, also reads in
             * places as Big5, whose whole-segment restoration was the
             * costliest work on such lines and never won there). That
             * restoration also waits for a line they explain less than
             * half of: what they left of UTF-8 read as GBK is its lost
             * bytes, not Big5's. */
            if (chains[k].misread.kind == CK_BIG5 &&
                chains[k].real.kind == CK_UTF8 && explained * 2 >= high)
                open = 0;
            if ((gains && open) || skip || (is_short && open) ||
                c1_line(w, &chains[k])) {
                w->restored++;
                if (!find_chain(w, (int)k, lprev, rnext, 1, out))
                    return 0;
            }
        }
        for (size_t c = before; c < out->n && chinese_only; c++) {
            int han = 0;
            for (size_t q = 0; q < out->c[c].nrep && !han; q++)
                han = zh_is_han(out->c[c].rep[q]);
            if (!han || out->c[c].fills)
                out->c[c].gain = -HUGE_VAL;
        }
        for (size_t c = before; c < out->n; c++)
            if (out->c[c].gain >= ZH_MOJI_MARGIN)
                for (size_t i = out->c[c].cs; i < out->c[c].ce; i++)
                    explained += w->cp[i] >= 0x80;
        /* ...and its strong readings explain most of the line: a rare
         * word or two of real text that reads as common characters is no
         * such line (萋萋 in a poem is not 抵抵). */
        if (is_swap(&chains[k])) {
            size_t expl = 0;
            double total = 0.0;
            int foreign = 0;
            for (size_t c = before; c < out->n; c++) {
                foreign |= swap_makes_foreign(&out->c[c]);
                if (out->c[c].gain >= ZH_MOJI_MARGIN)
                    for (size_t i = out->c[c].cs; i < out->c[c].ce; i++)
                        expl += w->cp[i] >= 0x80;
                if (isfinite(out->c[c].gain))
                    total += out->c[c].gain;
            }
            /* More than half of its non-ASCII characters. Together with
             * the line's other words, which the same decoder read too and
             * which count with what they lose, the readings must gain:
             * verse whose marks are ASCII (采采芣苢,薄言采之) is two rare
             * words that read as commoner ones and two common words that
             * do not. And no word may read as kana or box drawing beside
             * Han (swap_makes_foreign). */
            if (expl * 2 <= high || total < ZH_MOJI_MARGIN || foreign)
                for (size_t c = before; c < out->n; c++)
                    out->c[c].gain = -HUGE_VAL;
        }
        /* How much of the line Windows-1252's readings explain (of
         * UTF-8, GBK or Big5 bytes). */
        if (chains[k].misread.kind == CK_SB &&
            chains[k].misread.sb == ZH_SB_CP1252)
            for (size_t c = before; c < out->n; c++)
                if (out->c[c].gain >= ZH_MOJI_MARGIN) {
                    covered += out->c[c].ce - out->c[c].cs;
                    if (chains[k].real.kind == CK_UTF8)
                        covered_utf8 += out->c[c].ce - out->c[c].cs;
                }
    }
    /* Best first (cand_cmp), equal ones in the order found. */
    zh_sort_nearly(out->c, out->n, sizeof *out->c, cand_cmp);
    return 1;
}

/* Two characters whose Windows-1252 bytes are the GBK code of one of the
 * commonest characters (unigram log-probability above COMMON_GBK_LOGP):
 * Traditional text in GBK has codes outside the pattern line_flags looks
 * for first, a byte of B0-FF before one of C0-FF (支 is D6 A7, 將 8C A2,
 * 為 9E E9); Western text seldom puts two such letters or symbols
 * together. A no-break space does not count: UTF-8's own, C2 A0,
 * is GBK's 聽. */
#define COMMON_GBK_LOGP (-8.0)
static int common_gbk_pair(uint32_t a, uint32_t b)
{
    int x = sb_encode(ZH_SB_CP1252, a), y = sb_encode(ZH_SB_CP1252, b);
    if (x < 0x81 || x > 0xFE || y < 0x80 || y > 0xFE || y == 0xA0)
        return 0;
    uint32_t d = zh_gbk_decode[(x - 0x81) * 191 + (y - 0x40)];
    return d && zh_is_han(d) && zh_char_logp(d) > COMMON_GBK_LOGP;
}

static uint8_t line_flags(const uint32_t *cp, size_t n)
{
    uint8_t f = 0;
    int gbk_sb = 0;
    uint32_t k = 0, rare = 0;
    size_t at = 0, last_rare = 0;
    int close = 0;
    for (size_t i = 0; i < n; i++) {
        size_t here = at;
        at += cp[i] < 0x80 ? 1 : cp[i] < 0x800 ? 2 : cp[i] < 0x10000 ? 3 : 4;
        if (cp[i] < 0x80)
            continue;
        k++;
        if (dbcs_rare(cp[i])) {
            rare++;
            if (last_rare && here + 1 - last_rare <= ZH_DBCS_REACH)
                close = 1;
            last_rare = here + 1;
        }
        if (cp[i] <= 0xFFFF) {
            f |= zh_moji_flags[cp[i]] & (uint8_t)~(ZH_MF_GBK_SB | ZH_MF_DBCS);
            /* GBK read as Windows-1252: a byte of B0-FF (the lead bytes of
             * common characters) followed by one of C0-FF. UTF-8 read so
             * rarely shows that: its lead bytes follow continuation bytes
             * of 80-BF, and B0-BF is only a quarter of those. */
            if (!gbk_sb && i + 1 < n && sb_encode(ZH_SB_CP1252, cp[i]) >= 0xB0)
                gbk_sb = sb_encode(ZH_SB_CP1252, cp[i + 1]) >= 0xC0;
            if (!gbk_sb && i + 1 < n)
                gbk_sb = common_gbk_pair(cp[i], cp[i + 1]);
        }
        if (cp[i] == 0xFFFD || is_pua(cp[i]))
            f |= ZH_MF_UTF8_GBK | ZH_MF_UTF8_BIG5;
        if (cp[i] < 0xA0)
            f |= ZH_MF_UTF8_SB; /* C1 controls */
    }
    if (gbk_sb)
        f |= ZH_MF_GBK_SB;
    if (dbcs_line(k, rare, close) && !holds_chinese_mark(cp, n))
        f |= ZH_MF_DBCS;
    return f;
}

/* Undo further layers of c: examine its reading alone, as long as a
 * reading of the whole of it gains. */
/* 1 when a reading may hold another layer: mojibake is dense with the
 * characters that start it (a fifth of them at least), or shows C1
 * controls or lost bytes; a real Chinese reading has few. */
static int suspicious_cps(const uint32_t *cp, size_t n)
{
    size_t flagged = 0;
    for (size_t i = 0; i < n; i++) {
        if (cp[i] == 0xFFFD || is_pua(cp[i]) || (cp[i] >= 0x80 && cp[i] < 0xA0))
            return 1;
        flagged += cp[i] >= 0x80 && cp[i] <= 0xFFFF && zh_moji_flags[cp[i]] &&
                   !zh_is_han(cp[i]);
    }
    return flagged * 5 >= n && flagged > 0;
}

static int deepen(zh_scan *scan, cand *c, uint32_t lprev, uint32_t rnext)
{
    /* Only a reading that itself looks like mojibake has another layer. */
    while (c->layers < ZH_MAX_LAYERS && suspicious_cps(c->rep, c->nrep)) {
        work w;
        memset(&w, 0, sizeof w);
        cands sub = {0};
        w.memo_scan = scan;
        w.cp = malloc(c->nrep * sizeof *w.cp);
        if (!w.cp)
            return 0;
        memcpy(w.cp, c->rep, c->nrep * sizeof *w.cp);
        w.n = c->nrep;
        /* A layer that misreads as what the previous layer decoded with
         * only re-encodes and decodes the same bytes again: the two
         * together are one chain, already tried on its own (GBK read as
         * Windows-1252 over UTF-8 bytes, then UTF-8 read as GBK, is UTF-8
         * read as Windows-1252). Such chains are not even tried. */
        const chain *last = &chains[c->chain_ids[c->layers - 1]];
        if (last->misread.kind == CK_SB)
            w.again_sb = last->misread.sb + 1;
        int ok = find_all(&w, line_flags(w.cp, w.n), &last->real, lprev,
                          rnext, &sub);
        size_t taken = ok ? keep_inner(&sub) : 0;
        /* Private-use characters in a kept reading are GBK's user-defined
         * pairs, and no layer under this one reads them back here: the
         * layer is read again without them, as scan_line does a line. */
        int pua = 0;
        for (size_t k = 0; k < sub.n && !pua; k++)
            pua = sub.c[k].kept && has_gbk_pua(&sub.c[k]);
        if (pua) {
            cands_clear(&sub);
            w.no_pua = 1;
            ok = find_all(&w, line_flags(w.cp, w.n), &last->real, lprev, rnext,
                          &sub);
            taken = ok ? keep_inner(&sub) : 0;
        }
        int more = 0;
        if (taken) {
            int id = sub.c[0].chain_ids[0];
            size_t nn = c->nrep;
            for (size_t k = 0; k < sub.n; k++)
                if (sub.c[k].kept)
                    nn += sub.c[k].nrep - (sub.c[k].ce - sub.c[k].cs);
            uint32_t *r = malloc((nn ? nn : 1) * sizeof *r);
            if (r) {
                size_t o = 0, from = 0;
                /* In text order: the kept ones do not overlap. */
                for (size_t t = 0; t < taken; t++) {
                    cand *s = NULL;
                    for (size_t k = 0; k < sub.n; k++)
                        if (sub.c[k].kept && sub.c[k].cs >= from &&
                            (!s || sub.c[k].cs < s->cs))
                            s = &sub.c[k];
                    memcpy(r + o, c->rep + from, (s->cs - from) * sizeof *r);
                    o += s->cs - from;
                    memcpy(r + o, s->rep, s->nrep * sizeof *r);
                    o += s->nrep;
                    from = s->ce;
                    c->after -= s->gain + chains[id].prior;
                    c->gain += s->gain;
                    c->fills += s->fills;
                }
                memcpy(r + o, c->rep + from, (c->nrep - from) * sizeof *r);
                free(c->rep);
                c->rep = r;
                c->nrep = nn;
                c->chain_ids[c->layers++] = id;
                more = 1;
            } else {
                ok = 0;
            }
        }
        cands_clear(&sub);
        free(sub.c);
        work_free(&w);
        if (!ok)
            return 0;
        if (!more)
            break;
    }
    return 1;
}

/* ---- The rule ---------------------------------------------------------- */

/* 1 when c may be the outer layer of a double encoding although it gains
 * little or nothing itself: UTF-8 read as a Western code page whose
 * reading is Western letters and symbols that look like mojibake again.
 * The model prices such a reading about as it prices the text (是 read as
 * cp437 twice is ┬╡├┐┬╗, its first layer µÿ»: gain -0.5), so the
 * evidence is all in the layer under it, which deepen weighs; the
 * repair still has to clear the margins with the layers together. */
static int outer_layer(const chain *ch, const cand *c)
{
    return c->gain > -ZH_MOJI_MARGIN && ch->misread.kind == CK_SB &&
           ch->real.kind == CK_UTF8 && c->nrep >= 2 &&
           suspicious_cps(c->rep, c->nrep);
}

/* deepen c, the reading of the line's characters [c->cs, c->ce), unless
 * it was already. Returns 0 when out of memory. */
static int deepen_once(zh_scan *scan, const work *w, cand *c)
{
    if (c->deepened)
        return 1;
    c->deepened = 1;
    return deepen(scan, c, c->cs ? w->cp[c->cs - 1] : 0,
                  at(w->cp, w->n, c->ce));
}

static int utf8_cat(char *dst, size_t cap, size_t *len, const uint32_t *cp,
                    size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (*len + 4 > cap)
            return 0;
        *len += zh_utf8_encode(cp[i], dst + *len);
    }
    return 1;
}

/* x with one decimal, as "%.1f" writes it (half away from zero), into
 * out (at least 24 bytes): the explanation of every repair has four such
 * numbers, and printf's floating point is the costliest part of it. */
static const char *tenths(double x, char *out)
{
    char tmp[24];
    size_t n = 0, k = 0;
    int neg = x < 0.0;
    double a = neg ? -x : x;
    if (!(a < 1e15)) { /* infinite, NaN or huge: let printf say it */
        snprintf(out, 24, "%.1f", x);
        return out;
    }
    unsigned long long t = (unsigned long long)(a * 10.0 + 0.5);
    neg = neg && t;
    tmp[n++] = (char)('0' + t % 10);
    tmp[n++] = '.';
    t /= 10;
    do {
        tmp[n++] = (char)('0' + t % 10);
        t /= 10;
    } while (t);
    if (neg)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    out[k] = '\0';
    return out;
}

/* Append the string t to buf (capacity cap, length *len), as much as fits
 * with room for a NUL. */
static void put(char *buf, size_t cap, size_t *len, const char *t)
{
    size_t n = strlen(t);
    if (n > cap - 1 - *len)
        n = cap - 1 - *len;
    memcpy(buf + *len, t, n);
    *len += n;
}

/* The detail of c's finding: its chain, costs and what was done, in the
 * scan's arena (NULL when out of memory). Built by hand: one finding per
 * repair, and printf costs more than the repair's own search on
 * mojibake-heavy text. */
static const char *explain_cand(zh_scan *scan, const cand *c, int quoted)
{
    char d[640];
    size_t dl = 0;
    const chain *first = &chains[c->chain_ids[0]];
    char nb[24];
    put(d, sizeof d, &dl, codec_name(first->real));
    put(d, sizeof d, &dl, " read as ");
    put(d, sizeof d, &dl, codec_name(first->misread));
    put(d, sizeof d, &dl,
        c->layers > 1 ? (c->layers == 2 ? ", twice" : ", three times") : "");
    put(d, sizeof d, &dl, ": ");
    for (int l = 0; l < c->layers; l++) {
        const chain *ch = &chains[c->chain_ids[l]];
        put(d, sizeof d, &dl, l ? "; then " : "");
        put(d, sizeof d, &dl, codec_name(ch->misread));
        put(d, sizeof d, &dl, " \xe2\x86\x92 ");
        put(d, sizeof d, &dl, codec_name(ch->real));
    }
    put(d, sizeof d, &dl, "; cost ");
    put(d, sizeof d, &dl, tenths(c->before, nb));
    put(d, sizeof d, &dl, " \xe2\x86\x92 ");
    put(d, sizeof d, &dl, tenths(c->after, nb));
    put(d, sizeof d, &dl, " nats (gain ");
    put(d, sizeof d, &dl, tenths(c->gain, nb));
    put(d, sizeof d, &dl, ", needed ");
    put(d, sizeof d, &dl, tenths(ZH_MOJI_MARGIN, nb));
    put(d, sizeof d, &dl, ")");
    put(d, sizeof d, &dl, c->fills ? "; restored lost bytes" : "");
    put(d, sizeof d, &dl,
        quoted ? "; not repaired: the line discusses encodings" : "");
    return zh_arena_strndup(scan->arena, d, dl);
}

static zhfix_status emit_cand(zh_scan *scan, const cand *c, const size_t *off,
                              size_t base, int quoted)
{
    size_t cap = c->nrep * 4 + 1;
    char *rep = malloc(cap);
    if (!rep)
        return ZHFIX_NOMEM;
    size_t len = 0;
    utf8_cat(rep, cap, &len, c->rep, c->nrep);
    /* No detail where no finding will be read with it. */
    const char *detail = scan->want_detail ? explain_cand(scan, c, quoted) : NULL;
    const chain *first = &chains[c->chain_ids[0]];
    char m[96];
    size_t ml = 0;
    /* The rule's id comes before the message (`mojibake: utf-8 text
     * decoded as gbk`): not repeated in it. */
    put(m, sizeof m, &ml, codec_name(first->real));
    put(m, sizeof m, &ml, " text decoded as ");
    put(m, sizeof m, &ml, codec_name(first->misread));
    const char *msg = zh_arena_strndup(scan->arena, m, ml);
    zhfix_status st = (detail || !scan->want_detail) && msg
                          ? zh_emit(scan, base + off[c->cs], base + off[c->ce],
                                    rep, len, !quoted, msg, detail)
                          : ZHFIX_NOMEM;
    free(rep);
    return st;
}

/* Count a kept reading for its chain, and for every other chain from a
 * Western code page that encodes its text to the same bytes: the line
 * shows those just as well. */
static void establish(const cand *c, const uint32_t *cp, unsigned *count)
{
    const chain *ch = &chains[c->chain_ids[0]];
    count[c->chain_ids[0]]++;
    if (ch->misread.kind != CK_SB)
        return;
    for (size_t k = 0; k < NCHAINS; k++) {
        const chain *o = &chains[k];
        if ((int)k == c->chain_ids[0] || o->misread.kind != CK_SB ||
            o->real.kind != ch->real.kind)
            continue;
        int same = 1;
        for (size_t i = c->cs; i < c->ce && same; i++)
            same = sb_encode(o->misread.sb, cp[i]) ==
                   sb_encode(ch->misread.sb, cp[i]);
        count[k] += same;
    }
}

/* Repair one line [s, s + len) of the block. */
/* 1 when the text before byte at of line s ends in a lost byte ('?' or
 * U+FFFD) and a folded mark (! , : ; ? ( )) followed only by what an
 * out-of-step GBK run reads as (no space, at most twelve characters): the
 * signature gbk-out-of-step reads, where the text around shows the fold
 * (zh_fold_near; UTF-8 read as GBK loses bytes to '?' before ASCII marks
 * too). */
static int after_lost_fold(const char *s, size_t at)
{
    size_t chars = 0;
    for (size_t j = at; j > 0 && chars <= 12;) {
        size_t k = j - 1;
        while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--; /* the start of the character before j */
        unsigned char c = (unsigned char)s[k];
        if (c == ' ' || c == '\t')
            return 0;
        if (strchr("!,:;?()", c) && c != 0 && k > 0) {
            if (s[k - 1] == '?')
                return 1;
            if (k >= 3 && !memcmp(s + k - 3, "\xEF\xBF\xBD", 3))
                return 1;
        }
        chars++;
        j = k;
    }
    return 0;
}

/* A kept candidate's end and its place in the line's list (scan_line). */
struct end_ix {
    size_t ce, k;
};

static int end_ix_cmp(const void *x, const void *y)
{
    const struct end_ix *a = x, *b = y;
    if (a->ce != b->ce)
        return a->ce < b->ce ? -1 : 1;
    return a->k < b->k ? -1 : a->k > b->k;
}

static int cand_start_cmp(const void *x, const void *y)
{
    const cand *a = x, *b = y;
    return a->cs < b->cs ? -1 : a->cs > b->cs;
}

/* What scan_line tells its caller of how it read a line (*how). */
enum {
    LINE_RESTORED = 1,  /* the search restored lost bytes: it was costly */
    LINE_FOLD_READ = 2, /* what it yields depended on the fold shown around it,
                         * not on the line's bytes alone */
    LINE_SWAP = 4       /* it emitted a swap, which the block's census may undo:
                         * the memo must not replay it past the census */
};

/* A letter of a script that neither Chinese nor the Western code pages'
 * text is written in, or a legacy presentation form: the block of 128
 * code points it lies in, or 0. */
static unsigned exotic_block(uint32_t cp)
{
    if ((cp >= 0x530 && cp < 0x1100) || (cp >= 0x1200 && cp < 0x1D00) ||
        (cp >= 0xA500 && cp < 0xAC00) || (cp >= 0xD7B0 && cp < 0xD800) ||
        (cp >= 0xFB50 && cp < 0xFE00) ||
        (cp >= 0xFE70 && cp <= 0xFEFC)) /* not the byte order mark */
        return cp >> 7;
    return 0;
}

/* Index of b among the n blocks seen, or n. */
static size_t seen_index(const unsigned *seen, size_t n, unsigned b)
{
    size_t j = 0;
    while (j < n && seen[j] != b)
        j++;
    return j;
}

/* A reading that makes one letter of such a script, alone in the line
 * and in the readings that restored no byte (ає» read as Windows-1251,
 * giving Lao ົ for a Ukrainian word and its closing guillemet; à « in
 * French, a Samaritan letter), is a chance reading of real text: the text
 * in such a script that a misreading turns into mojibake has more of it
 * (ภาษาไทย, Arabic words; an emoticon's two ง). Such readings are
 * refused. */
static void refuse_lone_scripts(const work *w, cands *cs)
{
    enum { SEEN = 8 };
    unsigned block[SEEN];
    size_t count[SEEN], nseen = 0;
    int any = 0;
    for (size_t k = 0; k < cs->n && !any; k++)
        for (size_t q = 0; q < cs->c[k].nrep && !any; q++)
            any = exotic_block(cs->c[k].rep[q]) != 0;
    if (!any)
        return;
    /* The line's own letters of such scripts and the readings', by block
     * (a few blocks at most; more means the line has plenty). */
    for (size_t pass = 0; pass <= cs->n; pass++) {
        const uint32_t *cp = pass ? cs->c[pass - 1].rep : w->cp;
        size_t n = pass ? cs->c[pass - 1].nrep : w->n;
        /* A reading that restored a byte is no witness (French writes
         * "à « %s »" twice in a line: the space read as a no-break space
         * gives the same Samaritan letter twice). */
        if (pass && (cs->c[pass - 1].gain <= 0.0 || cs->c[pass - 1].fills))
            continue;
        for (size_t i = 0; i < n; i++) {
            unsigned b = exotic_block(cp[i]);
            if (!b)
                continue;
            size_t j = seen_index(block, nseen, b);
            if (j == nseen) {
                if (nseen == SEEN)
                    return;
                block[nseen] = b;
                count[nseen++] = 0;
            }
            count[j]++;
        }
    }
    for (size_t k = 0; k < cs->n; k++) {
        cand *c = &cs->c[k];
        for (size_t q = 0; q < c->nrep; q++) {
            unsigned b = exotic_block(c->rep[q]);
            if (!b)
                continue;
            size_t j = seen_index(block, nseen, b);
            /* A reading that restored a byte counts its own letters
             * (हिन�दी, one reading). */
            size_t own = 0;
            for (size_t r = 0; c->fills && r < c->nrep; r++)
                own += exotic_block(c->rep[r]) == b;
            if ((j == nseen ? 0 : count[j]) + own < 2) {
                c->gain = -HUGE_VAL;
                break;
            }
        }
    }
}

/* The line's Han characters in c's stretch and within reach code points
 * of it (w->hanpre made for the line). */
static size_t line_han_near(const work *w, const cand *c, size_t reach)
{
    size_t a = c->cs > reach ? c->cs - reach : 0;
    size_t z = w->n - c->ce > reach ? c->ce + reach : w->n;
    return w->hanpre[z] - w->hanpre[a];
}

/* Whether c's stretch, as it stands, is made of what Chinese text is:
 * ASCII, Han characters and Chinese marks. A swap that reads other
 * characters (kana, private use, box drawing: ╰参盢) shows the misreading
 * on its own line and owes the block's census nothing. */
static int shown_as_text(const work *w, const cand *c)
{
    for (size_t q = c->cs; q < c->ce; q++)
        if (w->cp[q] >= 0x80 && !zh_is_chinese(w->cp[q]))
            return 0;
    return 1;
}

/* Whether c's stretch is three characters or fewer with a Han character
 * on either side (ZH_MOJI_MARGIN_INSIDE). */
static int inside_han(const work *w, const cand *c)
{
    return c->ce - c->cs <= 3 && c->cs > 0 && c->ce < w->n &&
           zh_is_han(w->cp[c->cs - 1]) && zh_is_han(w->cp[c->ce]);
}

/* han_near, counted until it reaches enough. */
static size_t han_near_upto(const work *w, const cands *cs, size_t k,
                            size_t reach, size_t enough)
{
    const cand *c = &cs->c[k];
    size_t han = line_han_near(w, c, reach);
    size_t a = c->cs > reach ? c->cs - reach : 0;
    size_t z = w->n - c->ce > reach ? c->ce + reach : w->n;
    for (size_t o = 0; o < cs->n && han < enough; o++) {
        const cand *d = &cs->c[o];
        if (o == k || d->gain < ZH_MOJI_MARGIN || d->ce <= a || d->cs >= z)
            continue;
        for (size_t q = 0; q < d->nrep; q++)
            han += zh_is_han(d->rep[q]);
    }
    return han;
}

/* Han characters near candidate k other than its reading's: the line's
 * within reach of its stretch, and those of the strong readings of other
 * stretches there. Chinese far away on a line says nothing of a stretch:
 * a script bundle's one line of a megabyte holds Polish (znaków: ów is
 * F3 77, GBK's 體) ten thousand words from its Chinese. */
static size_t han_near(const work *w, const cands *cs, size_t k, size_t reach)
{
    return han_near_upto(w, cs, k, reach, 2);
}

/* Whether candidate k's stretch shows two or more Han characters and
 * fewer than two others are near it, on the line or in the strong
 * readings of its other stretches (ZH_MOJI_MARGIN_BARE). */
static int bare_swap(const work *w, const cands *cs, size_t k)
{
    const cand *c = &cs->c[k];
    size_t own = w->hanpre[c->ce] - w->hanpre[c->cs];
    return own >= 2 &&
           han_near_upto(w, cs, k, ZH_CONTEXT_REACH, own + 2) - own < 2;
}

/* 1 when the text c reads is letters of a run of six or more accented
 * letters of the line: a list of them (ÀÁÂÃÄÅ..., alphabet="ñáéíóú",
 * wordchars in code, an alphabet's capitals), not mojibake, for the
 * misreadings as Windows-1252. That code page shows UTF-8's continuation
 * bytes as symbols (Ã©, ä¸­), and GBK's lead or trail byte as a symbol in
 * three characters of five (B0-BF and A1-BF), so six letters and no
 * symbol come from three characters in one case of sixteen. (MacRoman and
 * cp437 show continuation bytes as letters: not for them.) */
static int in_letter_list(const work *w, const cand *c)
{
    for (size_t i = c->cs; i < c->ce; i++)
        if (!accented_letter(w->cp[i]))
            return 0;
    size_t a = c->cs, b = c->ce;
    while (a > 0 && accented_letter(w->cp[a - 1]))
        a--;
    while (b < w->n && accented_letter(w->cp[b]))
        b++;
    return b - a >= 6;
}

/* The alphabet of a non-ASCII letter, for written_in: 1 Latin, 2 Greek,
 * 3 Cyrillic; 0 for anything else. */
static int alphabet(uint32_t cp)
{
    if (accented_letter(cp))
        return 1;
    if (cp >= 0x370 && cp <= 0x3FF)
        return 2;
    if (cp >= 0x400 && cp <= 0x52F)
        return 3;
    return 0;
}

/* 1 when the line's character i is inside a reading that gains more
 * than least. */
static int in_reading(const cands *cs, size_t i, double least)
{
    for (size_t k = 0; k < cs->n; k++)
        if (cs->c[k].gain > least && i >= cs->c[k].cs && i < cs->c[k].ce)
            return 1;
    return 0;
}

/* 1 for one character of UTF-8 read as GBK or Big5 whose lost byte shows
 * as '?' (骞? before '!' reads 年: E5 B9 B4 lost its B4 to the '!'), in
 * a line whose Chinese reads as it is: LONE_PROSE_HAN Han characters or
 * more outside every reading that gains. Clean text makes the same
 * picture wherever a rare character stands before an ASCII '?' (闵子骞?!),
 * and two bytes are too little to go on alone: such a reading is made
 * only in the company of a strong one by the same chain. */
#define LONE_PROSE_HAN 2
static int lone_lossy_in_prose(const work *w, const cands *cs, const cand *c)
{
    const chain *ch = &chains[c->chain_ids[0]];
    if (c->layers != 1 || c->nrep != 1 || !c->fills ||
        ch->real.kind != CK_UTF8 || ch->misread.kind == CK_SB)
        return 0;
    /* A U+FFFD for the lost byte (銆� for 。) is no text's own. */
    int question = 0;
    for (size_t i = c->cs; i < c->ce; i++)
        question |= w->cp[i] == '?';
    if (!question)
        return 0;
    size_t han = 0;
    for (size_t i = 0; i < w->n && han < LONE_PROSE_HAN; i++)
        han += zh_is_han(w->cp[i]) && !in_reading(cs, i, 0.0);
    return han >= LONE_PROSE_HAN;
}

/* In a line written in the Latin alphabet, a Greek or Cyrillic letter
 * that a Western reading makes a Latin one is the more likely mojibake
 * (Г before a space in French, à whose no-break space became a space):
 * the class model prices a lone Cyrillic letter as Russian text has it.
 * Such a reading gains ZH_CONTEXT_BONUS a letter, where the line's
 * letters outside every reading are Latin, LATIN_LINE_MIN of them or more
 * and none Greek or Cyrillic. */
#define LATIN_LINE_MIN 20
static void latin_context(const work *w, cands *cs)
{
    /* Cheap first: a Western reading of a Greek or Cyrillic letter. */
    int any = 0;
    for (size_t k = 0; k < cs->n && !any; k++)
        for (size_t i = cs->c[k].cs; i < cs->c[k].ce && !any; i++)
            any = chains[cs->c[k].chain_ids[0]].misread.kind == CK_SB &&
                  alphabet(w->cp[i]) >= 2;
    if (!any)
        return;
    size_t latin = 0;
    for (size_t i = 0; i < w->n; i++) {
        uint32_t cp = w->cp[i];
        if (in_reading(cs, i, -HUGE_VAL))
            continue;
        int a = zh_is_ascii_alnum(cp) && cp > '9' ? 1 : alphabet(cp);
        if (a == 2 || a == 3)
            return;
        latin += a == 1;
    }
    if (latin < LATIN_LINE_MIN)
        return;
    for (size_t k = 0; k < cs->n; k++) {
        cand *c = &cs->c[k];
        if (chains[c->chain_ids[0]].misread.kind != CK_SB)
            continue;
        size_t foreign = 0;
        for (size_t i = c->cs; i < c->ce; i++)
            foreign += alphabet(w->cp[i]) >= 2;
        int latin_reading = foreign > 0;
        for (size_t q = 0; q < c->nrep && latin_reading; q++)
            latin_reading = alphabet(c->rep[q]) < 2 && !zh_is_han(c->rep[q]);
        if (latin_reading)
            c->gain += ZH_CONTEXT_BONUS * (double)foreign;
    }
}

/* 1 when the weak readings of chain k (state 2) all make letters of one
 * alphabet, and the line outside every reading writes that alphabet
 * itself, twice as many letters of it as the readings make: a misreading
 * of the line would have left none of them whole, so the readings are
 * chance (РІ, in Ukrainian СТОРІНКА, reads as в in Windows-1251; РЈ, in
 * Serbian БРЈ, as У). */
static int written_in(const work *w, const cands *cs, int k)
{
    int abc = -1;
    size_t made = 0;
    for (size_t q = 0; q < cs->n; q++) {
        const cand *c = &cs->c[q];
        if (c->state != 2 || c->chain_ids[0] != k || c->layers != 1)
            continue;
        for (size_t i = 0; i < c->nrep; i++) {
            int a = c->rep[i] < 0x80 ? -1 : alphabet(c->rep[i]);
            if (a < 0)
                continue;
            if (a == 0 || (abc >= 0 && a != abc))
                return 0;
            abc = a;
            made++;
        }
    }
    if (abc <= 0)
        return 0;
    size_t own = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->cp[i] < 0x80 || alphabet(w->cp[i]) != abc)
            continue;
        own += !in_reading(cs, i, 0.0);
    }
    return own >= 2 * made;
}

static zhfix_status scan_line(zh_scan *scan, work *w, size_t **offp,
                              size_t *capo, const char *s, size_t len,
                              size_t base, cands *cs, zh_fold_cache *fold,
                              int *how)
{
    w->n = 0;
    size_t i = 0;
    /* A line has at most as many characters as bytes. */
    if (!grow((void **)&w->cp, &w->capc, len + 1, sizeof *w->cp) ||
        !grow((void **)offp, capo, len + 2, sizeof **offp))
        return ZHFIX_NOMEM;
    while (i < len) {
        uint32_t cp;
        (*offp)[w->n] = i;
        i += zh_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        w->cp[w->n++] = cp;
    }
    (*offp)[w->n] = len;
    uint8_t flags = line_flags(w->cp, w->n) | w->force_flags;
    /* A line that itself reads as Japanese is taken for Japanese before
     * any search (see below): kana count as rare characters for GBK and
     * Big5 read as each other (zh_big5_common_as_gbk), and Japanese prose
     * has them in every line. */
    if ((flags & ZH_MF_DBCS) && zh_reads_japanese(s, len))
        flags &= ZH_MF_UTF8_SB;
    if (!flags)
        return ZHFIX_OK;
    size_t restored = w->restored;
    cands_clear(cs);
    if (!find_all(w, flags, NULL, 0, 0, cs))
        return ZHFIX_NOMEM;
    /* Japanese (prose.h) has kanji forms and kana that Chinese misread
     * through GBK or Big5 shows: there only the Western code pages'
     * misreadings, whose letters and symbols Japanese does not look like,
     * are sought. Asked only when a reading of another chain gains: the
     * block's answer reads all of it. */
    int other = 0;
    for (size_t k = 0; k < cs->n && !other; k++)
        other = cs->c[k].gain > 0.0 &&
                chains[cs->c[k].chain_ids[0]].need != ZH_MF_UTF8_SB;
    if (other && (zh_reads_japanese(s, len) || zh_scan_japanese(scan))) {
        flags &= ZH_MF_UTF8_SB;
        cands_clear(cs);
        if (!flags)
            return ZHFIX_OK;
        if (!find_all(w, flags, NULL, 0, 0, cs))
            return ZHFIX_NOMEM;
    }
    /* A private-use character a reading made is GBK's (decode_stream):
     * the layer under the reading reads it back. Where none does, it was
     * the text's own (an icon font's), and the line is read again without
     * such readings: the repair must not hide it. */
    int pua_left = 0, marks_left = 0;
    for (size_t k = 0; k < cs->n; k++) {
        cand *c = &cs->c[k];
        if (!has_gbk_pua(c) && !c->lost_marks)
            continue;
        if (!deepen_once(scan, w, c))
            return ZHFIX_NOMEM;
        pua_left |= has_gbk_pua(c);
        marks_left |= lost_marks_left(c);
    }
    if (pua_left || marks_left) {
        cands_clear(cs);
        w->no_pua = pua_left;
        w->no_lost_marks = marks_left;
        int ok = find_all(w, flags, NULL, 0, 0, cs);
        w->no_pua = 0;
        w->no_lost_marks = 0;
        if (!ok)
            return ZHFIX_NOMEM;
    }
    if (w->restored != restored)
        *how |= LINE_RESTORED;
    refuse_lone_scripts(w, cs);
    /* Is the line Chinese? Its Han characters, and those of the readings
     * that are repairs on their own, say so. In Chinese text a stretch of
     * Western letters and symbols that reads as Chinese is the more likely
     * mojibake: the class model prices those letters for Western text. */
    if (!grow((void **)&w->hanpre, &w->caph, w->n + 1, sizeof *w->hanpre))
        return ZHFIX_NOMEM;
    w->hanpre[0] = 0;
    for (size_t k = 0; k < w->n; k++)
        w->hanpre[k + 1] = w->hanpre[k] + (zh_is_han(w->cp[k]) != 0);
    size_t line_han = w->hanpre[w->n]; /* the line's own */
    size_t han = line_han;
    for (size_t k = 0; k < cs->n; k++)
        if (cs->c[k].gain >= ZH_MOJI_MARGIN)
            for (size_t q = 0; q < cs->c[k].nrep; q++)
                han += zh_is_han(cs->c[k].rep[q]);
    if (han >= 2) {
        for (size_t k = 0; k < cs->n; k++) {
            cand *c = &cs->c[k];
            if (chains[c->chain_ids[0]].misread.kind != CK_SB)
                continue;
            int cjk = 1;
            for (size_t q = 0; q < c->nrep && cjk; q++)
                cjk = c->rep[q] >= 0x2E80 && !hangul(c->rep[q]);
            /* The evidence must come from elsewhere in the line, near
             * the reading. */
            if (han_near(w, cs, k, ZH_CONTEXT_REACH) < 2)
                continue;
            if (cjk) {
                c->gain += ZH_CONTEXT_BONUS * (double)(c->ce - c->cs);
            } else {
                /* Cyrillic, Greek, Hangul... letters read into Chinese
                 * text (選項 as GBK read as Windows-1252, `ßx í— `, is
                 * 헠 as UTF-8 read as Windows-1250 with a no-break
                 * space restored). */
                for (size_t q = 0; q < c->nrep; q++)
                    if ((c->rep[q] >= 0x370 && c->rep[q] < 0x2000) ||
                        hangul(c->rep[q]))
                        c->gain -= ZH_CONTEXT_BONUS;
            }
        }
        zh_sort_nearly(cs->c, cs->n, sizeof *cs->c, cand_cmp);
    }
    latin_context(w, cs);
    /* GBK or Big5 read as a Western code page: in a line without Chinese
     * a reading needs two Chinese characters of its own, or the line's
     * readings of this kind a few between them. */
    size_t gbk_han = 0;
    for (size_t k = 0; k < cs->n; k++)
        if (chains[cs->c[k].chain_ids[0]].real.kind != CK_UTF8 &&
            cs->c[k].gain >= ZH_MOJI_MARGIN)
            for (size_t q = 0; q < cs->c[k].nrep; q++)
                gbk_han += zh_is_han(cs->c[k].rep[q]);
    /* Keep the best candidates that do not overlap: first those with strong
     * evidence, then single two-byte sequences of a chain the line has
     * shown already (one decoder misread the whole line). */
    int quoted = -1;
    /* Deepen what gains, and sort out what is eligible on its own
     * (state 1) and what only once the line has shown its chain (2). */
    size_t nel = 0;
    for (size_t k = 0; k < cs->n; k++) {
        cand *c = &cs->c[k];
        c->state = 0;
        c->kept = 0;
        c->lone = 0;
        const chain *ch = &chains[c->chain_ids[0]];
        if ((c->gain > 0.0 || outer_layer(ch, c)) && !deepen_once(scan, w, c))
            return ZHFIX_NOMEM;
        if (c->gain < (is_swap(ch) ? ZH_MOJI_MARGIN_SWAP
                                   : ZH_MOJI_MARGIN_ESTABLISHED))
            continue;
        if (ch->real.kind != CK_UTF8 &&
            line_han_near(w, c, ZH_CONTEXT_REACH) == 0) {
            size_t h = 0;
            for (size_t q = 0; q < c->nrep; q++)
                h += zh_is_han(c->rep[q]);
            if (gbk_han < 4 && (h < 2 || c->gain < ZH_MOJI_MARGIN_WEAK))
                continue;
            /* One letter over and over is a placeholder (ÅÅÅÅ-MM-DD, the
             * year in Danish and Swedish), not GBK's two bytes of one
             * character twice (排排). */
            size_t same = c->cs + 1;
            while (same < c->ce && w->cp[same] == w->cp[c->cs])
                same++;
            if (same == c->ce && c->ce - c->cs >= 2)
                continue;
        }
        if (ch->misread.kind == CK_SB && ch->misread.sb == ZH_SB_CP1252 &&
            line_han == 0 && in_letter_list(w, c))
            continue;
        if (is_swap(ch) && c->gain < ZH_MOJI_MARGIN_BARE && bare_swap(w, cs, k))
            continue;
        if (ch->real.kind == CK_UTF8 && ch->misread.kind != CK_SB &&
            c->layers == 1 && c->gain < ZH_MOJI_MARGIN_INSIDE &&
            inside_han(w, c))
            continue;
        c->lone = lone_lossy_in_prose(w, cs, c);
        c->state = c->gain < ZH_MOJI_MARGIN ||
                           (c->weak && c->layers == 1 &&
                            c->gain < ZH_MOJI_MARGIN_WEAK) ||
                           c->lone || c->nbsp_only
                       ? 2
                       : 1;
        nel += c->state == 1;
    }
    /* Of the eligible ones, the set that does not overlap with the largest
     * total gain: one long reading must not beat several better ones that
     * cover the same text (weighted interval scheduling). */
    unsigned count[NCHAINS] = {0};
    if (nel) {
        struct end_ix *ix = malloc(nel * sizeof *ix);
        double *best = malloc((nel + 1) * sizeof *best);
        size_t *prevx = malloc(nel * sizeof *prevx);
        if (!ix || !best || !prevx) {
            free(ix);
            free(best);
            free(prevx);
            return ZHFIX_NOMEM;
        }
        size_t m = 0;
        for (size_t k = 0; k < cs->n; k++)
            if (cs->c[k].state == 1)
                ix[m++] = (struct end_ix){cs->c[k].ce, k};
        /* By end, equal ends in the order of cs. */
        zh_sort_nearly(ix, m, sizeof *ix, end_ix_cmp);
        best[0] = 0.0;
        for (size_t x = 0; x < m; x++) {
            /* Candidates before x that end before it starts: 0..prevx-1. */
            size_t lo = 0, hi = x;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (ix[mid].ce <= cs->c[ix[x].k].cs)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            prevx[x] = lo;
            double with = best[lo] + cs->c[ix[x].k].gain;
            best[x + 1] = with > best[x] ? with : best[x];
        }
        for (size_t x = m; x > 0;) {
            if (best[x] == best[x - 1]) {
                x--;
                continue;
            }
            cand *c = &cs->c[ix[x - 1].k];
            c->kept = 1;
            establish(c, w->cp, count);
            x = prevx[x - 1];
        }
        free(ix);
        free(best);
        free(prevx);
    }
    /* A chain no strong reading showed is shown by several weak ones
     * apart from each other (three or more, together gaining what one
     * strong reading must): one decoder misread the line at each place.
     * One character before a '?' in prose (lone_lossy_in_prose) is not
     * such a place: it needs a strong reading (椁?! three times in a
     * passage of the Analects, each read as 餘!). */
    for (size_t k = 0; k < NCHAINS; k++) {
        if (count[k])
            continue;
        size_t n2 = 0;
        double sum = 0.0;
        for (size_t q = 0; q < cs->n; q++)
            if (cs->c[q].state == 2 && cs->c[q].chain_ids[0] == (int)k &&
                cs->c[q].layers == 1 && !cs->c[q].lone &&
                !cs->c[q].nbsp_only) {
                n2++;
                sum += cs->c[q].gain;
            }
        if (n2 >= 3 && sum >= ZH_MOJI_MARGIN_WEAK && !written_in(w, cs, (int)k))
            count[k] = 1;
    }
    /* Then weaker readings by a chain the line has shown (one decoder
     * misread the whole line): the chain shown most first, best first. */
    for (;;) {
        cand *pick = NULL;
        for (size_t k = 0; k < cs->n; k++) {
            cand *c = &cs->c[k];
            if (c->state != 2 || c->kept || !count[c->chain_ids[0]])
                continue;
            int clash = 0;
            for (size_t q = 0; q < cs->n && !clash; q++)
                clash = cs->c[q].kept && c->cs < cs->c[q].ce &&
                        cs->c[q].cs < c->ce;
            if (clash) {
                c->state = 0;
                continue;
            }
            if (!pick || count[c->chain_ids[0]] > count[pick->chain_ids[0]] ||
                (count[c->chain_ids[0]] == count[pick->chain_ids[0]] &&
                 c->gain > pick->gain))
                pick = c;
        }
        if (!pick)
            break;
        pick->kept = 1;
    }
    size_t nkept = 0;
    for (size_t k = 0; k < cs->n; k++) {
        if (!cs->c[k].kept)
            continue;
        cand t = cs->c[nkept];
        cs->c[nkept] = cs->c[k];
        cs->c[k] = t;
        nkept++;
    }
    /* Emitted in the order of the line: the pipeline sorts a scan's
     * edits by place, which costs next to nothing when they come so (a
     * long line keeps hundreds, in the order of their gains). They do not
     * overlap, so no two start alike. */
    zh_sort_nearly(cs->c, nkept, sizeof *cs->c, cand_start_cmp);
    for (size_t k = 0; k < nkept; k++) {
        /* GBK text a scraper folded a mark in, read a byte out of step
         * after the lost byte (gbk-out-of-step's, which runs later), is
         * no UTF-8 read as GBK: reading part of the run so first would
         * leave the rest unreadable. */
        if (chains[cs->c[k].chain_ids[0]].misread.kind == CK_GBK &&
            after_lost_fold(s, (*offp)[cs->c[k].cs])) {
            *how |= LINE_FOLD_READ;
            if (zh_fold_near(scan->text, scan->len, base, fold))
                continue;
        }
        if (quoted < 0)
            quoted = !mostly_read(w, cs->c, nkept) &&
                     discusses_encoding(s, len);
        size_t first = scan->nedits;
        zhfix_status st = emit_cand(scan, &cs->c[k], *offp, base, quoted);
        if (st != ZHFIX_OK)
            return st;
        if (is_swap(&chains[cs->c[k].chain_ids[0]])) {
            *how |= LINE_SWAP;
            size_t text = (size_t)shown_as_text(w, &cs->c[k]);
            for (size_t e = first; e < scan->nedits; e++) {
                if (!grow((void **)&w->swap_edits, &w->capswap, w->nswap + 1,
                          sizeof *w->swap_edits))
                    return ZHFIX_NOMEM;
                w->swap_edits[w->nswap++] = e << 1 | text;
            }
        }
    }
    /* C1 controls left over: no text has them, Latin-1 decoding of
     * Windows-1252 punctuation does (\x93quoted\x94). */
    for (size_t ci = 0; ci < w->n; ci++) {
        uint32_t cp = w->cp[ci];
        if (cp < 0x80 || cp > 0x9F)
            continue;
        uint32_t r = zh_sb_decode[ZH_SB_CP1252][cp - 0x80];
        if (r == cp)
            continue;
        /* ...as punctuation among text. Beside a format character it is
         * a string of code that lists such characters: the test of
         * JavaScript's polyfills that U+0085 is no white space,
         * "\u200b\x85\u180e", written out whole by minifiers. */
        if ((ci > 0 && invisible_format(w->cp[ci - 1])) ||
            (ci + 1 < w->n && invisible_format(w->cp[ci + 1])))
            continue;
        /* The letters among them (ƒ Š Œ Ž š œ ž Ÿ) stand in words: one
         * between a space and a quotation mark (TypeScript's Polish
         * `elementu \x83„{0}”`) is some other stray control. */
        if ((r == 0x192 || (r >= 0x152 && r <= 0x17E)) &&
            !(ci > 0 && word_char(w->cp[ci - 1])) &&
            !(ci + 1 < w->n && word_char(w->cp[ci + 1])))
            continue;
        int inside = 0;
        for (size_t k = 0; k < nkept && !inside; k++)
            inside = ci >= cs->c[k].cs && ci < cs->c[k].ce;
        if (inside)
            continue;
        char rep[4];
        size_t rl = zh_utf8_encode(r, rep);
        zhfix_status st = zh_emit(
            scan, base + (*offp)[ci], base + (*offp)[ci + 1], rep, rl, 1,
            "C1 control: a Windows-1252 character decoded as Latin-1",
            "windows-1252 read as latin-1: latin-1 → windows-1252");
        if (st != ZHFIX_OK)
            return st;
    }
    return ZHFIX_OK;
}

/* ---- Lines seen before -------------------------------------------------- */

/* What scan_line yields for a line depends on the line's bytes alone
 * (lprev and rnext are 0 at a line's ends, the work's caches give what
 * they would compute), except where it read the fold shown around it
 * (LINE_FOLD_READ). Text repeats its lines (a manual's options, a site's
 * boilerplate), the rounds after the first read again the lines a repair
 * left alone, and the search of a line that lost bytes is the costliest
 * work of the rule: the edits of such a line are kept (scan->memo, which
 * the handle keeps across blocks and rounds) and given again, the same
 * in the same order, when the same bytes come back. Lines of up to
 * ZH_MEMO_LINE bytes (a paragraph on a line is far shorter); past
 * ZH_MEMO_BYTES the map starts anew. */
#define ZH_MEMO_BYTES ((size_t)16 << 20)
#define ZH_MEMO_LINE (ZH_MEMO_BYTES / 16)
#define ZH_MEMO_NONE SIZE_MAX /* the length kept for a NULL string */

static int memo_put(zh_buf *b, const void *p, size_t n)
{
    return zh_buf_append(b, (const char *)p, n) == ZHFIX_OK;
}

/* A string as kept: its length (ZH_MEMO_NONE for NULL), then its bytes. */
static int memo_put_str(zh_buf *b, const char *t, size_t n)
{
    size_t k = t ? n : ZH_MEMO_NONE;
    return memo_put(b, &k, sizeof k) && (!t || memo_put(b, t, n));
}

/* Keep the edits [first, scan->nedits) of the line at pos, and how it was
 * read: how, the number of edits, then each one's span from the line's
 * start, its fixable flag, replacement, message and detail. tmp is
 * scratch. Nothing is kept when memory runs short: it is a cache. */
static void memo_keep(zh_scan *scan, const char *line, size_t len,
                      size_t pos, size_t first, int how, zh_buf *tmp)
{
    tmp->len = 0;
    size_t count = scan->nedits - first;
    int ok = memo_put(tmp, &how, sizeof how) &&
             memo_put(tmp, &count, sizeof count);
    for (size_t k = first; k < scan->nedits && ok; k++) {
        const zh_edit *e = &scan->edits[k];
        size_t head[3] = {e->start - pos, e->end - pos, (size_t)e->fixable};
        ok = memo_put(tmp, head, sizeof head) &&
             memo_put_str(tmp, e->replacement, e->replacement_len) &&
             memo_put_str(tmp, e->message,
                          e->message ? strlen(e->message) : 0) &&
             memo_put_str(tmp, e->detail, e->detail ? strlen(e->detail) : 0);
    }
    if (!ok)
        return;
    if (scan->memo->bytes.len + len + tmp->len > ZH_MEMO_BYTES)
        zh_lineset_clear(scan->memo);
    (void)zh_lineset_put(scan->memo, line, len, tmp->data, tmp->len);
}

/* Read a string kept by memo_put_str at *at, moving *at past it. */
static const char *memo_get_str(const char *v, size_t *at, size_t *n)
{
    memcpy(n, v + *at, sizeof *n);
    *at += sizeof *n;
    if (*n == ZH_MEMO_NONE)
        return NULL;
    const char *t = v + *at;
    *at += *n;
    return t;
}

/* Emit again the edits memo_keep kept (v), for the line now at pos, and
 * set *how as its reading did. */
static zhfix_status memo_emit(zh_scan *scan, const char *v, size_t pos,
                              int *how)
{
    size_t at = 0, count;
    memcpy(how, v, sizeof *how);
    at += sizeof *how;
    memcpy(&count, v + at, sizeof count);
    at += sizeof count;
    for (size_t k = 0; k < count; k++) {
        size_t head[3], rl, ml, dl;
        memcpy(head, v + at, sizeof head);
        at += sizeof head;
        const char *rep = memo_get_str(v, &at, &rl);
        const char *m = memo_get_str(v, &at, &ml);
        const char *d = memo_get_str(v, &at, &dl);
        const char *msg = m ? zh_arena_strndup(scan->arena, m, ml) : NULL;
        const char *detail = d ? zh_arena_strndup(scan->arena, d, dl) : NULL;
        if ((m && !msg) || (d && !detail))
            return ZHFIX_NOMEM;
        zhfix_status st = zh_emit(scan, pos + head[0], pos + head[1], rep,
                                  rep ? rl : 0, (int)head[2], msg, detail);
        if (st != ZHFIX_OK)
            return st;
    }
    return ZHFIX_OK;
}

/* 1 when the line may hold mojibake. A pre-filter that must be fast on
 * clean text: it looks for the pairs of characters each chain produces
 * (codec_tables.h) and for lost bytes, and gives up on everything else. */
static int suspicious_step(uint32_t cp, size_t at, susp *st)
{
    uint8_t f = cp <= 0xFFFF ? zh_moji_flags[cp] : 0;
    uint8_t p = st->pf;
    st->pf = f & (uint8_t)~ZH_MF_DBCS;
    if ((f & ZH_MF_UTF8_GBK) &&
        !zh_moji_lead_readable(zh_gbk_encode_table[cp] >> 8))
        st->pf &= (uint8_t)~ZH_MF_UTF8_GBK;
    if ((f & ZH_MF_UTF8_BIG5) &&
        !zh_moji_lead_readable(zh_big5_encode[cp] >> 8))
        st->pf &= (uint8_t)~ZH_MF_UTF8_BIG5;
    if (cp == 0xFFFD || is_pua(cp) || (cp >= 0x80 && cp < 0xA0))
        return 1;
    if ((f & ZH_MF_DBCS) || zh_gbk_mark_as_big5(cp) ||
        zh_big5_common_as_gbk(cp)) {
        st->rare++;
        if (st->last_rare && at + 1 - st->last_rare <= ZH_DBCS_REACH)
            st->close = 1;
        st->last_rare = at + 1;
    }
    if (p & ZH_MF_UTF8_GBK) {
        if ((f & ZH_MF_GBK_NEXT) || cp == '?')
            return 1;
        if ((f & ZH_MF_GBK_NEXT_WEAK) && ++st->weak >= 2)
            return 1;
    }
    if ((p & ZH_MF_UTF8_BIG5) && ((f & ZH_MF_BIG5_NEXT) || cp == '?'))
        return 1;
    /* A single-byte chain's pair, seen coarsely: the page-by-page test
     * (zh_sb_pair_in) decides at the line's end. */
    if ((p & (ZH_MF_UTF8_SB | ZH_MF_GBK_SB)) &&
        ((cp >= 0x80 && !zh_is_han(cp) && cp < 0x3000) || cp == ' '))
        st->sb = 1;
    return 0;
}

static int line_suspicious(const unsigned char *s, size_t len)
{
    size_t i = 0;
    susp st = {0, 0, 0, 0, 0, 0};
    while (i < len) {
        /* Skip ASCII 8 bytes at a time, but look at the character right
         * after a flagged one ('Ã ', '鍔?'). */
        while (!st.pf && i + 8 <= len) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            if (v & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= len)
            break;
        uint32_t cp;
        size_t at = i;
        i += zh_utf8_decode(s + i, len - i, &cp);
        if (suspicious_step(cp, at, &st))
            return 1;
    }
    if (st.sb && zh_sb_pair_in((const char *)s, len))
        return 1;
    if (!st.close)
        return 0;
    /* The line's non-ASCII characters, counted only now: rarely needed;
     * then its marks (holds_chinese_mark), rarer still. */
    uint32_t k = 0;
    for (size_t j = 0; j < len; j++)
        k += s[j] >= 0xC0;
    if (!dbcs_line(k, st.rare, st.close))
        return 0;
    for (size_t j = 0; j < len;) {
        uint32_t cp;
        j += zh_utf8_decode(s + j, len - j, &cp);
        if (zh_is_cjk_punct(cp))
            return 0;
    }
    return 1;
}

/* GBK read as Big5 or the reverse is a whole text read with the wrong
 * legacy code page: every line with Chinese in it was misread, and nearly
 * every one reads better swapped. Where few of a block's lines with Han
 * characters do, those few are rare characters read as common ones (a
 * dictionary's headwords, 亄 as 懿, one line in a hundred of CC-CEDICT;
 * poem titles), and their swaps are taken back, those of stretches that
 * read as text (shown_as_text). A block of fewer lines than
 * ZH_CENSUS_LINES is left to the lines' own evidence. */
#define ZH_CENSUS_LINES 8
#define ZH_CENSUS_SHARE 4 /* swaps on fewer than 1 in this many: undone */

/* The lines of t[0, len) that hold a Han character. */
static size_t lines_with_han(const char *t, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(t + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - t) : len;
        n += zh_line_has_han(t, i, end) != 0;
        i = end + 1;
    }
    return n;
}

/* The lines of the block that show a swap (w->swap_edits). */
static size_t swapped_lines(const zh_scan *scan, const work *w)
{
    size_t swapped = w->nswap > 0;
    for (size_t k = 1; k < w->nswap; k++) {
        const zh_edit *a = &scan->edits[w->swap_edits[k - 1] >> 1];
        const zh_edit *b = &scan->edits[w->swap_edits[k] >> 1];
        /* In the order of the text: lines one after the other, a
         * line's edits by place. */
        swapped += b->start > a->start &&
                   memchr(scan->text + a->start, '\n', b->start - a->start);
    }
    return swapped;
}

/* Drop the swaps of the block (w->swap_edits) of stretches shown as text
 * when too few of its lines show a swap: `swapped` of the `han` with Han
 * (scan_mojibake counts them). */
static void census_swaps(zh_scan *scan, work *w, size_t swapped, size_t han)
{
    if (!w->nswap || scan->swaps_shown)
        return;
    if (han < ZH_CENSUS_LINES || swapped * ZH_CENSUS_SHARE >= han) {
        scan->swaps_shown = 1;
        return;
    }
    size_t kept = 0, next = 0;
    for (size_t e = 0; e < scan->nedits; e++) {
        if (next < w->nswap && w->swap_edits[next] >> 1 == e) {
            if (w->swap_edits[next++] & 1)
                continue;
        }
        scan->edits[kept++] = scan->edits[e];
    }
    scan->nedits = kept;
}

/* A block that GBK and Big5 read as each other throughout (half of its
 * lines with Han show a swap, and at least ZH_CENSUS_LINES have Han) was
 * read whole with the wrong legacy code page: its other lines were too.
 * Those that showed no two rare characters close together (a heading of
 * a few characters, 檔案 read as 郎 and a private-use character; a title
 * whose commonest characters read as kana, Greek or box drawing) are
 * searched for the swap anyway, on the evidence of their block; each must
 * still gain as much as a line of its own. (Their edits come after the
 * block's; the pipeline puts a scan's edits in the order of the text.) */
static zhfix_status swapped_block_lines(zh_scan *scan, work *w, size_t swapped,
                                        size_t han, size_t **offp, size_t *capo,
                                        cands *cs, zh_fold_cache *fold)
{
    if (!swapped || han < ZH_CENSUS_LINES || swapped * 2 < han)
        return ZHFIX_OK;
    const char *t = scan->text;
    size_t first = scan->nedits, e = 0;
    zhfix_status st = ZHFIX_OK;
    w->force_flags = ZH_MF_DBCS;
    for (size_t pos = 0; pos < scan->len && st == ZHFIX_OK;) {
        const char *nl = memchr(t + pos, '\n', scan->len - pos);
        size_t end = nl ? (size_t)(nl - t) : scan->len;
        size_t next = nl ? end + 1 : end;
        while (e < first && scan->edits[e].start < pos)
            e++;
        int edited = e < first && scan->edits[e].start <= end;
        size_t len = end - pos;
        if (len && t[end - 1] == '\r')
            len--;
        int high = 0;
        for (size_t i = pos; i < pos + len && !high; i++)
            high = (unsigned char)t[i] >= 0x80;
        if (!edited && high) {
            int how = 0;
            st = scan_line(scan, w, offp, capo, t + pos, len, pos, cs, fold,
                           &how);
        }
        pos = next;
    }
    w->force_flags = 0;
    return st;
}

static zhfix_status scan_mojibake(zh_scan *scan)
{
    const char *t = scan->text;
    work w;
    memset(&w, 0, sizeof w);
    w.memo_scan = scan;
    size_t *off = NULL, capo = 0;
    cands cs = {0};
    zhfix_status st = ZHFIX_OK;
    size_t cursor = 0, pos, end;
    zh_fold_cache fold = {0, -1}; /* read when a line needs it */
    zh_buf memo_tmp = {NULL, 0, 0};
    while (st == ZHFIX_OK &&
           zh_hot_next(scan, ZH_TRIG_MOJIBAKE, &cursor, &pos, &end)) {
        const char *line = t + pos;
        size_t len = end - pos;
        /* A CRLF line is read without its CR, which is no text: the line
         * ends where an LF line would (a byte lost at its end, Big5's
         * beam, the window of a fill). */
        if (len && line[len - 1] == '\r')
            len--;
        if (!line_suspicious((const unsigned char *)line, len))
            continue;
        if (!scan->pua_read)
            scan->pua_read = pua_read_hot(scan) ? 1 : -1;
        size_t first = scan->nedits;
        int how = 0;
        size_t vlen;
        /* The map holds what a line gives in a block that is not Japanese
         * (the line's bytes alone decide it there); whether this one is,
         * is asked only of a line found in it, or after a search. */
        int use_memo = scan->memo && len <= ZH_MEMO_LINE && scan->pua_read < 0;
        const char *kept =
            use_memo ? zh_lineset_get(scan->memo, line, len, &vlen) : NULL;
        if (kept && zh_scan_japanese(scan))
            kept = NULL;
        if (kept) {
            st = memo_emit(scan, kept, pos, &how);
        } else {
            st = scan_line(scan, &w, &off, &capo, line, len, pos, &cs,
                           &fold, &how);
            /* Only a costly search is worth keeping, and only one that
             * read the line alone. */
            if (st == ZHFIX_OK && use_memo && how == LINE_RESTORED &&
                scan->japanese <= 0)
                memo_keep(scan, line, len, pos, first, how, &memo_tmp);
        }
    }
    /* The lines that show a swap, counted before the census takes any
     * back, among those with Han in the block as the caller gave it (the
     * later rounds read it with the swaps of the first made). */
    size_t swapped = st == ZHFIX_OK ? swapped_lines(scan, &w) : 0;
    size_t han = swapped ? lines_with_han(scan->input, scan->input_len) : 0;
    if (st == ZHFIX_OK)
        census_swaps(scan, &w, swapped, han);
    if (st == ZHFIX_OK)
        st = swapped_block_lines(scan, &w, swapped, han, &off, &capo, &cs,
                                 &fold);
    cands_clear(&cs);
    free(cs.c);
    free(off);
    work_free(&w);
    zh_buf_free(&memo_tmp);
    return st;
}

const zh_rule zh_rule_mojibake = {
    {"mojibake", ZHFIX_CATEGORY_ENCODING,
     "undo text decoded with the wrong encoding (UTF-8 read as GBK, Big5 or "
     "a Western code page, GBK read as Windows-1252), restoring lost bytes",
     1},
    scan_mojibake,
    0, /* chinese_only: a Japanese block is searched for the Western code
        * pages' misreadings only (scan_line) */
};
