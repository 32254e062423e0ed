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
#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__linux__) && defined(MAP_ANONYMOUS)
#define ZH_HUGEMAP 1 /* zh_map_huge can map */
#else
#define ZH_HUGEMAP 0
#endif

/* n bytes of zeroes, mapped, huge pages asked for past the first small
 * bytes (which keep 4 KB pages: a small input need not cost a huge page).
 * NULL when mapping fails or cannot be done here. */
static inline char *zh_map_huge(size_t n, size_t small)
{
#if ZH_HUGEMAP
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    if (p == MAP_FAILED)
        return NULL;
#ifdef MADV_HUGEPAGE
    if (n > small) /* advice: failing changes nothing */
        (void)madvise((char *)p + small, n - small, MADV_HUGEPAGE);
#endif
    return p;
#else
    (void)n;
    (void)small;
    return NULL;
#endif
}

/* Release what zh_map_huge(n, ...) gave. */
static inline void zh_unmap(char *p, size_t n)
{
#if ZH_HUGEMAP
    munmap(p, n);
#else
    (void)p;
    (void)n;
#endif
}

#endif /* ZHFIX_HUGEMAP_H */
