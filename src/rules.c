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

const zh_rule *const zh_rules[] = {
    &zh_rule_mojibake,
    &zh_rule_lossy_mark,
    &zh_rule_debug_fill,
    &zh_rule_invisible_char,
};

const size_t zh_rule_total = sizeof zh_rules / sizeof zh_rules[0];
