/* Reading the architecture and board YAML files: a libyaml document with line numbers,
 * lookups that name FILE:LINE and the dotted field on every error, provenance checks
 * (source: / calibrated: / assumed:) and detection of unknown keys. */
#ifndef LE_CHIP_CFG_H
#define LE_CHIP_CFG_H

#include <stdint.h>
#include <yaml.h>

#include "core/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct le_cfg {
    yaml_document_t doc;
    int loaded;
    char path[512];
    uint8_t *used; /* per node (1-based index): the key was read, so it is known */
    int n_nodes;
} le_cfg;

/* Loads path; a syntax error gives "FILE:LINE: <problem>". */
le_code le_cfg_load(le_cfg *c, const char *path, le_error *err);
void le_cfg_free(le_cfg *c);

int le_cfg_root(const le_cfg *c);   /* node index of the root (0 when the file is empty) */
int le_cfg_line(const le_cfg *c, int node);
int le_cfg_is_map(const le_cfg *c, int node);
int le_cfg_seq_len(const le_cfg *c, int node);
int le_cfg_seq_item(const le_cfg *c, int node, int i);

/* Value node of key in mapping map (0 when absent); marks the key as known. */
int le_cfg_get(le_cfg *c, int map, const char *key);

/* Required sub-mapping / sequence; `field` is the dotted name of the result for messages. */
le_code le_cfg_map(le_cfg *c, int map, const char *key, const char *field, int *out, le_error *err);
le_code le_cfg_seq(le_cfg *c, int map, const char *key, const char *field, int *out, le_error *err);

/* A number with provenance: key in map, checked against [lo, hi]. Provenance is
 * map["<key>_source"|"<key>_calibrated"|"<key>_assumed"], else map[source|calibrated|assumed],
 * else prov_map[...] when prov_map != 0. */
le_code le_cfg_figure(le_cfg *c, int map, int prov_map, const char *key, const char *field, double lo, double hi,
                      double *out, le_error *err);
/* A whole number in [lo, hi] (provenance checked as for le_cfg_figure when need_prov). */
le_code le_cfg_uint(le_cfg *c, int map, int prov_map, const char *key, const char *field, uint32_t lo, uint32_t hi,
                    int need_prov, uint32_t *out, le_error *err);
/* A string (required when `required`; else *out untouched when absent). */
le_code le_cfg_string(le_cfg *c, int map, const char *key, const char *field, int required, char *out, size_t cap,
                      le_error *err);

/* Plain whole numbers without provenance (data files such as weight manifests, not cost
 * figures): signed, in [lo, hi], at key in map, or in the scalar node itself (a list item). */
le_code le_cfg_int(le_cfg *c, int map, const char *key, const char *field, int64_t lo, int64_t hi, int64_t *out,
                   le_error *err);
le_code le_cfg_int_at(le_cfg *c, int node, const char *field, int64_t lo, int64_t hi, int64_t *out, le_error *err);

/* Marks every key below node as known: free-form blocks (e.g. training metadata). */
void le_cfg_mark_known(le_cfg *c, int node);

/* Any mapping key never looked up is an error "FILE:LINE: field X: unknown field". */
le_code le_cfg_check_unknown(le_cfg *c, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
