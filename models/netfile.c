/* YAML network files (docs/network-file.md): the top level. util/yaml reads the document
 * with line marks; the sections are read in the file's order of definition (populations
 * before the connections and inputs that name them) by models/netfile_*.c. */
#include "models/netfile.h"

#include <string.h>

#include "models/netfile_parts.h"

const char *le_netfile_label(char *buf, size_t cap, const char *what, const char *key)
{
    size_t n = strnlen(what, cap - 1);
    memcpy(buf, what, n);
    if (n + 2 < cap) {
        buf[n++] = ':';
        buf[n++] = ' ';
    }
    size_t m = strnlen(key, cap - 1 - n);
    memcpy(buf + n, key, m);
    buf[n + m] = '\0';
    return buf;
}

le_code le_netfile_find_pop(le_netfile_ctx *c, int node, const char *what, uint32_t *out)
{
    const char *name = NULL;
    le_code rc = le_cfg_str(c->cfg, node, what, &name, c->err);
    if (rc)
        return rc;
    int p = le_network_find_pop(c->net, name);
    if (p < 0)
        return le_cfg_fail(c->cfg, node, c->err, LE_ERR_CONFIG,
                           "%s: no population named '%s' (populations are defined before use)", what, name);
    *out = (uint32_t)p;
    return LE_OK;
}

enum { T_POPS, T_CONNS, T_INPUTS, T_N };
static const char *const top_keys[T_N] = {"populations", "connections", "inputs"};

static le_code read_list(le_netfile_ctx *c, int list, const char *what,
                         le_code (*read)(le_netfile_ctx *, int, uint32_t))
{
    le_code rc = le_cfg_want(c->cfg, list, LE_CFG_SEQ, what, c->err);
    for (int i = 0, n = le_cfg_seq_len(c->cfg, list); !rc && i < n; i++)
        rc = read(c, le_cfg_seq_item(c->cfg, list, i), (uint32_t)i);
    return rc;
}

le_code le_netfile_load(const char *path, le_network *net, le_error *err)
{
    le_network_init(net);
    le_cfg cfg;
    le_code rc = le_cfg_load_expecting(&cfg, path, "populations", err);
    if (rc)
        return rc;
    le_netfile_ctx c = {&cfg, net, err};
    int root = le_cfg_root(&cfg), v[T_N];
    if ((rc = le_cfg_keys(&cfg, root, "network file", top_keys, T_N, v, err)))
        goto done;
    if (!v[T_POPS]) {
        rc = le_cfg_fail(&cfg, root, err, LE_ERR_PARSE, "network file: missing 'populations'");
        goto done;
    }
    if ((rc = read_list(&c, v[T_POPS], "populations", le_netfile_population)) ||
        (v[T_CONNS] && (rc = read_list(&c, v[T_CONNS], "connections", le_netfile_connection))) ||
        (v[T_INPUTS] && (rc = read_list(&c, v[T_INPUTS], "inputs", le_netfile_input))))
        goto done;
    if ((rc = le_network_validate(net, err)))
        le_error_prefix(err, "%s", path);
done:
    le_cfg_free(&cfg);
    return rc;
}
