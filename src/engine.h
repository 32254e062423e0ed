/*
 * engine.h - zhfix's own OpenCC-compatible conversion engine.
 *
 * The engine runs OpenCC's configs (s2t, t2s, s2twp, ...) on OpenCC's own
 * dictionaries, compiled into static tables by dicts/gen_opencc.py
 * (src/data_opencc.c), and reproduces libopencc's output byte for byte
 * (tests/cli/engine_differential.sh checks it on the whole corpus). Not
 * public; convert.c is its only user besides the tests.
 *
 * The algorithm is OpenCC's:
 *   1. Segmentation ("mmseg"): forward maximum matching over the whole text
 *      with the segmentation dictionary. Every match is one segment; the
 *      characters between matches form one segment together.
 *   2. Conversion chain: each step rewrites every segment on its own (a
 *      match never crosses a segment boundary, and step N+1 sees the
 *      segments step N produced). Within a segment, at each position the
 *      step's dictionaries are tried in order and the first one with any
 *      prefix match wins with its longest match (OpenCC's DictGroup); the
 *      key is replaced by its first value. Without a match one character is
 *      copied.
 *
 * Thread-safety: everything here is const data and pure functions.
 */
#ifndef ZHFIX_ENGINE_H
#define ZHFIX_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* ---- Generated tables (src/data_opencc.c) ------------------------------ */

/* One slot of the double array that holds every dictionary's byte-wise
 * trie: the child of node n for byte b is t = (base[n] & ZH_OC_BASE) + b,
 * valid when nodes[t].check == n. A key ends at node n when base has bit
 * ZH_OC_TERMINAL; its first value is zh_oc_node_values[n], packed as
 * (offset << 8 | length) into zh_oc_values. A free slot has check 0 (slot
 * 0 is never a node); a root has check UINT32_MAX. The array is padded so
 * that base + 255 is always in range. */
#define ZH_OC_TERMINAL 0x80000000u
#define ZH_OC_BASE 0x7FFFFFFFu
typedef struct zh_oc_node {
    uint32_t base;
    uint32_t check;
} zh_oc_node;

typedef struct zh_oc_dict {
    const char *name; /* "STPhrases" (file STPhrases.ocd2) */
    uint32_t root;    /* slot of the trie's root */
    uint32_t nkeys;
    uint32_t max_key;        /* longest key, bytes */
    uint32_t ocd2_size;      /* size of the .ocd2 the table was built from */
    unsigned char first[32]; /* bitmap of the bytes a key can start with */
} zh_oc_dict;

/* A group of dictionaries (one dictionary is a group of one). */
#define ZH_OC_GROUP_MAX 4
typedef struct zh_oc_step {
    uint8_t ndicts;
    uint8_t dicts[ZH_OC_GROUP_MAX]; /* indices into zh_oc_dicts */
} zh_oc_step;

#define ZH_OC_STEPS_MAX 4
typedef struct zh_oc_config {
    const char *name;   /* "s2t" (file s2t.json) */
    uint32_t json_size; /* size of the .json the table was built from */
    zh_oc_step seg;     /* mmseg segmentation dictionary */
    uint8_t nsteps;
    zh_oc_step steps[ZH_OC_STEPS_MAX]; /* the conversion chain */
} zh_oc_config;

extern const char zh_oc_data_version[];
extern const unsigned char zh_oc_values[];
extern const zh_oc_node zh_oc_nodes[];
extern const uint32_t zh_oc_node_values[];
extern const size_t zh_oc_node_count;
extern const zh_oc_dict zh_oc_dicts[];
extern const size_t zh_oc_dict_count;
extern const zh_oc_config zh_oc_configs[];
extern const size_t zh_oc_config_count;

/* ---- Engine (src/engine.c) --------------------------------------------- */

/* The compiled config named name ("s2t", no ".json"), or NULL. */
const zh_oc_config *zh_engine_find(const char *name);

/* The compiled config for an OpenCC config path, or NULL: the path must
 * resolve to OpenCC's own data directory (ZHFIX_OPENCC_DATA_DIR, where
 * the tables were generated from) as NAME.json for a compiled NAME, and the
 * installed files must
 * still be the ones the tables were generated from (same sizes of the
 * .json and of every .ocd2 it uses), so an upgraded or edited OpenCC falls
 * back to libopencc instead of converting differently. */
const zh_oc_config *zh_engine_for_path(const char *config_path);

/* Longest key of dictionary d that is a prefix of s[0..n): its length in
 * bytes (0 when none) and, through *value, its packed value. */
size_t zh_engine_match(const zh_oc_dict *d, const unsigned char *s, size_t n,
                       uint32_t *value);

/* Convert src[0..len) with cfg and append the result to out. Any bytes are
 * accepted (a NUL or an invalid byte matches no key and is copied), so the
 * output for valid UTF-8 equals libopencc's. Returns ZHFIX_OK, ZHFIX_NOMEM
 * or ZHFIX_TOO_LARGE (out would pass ZH_BUF_MAX). */
zhfix_status zh_engine_convert(const zh_oc_config *cfg, const char *src,
                               size_t len, zh_buf *out);

#endif /* ZHFIX_ENGINE_H */
