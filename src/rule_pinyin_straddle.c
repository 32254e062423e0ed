/*
 * rule_pinyin_straddle.c - pinyin an annotator pasted between the two
 * bytes of a GBK character.
 *
 * The mechanism: the annotator searched the GBK bytes for the codes of its
 * characters, and a code can match across a character boundary: in
 * 式沒 = CA BD | 9B 5D the middle pair BD 9B is 經, so "(jīng)" went
 * between 9B and 5D. Decoded, 9B became '?' (its next byte was '(' — some
 * decoders swallow the parenthesis with it) and 5D the orphan ']':
 * 格式?jīng)]有. The syllable names the straddled code: its first byte is
 * the last byte of the character before, its second byte the lost lead.
 * The repair puts the lead back before the bytes that follow and decodes
 * in step (realign.h; when the orphan byte is not ASCII the text after the
 * annotation is itself out of step). Applied only when the reading fits
 * and the model finds the result far more plausible.
 */
#include <string.h>

#include "data.h"
#include "gbk.h"
#include "internal.h"
#include "pinyin.h"
#include "prose.h"
#include "realign.h"
#include "scraped.h"

/* Characters looked back over for the start of a run out of step. */
#define RUN_REACH 48

/* 1 when the '?' at i ends a run decoded out of step that began with a
 * lost byte and a folded mark (`?:雎栽谧钺?(hòu)`: 。忽略在最後 read a
 * byte late, whose last lead met the annotation of 後): the character
 * before the '?' is no character of the text, so no code of the
 * annotator's could straddle it. gbk-out-of-step reads the run. A lost
 * byte before `from` is no such start: a repair of this rule took it as
 * the end of the run it re-read (目錄中、 as `?(huài)夸浿?,、`, with a
 * stray comma before 、, and then 較低優先級?(huài)夸浿型).
 */
static int ends_run_out_of_step(const char *t, size_t i, size_t from)
{
    size_t k = i;
    for (int n = 0; n < RUN_REACH && k > 0; n++) {
        unsigned char b = (unsigned char)t[k - 1];
        if (b < 0x80) {
            /* the folded mark (，：；！？ with its lead lost), after the
             * lost byte's mark */
            return k < i && k >= 2 && k - 2 >= from &&
                   strchr(",:;!?", (int)b) && t[k - 2] == '?';
        }
        size_t s0;
        (void)zh_cp_before(t, k, &s0);
        k = s0;
    }
    return 0;
}

/* The fullwidth mark the fold turned into the ASCII c (its GBK code A3
 * and c + 0x80), or 0. */
static uint32_t fold_source(uint32_t c)
{
    return c && c < 0x80 && strchr(",:;!?()", (int)c) ? 0xFF00 + (c - 0x20)
                                                       : 0;
}

static zhfix_status scan_straddle(zh_scan *scan)
{
    const char *t = scan->text;
    size_t len = scan->len;
    zh_hot_walk walk = {0, 0};
    zh_doc_usage *usage = NULL;
    int usage_built = 0;
    zh_fold_cache fold = {0, -1};
    zhfix_status st = ZHFIX_OK;
    size_t repaired_to = 0; /* the end of the last repair */
    for (size_t i = 1;
         zh_hot_pos(scan, ZH_TRIG_QUESTION | ZH_TRIG_FFFD, &walk, &i) &&
         i + 2 < len;
         i++) {
        size_t m = zh_next_lost_mark(t, i, walk.end);
        if (m != i) {
            i = m - 1;
            continue;
        }
        size_t qlen = zh_lost_byte_mark(t, len, i);
        if (!qlen)
            continue;
        size_t j = i + qlen;
        if (t[j] == '(')
            j++;
        size_t syl, syllen;
        size_t k = zh_pinyin_closed(t, len, j, &syl, &syllen);
        if (!k)
            continue;
        /* The character whose last byte the code took: the one before,
         * or the one before its own annotation (當(dāng)?(shù)...). */
        uint32_t prev = zh_pinyin_char_before(t, i);
        /* ...or a Chinese mark, whose code may start a straddle as well
         * (”啓 = A1 B1 | 86 99); one the fold made ASCII afterwards still
         * gave its last byte (維基：啓動 = A3 BA | 86 99 | 84 D3: "(jiǎn)"
         * went after BA 86, then ： became ':'). */
        uint32_t folded = fold_source(prev);
        if (folded && zh_fold_near(t, len, i, &fold))
            prev = folded;
        unsigned char pb[2];
        if (!(zh_is_han(prev) || zh_is_cjk_punct(prev)) || !zh_gbk_ready() ||
            zh_gbk_encode(prev, pb) != 2 ||
            ends_run_out_of_step(t, i, repaired_to))
            continue;
        const uint32_t *chars;
        size_t nc = zh_reading_chars(t + syl, syllen, &chars);
        zh_realign_start starts[16];
        size_t ns = 0;
        for (size_t c = 0; c < nc && ns < 16; c++) {
            unsigned char cb[2];
            if (zh_gbk_encode(chars[c], cb) != 2 || cb[0] != pb[1] ||
                cb[1] < 0x81)
                continue;
            starts[ns].nchars = 0;
            starts[ns].pending = cb[1];
            starts[ns].bias = 0.0;
            ns++;
        }
        if (!ns)
            continue;
        if (!usage_built) {
            usage = zh_doc_usage_new(t, len);
            usage_built = 1;
        }
        zh_realign_result r;
        double gain;
        if (!zh_realign(usage, t, len, j + k, prev, starts, ns, &r) ||
            !zh_realign_accept(usage, t, len, i, prev, &r, 0, &gain))
            continue;
        char buf[ZH_REALIGN_MAX_OUT * 4];
        size_t n = 0;
        for (size_t c = 0; c < r.nchars; c++)
            n += zh_utf8_encode(r.chars[c], buf + n);
        const char *detail = zh_arena_printf(
            scan->arena,
            "the annotation split a character's bytes; re-decoded in step, "
            "model gain %.1f nats",
            gain);
        st = zh_emit(scan, i, r.end, buf, n, 1,
                     "pinyin pasted inside a character (GBK)", detail);
        if (st != ZHFIX_OK)
            break;
        repaired_to = r.end;
        i = r.end - 1;
    }
    zh_doc_usage_free(usage);
    return st;
}

const zh_rule zh_rule_pinyin_straddle = {
    {"pinyin-straddle", ZHFIX_CATEGORY_ENCODING,
     "restore characters whose GBK bytes an annotator split with pinyin "
     "(格式?jīng)]有 -> 格式沒有)",
     1},
    scan_straddle,
    1, /* chinese_only */
};
