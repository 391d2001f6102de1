/* The parts of the network-file reader (models/netfile*.c), one per section of the file;
 * internal to models/, the public entry point is models/netfile.h. Each part reads one
 * element of its list into ctx->net and names the element in every message. */
#ifndef LE_MODELS_NETFILE_PARTS_H
#define LE_MODELS_NETFILE_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "models/network.h"
#include "util/error.h"
#include "util/yaml.h"

typedef struct {
    le_cfg *cfg;
    le_network *net;
    le_error *err;
} le_netfile_ctx;

/* Element idx (0-based) of 'populations', 'connections' or 'inputs'. */
le_code le_netfile_population(le_netfile_ctx *c, int node, uint32_t idx);
le_code le_netfile_connection(le_netfile_ctx *c, int node, uint32_t idx);
le_code le_netfile_input(le_netfile_ctx *c, int node, uint32_t idx);

/* The population a name node refers to: populations are defined before use. */
le_code le_netfile_find_pop(le_netfile_ctx *c, int node, const char *what, uint32_t *out);

/* "what: key" into buf (truncated, never overflowing): the label of one field. */
const char *le_netfile_label(char *buf, size_t cap, const char *what, const char *key);

#endif
