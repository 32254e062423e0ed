/*
 * encoding.c - encoding names, detection, and conversion to and from UTF-8.
 *
 * Three parts, all behind the "Encodings" section of zhfix.h:
 *
 *   1. Names: canonical names come from ZHFIX_ENCODING_MAP; a small alias
 *      table adds the spellings people and other tools use.
 *
 *   2. Detection: a streaming scorer that keeps a few counters per candidate
 *      encoding and never the input.  Each candidate decodes the bytes with
 *      its own tiny state machine and adds the cost (-log2 of the
 *      probability, in quarter bits) of every character it decodes, under a
 *      unigram model of Chinese text: the generated tables in
 *      encoding_freq.inc give the frequent characters, character classes
 *      give the rest, and an invalid sequence costs a fixed penalty.  The
 *      candidate whose decoding is cheapest explains the bytes best.  See
 *      zhfix_detector_result() for the order in which evidence is weighed.
 *
 *   3. Conversion: glibc's iconv, except for UTF-8 -> UTF-8, which is a
 *      strict validator and a copy.  UTF-8 input to iconv is validated here
 *      first, so every UTF-8 error looks the same whatever the target.
 *
 * A byte-order mark is not the codec's business: the codec converts U+FEFF
 * like any other character.  Callers strip zhfix_detection.bom_length bytes
 * before converting.
 */
#include "zhfix.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding_freq.inc"

/* ---- Names ------------------------------------------------------------- */

static const char *const enc_names[ZHFIX_ENC_COUNT_] = {
#define ZHFIX_ENC_NAME_(name, text) text,
    ZHFIX_ENCODING_MAP(ZHFIX_ENC_NAME_)
#undef ZHFIX_ENC_NAME_
};

const char *zhfix_encoding_name(zhfix_encoding enc)
{
    if ((int)enc < 0 || enc >= ZHFIX_ENC_COUNT_)
        return NULL;
    return enc_names[enc];
}

static const struct {
    const char *name;
    zhfix_encoding enc;
} enc_aliases[] = {
    {"utf8", ZHFIX_ENC_UTF8},
    {"utf16le", ZHFIX_ENC_UTF16LE},
    {"utf16be", ZHFIX_ENC_UTF16BE},
    {"cp936", ZHFIX_ENC_GBK},
    /* GB2312 as found in files is EUC-CN, a subset of GBK; decoding it as
     * GBK also accepts the GBK characters such files often contain anyway. */
    {"gb2312", ZHFIX_ENC_GBK},
    /* glibc's BIG5 is CP950 (its gconv-modules make CP950 an alias). */
    {"cp950", ZHFIX_ENC_BIG5},
    {"big5hkscs", ZHFIX_ENC_BIG5HKSCS},
};

/* ASCII-only case folding: locale-dependent tolower() must not decide
 * whether "GBK" is a name. */
static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca = (unsigned char)(ca - 'A' + 'a');
        if (cb >= 'A' && cb <= 'Z')
            cb = (unsigned char)(cb - 'A' + 'a');
        if (ca != cb || ca == '\0')
            return ca - cb;
    }
}

zhfix_status zhfix_encoding_from_name(const char *name, zhfix_encoding *out)
{
    size_t i;
    if (!name || !out)
        return ZHFIX_INVALID_ARGUMENT;
    for (i = 0; i < ZHFIX_ENC_COUNT_; i++) {
        if (ascii_casecmp(name, enc_names[i]) == 0) {
            *out = (zhfix_encoding)i;
            return ZHFIX_OK;
        }
    }
    for (i = 0; i < sizeof enc_aliases / sizeof enc_aliases[0]; i++) {
        if (ascii_casecmp(name, enc_aliases[i].name) == 0) {
            *out = enc_aliases[i].enc;
            return ZHFIX_OK;
        }
    }
    return ZHFIX_UNKNOWN_ENCODING;
}

/* ---- Character costs --------------------------------------------------- */

/* Costs are in quarter bits so that integer sums stay exact (the result must
 * not depend on how the input was split, and float sums would). */
#define QB(bits) ((bits)*4)

/* An invalid sequence: far worse than any real character, but finite, so a
 * text with one damaged byte is still recognised. */
#define COST_INVALID QB(40)

static int ascii_cost(unsigned c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        (c >= '0' && c <= '9'))
        return QB(6);
    if (c == ' ')
        return QB(5);
    if (c == '\n')
        return QB(6);
    if (c == '\t' || c == '\r')
        return QB(8);
    if (c == 0)
        return QB(30);
    if (c < 0x20 || c == 0x7F)
        return QB(28);
    if (strchr(",.;:!?'\"()-/", (int)c))
        return QB(7); /* common punctuation */
    return QB(10);    /* # $ % & * + < = > @ [ \ ] ^ _ ` { | } ~ */
}

/* Binary search in one of the generated tables; start[] indexes the entries
 * by the high byte of the code, so each search covers a few dozen entries. */
static int freq_lookup(const uint16_t *codes, const uint8_t *costs,
                       const uint16_t *start, unsigned code)
{
    size_t lo = start[code >> 8], hi = start[(code >> 8) + 1];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (codes[mid] < code)
            lo = mid + 1;
        else if (codes[mid] > code)
            hi = mid;
        else
            return costs[mid];
    }
    return -1;
}

/* Cost of a code point in Chinese text (UTF-8 and UTF-16 candidates). The
 * class costs are rough shares of such characters in Chinese text; what
 * matters is that frequent Han characters and punctuation are cheap and
 * the characters that wrong decodings produce (rare Han, Hangul, private
 * use, C1 controls) are dear. */
static int unicode_cost(uint32_t cp)
{
    int t;
    if (cp < 0x80)
        return ascii_cost(cp);
    if (cp < 0x10000) {
        t = freq_lookup(enc_uni_code, enc_uni_cost, enc_uni_start, cp);
        if (t >= 0)
            return t;
    }
    if (cp < 0xA0)
        return QB(30); /* C1 control */
    if (cp < 0x250)
        return QB(14); /* Latin-1 and Latin Extended */
    if (cp >= 0x2000 && cp < 0x2070)
        return QB(13); /* general punctuation */
    if (cp >= 0x2100 && cp < 0x2C00)
        return QB(14); /* symbols, box drawing */
    if (cp >= 0x3000 && cp < 0x3040)
        return QB(12); /* CJK punctuation */
    if (cp >= 0x3040 && cp < 0x3130)
        return QB(16); /* kana, bopomofo */
    if (cp >= 0x3400 && cp < 0x4DC0)
        return QB(23); /* CJK extension A */
    if (cp >= 0x4E00 && cp < 0xA000)
        return QB(21); /* Han outside the frequent set */
    if (cp >= 0xAC00 && cp < 0xD7B0)
        return QB(22); /* Hangul */
    if (cp >= 0xE000 && cp < 0xF900)
        return QB(26); /* private use */
    if (cp >= 0xF900 && cp < 0xFB00)
        return QB(22); /* CJK compatibility */
    if (cp >= 0xFE30 && cp < 0xFE50)
        return QB(16); /* vertical and small forms */
    if (cp >= 0xFF00 && cp < 0xFFF0)
        return QB(13); /* full-width forms */
    if (cp == 0xFFFE || cp == 0xFFFF)
        return QB(40); /* noncharacters */
    if (cp >= 0x10000)
        return QB(24);
    return QB(20); /* other scripts */
}

/* GBK code (lead << 8 | trail) not in the frequent set: cost by region of
 * the GBK code space (GB2312 symbols, GB2312 Han levels 1 and 2, GBK
 * extensions). */
static int gbk_cost(unsigned code)
{
    unsigned lead = code >> 8, trail = code & 0xFF;
    int t = freq_lookup(enc_gbk_code, enc_gbk_cost, enc_gbk_start, code);
    if (t >= 0)
        return t;
    if (lead >= 0xA1 && lead <= 0xA9 && trail >= 0xA1)
        return (lead == 0xA4 || lead == 0xA5) ? QB(16) : QB(14);
    if (lead >= 0xA8 && lead <= 0xA9)
        return QB(16);
    if (lead >= 0xB0 && lead <= 0xD7 && trail >= 0xA1)
        return QB(21);
    if (lead >= 0xD8 && lead <= 0xF7 && trail >= 0xA1)
        return QB(22);
    return QB(23);
}

/* Big5 code not in the frequent set: symbols, level 1 (frequent) and level 2
 * Han, the ETEN extensions, and HKSCS. */
static int big5_cost(unsigned code)
{
    int t = freq_lookup(enc_big5_code, enc_big5_cost, enc_big5_start, code);
    if (t >= 0)
        return t;
    if (code < 0xA440)
        return code >= 0xA140 ? QB(14) : QB(24);
    if (code <= 0xC67E)
        return QB(21);
    if (code < 0xC940)
        return QB(18);
    if (code <= 0xF9D5)
        return QB(22);
    if (code <= 0xF9FE)
        return QB(18);
    return QB(24);
}

/* Is a two-byte code defined by GB18030 but not by GBK? */
static int gb18030_only(unsigned code)
{
    size_t lo = 0,
           hi = sizeof enc_gb18030_only / sizeof enc_gb18030_only[0] / 2;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (code < enc_gb18030_only[2 * mid])
            hi = mid;
        else if (code > enc_gb18030_only[2 * mid + 1])
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

/* Is a four-byte GB18030 sequence defined? */
static int gb18030_four_valid(const unsigned char b[4])
{
    uint32_t linear =
        (((uint32_t)(b[0] - 0x81) * 10 + (b[1] - 0x30)) * 126 + (b[2] - 0x81)) *
            10 +
        (b[3] - 0x30);
    size_t i;
    for (i = 0; i < sizeof enc_gb18030_four / sizeof enc_gb18030_four[0];
         i += 2) {
        if (linear >= enc_gb18030_four[i] && linear <= enc_gb18030_four[i + 1])
            return 1;
    }
    return 0;
}

#define IN_BIG5 1u
#define IN_HKSCS 2u
#define BIG5_PUA 4u /* BIG5 decodes it to private use, BIG5-HKSCS does not */

/* Which of BIG5 and BIG5-HKSCS define a two-byte code (0: neither). */
static unsigned big5_flags(unsigned code)
{
    size_t lo = 0, hi = sizeof enc_big5_runs / sizeof enc_big5_runs[0] / 3;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (code < enc_big5_runs[3 * mid])
            hi = mid;
        else if (code > enc_big5_runs[3 * mid + 1])
            lo = mid + 1;
        else
            return enc_big5_runs[3 * mid + 2];
    }
    return 0;
}

/* ---- Detector ---------------------------------------------------------- */


/* Candidates. The last three are encodings zhfix cannot report (the enum has
 * no name for them); they compete only to lower the confidence when the
 * bytes look more like Korean, Japanese or Latin-1 text than like Chinese,
 * the inputs that other detectors confidently call GBK or Big5. */
enum {
    HYP_UTF8,
    HYP_U16LE,
    HYP_U16BE,
    HYP_GBK,
    HYP_BIG5,
    HYP_EUCKR,
    HYP_SJIS,
    HYP_LATIN1,
    HYP_COUNT_
};

/* Running totals of one candidate encoding. */
typedef struct enc_hyp {
    long long cost;             /* quarter bits, penalties included */
    long long char_cost;        /* part of cost from non-ASCII characters */
    unsigned long long chars;   /* non-ASCII characters decoded */
    unsigned long long invalid; /* invalid sequences */
    int frozen;                 /* decided: only count invalid sequences */
} enc_hyp;

struct zhfix_detector {
    unsigned long long offset; /* bytes scored (scoring stops once done) */
    unsigned long long nul;    /* NUL bytes, counted even after done */
    unsigned char head[3];     /* first bytes, for the byte-order mark */
    zhfix_encoding bom;        /* AUTO when there is none */
    size_t bom_length;
    int done;

    enc_hyp hyp[HYP_COUNT_];
    /* The byte-oriented candidates (all but UTF-16) decode ASCII alike;
     * while a UTF-16 candidate is still alive the cost of such ASCII is
     * kept here once instead of once per candidate, and once none is, it no
     * longer matters and is not counted (so long ASCII runs are skipped 8
     * bytes at a time). */
    long long ascii_common;
    int utf8_alive;   /* 0 after the first invalid UTF-8 sequence */
    int u16_alive[2]; /* 0 once hopelessly behind (see u16_prune) */
    /* Once one candidate is far ahead the others stop decoding, which makes
     * the common cases fast: see enter_fast_mode(). */
    enum { MODE_ALL, MODE_UTF8, MODE_LEAD } mode;
    int lead; /* MODE_LEAD: HYP_GBK or HYP_BIG5 */

    /* UTF-8 decoder: continuation bytes still needed, allowed range of the
     * next one, code point so far, bytes of the sequence so far. */
    unsigned u8_need, u8_lo, u8_hi;
    uint32_t u8_cp;
    unsigned char u8_buf[3];
    unsigned u8_len;
    /* UTF-16 decoders: byte at the even offset, pending high surrogates. */
    unsigned u16_first;
    unsigned u16_high[2];
    /* GBK/GB18030 decoder: bytes of the pending sequence. */
    unsigned char gbk_buf[3];
    unsigned gbk_n;
    unsigned long long gbk_euro;     /* byte 0x80: GBK only (GB18030 rejects) */
    unsigned long long gb18030_only; /* codes outside GBK */
    /* Big5 decoder. */
    unsigned big5_lead;
    unsigned long long big5_only;  /* codes BIG5-HKSCS rejects */
    unsigned long long hkscs_only; /* codes BIG5 rejects or makes PUA of */
    /* EUC-KR and Shift_JIS decoders. */
    unsigned euckr_lead, sjis_lead;
};

/* A UTF-16 candidate this far behind the best byte-oriented one cannot win
 * any more: stop decoding it. */
#define U16_PRUNE QB(256)
/* Margin after which a verdict on non-UTF-8 input is taken as final. */
#define DECISIVE QB(200)
/* Input with NUL bytes that is valid UTF-8 is still taken as UTF-16 when
 * that explains it better by this much. */
#define U16_OVER_UTF8 QB(8)
/* ...and only when there is enough of it to tell: a few bytes with a NUL
 * (`ab\0cd\n`, a scrap of binary) read as two or three UTF-16 units of
 * anything, 慢c搊 as readily as text. Shorter input with NUL bytes is
 * binary. */
#define U16_MIN_BYTES 16
/* How much more likely valid UTF-8 makes each multibyte character under the
 * UTF-8 hypothesis than under a legacy one (which passes UTF-8's structure
 * checks by chance about one time in 16). */
#define UTF8_BONUS QB(4)

static void detector_init(zhfix_detector *d)
{
    memset(d, 0, sizeof *d);
    d->bom = ZHFIX_ENC_AUTO;
    d->utf8_alive = 1;
    d->u16_alive[0] = d->u16_alive[1] = 1;
}

zhfix_status zhfix_detector_create(zhfix_detector **out)
{
    zhfix_detector *d;
    if (!out)
        return ZHFIX_INVALID_ARGUMENT;
    *out = NULL;
    d = malloc(sizeof *d);
    if (!d)
        return ZHFIX_NOMEM;
    detector_init(d);
    *out = d;
    return ZHFIX_OK;
}

void zhfix_detector_destroy(zhfix_detector *d)
{
    free(d);
}

static void add_ascii(enc_hyp *h, unsigned c)
{
    if (!h->frozen)
        h->cost += ascii_cost(c);
}

static void add_char(enc_hyp *h, int cost)
{
    if (h->frozen)
        return;
    h->cost += cost;
    h->char_cost += cost;
    h->chars++;
}

static void add_invalid(enc_hyp *h)
{
    if (!h->frozen)
        h->cost += COST_INVALID;
    h->invalid++;
}

static void utf8_step(zhfix_detector *d, unsigned c)
{
    if (d->u8_need == 0) {
        if (c < 0x80) {
            add_ascii(&d->hyp[HYP_UTF8], c);
            return;
        }
        d->u8_lo = 0x80;
        d->u8_hi = 0xBF;
        d->u8_buf[0] = (unsigned char)c;
        d->u8_len = 1;
        if (c >= 0xC2 && c <= 0xDF) {
            d->u8_need = 1;
            d->u8_cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            d->u8_need = 2;
            d->u8_cp = c & 0x0F;
            if (c == 0xE0)
                d->u8_lo = 0xA0; /* shorter forms are overlong */
            else if (c == 0xED)
                d->u8_hi = 0x9F; /* D800-DFFF are surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            d->u8_need = 3;
            d->u8_cp = c & 0x07;
            if (c == 0xF0)
                d->u8_lo = 0x90;
            else if (c == 0xF4)
                d->u8_hi = 0x8F; /* beyond U+10FFFF */
        } else {
            d->u8_len = 0; /* no sequence before c */
            d->utf8_alive = 0;
        }
        return;
    }
    if (c < d->u8_lo || c > d->u8_hi) {
        d->utf8_alive = 0;
        return;
    }
    d->u8_cp = (d->u8_cp << 6) | (c & 0x3F);
    d->u8_lo = 0x80;
    d->u8_hi = 0xBF;
    if (--d->u8_need == 0) {
        d->u8_len = 0;
        add_char(&d->hyp[HYP_UTF8], unicode_cost(d->u8_cp));
    } else {
        d->u8_buf[d->u8_len++] = (unsigned char)c;
    }
}

static void u16_unit(zhfix_detector *d, int k, unsigned u)
{
    enc_hyp *h = &d->hyp[HYP_U16LE + k];
    if (d->u16_high[k]) {
        unsigned high = d->u16_high[k];
        d->u16_high[k] = 0;
        if (u >= 0xDC00 && u <= 0xDFFF) {
            add_char(h, unicode_cost(0x10000 + ((high - 0xD800) << 10) +
                                     (u - 0xDC00)));
            return;
        }
        add_invalid(h); /* lone high surrogate */
    }
    if (u >= 0xD800 && u <= 0xDBFF)
        d->u16_high[k] = u;
    else if (u >= 0xDC00 && u <= 0xDFFF)
        add_invalid(h); /* lone low surrogate */
    else if (u == 0) {
        /* Text has no U+0000; binary data has many. Dearer than the two NUL
         * bytes are for the byte-oriented candidates, so that zeros alone
         * never make binary data look like UTF-16. */
        add_invalid(h);
        h->cost += 2 * ascii_cost(0);
    } else if (u < 0x80)
        add_ascii(h, u);
    else
        add_char(h, unicode_cost(u));
}

static void u16_step(zhfix_detector *d, unsigned c)
{
    if ((d->offset & 1) == 0) {
        d->u16_first = c;
        return;
    }
    if (d->u16_alive[0])
        u16_unit(d, 0, d->u16_first | (c << 8));
    if (d->u16_alive[1])
        u16_unit(d, 1, (d->u16_first << 8) | c);
}

static void gbk_two(zhfix_detector *d, unsigned code)
{
    /* GB18030-only cells are user-defined (private use) or unassigned
     * symbol cells. */
    if (gb18030_only(code)) {
        add_char(&d->hyp[HYP_GBK], QB(26));
        d->gb18030_only++;
    } else if (!d->hyp[HYP_GBK].frozen) {
        add_char(&d->hyp[HYP_GBK], gbk_cost(code));
    }
}

/* GBK and GB18030 as one candidate: GB18030 is GBK plus four-byte sequences
 * and the two-byte cells GBK leaves undefined, minus the byte 0x80 (glibc's
 * GBK decodes it as the euro sign, as Windows' CP936 does). Which name to
 * report is settled at the end from the counters. */
static void gbk_step(zhfix_detector *d, unsigned c)
{
    enc_hyp *h = &d->hyp[HYP_GBK];
    switch (d->gbk_n) {
    case 0:
        if (c < 0x80) {
            add_ascii(h, c);
        } else if (c == 0x80) {
            add_char(h, QB(20));
            d->gbk_euro++;
        } else if (c == 0xFF) {
            add_invalid(h);
        } else {
            d->gbk_buf[0] = (unsigned char)c;
            d->gbk_n = 1;
        }
        return;
    case 1:
        if (c >= 0x30 && c <= 0x39) {
            d->gbk_buf[1] = (unsigned char)c;
            d->gbk_n = 2;
            return;
        }
        d->gbk_n = 0;
        if ((c >= 0x40 && c <= 0x7E) || (c >= 0x80 && c <= 0xFE)) {
            gbk_two(d, (unsigned)d->gbk_buf[0] << 8 | c);
            return;
        }
        break;
    case 2:
        if (c >= 0x81 && c <= 0xFE) {
            d->gbk_buf[2] = (unsigned char)c;
            d->gbk_n = 3;
            return;
        }
        d->gbk_n = 0;
        break;
    default:
        d->gbk_n = 0;
        if (c >= 0x30 && c <= 0x39) {
            unsigned char b[4];
            memcpy(b, d->gbk_buf, 3);
            b[3] = (unsigned char)c;
            if (gb18030_four_valid(b)) {
                add_char(h, QB(24));
                d->gb18030_only++;
            } else {
                add_invalid(h);
            }
            return;
        }
        break;
    }
    /* The pending sequence is invalid; c starts afresh. The recursion is
     * one level deep: with gbk_n now 0, the call cannot reach this line. */
    add_invalid(h);
    gbk_step(d, c);
}

static void big5_step(zhfix_detector *d, unsigned c)
{
    enc_hyp *h = &d->hyp[HYP_BIG5];
    unsigned lead = d->big5_lead;
    if (lead == 0) {
        if (c < 0x80)
            add_ascii(h, c);
        else if (c == 0x80)
            add_char(h, QB(30)); /* glibc decodes it as the C1 control U+0080 */
        else if (c == 0xFF)
            add_invalid(h);
        else
            d->big5_lead = c;
        return;
    }
    d->big5_lead = 0;
    if ((c >= 0x40 && c <= 0x7E) || (c >= 0xA1 && c <= 0xFE)) {
        unsigned code = lead << 8 | c, flags = big5_flags(code);
        if (flags == 0) {
            add_invalid(h);
            return;
        }
        if (flags == IN_BIG5)
            d->big5_only++;
        else if (flags == IN_HKSCS || (flags & BIG5_PUA))
            d->hkscs_only++; /* only BIG5-HKSCS makes a character of it */
        if (!h->frozen)
            add_char(h, big5_cost(code));
        return;
    }
    add_invalid(h);
    big5_step(d, c);
}

/* EUC-KR (KS X 1001) under a crude model of Korean text: a Hangul syllable
 * costs about what one of 2350 equally likely ones would; Hanja are rare. */
static void euckr_step(zhfix_detector *d, unsigned c)
{
    enc_hyp *h = &d->hyp[HYP_EUCKR];
    unsigned lead = d->euckr_lead;
    if (lead == 0) {
        if (c < 0x80)
            add_ascii(h, c);
        else if (c >= 0xA1 && c <= 0xFE)
            d->euckr_lead = c;
        else
            add_invalid(h);
        return;
    }
    d->euckr_lead = 0;
    if (c < 0xA1 || c > 0xFE) {
        add_invalid(h);
        euckr_step(d, c);
    } else if (lead >= 0xB0 && lead <= 0xC8) {
        add_char(h, QB(11)); /* Hangul */
    } else if (lead >= 0xCA && lead <= 0xFD) {
        add_char(h, QB(16)); /* Hanja */
    } else if (lead <= 0xAC) {
        add_char(h, QB(12)); /* symbols, jamo, kana */
    } else {
        add_invalid(h); /* unassigned rows */
    }
}

/* Shift_JIS under a crude model of Japanese text: kana and punctuation are
 * cheap, kanji cost about what one of 3000 would. */
static void sjis_step(zhfix_detector *d, unsigned c)
{
    enc_hyp *h = &d->hyp[HYP_SJIS];
    unsigned lead = d->sjis_lead;
    if (lead == 0) {
        if (c < 0x80)
            add_ascii(h, c);
        else if (c >= 0xA1 && c <= 0xDF)
            add_char(h, QB(12)); /* half-width katakana */
        else if ((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC))
            d->sjis_lead = c;
        else
            add_invalid(h);
        return;
    }
    d->sjis_lead = 0;
    if (c < 0x40 || c == 0x7F || c > 0xFC) {
        add_invalid(h);
        sjis_step(d, c);
    } else if (lead == 0x81) {
        add_char(h, QB(8)); /* punctuation */
    } else if (lead == 0x82) {
        add_char(h, c >= 0x9F ? QB(7) : QB(12)); /* hiragana; full-width */
    } else if (lead == 0x83) {
        add_char(h, c <= 0x96 ? QB(8) : QB(14)); /* katakana; Greek */
    } else if (lead == 0x84 || lead == 0x87) {
        add_char(h, QB(14)); /* Cyrillic, box drawing, NEC symbols */
    } else if ((lead >= 0x88 && lead <= 0x9F) ||
               (lead >= 0xE0 && lead <= 0xEA)) {
        add_char(h, QB(12)); /* kanji */
    } else if ((lead >= 0xED && lead <= 0xEE) || lead >= 0xFA) {
        add_char(h, QB(16)); /* IBM extension kanji */
    } else if (lead >= 0xF0 && lead <= 0xF9) {
        add_char(h, QB(24)); /* user-defined */
    } else {
        add_invalid(h); /* unassigned rows */
    }
}

/* ISO-8859-1 / Windows-1252 under a crude model of Western European text:
 * accented letters are common, symbols less so. */
static void latin1_step(zhfix_detector *d, unsigned c)
{
    enc_hyp *h = &d->hyp[HYP_LATIN1];
    if (c < 0x80)
        add_ascii(h, c);
    else if (c >= 0xC0 && c != 0xD7 && c != 0xF7)
        add_char(h, QB(8)); /* letters */
    else if (c < 0xA0)
        add_char(h, QB(10)); /* Windows-1252 quotes, dashes, euro */
    else
        add_char(h, QB(12)); /* symbols */
}

static int byte_hyps_at_boundary(const zhfix_detector *d)
{
    return (!d->utf8_alive || d->u8_need == 0) && d->gbk_n == 0 &&
           d->big5_lead == 0 && d->euckr_lead == 0 && d->sjis_lead == 0;
}

static long long best_byte_cost(const zhfix_detector *d)
{
    long long best = d->hyp[HYP_GBK].cost;
    int k;
    for (k = HYP_GBK + 1; k < HYP_COUNT_; k++) {
        if (d->hyp[k].cost < best)
            best = d->hyp[k].cost;
    }
    if (d->utf8_alive && d->hyp[HYP_UTF8].cost < best)
        best = d->hyp[HYP_UTF8].cost;
    return best + d->ascii_common;
}

static void u16_prune(zhfix_detector *d)
{
    long long best = best_byte_cost(d);
    int k;
    for (k = 0; k < 2; k++) {
        if (d->u16_alive[k] && d->hyp[HYP_U16LE + k].cost - best > U16_PRUNE)
            d->u16_alive[k] = 0;
    }
}

/* Is the best candidate for non-UTF-8 input so far ahead that nothing can
 * change the verdict? Only when its name cannot change either: GBK could
 * still turn out to be GB18030 (a four-byte sequence later on) and BIG5
 * could turn out to be BIG5-HKSCS, so those two never end early. */
static int non_utf8_decided(const zhfix_detector *d)
{
    long long score[HYP_COUNT_];
    int competing[HYP_COUNT_] = {0};
    int k, best = -1;
    competing[HYP_U16LE] = d->u16_alive[0];
    competing[HYP_U16BE] = d->u16_alive[1];
    for (k = HYP_GBK; k < HYP_COUNT_; k++)
        competing[k] = 1;
    for (k = HYP_U16LE; k < HYP_COUNT_; k++) {
        score[k] = d->hyp[k].cost;
        if (k >= HYP_GBK)
            score[k] += d->ascii_common;
        if (competing[k] && k <= HYP_BIG5 &&
            (best < 0 || score[k] < score[best]))
            best = k;
    }
    if (d->hyp[best].invalid != 0)
        return 0;
    if (best == HYP_U16LE || best == HYP_U16BE) {
        if ((d->offset & 1) || d->u16_high[best - HYP_U16LE])
            return 0;
    } else if (best == HYP_GBK) {
        if (d->gbk_n != 0 || d->gb18030_only == 0 || d->gbk_euro != 0)
            return 0;
    } else {
        if (d->big5_lead != 0 || d->hkscs_only == 0 || d->big5_only != 0)
            return 0;
    }
    for (k = HYP_U16LE; k < HYP_COUNT_; k++) {
        if (k != best && competing[k] && score[k] - score[best] < DECISIVE)
            return 0;
    }
    return 1;
}

static void bom_step(zhfix_detector *d, unsigned c)
{
    d->head[d->offset] = (unsigned char)c;
    if (d->offset == 1) {
        if (d->head[0] == 0xFF && d->head[1] == 0xFE)
            d->bom = ZHFIX_ENC_UTF16LE;
        else if (d->head[0] == 0xFE && d->head[1] == 0xFF)
            d->bom = ZHFIX_ENC_UTF16BE;
        if (d->bom != ZHFIX_ENC_AUTO)
            d->bom_length = 2;
    } else if (d->offset == 2 && d->head[0] == 0xEF && d->head[1] == 0xBB &&
               c == 0xBF) {
        d->bom = ZHFIX_ENC_UTF8;
        d->bom_length = 3;
    }
    if (d->bom != ZHFIX_ENC_AUTO)
        d->done = 1;
}

/* The path of every byte-oriented candidate: ASCII at a character boundary
 * of all of them is scored once (see ascii_common), any other byte by each. */
static void byte_machines(zhfix_detector *d, unsigned c, int u16)
{
    if (c < 0x80 && byte_hyps_at_boundary(d)) {
        if (u16)
            d->ascii_common += ascii_cost(c);
        return;
    }
    if (d->utf8_alive)
        utf8_step(d, c);
    gbk_step(d, c);
    big5_step(d, c);
    euckr_step(d, c);
    sjis_step(d, c);
    latin1_step(d, c);
}

/* A candidate this far ahead of every other has won unless the input stops
 * being valid for it; the others stop decoding (see enter_fast_mode). */
#define SUSPEND QB(256)

/* Most input is either valid UTF-8 or one legacy encoding throughout, and
 * after a few hundred bytes one candidate leads by far. Then:
 *   MODE_UTF8  only validates UTF-8 (at memory speed). Should the UTF-8
 *              break, the other candidates resume from the start of the
 *              broken sequence: the valid UTF-8 before it says nothing about
 *              which legacy encoding the rest is in.
 *   MODE_LEAD  only the leading GBK or Big5 decoder runs, to catch the codes
 *              that decide GB18030 or BIG5-HKSCS and to count invalid
 *              sequences; scores stay as they are.
 * The switch happens at a byte position fixed by the input alone, so the
 * verdict still does not depend on how the input was split. */
static void enter_fast_mode(zhfix_detector *d)
{
    int k, lead;
    if (d->u16_alive[0] || d->u16_alive[1] || d->offset < 3 ||
        !byte_hyps_at_boundary(d))
        return;
    if (d->utf8_alive) {
        for (k = HYP_GBK; k < HYP_COUNT_; k++) {
            if (d->hyp[k].cost - d->hyp[HYP_UTF8].cost < SUSPEND)
                return;
        }
        d->mode = MODE_UTF8;
        d->hyp[HYP_UTF8].frozen = 1;
        return;
    }
    lead = d->hyp[HYP_BIG5].cost < d->hyp[HYP_GBK].cost ? HYP_BIG5 : HYP_GBK;
    for (k = HYP_GBK; k < HYP_COUNT_; k++) {
        if (k != lead && d->hyp[k].cost - d->hyp[lead].cost < SUSPEND)
            return;
    }
    d->mode = MODE_LEAD;
    d->lead = lead;
    d->hyp[lead].frozen = 1;
}

static void utf8_mode_byte(zhfix_detector *d, unsigned c)
{
    utf8_step(d, c);
    if (!d->utf8_alive) {
        unsigned char pending[3];
        unsigned i, n = d->u8_len;
        memcpy(pending, d->u8_buf, n);
        d->mode = MODE_ALL;
        for (i = 0; i < n; i++)
            byte_machines(d, pending[i], 0);
        byte_machines(d, c, 0);
    }
}

static void detector_byte(zhfix_detector *d, unsigned c)
{
    int u16 = d->u16_alive[0] || d->u16_alive[1];
    if (d->offset < 3)
        bom_step(d, c);
    switch (d->mode) {
    case MODE_UTF8: utf8_mode_byte(d, c); break;
    case MODE_LEAD:
        if (d->lead == HYP_GBK)
            gbk_step(d, c);
        else
            big5_step(d, c);
        break;
    default:
        if (u16)
            u16_step(d, c);
        byte_machines(d, c, u16);
        break;
    }
    d->offset++;
    if (u16 && (d->offset & 1) == 0)
        u16_prune(d);
    if (d->mode == MODE_ALL)
        enter_fast_mode(d);
    /* In MODE_LEAD scores are fixed: only the code that settles the name
     * can end the detection, so most bytes need no check. */
    if (!d->utf8_alive && !d->done &&
        (d->mode != MODE_LEAD ||
         (d->lead == HYP_GBK ? d->gb18030_only : d->hkscs_only) > 0))
        d->done = non_utf8_decided(d);
}

static int active_at_boundary(const zhfix_detector *d)
{
    switch (d->mode) {
    case MODE_UTF8: return d->u8_need == 0;
    case MODE_LEAD:
        return d->lead == HYP_GBK ? d->gbk_n == 0 : d->big5_lead == 0;
    default: return byte_hyps_at_boundary(d);
    }
}

static size_t count_nul(const unsigned char *s, size_t n)
{
    size_t count = 0;
    const unsigned char *end = s + n, *p;
    while (s < end && (p = memchr(s, 0, (size_t)(end - s))) != NULL) {
        count++;
        s = p + 1;
    }
    return count;
}

/* Eight bytes that are ASCII and not NUL. */
static int plain_ascii8(const unsigned char *s)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t v;
    memcpy(&v, s, 8);
    return (v & highs) == 0 && ((v - ones) & ~v & highs) == 0;
}

void zhfix_detector_feed(zhfix_detector *d, const char *src, size_t srclen)
{
    const unsigned char *s = (const unsigned char *)src, *end;
    if (!d || !src)
        return;
    end = s + srclen;
    while (s < end) {
        if (d->done) {
            /* The verdict is final; only the binary flag still learns. */
            d->nul += count_nul(s, (size_t)(end - s));
            return;
        }
        if (d->mode == MODE_UTF8 && d->u8_need == 0) {
            size_t p = zhfix_utf8_validate((const char *)s, (size_t)(end - s));
            d->nul += count_nul(s, p);
            d->offset += p;
            s += p;
            if (s == end)
                return;
        } else if (d->offset >= 3 && !d->u16_alive[0] && !d->u16_alive[1] &&
                   active_at_boundary(d)) {
            /* Plain ASCII where no candidate is mid-character and no UTF-16
             * candidate is alive changes no score (see ascii_common). */
            const unsigned char *start = s;
            while (end - s >= 8 && plain_ascii8(s))
                s += 8;
            d->offset += (unsigned long long)(s - start);
            if (s == end)
                return;
        }
        if (*s == 0)
            d->nul++;
        detector_byte(d, *s++);
    }
}

int zhfix_detector_done(const zhfix_detector *d)
{
    return d ? d->done : 0;
}

/* 2^(-q/4), without libm; |q| is capped at 60 bits, plenty for a ratio
 * of probabilities. */
static double pow2_neg_quarters(long long q)
{
    static const double frac[4] = {1.0, 0.8408964152537145, 0.7071067811865476,
                                   0.5946035575013605};
    if (q < 0)
        return 1.0 / pow2_neg_quarters(-q);
    if (q >= 4 * 60)
        q = 4 * 60 - 1;
    return frac[q % 4] / (double)(1ull << (q / 4));
}

/* Probability (0..1) that candidate best is right among the n scores with
 * alive[k] set. Costs from a unigram model overstate the evidence (its
 * characters are not independent), so differences count a quarter. */
static double posterior(const long long *score, const int *alive, int n,
                        int best)
{
    double sum = 0.0;
    int k;
    for (k = 0; k < n; k++) {
        if (alive[k])
            sum += pow2_neg_quarters((score[k] - score[best]) / 4);
    }
    return 1.0 / sum;
}

/* How Chinese the best decoding looks: 1 when its non-ASCII characters
 * average 15 bits or less (samples of Chinese prose average 9 to 14), down
 * to 0.2 at 20 bits, what binary data or unrelated encodings decoded as
 * GBK or Big5 average. */
static double chinese_fit(const enc_hyp *h)
{
    double avg;
    if (h->chars == 0)
        return 1.0;
    avg = (double)h->char_cost / (double)h->chars / 4.0;
    if (avg <= 15.0)
        return 1.0;
    if (avg >= 20.0)
        return 0.2;
    return 1.0 - 0.8 * (avg - 15.0) / 5.0;
}

static int percent(double p)
{
    int v = (int)(p * 100.0 + 0.5);
    return v < 0 ? 0 : v > 100 ? 100 : v;
}

/*
 * The verdict, weighing evidence in this order:
 *   1. A byte-order mark (UTF-8, UTF-16LE, UTF-16BE) decides.
 *   2. Input that is strictly valid UTF-8 from start to end is UTF-8 (pure
 *      ASCII and empty input included; the last character may be cut
 *      short), unless it has NUL bytes that UTF-16 explains clearly better
 *      ("h\0i\0" is valid UTF-8 too).
 *   3. Otherwise the cheapest of UTF-16LE, UTF-16BE (no BOM), the GBK family
 *      and the Big5 family wins; the family then gets its name: GB18030 only
 *      when codes outside GBK occurred, BIG5-HKSCS only when codes outside
 *      BIG5 occurred.
 * Confidence is the candidate's posterior probability, lowered when its
 * decoding does not look like Chinese or contains invalid sequences.
 */
void zhfix_detector_result(const zhfix_detector *d, zhfix_detection *out)
{
    enc_hyp h[HYP_COUNT_];
    long long score[HYP_COUNT_];
    int alive[HYP_COUNT_];
    int k, best = -1, utf8_valid;
    double conf;
    unsigned long long conflicts = 0;

    if (!out)
        return;
    out->encoding = ZHFIX_ENC_UTF8;
    out->confidence = 0;
    out->bom_length = 0;
    out->binary = 0;
    if (!d)
        return;
    if (d->bom != ZHFIX_ENC_AUTO) {
        out->encoding = d->bom;
        out->confidence = 100;
        out->bom_length = d->bom_length;
        out->binary = d->bom == ZHFIX_ENC_UTF8 && d->nul > 0;
        return;
    }

    /* Sequences still pending at the end are truncated. Except for UTF-8:
     * input is often cut inside its last character (a sample, a file cut
     * short), and that does not make the rest something else; the codec
     * will report the truncated character. */
    memcpy(h, d->hyp, sizeof h);
    utf8_valid = d->utf8_alive;
    for (k = 0; k < 2; k++) {
        if (d->offset & 1)
            add_invalid(&h[HYP_U16LE + k]);
        if (d->u16_high[k])
            add_invalid(&h[HYP_U16LE + k]);
    }
    if (d->gbk_n)
        add_invalid(&h[HYP_GBK]);
    if (d->big5_lead)
        add_invalid(&h[HYP_BIG5]);
    if (d->euckr_lead)
        add_invalid(&h[HYP_EUCKR]);
    if (d->sjis_lead)
        add_invalid(&h[HYP_SJIS]);

    for (k = 0; k < HYP_COUNT_; k++) {
        score[k] = h[k].cost;
        if (k == HYP_UTF8 || k >= HYP_GBK)
            score[k] += d->ascii_common;
    }
    alive[HYP_UTF8] = utf8_valid;
    alive[HYP_U16LE] = d->u16_alive[0];
    alive[HYP_U16BE] = d->u16_alive[1];
    for (k = HYP_GBK; k < HYP_COUNT_; k++)
        alive[k] = 1;

    if (utf8_valid) {
        int u16 = -1;
        for (k = HYP_U16LE; k <= HYP_U16BE; k++) {
            if (alive[k] && h[k].invalid == 0 &&
                (u16 < 0 || score[k] < score[u16]))
                u16 = k;
        }
        if (d->nul > 0 && u16 >= 0 && d->offset >= U16_MIN_BYTES &&
            score[u16] + U16_OVER_UTF8 < score[HYP_UTF8]) {
            best = u16;
        } else {
            out->encoding = ZHFIX_ENC_UTF8;
            out->binary = d->nul > 0;
            if (h[HYP_UTF8].chars == 0 && d->u8_need == 0) {
                /* ASCII (or nothing): every candidate decodes it alike. */
                out->confidence = 100;
                return;
            }
            score[HYP_UTF8] -= (long long)h[HYP_UTF8].chars * UTF8_BONUS;
            conf = posterior(score, alive, HYP_COUNT_, HYP_UTF8);
            out->confidence = percent(d->u8_need ? 0.9 * conf : conf);
            return;
        }
    } else {
        alive[HYP_UTF8] = 0;
        for (k = HYP_U16LE; k <= HYP_BIG5; k++) {
            if (alive[k] && (best < 0 || score[k] < score[best]))
                best = k;
        }
    }

    switch (best) {
    case HYP_U16LE: out->encoding = ZHFIX_ENC_UTF16LE; break;
    case HYP_U16BE: out->encoding = ZHFIX_ENC_UTF16BE; break;
    case HYP_GBK:
        /* Both kinds of code: no single codec decodes all of it. */
        if (d->gb18030_only && d->gbk_euro)
            conflicts =
                d->gb18030_only < d->gbk_euro ? d->gb18030_only : d->gbk_euro;
        out->encoding = d->gb18030_only >= d->gbk_euro && d->gb18030_only
                            ? ZHFIX_ENC_GB18030
                            : ZHFIX_ENC_GBK;
        break;
    default:
        if (d->hkscs_only && d->big5_only)
            conflicts =
                d->hkscs_only < d->big5_only ? d->hkscs_only : d->big5_only;
        out->encoding =
            d->hkscs_only > d->big5_only ? ZHFIX_ENC_BIG5HKSCS : ZHFIX_ENC_BIG5;
        break;
    }
    /* UTF-16 with NUL bytes is text, unless it decodes with errors (U+0000
     * counts as one): then it is binary that merely looked most like UTF-16. */
    out->binary = d->nul > 0 && (best >= HYP_GBK || h[best].invalid > 0 ||
                                 d->offset < U16_MIN_BYTES);
    conf = posterior(score, alive, HYP_COUNT_, best) * chinese_fit(&h[best]);
    if (h[best].invalid + conflicts > 0) {
        /* The codec will stop at the bad bytes: say so. */
        double bad = (double)(h[best].invalid + conflicts);
        conf *= (double)h[best].chars / ((double)h[best].chars + 4.0 * bad);
        if (conf > 0.3)
            conf = 0.3;
    }
    out->confidence = percent(conf);
}

void zhfix_detect_encoding(const char *src, size_t srclen, zhfix_detection *out)
{
    /* A detector on the stack: the one-shot call cannot fail. */
    zhfix_detector d;
    detector_init(&d);
    zhfix_detector_feed(&d, src, srclen);
    zhfix_detector_result(&d, out);
}


enum utf8_kind { UTF8_VALID, UTF8_INCOMPLETE, UTF8_INVALID };

/* What starts at s (n > 0 bytes available): a valid character of *len
 * bytes, a valid but incomplete start, or an invalid sequence whose first
 * *len bytes show the problem, described by *why. */
static enum utf8_kind utf8_classify(const unsigned char *s, size_t n,
                                    size_t *len, const char **why)
{
    unsigned c = s[0], lo = 0x80, hi = 0xBF;
    size_t need, i;
    *len = 1;
    *why = "";
    if (c < 0x80)
        return UTF8_VALID;
    if (c < 0xC0) {
        *why = "unexpected continuation byte";
        return UTF8_INVALID;
    }
    if (c < 0xC2) {
        *len = n >= 2 ? 2 : 1;
        *why = "overlong form";
        return UTF8_INVALID;
    }
    if (c > 0xF4) {
        *why = c < 0xF8 ? "code point above U+10FFFF" : "invalid byte";
        return UTF8_INVALID;
    }
    need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (i = 1; i < need; i++) {
        if (i >= n)
            return UTF8_INCOMPLETE;
        if (s[i] < 0x80 || s[i] > 0xBF) {
            *len = i;
            *why = "missing continuation byte";
            return UTF8_INVALID;
        }
        if (i == 1 && (s[i] < lo || s[i] > hi)) {
            *len = need <= n ? need : n;
            *why = c == 0xED   ? "surrogate"
                   : c == 0xF4 ? "code point above U+10FFFF"
                               : "overlong form";
            return UTF8_INVALID;
        }
    }
    *len = need;
    return UTF8_VALID;
}

/* ---- Codec ------------------------------------------------------------- */

struct zhfix_codec {
    zhfix_encoding from, to;
    iconv_t cd; /* (iconv_t)-1 for UTF-8 -> UTF-8 */
    unsigned long long consumed;
    char errmsg[256];
};

/*
 * glibc charset names, chosen deliberately:
 *   UTF-16LE/BE  explicit byte order, never the host's, and no BOM handling
 *                (plain "UTF-16" would eat a BOM and guess the order).
 *   GBK          glibc's CP936 is the same table; byte 0x80 decodes to the
 *                euro sign, as in Windows. GB18030 rejects 0x80.
 *   GB18030      GBK's two-byte codes (same mapping), the cells GBK leaves
 *                undefined, and the four-byte sequences.
 *   BIG5         glibc aliases CP950 to it: it has CP950's additions (the
 *                euro at A3E1, the ETEN cells C6A1-C8FE and F9D6-F9FE).
 *   BIG5-HKSCS   HKSCS-2008. Not a superset of BIG5: it rejects 57 codes
 *                that BIG5 accepts (A3E1, A2CC, A2CE, C8A5-C8CC, ...) and maps
 *                371 others differently (A145, A1E3, C6A1-..., the ETEN
 *                kana), so BIG5 stays the default for Big5 text. Encoding
 *                into it is stateful (it waits to see whether Ê is followed
 *                by a combining mark), hence the flush at the end.
 */
static const char *iconv_charset(zhfix_encoding enc)
{
    switch (enc) {
    case ZHFIX_ENC_UTF8: return "UTF-8";
    case ZHFIX_ENC_UTF16LE: return "UTF-16LE";
    case ZHFIX_ENC_UTF16BE: return "UTF-16BE";
    case ZHFIX_ENC_GB18030: return "GB18030";
    case ZHFIX_ENC_GBK: return "GBK";
    case ZHFIX_ENC_BIG5: return "BIG5";
    case ZHFIX_ENC_BIG5HKSCS: return "BIG5-HKSCS";
    default: return NULL;
    }
}

zhfix_status zhfix_codec_create(zhfix_encoding from, zhfix_encoding to,
                                zhfix_codec **out)
{
    zhfix_codec *c;
    if (!out)
        return ZHFIX_INVALID_ARGUMENT;
    *out = NULL;
    if (!iconv_charset(from) || !iconv_charset(to) ||
        (from != ZHFIX_ENC_UTF8 && to != ZHFIX_ENC_UTF8))
        return ZHFIX_INVALID_ARGUMENT;
    c = calloc(1, sizeof *c);
    if (!c)
        return ZHFIX_NOMEM;
    c->from = from;
    c->to = to;
    c->cd = (iconv_t)-1;
    if (from != to) {
        c->cd = iconv_open(iconv_charset(to), iconv_charset(from));
        if (c->cd == (iconv_t)-1) {
            int err = errno;
            free(c);
            /* EINVAL: this C library lacks the charset. */
            return err == ENOMEM ? ZHFIX_NOMEM : ZHFIX_UNKNOWN_ENCODING;
        }
    }
    *out = c;
    return ZHFIX_OK;
}

void zhfix_codec_destroy(zhfix_codec *c)
{
    if (!c)
        return;
    if (c->cd != (iconv_t)-1)
        iconv_close(c->cd);
    free(c);
}

unsigned long long zhfix_codec_offset(const zhfix_codec *c)
{
    return c ? c->consumed : 0;
}

const char *zhfix_codec_errmsg(const zhfix_codec *c)
{
    return c ? c->errmsg : "";
}

/* "0xc0 0x80" for up to 4 bytes. */
static void hex_bytes(char *buf, size_t cap, const unsigned char *s, size_t n)
{
    size_t i, used = 0;
    buf[0] = '\0';
    if (n > 4)
        n = 4;
    for (i = 0; i < n && used < cap; i++) {
        int w =
            snprintf(buf + used, cap - used, "%s0x%02x", i ? " " : "", s[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

/* How many bytes of an invalid sequence in enc to show: the unit or the
 * lead byte with its trail. */
static size_t bad_length(zhfix_encoding enc, const unsigned char *s, size_t n)
{
    size_t len;
    switch (enc) {
    case ZHFIX_ENC_UTF16LE:
    case ZHFIX_ENC_UTF16BE: {
        /* a high surrogate is only wrong together with the unit after it */
        unsigned hi;
        if (n < 2)
            return n;
        hi = enc == ZHFIX_ENC_UTF16LE ? s[1] : s[0];
        len = (hi >= 0xD8 && hi <= 0xDB) ? 4 : 2;
        break;
    }
    case ZHFIX_ENC_GB18030:
        len = s[0] < 0x81 ? 1 : (n > 1 && s[1] >= 0x30 && s[1] <= 0x39) ? 4 : 2;
        break;
    default: len = s[0] < 0x81 ? 1 : 2; break;
    }
    return len < n ? len : n;
}

static zhfix_status fail_decode(zhfix_codec *c, const unsigned char *s,
                                size_t n, int truncated)
{
    char hex[40];
    hex_bytes(hex, sizeof hex, s, truncated ? n : bad_length(c->from, s, n));
    snprintf(c->errmsg, sizeof c->errmsg,
             "%s %s sequence at byte offset %llu: %s",
             truncated ? "truncated" : "invalid", zhfix_encoding_name(c->from),
             c->consumed, hex);
    return ZHFIX_INVALID_INPUT;
}

static zhfix_status fail_utf8(zhfix_codec *c, const unsigned char *s,
                              size_t len, const char *why)
{
    char hex[40];
    hex_bytes(hex, sizeof hex, s, len);
    snprintf(c->errmsg, sizeof c->errmsg,
             "invalid utf-8 sequence at byte offset %llu: %s (%s)", c->consumed,
             hex, why);
    return ZHFIX_INVALID_INPUT;
}

static zhfix_status fail_truncated_utf8(zhfix_codec *c, const unsigned char *s,
                                        size_t n)
{
    char hex[40];
    hex_bytes(hex, sizeof hex, s, n);
    snprintf(c->errmsg, sizeof c->errmsg,
             "truncated utf-8 sequence at byte offset %llu: %s", c->consumed,
             hex);
    return ZHFIX_INVALID_INPUT;
}

/* The problem at the start of s (n > 0 bytes), which zhfix_utf8_validate did
 * not accept: an incomplete character (kept for the next call unless final)
 * or an invalid sequence. */
static zhfix_status utf8_problem(zhfix_codec *c, const unsigned char *s,
                                 size_t n, int final)
{
    size_t len;
    const char *why;
    switch (utf8_classify(s, n, &len, &why)) {
    case UTF8_INCOMPLETE:
        return final ? fail_truncated_utf8(c, s, n) : ZHFIX_OK;
    case UTF8_INVALID: return fail_utf8(c, s, len, why);
    default:
        /* A valid character the caller could not take (no room). */
        return ZHFIX_BUFFER_TOO_SMALL;
    }
}

static zhfix_status utf8_copy(zhfix_codec *c, const char **src, size_t *srclen,
                              char **dst, size_t *dstcap, int final)
{
    const unsigned char *s = (const unsigned char *)*src;
    size_t n = *srclen < *dstcap ? *srclen : *dstcap;
    size_t p = zhfix_utf8_validate((const char *)s, n);
    if (p) {
        memcpy(*dst, s, p);
        *src += p;
        *srclen -= p;
        *dst += p;
        *dstcap -= p;
        c->consumed += p;
    }
    if (*srclen == 0)
        return ZHFIX_OK;
    return utf8_problem(c, s + p, *srclen, final);
}

static zhfix_status codec_flush(zhfix_codec *c, char **dst, size_t *dstcap)
{
    if (iconv(c->cd, NULL, NULL, dst, dstcap) == (size_t)-1) {
        if (errno == E2BIG)
            return ZHFIX_BUFFER_TOO_SMALL;
        snprintf(c->errmsg, sizeof c->errmsg,
                 "iconv failed to finish %s output: %s",
                 zhfix_encoding_name(c->to), strerror(errno));
        return ZHFIX_INVALID_INPUT;
    }
    return ZHFIX_OK;
}

/* Run iconv over s[0..n); report how much it took in *used. */
static size_t run_iconv(zhfix_codec *c, const unsigned char *s, size_t n,
                        char **dst, size_t *dstcap, size_t *used, int *err)
{
    char *in = (char *)(uintptr_t)s; /* iconv's prototype lacks const */
    size_t left = n, r = iconv(c->cd, &in, &left, dst, dstcap);
    *err = r == (size_t)-1 ? errno : 0;
    *used = n - left;
    c->consumed += *used;
    return r;
}

static zhfix_status decode_to_utf8(zhfix_codec *c, const char **src,
                                   size_t *srclen, char **dst, size_t *dstcap,
                                   int final)
{
    if (*srclen) {
        size_t used;
        int err;
        run_iconv(c, (const unsigned char *)*src, *srclen, dst, dstcap, &used,
                  &err);
        *src += used;
        *srclen -= used;
        if (err == E2BIG)
            return ZHFIX_BUFFER_TOO_SMALL;
        if (err == EILSEQ)
            return fail_decode(c, (const unsigned char *)*src, *srclen, 0);
        if (err == EINVAL) /* incomplete sequence at the end */
            return final
                       ? fail_decode(c, (const unsigned char *)*src, *srclen, 1)
                       : ZHFIX_OK;
        if (err) {
            snprintf(c->errmsg, sizeof c->errmsg,
                     "iconv failed at byte offset %llu: %s", c->consumed,
                     strerror(err));
            return ZHFIX_INVALID_INPUT;
        }
    }
    return final ? codec_flush(c, dst, dstcap) : ZHFIX_OK;
}

/* UTF-8 validated here in chunks, each valid prefix handed to iconv; the
 * chunk bounds the work redone when the output fills up. */
#define ENCODE_CHUNK ((size_t)1 << 16)

static zhfix_status encode_from_utf8(zhfix_codec *c, const char **src,
                                     size_t *srclen, char **dst, size_t *dstcap,
                                     int final)
{
    while (*srclen > 0) {
        const unsigned char *s = (const unsigned char *)*src;
        size_t n = *srclen < ENCODE_CHUNK ? *srclen : ENCODE_CHUNK;
        size_t p = zhfix_utf8_validate((const char *)s, n), used;
        int err;
        if (p < n) {
            size_t len;
            const char *why;
            if (utf8_classify(s + p, *srclen - p, &len, &why) == UTF8_VALID)
                p += len; /* a character across the chunk's end */
            else if (p == 0)
                return utf8_problem(c, s, *srclen, final);
        }
        run_iconv(c, s, p, dst, dstcap, &used, &err);
        *src += used;
        *srclen -= used;
        if (err == E2BIG)
            return ZHFIX_BUFFER_TOO_SMALL;
        if (err) {
            /* Valid UTF-8 that the target cannot represent. */
            uint32_t cp = 0;
            size_t len;
            const char *why;
            s = (const unsigned char *)*src;
            utf8_classify(s, *srclen, &len, &why);
            if (err == EILSEQ && len >= 1) {
                static const unsigned char mask[5] = {0, 0x7F, 0x1F, 0x0F,
                                                      0x07};
                size_t i;
                cp = s[0] & mask[len < 5 ? len : 4];
                for (i = 1; i < len; i++)
                    cp = (cp << 6) | (s[i] & 0x3F);
                snprintf(c->errmsg, sizeof c->errmsg,
                         "U+%04lX at byte offset %llu cannot be encoded in %s",
                         (unsigned long)cp, c->consumed,
                         zhfix_encoding_name(c->to));
            } else {
                snprintf(c->errmsg, sizeof c->errmsg,
                         "iconv failed at byte offset %llu: %s", c->consumed,
                         strerror(err));
            }
            return ZHFIX_INVALID_INPUT;
        }
    }
    return final ? codec_flush(c, dst, dstcap) : ZHFIX_OK;
}

zhfix_status zhfix_codec_convert(zhfix_codec *c, const char **src,
                                 size_t *srclen, char **dst, size_t *dstcap,
                                 int final)
{
    if (!c || !src || !srclen || !dst || !dstcap || (*srclen && !*src) ||
        (*dstcap && !*dst))
        return ZHFIX_INVALID_ARGUMENT;
    c->errmsg[0] = '\0';
    if (c->from == ZHFIX_ENC_UTF8 && c->to == ZHFIX_ENC_UTF8)
        return utf8_copy(c, src, srclen, dst, dstcap, final);
    if (c->from == ZHFIX_ENC_UTF8)
        return encode_from_utf8(c, src, srclen, dst, dstcap, final);
    return decode_to_utf8(c, src, srclen, dst, dstcap, final);
}
