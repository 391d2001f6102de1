/* Where the program finds its files when the user does not say. */
#ifndef LE_UTIL_PATH_H
#define LE_UTIL_PATH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The data folder (reference data linked by tools/fetch-data.sh, generated weights):
 * `option` when set, else $LE_DATA_DIR, else <source dir>/data. */
const char *le_data_dir(const char *option);

/* <source dir>/rel (rel itself in a build without a source dir) into buf; -> buf. For files
 * the source tree ships, such as the trained RelNet weights. */
const char *le_source_path(const char *rel, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif
