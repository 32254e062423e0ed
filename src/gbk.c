/*
 * gbk.c - GBK tables from iconv (see gbk.h).
 */
#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <string.h>

#include "gbk.h"
#include "internal.h"

#define LEAD_MIN 0x81u
#define LEAD_MAX 0xFEu
#define TRAIL_MIN 0x40u
#define TRAIL_MAX 0xFEu
#define NLEAD (LEAD_MAX - LEAD_MIN + 1)
#define NTRAIL (TRAIL_MAX - TRAIL_MIN + 1)

/* Written once under pthread_once, read-only afterwards. */
static uint16_t decode_table[NLEAD][NTRAIL];
static uint16_t encode_table[0x10000];
static unsigned char unmapped_list[NLEAD][NLEAD];
static unsigned char unmapped_count[NLEAD];
static int tables_ok;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* Decode the pair (l, t) with cd into *cp; 0 when cd refuses it. */
static int decode_pair(iconv_t cd, unsigned l, unsigned t, uint32_t *cp)
{
    char in[2] = {(char)l, (char)t};
    char out[8];
    char *ip = in, *op = out;
    size_t il = 2, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il != 0)
        return 0;
    size_t n = zh_utf8_decode((const unsigned char *)out, sizeof out - ol, cp);
    return n == sizeof out - ol && *cp <= 0xFFFF && *cp >= 0x80;
}

#define ROW_PAIRS (NTRAIL - 1) /* trail 0x7F is never one */

/* Decode every pair (l, t) of a row with cd into cps (0 where cd refuses
 * the pair), as decode_pair does one by one, but in one iconv call per
 * stretch of pairs cd reads: a call per pair, 48,000 of them, was most
 * of a small file's run time whenever the GBK rules started. Each pair
 * of a stretch must give one character; where they do not, the stretch
 * is read pair by pair. */
static void decode_row(iconv_t cd, unsigned l, uint32_t cps[ROW_PAIRS],
                       const unsigned char trails[ROW_PAIRS])
{
    char in[ROW_PAIRS * 2];
    char out[ROW_PAIRS * 4];
    for (size_t k = 0; k < ROW_PAIRS; k++) {
        in[2 * k] = (char)l;
        in[2 * k + 1] = (char)trails[k];
        cps[k] = 0;
    }
    size_t done = 0; /* pairs read */
    while (done < ROW_PAIRS) {
        char *ip = in + 2 * done, *op = out;
        size_t il = 2 * (ROW_PAIRS - done), ol = sizeof out;
        iconv(cd, NULL, NULL, NULL, NULL);
        size_t r = iconv(cd, &ip, &il, &op, &ol);
        size_t upto = (size_t)(ip - in) / 2; /* pairs before the stop */
        /* The characters of pairs done .. upto, one each. */
        const unsigned char *o = (const unsigned char *)out;
        size_t olen = sizeof out - ol, at = 0, k = done;
        int aligned = (size_t)(ip - in) % 2 == 0;
        while (aligned && at < olen && k < upto) {
            uint32_t cp;
            size_t n = zh_utf8_decode(o + at, olen - at, &cp);
            if (!n) {
                aligned = 0;
                break;
            }
            cps[k++] = cp <= 0xFFFF && cp >= 0x80 ? cp : 0;
            at += n;
        }
        if (!aligned || at != olen || k != upto) {
            for (k = done; k < upto; k++)
                if (!decode_pair(cd, l, trails[k], &cps[k]))
                    cps[k] = 0;
        }
        if (r != (size_t)-1 && il == 0)
            break;
        /* cd refused the pair at upto (or stopped inside it): that pair
         * has no character. */
        if (upto < ROW_PAIRS && !decode_pair(cd, l, trails[upto], &cps[upto]))
            cps[upto] = 0;
        done = upto + 1;
    }
}

/* The trail bytes of a row: 0x40-0xFE but 0x7F. */
static void row_trails(unsigned char trails[ROW_PAIRS])
{
    size_t k = 0;
    for (unsigned t = TRAIL_MIN; t <= TRAIL_MAX; t++)
        if (t != 0x7F)
            trails[k++] = (unsigned char)t;
}

/* Scrapers decode GBK pages as GB18030 (browsers do: the WHATWG "gbk"
 * label is GB18030's decoder), which gives characters to some pairs GBK
 * leaves undefined (FE 8E is 䦷, FE 50 is ⺁): the out-of-step runs carry
 * them (數據庫 = 94B5 93FE 8EEC read one byte late shows 祿䦷), and they
 * must encode back to their bytes. Such a pair is not a dropped
 * private-use pair either. Private-use results stay unmapped. */
static void add_gb18030_pairs(void)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return;
    unsigned char trails[ROW_PAIRS];
    uint32_t cps[ROW_PAIRS];
    row_trails(trails);
    for (unsigned l = LEAD_MIN; l <= LEAD_MAX; l++) {
        decode_row(cd, l, cps, trails);
        for (size_t k = 0; k < ROW_PAIRS; k++) {
            unsigned t = trails[k];
            uint32_t cp = cps[k];
            /* A character GBK encodes already keeps its GBK code (A2 E3
             * would be a second code of €, which glibc's GBK writes as
             * 80): every decoded pair encodes back to itself. */
            if (decode_table[l - LEAD_MIN][t - TRAIL_MIN] || !cp ||
                (cp >= 0xE000 && cp <= 0xF8FF) || encode_table[cp])
                continue;
            decode_table[l - LEAD_MIN][t - TRAIL_MIN] = (uint16_t)cp;
            encode_table[cp] = (uint16_t)(l << 8 | t);
        }
    }
    iconv_close(cd);
}

static void build_tables(void)
{
    iconv_t cd = iconv_open("UTF-8", "GBK");
    if (cd == (iconv_t)-1)
        return;
    unsigned char trails[ROW_PAIRS];
    uint32_t cps[ROW_PAIRS];
    row_trails(trails);
    for (unsigned l = LEAD_MIN; l <= LEAD_MAX; l++) {
        decode_row(cd, l, cps, trails);
        for (size_t k = 0; k < ROW_PAIRS; k++) {
            unsigned t = trails[k];
            uint32_t cp = cps[k];
            if (!cp)
                continue;
            if (!encode_table[cp])
                encode_table[cp] = (uint16_t)(l << 8 | t);
            /* glibc gives the user-defined areas (AAA1-AFFE, F8A1-FEFE)
             * private-use characters: no text has them, scrapers drop
             * them, so for decoding the pair is unmapped (a candidate
             * for a dropped pair). */
            if (cp >= 0xE000 && cp <= 0xF8FF)
                continue;
            decode_table[l - LEAD_MIN][t - TRAIL_MIN] = (uint16_t)cp;
        }
    }
    /* Byte 0x80 alone: glibc decodes it as the euro sign. */
    char in[1] = {(char)0x80};
    char out[8];
    char *ip = in, *op = out;
    size_t il = 1, ol = sizeof out;
    iconv(cd, NULL, NULL, NULL, NULL);
    if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0) {
        uint32_t cp;
        zh_utf8_decode((const unsigned char *)out, sizeof out - ol, &cp);
        if (cp <= 0xFFFF && !encode_table[cp])
            encode_table[cp] = 0x80;
    }
    iconv_close(cd);
    add_gb18030_pairs();
    for (unsigned l = LEAD_MIN; l <= LEAD_MAX; l++)
        for (unsigned t = LEAD_MIN; t <= LEAD_MAX; t++)
            if (!decode_table[l - LEAD_MIN][t - TRAIL_MIN])
                unmapped_list[l - LEAD_MIN][unmapped_count[l - LEAD_MIN]++] =
                    (unsigned char)t;
    tables_ok = 1;
}

int zh_gbk_ready(void)
{
    pthread_once(&tables_once, build_tables);
    return tables_ok;
}

uint32_t zh_gbk_decode2(unsigned lead, unsigned trail)
{
    if (lead < LEAD_MIN || lead > LEAD_MAX || trail < TRAIL_MIN ||
        trail > TRAIL_MAX)
        return 0;
    return decode_table[lead - LEAD_MIN][trail - TRAIL_MIN];
}

size_t zh_gbk_encode(uint32_t cp, unsigned char out[2])
{
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp > 0xFFFF || !encode_table[cp])
        return 0;
    unsigned v = encode_table[cp];
    if (v < 0x100) {
        out[0] = (unsigned char)v;
        return 1;
    }
    out[0] = (unsigned char)(v >> 8);
    out[1] = (unsigned char)(v & 0xFF);
    return 2;
}

int zh_gbk_unmapped(unsigned lead, unsigned trail)
{
    if (lead < LEAD_MIN || lead > LEAD_MAX || trail < TRAIL_MIN ||
        trail > TRAIL_MAX || trail == 0x7F)
        return 0;
    return decode_table[lead - LEAD_MIN][trail - TRAIL_MIN] == 0;
}

size_t zh_gbk_unmapped_after(unsigned lead, const unsigned char **out)
{
    if (lead < LEAD_MIN || lead > LEAD_MAX) {
        *out = NULL;
        return 0;
    }
    *out = unmapped_list[lead - LEAD_MIN];
    return unmapped_count[lead - LEAD_MIN];
}
