/*
 * rule_lossy.c - marks left where text was lost, and debug fill.
 *
 * lossy-mark (report only: the content is gone, no repair can be known):
 *   - runs of U+FFFD, the replacement character;
 *   - 锟斤拷 (and its Traditional form 錕斤拷): UTF-8 replacement characters
 *     read as GBK, the mark of text that was decoded lossily and then
 *     misread again;
 *   - '?' standing where Chinese characters were lost by an encoder that
 *     could not write them (one '?' per character): '?' where a question
 *     mark does not stand, in company where it might (see the section on
 *     '?' below). A '?' after 吗呢吧 or ending a clause that asks, '?'
 *     inside ASCII (What??, a ?? b, x?y) and Tcl's ?option? are kept.
 * debug-fill (repaired: removed): runs of three or more 烫 or 屯, the
 *   characters MSVC's debug fill bytes 0xCC and 0xCD show as in GBK, printed
 *   from uninitialised memory. Two or fewer are words (烫伤, 屯田).
 */
#include <string.h>

#include "internal.h"
#include "prose.h"

static uint32_t cp_at(const char *t, size_t len, size_t i, size_t *n)
{
    uint32_t cp;
    *n = zh_utf8_decode((const unsigned char *)t + i, len - i, &cp);
    return cp;
}

/* The code point ending just before i (0 at the start). */
static uint32_t cp_before(const char *t, size_t i)
{
    if (i == 0)
        return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)t[j] & 0xC0) == 0x80)
        j--;
    uint32_t cp;
    zh_utf8_decode((const unsigned char *)t + j, i - j, &cp);
    return cp;
}

extern const zh_rule zh_rule_debug_fill;

/* 1 when [i, j) stands alone between quotation marks on its line, as in
 * “锟斤拷”也是一种乱码: a mention of the marks, not a loss. */
static int quoted(const char *t, size_t s, size_t e, size_t i, size_t j)
{
    if (i <= s || j >= e)
        return 0;
    size_t k = i - 1;
    while (k > s && ((unsigned char)t[k] & 0xC0) == 0x80)
        k--;
    size_t n;
    uint32_t open = cp_at(t, e, k, &n), close = cp_at(t, e, j, &n);
    switch (open) {
    case 0x201C: return close == 0x201D; /* “ ” */
    case 0x2018: return close == 0x2019; /* ‘ ’ */
    case 0x300C: return close == 0x300D; /* 「 」 */
    case 0x300E: return close == 0x300F; /* 『 』 */
    case 0x300A: return close == 0x300B; /* 《 》 */
    case '"':
    case '\'':
    case '`': return close == open;
    default: return 0;
    }
}

/* ---- '?' for lost characters ------------------------------------------- *
 *
 * An encoder that cannot write a character (Python's errors='replace',
 * iconv's //TRANSLIT fallback, a Windows "ANSI" code page) writes one '?'
 * in its place, so a lost Chinese character is a '?' standing where a
 * question mark cannot: before a comma or full stop, after an opening
 * bracket or a comma, before 的 or 们 (no clause starts with them), between
 * digits of a section number and a word, or in the middle of a clause that
 * asks nothing. Each run of '?' gets a verdict:
 *   strong: a question mark does not stand there; flagged on its own;
 *   weak:   as likely a question mark or a mention of '?' (Han?Han before
 *           命令/匹配/字符, ?帮助 at the start of a line in a text about
 *           symbols, a Han word and a space); flagged with another weak
 *           or strong run, or U+FFFD, on the line;
 *   none:   a question mark: after 吗呢吧, ending a clause with a question
 *           word (什么, 如何, 几个, A不A, what, is ...), inside ASCII
 *           (What??, a ?? b, x?y), Tcl's ?option? placeholders.
 * A line that writes its questions with the full-width '？' has no ASCII
 * question marks next to Chinese, so question words are not asked there. */

enum { Q_NONE, Q_WEAK, Q_STRONG };

typedef struct qrun {
    size_t start, end;
    int tcl;     /* one side of a Tcl-style ?placeholder? pair */
    int verdict; /* Q_NONE, Q_WEAK or Q_STRONG */
} qrun;

/* What the whole line says about its '?'. */
typedef struct qline {
    int fullwidth_q; /* the line has '？' (U+FF1F) */
    int spaced;      /* Han words set apart by spaces (漢 字 之 間), 3+ */
    int symbols; /* the line talks about symbols: 字符 匹配 命令 ... */
} qline;

static int chinese(uint32_t cp)
{
    return zh_is_han(cp) || zh_is_cjk_punct(cp);
}

static int ascii_digit(uint32_t c)
{
    return c >= '0' && c <= '9';
}

static int is_question_particle(uint32_t cp)
{
    return cp == 0x5417 /* 吗 */ || cp == 0x55CE /* 嗎 */ ||
           cp == 0x5462 /* 呢 */ || cp == 0x5427 /* 吧 */ ||
           cp == 0x5440 /* 呀 */ || cp == 0x554A /* 啊 */ ||
           cp == 0x561B /* 嘛 */ || cp == 0x54A9 /* 咩, Cantonese */ ||
           /* and those of the classical language: 不亦说乎? */
           cp == 0x4E4E /* 乎 */ || cp == 0x6B24 /* 欤 */ ||
           cp == 0x6B5F /* 歟 */ || cp == 0x8036 /* 耶 */;
}

/* A question mark is never followed by these: ，。；：,;:？！ */
static int after_never_question(uint32_t cp)
{
    return cp == 0xFF0C || cp == 0x3002 || cp == 0xFF1B || cp == 0xFF1A ||
           cp == ',' || cp == ';' || cp == ':' || cp == 0xFF1F || cp == 0xFF01;
}

/* Nor does one follow these (a clause starts after them):
 * ，。、；：！？（《“「『【〔 (not ',': a scraped ",?" is a question mark
 * after a stray comma, see rule_stray_comma.c) */
static int before_never_question(uint32_t cp)
{
    switch (cp) {
    case 0xFF0C:
    case 0x3002:
    case 0x3001:
    case 0xFF1B:
    case 0xFF1A:
    case 0xFF01:
    case 0xFF1F:
    case 0xFF08:
    case 0x300A:
    case 0x201C:
    case 0x300C:
    case 0x300E:
    case 0x3010:
    case 0x3014: return 1;
    default: return 0;
    }
}

static int opening_bracket(uint32_t cp)
{
    switch (cp) {
    case 0x300A:
    case 0x300C:
    case 0x300E:
    case 0x201C:
    case 0xFF08:
    case '(':
    case 0x3010:
    case 0x3014: return 1;
    default: return 0;
    }
}

static int closing_bracket(uint32_t cp)
{
    switch (cp) {
    case 0xFF09:
    case ')':
    case 0x300D:
    case 0x300F:
    case 0x201D:
    case 0x2019:
    case 0x3011:
    case 0x3015:
    case 0x300B:
    case '>':
    case ']': return 1;
    default: return 0;
    }
}

/* Characters that never start a clause, so never follow a question mark:
 * 们 們 吗 嗎 呢 吧 么 麼, and 的 but for 的确 的確. (了 之 过 着 do:
 * 了解, 之后, 过来, 着急.) */
static int never_starts_clause(const char *t, size_t e, size_t j)
{
    size_t n;
    uint32_t cp = cp_at(t, e, j, &n);
    switch (cp) {
    case 0x4EEC:
    case 0x5011:
    case 0x5417:
    case 0x55CE:
    case 0x5462:
    case 0x5427:
    case 0x4E48:
    case 0x9EBC: return 1;
    case 0x7684: /* 的 */
        if (j + n < e) {
            size_t m;
            uint32_t next = cp_at(t, e, j + n, &m);
            return next != 0x786E && next != 0x78BA;
        }
        return 1;
    default: return 0;
    }
}

/* Sentence ends: a clause is read back to one of these. */
static int sentence_end(uint32_t cp)
{
    return cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F || cp == '!' ||
           cp == '?' || cp == 0xFF1B || cp == ';';
}

/* The start of the code point ending just before i (i > s). */
static size_t prev_start(const char *t, size_t s, size_t i)
{
    size_t j = i - 1;
    while (j > s && ((unsigned char)t[j] & 0xC0) == 0x80)
        j--;
    return j;
}

static const char *const en_question[] = {
    "what", "why",   "how", "who",   "whom",  "whose",  "where",
    "when", "which", "is",  "are",   "am",    "was",    "were",
    "do",   "does",  "did", "can",   "could", "should", "would",
    "will", "shall", "may", "might", "must",  "have",   "has",
};

static int en_question_word(const char *w, size_t n)
{
    for (size_t k = 0; k < sizeof en_question / sizeof en_question[0]; k++) {
        const char *q = en_question[k];
        size_t m = strlen(q), i = 0;
        if (m != n)
            continue;
        while (i < n && (w[i] | 0x20) == q[i])
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Question words in Chinese: one character, or a pair (prev, cp). */
static int zh_question_char(uint32_t cp)
{
    switch (cp) {
    case 0x5417:
    case 0x55CE: /* 吗嗎 */
    case 0x5462:
    case 0x5427: /* 呢吧 */
    case 0x8C01:
    case 0x8AB0: /* 谁誰 */
    case 0x54EA:
    case 0x5565: /* 哪啥 */
    case 0x600E: /* 怎 */
    case 0x5C82:
    case 0x8C48: /* 岂豈 */
    case 0x7109:
    case 0x5B70: /* 焉孰 */ return 1;
    default: return 0;
    }
}

static int zh_question_pair(uint32_t a, uint32_t b)
{
    switch (a) {
    case 0x4EC0:
    case 0x751A: /* 什么 什麼 甚么 */ return b == 0x4E48 || b == 0x9EBC;
    case 0x5E72:
    case 0x5E79: /* 干嘛 幹嘛 */ return b == 0x561B;
    case 0x591A: /* 多少 多大 多久 多长 多長 多远 多遠 */
        return b == 0x5C11 || b == 0x5927 || b == 0x4E45 || b == 0x957F ||
               b == 0x9577 || b == 0x8FDC || b == 0x9060;
    case 0x51E0: /* 几 + 个個时時天年岁歲次点點号號月分周位种種 */
        switch (b) {
        case 0x4E2A:
        case 0x500B:
        case 0x65F6:
        case 0x6642:
        case 0x5929:
        case 0x5E74:
        case 0x5C81:
        case 0x6B72:
        case 0x6B21:
        case 0x70B9:
        case 0x9EDE:
        case 0x53F7:
        case 0x865F:
        case 0x6708:
        case 0x5206:
        case 0x5468:
        case 0x4F4D:
        case 0x79CD:
        case 0x7A2E: return 1;
        default: return 0;
        }
    case 0x662F:
    case 0x80FD:
    case 0x53EF:
    case 0x4E0E:
    case 0x8207: return b == 0x5426; /* 是否 能否 可否 与否 與否 */
    case 0x96BE:
    case 0x96E3: return b == 0x9053; /* 难道 難道 */
    case 0x8FD8:
    case 0x9084: return b == 0x662F; /* 还是 還是 */
    default: return 0;
    }
}

/* 1 when the clause ending at i asks something: a question word in the
 * forty characters back to the last sentence end, A不A / A没A, 何 (not
 * 任何), a clause ending in 么, or an English question word. */
static int asks(const char *t, size_t s, size_t i)
{
    uint32_t next = 0; /* the code point after the one at k */
    size_t k = i;
    int first = 1;
    for (int count = 0; k > s && count < 40; count++) {
        size_t j = prev_start(t, s, k);
        uint32_t cp;
        size_t n;
        cp = cp_at(t, k, j, &n);
        /* A question word asks in its own clause: 怎消除，须?酒 and
         * 何梦桂《摸鱼儿?记 do not ask before the '?'. */
        if (sentence_end(cp) || cp == 0xFF0C || cp == ',' || cp == 0xFF1A ||
            cp == ':' || opening_bracket(cp) || cp == 0x300E)
            break;
        if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') {
            /* An ASCII word: read it whole. */
            size_t w = j;
            while (w > s && (((unsigned char)t[w - 1] | 0x20) >= 'a' &&
                             ((unsigned char)t[w - 1] | 0x20) <= 'z'))
                w--;
            if (en_question_word(t + w, k - w))
                return 1;
            k = w;
            next = 'a';
            first = 0;
            continue;
        }
        if (zh_question_char(cp) || zh_question_pair(cp, next))
            return 1;
        if (first && (cp == 0x4E48 || cp == 0x9EBC)) /* ...么? */
            return 1;
        if ((cp == 0x4E0D || cp == 0x6CA1 || cp == 0x6C92) && next &&
            zh_is_han(next) && j > s) { /* A不A A没A */
            size_t n2;
            if (cp_at(t, k, prev_start(t, s, j), &n2) == next)
                return 1;
        }
        if (cp == 0x4F55 /* 何 */ &&
            !(j > s && cp_at(t, j, prev_start(t, s, j), &n) == 0x4EFB /* 任 */))
            return 1;
        next = cp;
        first = 0;
        k = j;
    }
    return 0;
}

/* The word after a '?' names what '?' does: ?命令 ?字符 ?字元 ?号 ?號
 * ?是普通 ?的话 ?的話 ?匹配 ?通配 ?定量. */
static int mention_after(const char *t, size_t e, size_t j)
{
    static const char *const words[] = {
        "命令", "字符", "字元", "号",   "號",   "是普通",
        "的话", "的話", "匹配", "通配", "定量",
    };
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        size_t n = strlen(words[k]);
        if (e - j >= n && !memcmp(t + j, words[k], n))
            return 1;
    }
    return 0;
}

/* Words of a text about symbols (bigrams): 字符 字元 匹配 通配 命令 正则
 * 正規 正规 表达 示式 符号 符號. */
static int symbol_bigram(uint32_t a, uint32_t b)
{
    switch (a) {
    case 0x5B57: return b == 0x7B26 || b == 0x5143; /* 字符 字元 */
    case 0x5339: return b == 0x914D;                /* 匹配 */
    case 0x901A: return b == 0x914D;                /* 通配 */
    case 0x547D: return b == 0x4EE4;                /* 命令 */
    case 0x6B63:
        return b == 0x5219 || b == 0x898F || b == 0x89C4; /* 正则规規 */
    case 0x8868: return b == 0x8FBE;                      /* 表达 */
    case 0x793A: return b == 0x5F0F;                      /* 示式 */
    case 0x7B26: return b == 0x53F7 || b == 0x865F;       /* 符号 符號 */
    default: return 0;
    }
}

/* The next code point at or after k (or before k, step < 0) that is not a
 * space or '?'; 0 at the line's edge. */
static uint32_t around(const char *t, size_t s, size_t e, size_t k, int step)
{
    size_t n;
    if (step > 0) {
        while (k < e && (t[k] == ' ' || t[k] == '?'))
            k++;
        return k < e ? cp_at(t, e, k, &n) : 0;
    }
    while (k > s && (t[k - 1] == ' ' || t[k - 1] == '?'))
        k--;
    return k > s ? cp_before(t + s, k - s) : 0;
}

/* An option name or identifier glued to the '?': --ifhtml?理, split_chunk?案.
 */
static int option_word(const char *t, size_t s, size_t i)
{
    size_t k = i;
    int under = 0;
    while (k > s && (zh_is_ascii_alnum((unsigned char)t[k - 1]) || t[k - 1] == '_' ||
                     t[k - 1] == '-')) {
        under |= t[k - 1] == '_';
        k--;
    }
    return under ||
           (t[k] == '-' && k + 1 < i &&
            (t[k + 1] == '-' ? k + 2 < i && zh_is_ascii_alnum((unsigned char)t[k + 2])
                             : zh_is_ascii_alnum((unsigned char)t[k + 1])));
}

/* Mark Tcl-style placeholders: ?option?, ?-displayof window?, ?arg ...?
 * (an ASCII word after the opening '?'), and ?标签列表? (Chinese, no space
 * inside) when followed by more text or when the line has two or more. */
static void mark_placeholders(const char *t, size_t s, size_t e, qrun *r,
                              size_t n)
{
    size_t zh[64], nzh = 0, pairs = 0;
    for (size_t k = 0; k + 1 < n; k++) {
        size_t o = r[k].start, c = r[k + 1].start;
        if (r[k].end - o != 1)
            continue;
        unsigned char b = o > s ? (unsigned char)t[o - 1] : 0;
        unsigned char a = (unsigned char)t[o + 1];
        int lead = b == ' ' || b == '\t' || b == '(' || b == '[' || b == '`';
        if ((lead || o == s) &&
            (((a | 0x20) >= 'a' && (a | 0x20) <= 'z') || a == '-') &&
            c - o <= 41) {
            r[k].tcl = r[k + 1].tcl = 1;
            pairs++;
            k++;
            continue;
        }
        if (!lead || r[k + 1].end - c != 1)
            continue;
        size_t chars = 0, i = o + 1;
        int space = 0;
        while (i < c) {
            size_t m;
            uint32_t cp = cp_at(t, e, i, &m);
            space |= cp == ' ' || cp == '\t' || cp == 0x3000;
            chars++;
            i += m;
        }
        unsigned char after = c + 1 < e ? (unsigned char)t[c + 1] : 0;
        if (space || chars < 1 || chars > 12 ||
            !(after == 0 || after == ' ' || after == '\t' || after == ')' ||
              after == ']' || after == '\''))
            continue;
        pairs++;
        if (after) {
            r[k].tcl = r[k + 1].tcl = 1;
            k++;
        } else if (nzh < 64) {
            zh[nzh++] = k;
        }
    }
    if (pairs >= 2)
        for (size_t z = 0; z < nzh; z++)
            r[zh[z]].tcl = r[zh[z] + 1].tcl = 1;
}

/* 1 when all before the space before i on its line is a list's or a
 * comment's mark (` * ?字体是否需要…`, `- ?`, `// ?`, `# ?`): a '?' that
 * opens an item or a comment is as often the writer's mark of a doubt
 * or a question as a character lost. */
static int after_bullet(const char *t, size_t s, size_t i)
{
    if (i == s || t[i - 1] != ' ')
        return 0;
    size_t k = i - 1;
    while (k > s && t[k - 1] == ' ')
        k--;
    size_t z = k;
    while (k > s && t[k - 1] && strchr("*-+#/>;", t[k - 1]) && z - k < 3)
        k--;
    if (k == z)
        return 0;
    while (k > s && (t[k - 1] == ' ' || t[k - 1] == '\t'))
        k--;
    return k == s;
}

static int verdict(const char *t, size_t s, size_t e, const qrun *r,
                   const qline *ql)
{
    size_t i = r->start, j = r->end, L = j - i, m = 0;
    uint32_t b = cp_before(t + s, i - s), a = j < e ? cp_at(t, e, j, &m) : 0;
    if (b == '\t')
        b = ' ';
    if (a == '\t')
        a = ' ';
    if (r->tcl || is_question_particle(b) || (zh_is_ascii_alnum(b) && zh_is_ascii_alnum(a)))
        return Q_NONE;
    /* Placeholders for digits: ??:??, ????-??-??, ??/??. */
    if ((a == ':' || a == '-' || a == '/' || a == '.') && j + 1 < e &&
        t[j + 1] == '?')
        return Q_NONE;
    if ((b == ':' || b == '-' || b == '/' || b == '.') && i - s >= 2 &&
        t[i - 2] == '?')
        return Q_NONE;
    int hb = zh_is_han(b), ha = zh_is_han(a);
    /* Several marks after a clause that asks (你到底想怎么样???我不管) are
     * its question marks; elsewhere they stand for characters. */
    int q = !ql->fullwidth_q && asks(t, s, i);
    if (L >= 2 && chinese(b) && chinese(a) && !q)
        return Q_STRONG; /* 中??文 */
    if (hb && after_never_question(a))
        return Q_STRONG; /* 文?， */
    if (hb && a == 0x3001 /* 、 */ && j + m < e) {
        size_t m2;
        if (zh_is_han(cp_at(t, e, j + m, &m2)))
            return Q_STRONG; /* 李?、郭 (not 包含?、*、) */
    }
    if (before_never_question(b) && ha)
        return Q_STRONG; /* ，?文 */
    if (L >= 2 && b == ' ' && chinese(a) && !closing_bracket(a)) {
        /* 若 ?? ?? 或: a word lost between words; but after a full stop
         * (模式. ??显示) a translator's ?? says "unsure". */
        uint32_t l = around(t, s, e, i, -1);
        if (zh_is_han(l))
            return Q_STRONG;
        if (l == '.' || sentence_end(l))
            return Q_NONE;
    }
    if (b == '.' && i - s >= 2 && ascii_digit((unsigned char)t[i - 2]) &&
        (chinese(a) || zh_is_ascii_alnum(a)))
        return Q_STRONG; /* 9.2.5.?定制, 1.3.8.?MC: a no-break space lost
                            (not the [a-zA-Z0-9.?] of a regular
                            expression) */
    if (hb && a == '.' && !q)
        return Q_STRONG; /* 目?. */
    if (ha && never_starts_clause(t, e, j) && !mention_after(t, e, j))
        return Q_STRONG; /* 互?的方式, 我?了: no clause starts with 的 */
    if (q)
        return Q_NONE;
    /* 时间??- or 签??）: a run inside the text. Before a space or the end
     * of the line (查询有关的位??) it is also how a reader marks a doubt. */
    if (L >= 2 && ((hb && a != ' ' && a != 0 && b != 0x554A && b != 0x5440 &&
                    b != 0x54C7 && b != 0x561B /* 啊呀哇嘛 */) ||
                   (ha && !zh_is_ascii_alnum(b) && b != ' ' && b != 0)))
        return Q_STRONG;
    if (hb && ha)
        return L == 1 && mention_after(t, e, j) ? Q_WEAK : Q_STRONG;
    if ((hb && ascii_digit(a)) || (ascii_digit(b) && ha))
        return Q_STRONG; /* 第?3.1节, 1.4.2?节 */
    if (hb && opening_bracket(a))
        return Q_STRONG; /* 王禹?《 */
    if ((b == 0 || b == ' ') && ha)
        return (ql->spaced || !ql->symbols) && !after_bullet(t, s, i)
                   ? Q_STRONG
                   : Q_WEAK; /* ?示 */
    if (hb && (a == ' ' || a == 0))
        return ql->spaced || ql->fullwidth_q ? Q_STRONG : Q_WEAK;
    if (zh_is_ascii_alnum(b) && ha)
        return option_word(t, s, i) ? Q_STRONG : Q_WEAK;
    if ((hb && (zh_is_ascii_alnum(a) || closing_bracket(a))) ||
        ((b == '.' || b == ')' || b == 0xFF09 || b == '>') && ha))
        return Q_WEAK;
    if (b == ' ' || b == 0 || a == ' ' || a == 0 || L >= 2) {
        uint32_t l = around(t, s, e, i, -1), rr = around(t, s, e, j, 1);
        if (L >= 2 && !zh_is_ascii_alnum(b) && !zh_is_ascii_alnum(a) &&
            (chinese(l) || chinese(rr)))
            /* 下列 ??: but also chat(8)'s 该 ?????? 字串, quoting the
             * ?????? it writes */
            return ql->spaced ? Q_STRONG : Q_WEAK;
        if ((b == ' ' || b == 0) && (a == ' ' || a == 0)) {
            if (ql->spaced && (chinese(l) || chinese(rr)))
                return Q_STRONG; /* 使 用 者 ? ? 停 止 */
            if (chinese(l) && chinese(rr))
                return Q_WEAK;
        }
    }
    return Q_NONE;
}

/* Runs of '?' looked at on one line; a line with more is judged on these. */
#define QRUNS 128

static zhfix_status scan_line(zh_scan *scan, size_t s, size_t e)
{
    int fill = scan->rule == &zh_rule_debug_fill;
    const char *t = scan->text;
    qrun runs[QRUNS];
    qline ql = {0, 0, 0};
    size_t nruns = 0, fffd = 0, spaced = 0;
    uint32_t prev = 0, prev2 = 0;
    zhfix_status st = ZHFIX_OK;
    size_t i = s;
    while (i < e && st == ZHFIX_OK) {
        size_t n;
        uint32_t cp = cp_at(t, e, i, &n);
        /* What the line says about its '?' (see qline). */
        if (cp == 0xFF1F)
            ql.fullwidth_q = 1;
        else if (prev == ' ' && zh_is_han(prev2) && zh_is_han(cp))
            spaced++;
        else if (symbol_bigram(prev, cp))
            ql.symbols = 1;
        prev2 = prev;
        prev = cp;
        if (cp == 0xFFFD) {
            size_t j = i + n;
            while (j < e && cp_at(t, e, j, &n) == 0xFFFD)
                j += n;
            fffd++;
            if (!fill && !quoted(t, s, e, i, j))
                st = zh_emit(
                    scan, i, j, NULL, 0, 0,
                    "replacement characters: text was lost in decoding", NULL);
            i = j;
            continue;
        }
        if (cp == 0x951F /* 锟 */ || cp == 0x9315 /* 錕 */) {
            size_t n2, n3;
            if (i + n < e && cp_at(t, e, i + n, &n2) == 0x65A4 /* 斤 */ &&
                i + n + n2 < e &&
                cp_at(t, e, i + n + n2, &n3) == 0x62F7 /* 拷 */) {
                size_t j = i + n + n2 + n3;
                if (!fill && !quoted(t, s, e, i, j))
                    st = zh_emit(
                        scan, i, j, NULL, 0, 0,
                        "锟斤拷: replacement characters read as GBK; the "
                        "original text is lost",
                        NULL);
                i = j;
                prev = 0x62F7;
                continue;
            }
        }
        if (cp == 0x70EB /* 烫 */ || cp == 0x5C6F /* 屯 */) {
            size_t j = i + n, count = 1, m;
            while (j < e && cp_at(t, e, j, &m) == cp) {
                j += m;
                count++;
            }
            if (count >= 3 && fill && !quoted(t, s, e, i, j))
                st = zh_emit(scan, i, j, "", 0, 1,
                             "debug fill (uninitialised memory printed as "
                             "GBK): removed",
                             NULL);
            i = j;
            continue;
        }
        if (cp == '?') {
            size_t j = i + 1;
            while (j < e && t[j] == '?')
                j++;
            if (nruns < QRUNS) {
                runs[nruns].start = i;
                runs[nruns].end = j;
                runs[nruns].tcl = 0;
                runs[nruns].verdict = Q_NONE;
                nruns++;
            }
            i = j;
            continue;
        }
        i += n;
    }
    if (fill || !nruns || st != ZHFIX_OK)
        return st;
    ql.spaced = spaced >= 3;
    mark_placeholders(t, s, e, runs, nruns);
    size_t strong = 0, weak = 0;
    for (size_t k = 0; k < nruns; k++) {
        runs[k].verdict = verdict(t, s, e, &runs[k], &ql);
        strong += runs[k].verdict == Q_STRONG;
        weak += runs[k].verdict == Q_WEAK;
    }
    /* A weak place alone is as often a question mark or a mention of '?';
     * two of them, a strong one, or other losses on the line decide. */
    if (!(strong || weak >= 2 || (weak && fffd)))
        return ZHFIX_OK;
    /* In Japanese (prose.h) a '?' stood for no Chinese character. */
    if (zh_scan_japanese(scan))
        return ZHFIX_OK;
    for (size_t k = 0; k < nruns && st == ZHFIX_OK; k++)
        if (runs[k].verdict != Q_NONE)
            st = zh_emit(scan, runs[k].start, runs[k].end, NULL, 0, 0,
                         "'?' where a Chinese character stood: characters "
                         "were lost in an encoding conversion",
                         NULL);
    return st;
}

static zhfix_status scan_lossy(zh_scan *scan)
{
    /* Only lines holding '?', U+FFFD, 锟/錕, 烫 or 屯 (triggers.h); for
     * the debug fill, whose edits are runs of 烫 or 屯, only those. */
    uint32_t triggers = scan->rule == &zh_rule_debug_fill
                            ? ZH_TRIG_GARBAGE
                            : ZH_TRIG_QUESTION | ZH_TRIG_FFFD | ZH_TRIG_GARBAGE;
    size_t cursor = 0, start, end;
    while (zh_hot_next(scan, triggers, &cursor, &start, &end)) {
        zhfix_status st = scan_line(scan, start, end);
        if (st != ZHFIX_OK)
            return st;
    }
    return ZHFIX_OK;
}

const zh_rule zh_rule_lossy_mark = {
    {"lossy-mark", ZHFIX_CATEGORY_ENCODING,
     "report text lost in decoding: U+FFFD, 锟斤拷, '?' for lost Chinese "
     "characters (report only: the content is gone)",
     1},
    scan_lossy,
    0, /* chinese_only: only its '?' reports are (scan_line) */
};

const zh_rule zh_rule_debug_fill = {
    {"debug-fill", ZHFIX_CATEGORY_ENCODING,
     "remove runs of 烫烫烫 / 屯屯屯: uninitialised memory printed as GBK", 1},
    scan_lossy,
    0, /* chinese_only */
};
