/* The seed paper's Table S1 (sMNIST on Loihi) as data: models/smnist/table_s1.yaml, read
 * through the project's YAML reader, so a figure, its unit and its source are edited there
 * and not in C. How our side of each figure is computed stays with the command that has the
 * cost model (emu/cmd_smnist.c); this reader only knows the paper's side. */
#ifndef LE_MODELS_SMNIST_TABLE_S1_H
#define LE_MODELS_SMNIST_TABLE_S1_H

#include <stdint.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LE_TABLE_S1_FILE "models/smnist/table_s1.yaml"

/* How our value of a figure arises (the file's `ours:`). */
typedef enum {
    LE_S1_MEASURED,   /* counted on the images run */
    LE_S1_CALIBRATED, /* the cost model is fitted on this figure: agreement confirms nothing */
    LE_S1_COMPUTED,   /* from the model's own figures */
    LE_S1_DERIVED     /* mixes calibrated and computed figures */
} le_s1_ours;

typedef struct {
    char figure[64];  /* printed name */
    char key[32];     /* JSON key */
    char unit[16];
    char note[128];   /* how ours arises, for measured and computed figures; else "" */
    char source[256]; /* where the paper prints it */
    double paper;
    le_s1_ours ours;
} le_s1_figure;

typedef struct {
    le_s1_figure *fig;
    uint32_t n;
} le_s1_table;

/* Reads path (a table_s1.yaml); errors name FILE:LINE and the field, including unknown keys
 * and a figure without `source:`. */
le_code le_table_s1_load(const char *path, le_s1_table *t, le_error *err);
void le_table_s1_free(le_s1_table *t);

#ifdef __cplusplus
}
#endif
#endif
