/*
 * rule_injected_pinyin.c - pinyin pasted after characters by a site's
 * annotator: 產(chǎn)業(yè) for 產業.
 *
 * The mechanism: a fixed set of characters gets its first Mandarin reading
 * pasted after it, at every occurrence, and no other character does. So
 * an annotation is removed only when
 *   - its syllable is a Mandarin reading of the character before it
 *     (Unihan, data.h): 說明(an), 單位(kg), 總值(GDP) are not annotations;
 *   - that character is annotated at (nearly) every occurrence in the
 *     block, always with the same syllable;
 *   - the block shows the pattern: at least three such annotations, one
 *     character annotated more than once, and annotations on a minority
 *     of the Han characters. A textbook that annotates every character
 *     (中(zhōng)文(wén)), or annotates a character in one place and not
 *     another, does not match, and its annotations stay.
 * Without the whole pattern nothing is said: a reading given for a rare
 * character at each of its few occurrences (蘧(qu2)伯玉) is the author's.
 */
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "internal.h"
#include "pinyin.h"
#include "prose.h"

typedef struct annot {
    size_t start, end; /* the "(syllable)" span */
    size_t syl, syllen;
    uint32_t cp;
} annot;

typedef struct cstat {
    uint32_t cp; /* 0: empty slot */
    size_t occ, ann;
    size_t syl, syllen; /* first syllable seen */
    int mixed;          /* annotated with different syllables */
} cstat;

typedef struct cmap {
    cstat *slots;
    size_t cap; /* power of two */
} cmap;

static cstat *cmap_find(cmap *m, uint32_t cp, int insert)
{
    size_t i = (cp * 2654435761u) & (m->cap - 1);
    while (m->slots[i].cp && m->slots[i].cp != cp)
        i = (i + 1) & (m->cap - 1);
    if (!m->slots[i].cp) {
        if (!insert)
            return NULL;
        m->slots[i].cp = cp;
    }
    return &m->slots[i];
}

static zhfix_status collect(const char *t, size_t len, annot **out,
                            size_t *nout)
{
    size_t cap = 0, n = 0;
    annot *a = NULL;
    for (const char *p = t; (p = memchr(p, '(', len - (size_t)(p - t)));
         p++) {
        size_t i = (size_t)(p - t);
        uint32_t prev = zh_cp_before(t, i, NULL);
        if (!zh_is_han(prev))
            continue;
        size_t syl, syllen;
        size_t k = zh_pinyin_annotation(t, len, i, &syl, &syllen);
        if (!k || !zh_reading_matches(prev, t + syl, syllen))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            annot *b = realloc(a, cap * sizeof *b);
            if (!b) {
                free(a);
                return ZHFIX_NOMEM;
            }
            a = b;
        }
        a[n].start = i;
        a[n].end = i + k;
        a[n].syl = syl;
        a[n].syllen = syllen;
        a[n].cp = prev;
        n++;
    }
    *out = a;
    *nout = n;
    return ZHFIX_OK;
}

static zhfix_status scan_pinyin(zh_scan *scan)
{
    const char *t = scan->text;
    size_t len = scan->len;
    if (!memchr(t, '(', len))
        return ZHFIX_OK;
    annot *a;
    size_t na;
    zhfix_status st = collect(t, len, &a, &na);
    if (st != ZHFIX_OK || na == 0)
        return st;
    cmap m;
    m.cap = 64;
    while (m.cap < na * 2)
        m.cap *= 2;
    m.slots = calloc(m.cap, sizeof *m.slots);
    if (!m.slots) {
        free(a);
        return ZHFIX_NOMEM;
    }
    size_t most = 0; /* annotations of the most annotated character */
    for (size_t i = 0; i < na; i++) {
        cstat *c = cmap_find(&m, a[i].cp, 1);
        if (c->ann++ == 0) {
            c->syl = a[i].syl;
            c->syllen = a[i].syllen;
        } else if (c->syllen != a[i].syllen ||
                   memcmp(t + c->syl, t + a[i].syl, c->syllen) != 0) {
            c->mixed = 1;
        }
        if (c->ann > most)
            most = c->ann;
    }
    /* The pattern below needs three annotations and one character
     * annotated twice: without them, the block need not be counted. */
    if (na < 3 || most < 2) {
        free(m.slots);
        free(a);
        return ZHFIX_OK;
    }
    /* Occurrences of the annotated characters, and all Han characters.
     * A character that a repair of the encoding wrote (a run re-decoded in
     * step, a straddle undone) is no occurrence the annotator saw: its
     * bytes were split by another annotation or read out of step. */
    size_t han = 0;
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)t[i];
        if (b < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t at = i;
        i += zh_utf8_decode((const unsigned char *)t + i, len - i, &cp);
        if (!zh_is_han(cp))
            continue;
        han++;
        cstat *c = cmap_find(&m, cp, 0);
        if (c && !(scan->passes && zh_scan_restored(scan, at)))
            c->occ++;
    }
    /* A character is injected when annotated, with one syllable, at every
     * occurrence (one in five may have lost its annotation to other
     * damage once it has three). Occurrences a repair wrote are not
     * counted, but an annotation after one is (業 restored before the
     * "(yè)" that named it): so at least every occurrence. */
    size_t repeated = 0, injected_total = 0;
    for (size_t i = 0; i < m.cap; i++) {
        cstat *c = &m.slots[i];
        if (!c->cp)
            continue;
        int injected = !c->mixed && (c->ann >= c->occ ||
                                     (c->ann >= 3 && c->ann * 5 >= c->occ * 4));
        if (!injected) {
            c->ann = 0; /* marks: leave this character's annotations */
            continue;
        }
        injected_total += c->ann;
        repeated += c->ann >= 2;
    }
    int pattern = repeated >= 1 && injected_total >= 3 && na * 2 < han;
    for (size_t i = 0; i < na && st == ZHFIX_OK && pattern; i++) {
        cstat *c = cmap_find(&m, a[i].cp, 0);
        int injected = c && c->ann > 0;
        if (injected && pattern)
            st = zh_emit(scan, a[i].start, a[i].end, "", 0, 1,
                         "pinyin pasted after a character", NULL);
    }
    free(m.slots);
    free(a);
    return st;
}

const zh_rule zh_rule_injected_pinyin = {
    {"injected-pinyin", ZHFIX_CATEGORY_ARTIFACT,
     "remove pinyin that a site pasted after a fixed set of characters "
     "(產(chǎn)業(yè))",
     1},
    scan_pinyin,
    1, /* chinese_only */
};
