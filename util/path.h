/* Where the program finds its files when the user does not say. */
#ifndef LE_UTIL_PATH_H
#define LE_UTIL_PATH_H

#ifdef __cplusplus
extern "C" {
#endif

/* The data folder (reference data linked by tools/fetch-data.sh, generated weights):
 * `option` when set, else $LE_DATA_DIR, else <source dir>/data. */
const char *le_data_dir(const char *option);

#ifdef __cplusplus
}
#endif
#endif
