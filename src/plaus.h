/*
 * plaus.h - the plausibility model the encoding rules compare readings
 * with: a cost (negative log-likelihood, in nats) of a sequence of code
 * points. Lower is more plausible. A repair is made only when the repaired
 * reading costs far less than the text as it is.
 */
#ifndef ZHFIX_PLAUS_H
#define ZHFIX_PLAUS_H

#include <stddef.h>
#include <stdint.h>

/* Cost of cp after prev (prev 0 at the start of a line): its own cost
 * plus the cost of the transition. */
double zh_plaus_step(uint32_t prev, uint32_t cp);

/* Cost of n code points following prev (0 for none). */
double zh_plaus_cost(uint32_t prev, const uint32_t *cps, size_t n);

/* 1 for a code point no real text contains where mojibake is repaired:
 * C0/C1 controls other than tab, noncharacters, private use. */
int zh_plaus_forbidden(uint32_t cp);

#endif /* ZHFIX_PLAUS_H */
