/*
 * rules.c - the registry: every rule, in the order fix applies them.
 * Encoding repairs come first (later rules must see the real characters),
 * then scraping artifacts, punctuation, width and script. Adding a rule is
 * one new file and one row here.
 */
#include "internal.h"

extern const zh_rule zh_rule_mojibake;
extern const zh_rule zh_rule_lossy_mark;
extern const zh_rule zh_rule_debug_fill;
extern const zh_rule zh_rule_invisible_char;
/* Scraped articles (issue 5). */
extern const zh_rule zh_rule_pinyin_straddle;
extern const zh_rule zh_rule_gbk_out_of_step;
extern const zh_rule zh_rule_line_endings;
extern const zh_rule zh_rule_html_entity;
extern const zh_rule zh_rule_injected_pinyin;
extern const zh_rule zh_rule_stray_comma;
extern const zh_rule zh_rule_halfwidth_punct;
extern const zh_rule zh_rule_fullwidth_alnum;
extern const zh_rule zh_rule_mixed_script;

const zh_rule *const zh_rules[] = {
    &zh_rule_mojibake,
    &zh_rule_lossy_mark,
    &zh_rule_debug_fill,
    &zh_rule_invisible_char,
    /* Scraped articles (issue 5): HTML references first, so that a
     * character written as one is itself to the re-alignment rules
     * (&#x4e0b;?(wén)澗?); then the encoding repair of out-of-step GBK
     * runs (it reads the pinyin and commas as they were scraped), then
     * the other artifacts, then punctuation and width. Folded marks are
     * restored before the stray commas go: the commas before marks are
     * the fold's evidence, and the marks they stand before are restored
     * with them (`,,` -> `，`). */
    &zh_rule_html_entity,
    &zh_rule_pinyin_straddle,
    &zh_rule_gbk_out_of_step,
    &zh_rule_line_endings,
    &zh_rule_injected_pinyin,
    &zh_rule_halfwidth_punct,
    &zh_rule_stray_comma,
    &zh_rule_fullwidth_alnum,
    &zh_rule_mixed_script,
};

const size_t zh_rule_total = sizeof zh_rules / sizeof zh_rules[0];
