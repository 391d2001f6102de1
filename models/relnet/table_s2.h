/* Seed 002 Table S2 as data (models/relnet/table_s2.yaml): the paper's Loihi figures per story
 * size, for the side-by-side report. */
#ifndef LE_MODELS_RELNET_TABLE_S2_H
#define LE_MODELS_RELNET_TABLE_S2_H

#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t sentences, cores;
    double us_per_step, latency_ms, power_w, energy_mj, edp_ujs;
} le_table_s2_row;

typedef struct {
    le_table_s2_row row[8];
    uint32_t n;
    char source[128];
} le_table_s2;

le_code le_table_s2_load(const char *path, le_table_s2 *t, le_error *err);
/* The row of story size M, or NULL. */
const le_table_s2_row *le_table_s2_find(const le_table_s2 *t, uint32_t sentences);
/* The shipped file (<source dir>/models/relnet/table_s2.yaml). */
const char *le_table_s2_default_path(void);

#ifdef __cplusplus
}
#endif
#endif
