/* Network files: a YAML description of populations, connections and input spikes
 * (schema in docs/network-file.md), loaded into an le_network through libyaml. */
#ifndef LE_MODELS_NETFILE_H
#define LE_MODELS_NETFILE_H

#include "util/error.h"
#include "models/network.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Loads path into net (initialised here; free it with le_network_free also on error).
 * Every error is one line "FILE:LINE: what" (or "FILE: what" when no line applies). */
le_code le_netfile_load(const char *path, le_network *net, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
