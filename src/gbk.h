/*
 * gbk.h - GBK byte arithmetic for the repairs that re-align text that was
 * decoded out of step (gbk.c). The tables are built once, at first use,
 * from the C library's iconv "GBK" converter (glibc: its byte 0x80 is €);
 * after that they are read-only, so any thread may use them.
 */
#ifndef ZHFIX_GBK_H
#define ZHFIX_GBK_H

#include <stddef.h>
#include <stdint.h>

/* Build the tables (once per process; later calls return at once).
 * Returns 1 when GBK is available, 0 when iconv cannot convert it: the
 * callers then make no repair. */
int zh_gbk_ready(void);

/* The character of the two-byte code (lead, trail), or 0 when GBK has none
 * (user-defined areas, unassigned codes, bytes out of range). */
uint32_t zh_gbk_decode2(unsigned lead, unsigned trail);

/* GBK bytes of cp into out: returns 1 (ASCII, and 0x80 for €), 2, or 0
 * when GBK cannot encode cp. */
size_t zh_gbk_encode(uint32_t cp, unsigned char out[2]);

/* 1 when (lead, trail) is in the two-byte range of GBK (lead 81..FE,
 * trail 40..7E or 80..FE) but has no character: a pair that a GB18030
 * decoder turns into a private-use character, which scrapers drop. */
int zh_gbk_unmapped(unsigned lead, unsigned trail);

/* The bytes 0x81..0xFE that, after lead, make an unmapped pair (as in
 * zh_gbk_unmapped): *out points to them, in increasing order; returns how
 * many. Requires zh_gbk_ready(). */
size_t zh_gbk_unmapped_after(unsigned lead, const unsigned char **out);

#endif /* ZHFIX_GBK_H */
