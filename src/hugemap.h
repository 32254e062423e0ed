/*
 * hugemap.h - a buffer of several MB mapped on its own and asked for
 * transparent huge pages, for the library's large buffers (text.c) and the
 * command's input buffers alike.
 *
 * Such a buffer is touched once and then reused: in 4 KB pages its first
 * touch is a page fault every 4 KB, and a fault costs microseconds on a
 * virtual machine (on 10 MB of mojibake-heavy text, 18,000 faults were a
 * tenth of the CPU time); in 2 MB pages it is one fault every 2 MB. A file
 * that includes this defines _DEFAULT_SOURCE or _GNU_SOURCE first.
 */
#ifndef ZHFIX_HUGEMAP_H
#define ZHFIX_HUGEMAP_H

#include <stddef.h>
#include <stdint.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__linux__) && defined(MAP_ANONYMOUS)
#define ZH_HUGEMAP 1 /* zh_map_huge can map */
#else
#define ZH_HUGEMAP 0
#endif

/* Huge pages are 2 MB on x86-64 and arm64 (with 4 KB base pages). The
 * kernel backs only the 2 MB-aligned stretches of a mapping with them, and
 * aligns a new mapping to 2 MB only when its length is a multiple of 2 MB
 * (since Linux 6.7; not at all before): a 10,000,109-byte input mapped as
 * it is got huge pages for under half of it and took 1,300 faults in 4 KB
 * pages. So a mapping spans whole, aligned huge pages. */
#define ZH_HUGE_PAGE ((size_t)2 << 20)

/* The length zh_map_huge maps for n bytes: n rounded up to whole huge pages. */
static inline size_t zh_huge_span(size_t n)
{
    return (n + ZH_HUGE_PAGE - 1) & ~(ZH_HUGE_PAGE - 1);
}

/* n bytes of zeroes in huge pages, mapped at a huge-page boundary. NULL
 * when mapping fails or cannot be done here. */
static inline char *zh_map_huge(size_t n)
{
#if ZH_HUGEMAP
    size_t span = zh_huge_span(n);
    if (span < n || span + ZH_HUGE_PAGE < span)
        return NULL; /* overflow */
    /* Map a huge page more than needed and cut the ends off at the
     * boundaries: munmap of whole 4 KB pages is always allowed. */
    size_t over = span + ZH_HUGE_PAGE;
    char *raw = mmap(NULL, over, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return NULL;
    size_t head =
        (size_t)(ZH_HUGE_PAGE - ((uintptr_t)raw & (ZH_HUGE_PAGE - 1))) &
        (ZH_HUGE_PAGE - 1);
    char *p = raw + head;
    if (head)
        munmap(raw, head);
    if (over - head - span)
        munmap(p + span, over - head - span);
#ifdef MADV_HUGEPAGE
    (void)madvise(p, span, MADV_HUGEPAGE); /* advice: failing changes nothing */
#endif
    return p;
#else
    (void)n;
    return NULL;
#endif
}

/* Release what zh_map_huge(n) gave. */
static inline void zh_unmap(char *p, size_t n)
{
#if ZH_HUGEMAP
    munmap(p, zh_huge_span(n));
#else
    (void)p;
    (void)n;
#endif
}

#endif /* ZHFIX_HUGEMAP_H */
