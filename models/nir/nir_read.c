/* The HDF5 side of the NIR reader: every HDF5 call is checked, and its failure becomes one
 * error naming the file and the node. HDF5's own error printing is switched off: the
 * message we return is the only one. */
#include <hdf5.h>
#include <stdlib.h>
#include <string.h>

#include "models/nir/nir.h"

/* Debian ships HDF5 1.10; 1.12 renamed the iteration and object-info calls. */
#if H5_VERSION_GE(1, 12, 0)
typedef H5L_info2_t le_h5_linfo;
#define LE_H5_ITERATE H5Literate2
#define LE_H5_IS_HDF5(p) H5Fis_accessible((p), H5P_DEFAULT)
#else
typedef H5L_info_t le_h5_linfo;
#define LE_H5_ITERATE H5Literate
#define LE_H5_IS_HDF5(p) H5Fis_hdf5(p)
#endif

typedef struct {
    le_nir_graph *g;
    uint32_t cap_nodes, cap_edges;
    le_error *err;
} reader;

/* A subgraph node: its flattened name and the indices of its Input and Output nodes. */
typedef struct {
    char name[LE_NIR_NAME_MAX];
    int in, out;
} subgraph;

static void param_free(le_nir_param *p)
{
    free(p->data);
    free(p->str);
}

void le_nir_free(le_nir_graph *g)
{
    for (uint32_t i = 0; i < g->n_nodes; i++) {
        for (uint32_t k = 0; k < g->nodes[i].n_params; k++)
            param_free(&g->nodes[i].params[k]);
        free(g->nodes[i].params);
    }
    free(g->nodes);
    free(g->edges);
    memset(g, 0, sizeof *g);
}

int le_nir_find_node(const le_nir_graph *g, const char *name)
{
    for (uint32_t i = 0; i < g->n_nodes; i++)
        if (!strcmp(g->nodes[i].name, name))
            return (int)i;
    return -1;
}

const le_nir_param *le_nir_param_get(const le_nir_node *n, const char *name)
{
    for (uint32_t k = 0; k < n->n_params; k++)
        if (!strcmp(n->params[k].name, name))
            return &n->params[k];
    return NULL;
}

#define LE_NIR_STRING_MAX (1u << 20)

/* A variable-length string's length is the first 4 bytes (little endian) of its element in
 * the file [HDF5 file format, "Variable-length Data"]; libhdf5 allocates and zeroes that many
 * bytes before reading the string, so a hostile length of 2^32 - 1 costs 4 GiB. The element
 * is at H5Dget_offset for a contiguous dataset (how h5py writes one string); other layouts
 * cannot be checked and are read as they are. */
static int vlen_too_long(const char *file, hid_t ds)
{
    haddr_t off = H5Dget_offset(ds);
    if (off == HADDR_UNDEF)
        return 0;
    FILE *f = fopen(file, "rb");
    unsigned char b[4];
    int too_long = 0;
    if (f && off <= (haddr_t)INT64_MAX && fseeko(f, (off_t)off, SEEK_SET) == 0 && fread(b, 1, 4, f) == 4)
        too_long = ((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24) >
                   LE_NIR_STRING_MAX;
    if (f)
        fclose(f);
    return too_long;
}

/* Reads a string dataset (variable or fixed length, scalar or 1-element) into a new string. */
static le_code read_string(reader *r, hid_t ds, const char *what, char **out)
{
    le_error *err = r->err;
    const char *file = r->g->path;
    /* One string is read into one buffer: a dataset of several (H5S_ALL) would overrun it. */
    hid_t sp = H5Dget_space(ds);
    hssize_t npts = sp < 0 ? -1 : H5Sget_simple_extent_npoints(sp);
    if (sp >= 0)
        H5Sclose(sp);
    if (npts != 1)
        return le_fail(err, LE_ERR_PARSE, "%s: %s: expected one string, found a dataset of %lld elements", file, what,
                       (long long)npts);
    hid_t t = H5Dget_type(ds);
    if (t < 0)
        return le_fail(err, LE_ERR_PARSE, "%s: %s: cannot read the dataset's type", file, what);
    le_code rc = LE_OK;
    if (H5Tget_class(t) != H5T_STRING) {
        rc = le_fail(err, LE_ERR_PARSE, "%s: %s: expected a string", file, what);
    } else if (H5Tis_variable_str(t) > 0 && vlen_too_long(file, ds)) {
        rc = le_fail(err, LE_ERR_PARSE, "%s: %s: a string of more than %u bytes", file, what, LE_NIR_STRING_MAX);
    } else if (H5Tis_variable_str(t) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        char *s = NULL;
        if (mt < 0 || H5Tset_size(mt, H5T_VARIABLE) < 0 || H5Tset_cset(mt, H5Tget_cset(t)) < 0 || H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s) < 0 ||
            !s)
            rc = le_fail(err, LE_ERR_PARSE, "%s: %s: cannot read the string", file, what);
        else if (!(*out = strdup(s)))
            rc = le_fail(err, LE_ERR_NOMEM, "%s: %s: out of memory", file, what);
        if (s)
            H5free_memory(s);
        if (mt >= 0)
            H5Tclose(mt);
    } else {
        /* The length is the file's claim: NIR strings are names and versions. */
        size_t n = H5Tget_size(t);
        if (n > LE_NIR_STRING_MAX) {
            H5Tclose(t);
            return le_fail(err, LE_ERR_PARSE, "%s: %s: a string of %zu bytes, more than %u", file, what, n,
                           LE_NIR_STRING_MAX);
        }
        char *s = calloc(n + 1, 1);
        hid_t mt = H5Tcopy(H5T_C_S1);
        if (!s)
            rc = le_fail(err, LE_ERR_NOMEM, "%s: %s: out of memory", file, what);
        else if (mt < 0 || H5Tset_size(mt, n) < 0 || H5Tset_strpad(mt, H5T_STR_NULLPAD) < 0 || H5Tset_cset(mt, H5Tget_cset(t)) < 0 ||
                 H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, s) < 0)
            rc = le_fail(err, LE_ERR_PARSE, "%s: %s: cannot read the string", file, what);
        if (mt >= 0)
            H5Tclose(mt);
        if (rc)
            free(s);
        else
            *out = s;
    }
    H5Tclose(t);
    return rc;
}

/* Reads one dataset of a node as a parameter: numbers as doubles, strings as text. */
static le_code read_param(reader *r, hid_t grp, const char *node, const char *name, le_nir_param *p)
{
    le_error *err = r->err;
    const char *file = r->g->path;
    memset(p, 0, sizeof *p);
    if (strlen(name) >= sizeof p->name)
        return le_fail(err, LE_ERR_PARSE, "%s: node '%s': parameter name '%.40s...' too long", file, node, name);
    strcpy(p->name, name);
    hid_t ds = H5Dopen2(grp, name, H5P_DEFAULT);
    if (ds < 0)
        return le_fail(err, LE_ERR_PARSE, "%s: node '%s': cannot open dataset '%s'", file, node, name);
    le_code rc = LE_OK;
    hid_t sp = H5Dget_space(ds), t = H5Dget_type(ds);
    int nd = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    if (t < 0 || nd < 0 || nd > LE_NIR_MAX_DIMS) {
        rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s': dataset '%s': unreadable shape (at most %d dimensions)",
                     file, node, name, LE_NIR_MAX_DIMS);
        goto done;
    }
    hsize_t dims[LE_NIR_MAX_DIMS];
    if (H5Sget_simple_extent_dims(sp, dims, NULL) < 0) {
        rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s': dataset '%s': unreadable shape", file, node, name);
        goto done;
    }
    p->ndim = (uint32_t)nd;
    p->count = 1;
    for (int i = 0; i < nd; i++) {
        p->dims[i] = dims[i];
        p->count *= dims[i];
    }
    H5T_class_t cls = H5Tget_class(t);
    if (cls == H5T_STRING) {
        if (p->count != 1) {
            rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s': dataset '%s': expected one string, found %llu", file,
                         node, name, (unsigned long long)p->count);
            goto done;
        }
        char what[LE_NIR_NAME_MAX + 80];
        snprintf(what, sizeof what, "node '%s': dataset '%s'", node, name);
        rc = read_string(r, ds, what, &p->str);
    } else if (cls == H5T_INTEGER || cls == H5T_FLOAT) {
        if (p->count > (1ull << 31)) {
            rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s': dataset '%s': %llu values, too many", file, node, name,
                         (unsigned long long)p->count);
            goto done;
        }
        p->data = malloc((p->count ? p->count : 1) * sizeof(double));
        if (!p->data)
            rc = le_fail(err, LE_ERR_NOMEM, "%s: node '%s': dataset '%s': out of memory", file, node, name);
        else if (p->count && H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, p->data) < 0)
            rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s': dataset '%s': cannot read its numbers", file, node,
                         name);
    } else {
        rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s': dataset '%s': expected numbers or a string", file, node,
                     name);
    }
done:
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(ds);
    return rc;
}

/* Member names of a group, in HDF5's name order. */
typedef struct {
    char **names;
    uint32_t n, cap;
} namelist;

static herr_t collect(hid_t g, const char *name, const le_h5_linfo *info, void *data)
{
    (void)g;
    (void)info;
    namelist *l = data;
    if (l->n == l->cap) {
        uint32_t c = l->cap ? 2 * l->cap : 16;
        char **nn = realloc(l->names, c * sizeof *nn);
        if (!nn)
            return -1;
        l->names = nn;
        l->cap = c;
    }
    if (!(l->names[l->n] = strdup(name)))
        return -1;
    l->n++;
    return 0;
}

static void namelist_free(namelist *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
}

static le_code list_members(reader *r, hid_t grp, const char *node, namelist *l)
{
    memset(l, 0, sizeof *l);
    if (LE_H5_ITERATE(grp, H5_INDEX_NAME, H5_ITER_INC, NULL, collect, l) < 0) {
        namelist_free(l);
        return le_fail(r->err, LE_ERR_PARSE, "%s: node '%s': cannot list its members", r->g->path, node);
    }
    return LE_OK;
}

static int is_group(hid_t grp, const char *name)
{
    H5O_type_t t;
    hid_t o = H5Oopen(grp, name, H5P_DEFAULT);
    if (o < 0)
        return -1;
    H5I_type_t it = H5Iget_type(o);
    t = it == H5I_GROUP ? H5O_TYPE_GROUP : H5O_TYPE_DATASET;
    H5Oclose(o);
    if (it != H5I_GROUP && it != H5I_DATASET && it != H5I_DATATYPE)
        return -1;
    return t == H5O_TYPE_GROUP;
}

static le_code add_node(reader *r, le_nir_node *n, uint32_t *idx)
{
    le_nir_graph *g = r->g;
    if (g->n_nodes == r->cap_nodes) {
        uint32_t c = r->cap_nodes ? 2 * r->cap_nodes : 16;
        le_nir_node *nn = realloc(g->nodes, c * sizeof *nn);
        if (!nn)
            return le_fail(r->err, LE_ERR_NOMEM, "%s: out of memory", g->path);
        g->nodes = nn;
        r->cap_nodes = c;
    }
    *idx = g->n_nodes;
    g->nodes[g->n_nodes++] = *n;
    return LE_OK;
}

static le_code add_edge(reader *r, uint32_t s, uint32_t d)
{
    le_nir_graph *g = r->g;
    if (g->n_edges == r->cap_edges) {
        uint32_t c = r->cap_edges ? 2 * r->cap_edges : 16;
        le_nir_edge *ne = realloc(g->edges, c * sizeof *ne);
        if (!ne)
            return le_fail(r->err, LE_ERR_NOMEM, "%s: out of memory", g->path);
        g->edges = ne;
        r->cap_edges = c;
    }
    g->edges[g->n_edges].src = s;
    g->edges[g->n_edges].dst = d;
    g->n_edges++;
    return LE_OK;
}

/* Reads the edges dataset: (n, 2) strings (0.1.x and 0.2.x both write it so), or a group
 * with src/dst string arrays. Names are returned as pairs. */
static le_code read_edges(reader *r, hid_t grp, const char *node, char ***pairs, uint64_t *n_out)
{
    le_error *err = r->err;
    const char *file = r->g->path;
    *pairs = NULL;
    *n_out = 0;
    if (H5Lexists(grp, "edges", H5P_DEFAULT) <= 0)
        return le_fail(err, LE_ERR_PARSE, "%s: graph '%s': missing its 'edges' dataset", file, node);
    hid_t ds = H5Dopen2(grp, "edges", H5P_DEFAULT);
    if (ds < 0)
        return le_fail(err, LE_ERR_PARSE, "%s: graph '%s': 'edges' is not a dataset", file, node);
    le_code rc = LE_OK;
    hid_t sp = H5Dget_space(ds), t = H5Dget_type(ds), mt = -1;
    hsize_t dims[2] = {0, 0};
    int nd = sp < 0 ? -1 : H5Sget_simple_extent_ndims(sp);
    char **buf = NULL;
    if (t < 0 || nd < 0 || H5Tget_class(t) != H5T_STRING) {
        rc = le_fail(err, LE_ERR_PARSE, "%s: graph '%s': 'edges' must be an array of (source, target) names", file,
                     node);
        goto done;
    }
    if (nd >= 1)
        H5Sget_simple_extent_dims(sp, dims, NULL);
    if (nd == 1 && dims[0] == 0) {
        goto done; /* a graph without edges */
    }
    if (nd != 2 || dims[1] != 2) {
        rc = le_fail(err, LE_ERR_PARSE, "%s: graph '%s': 'edges' must have shape (n, 2), found %d dimensions", file,
                     node, nd);
        goto done;
    }
    uint64_t n = dims[0];
    buf = calloc(2 * n + 1, sizeof *buf);
    if (!buf) {
        rc = le_fail(err, LE_ERR_NOMEM, "%s: out of memory", file);
        goto done;
    }
    if (H5Tis_variable_str(t) > 0) {
        mt = H5Tcopy(H5T_C_S1);
        if (mt < 0 || H5Tset_size(mt, H5T_VARIABLE) < 0 || H5Tset_cset(mt, H5Tget_cset(t)) < 0 || H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
            rc = le_fail(err, LE_ERR_PARSE, "%s: graph '%s': cannot read 'edges'", file, node);
            goto done;
        }
        for (uint64_t i = 0; i < 2 * n && !rc; i++) {
            char *s = buf[i] ? strdup(buf[i]) : NULL;
            if (buf[i])
                H5free_memory(buf[i]);
            buf[i] = s;
            if (!s)
                rc = le_fail(err, LE_ERR_PARSE, "%s: graph '%s': edge %llu has no name", file, node,
                             (unsigned long long)(i / 2));
        }
    } else {
        size_t w = H5Tget_size(t);
        char *flat = calloc(2 * n * w + 1, 1);
        mt = H5Tcopy(H5T_C_S1);
        if (!flat || mt < 0 || H5Tset_size(mt, w) < 0 || H5Tset_strpad(mt, H5T_STR_NULLPAD) < 0 || H5Tset_cset(mt, H5Tget_cset(t)) < 0 ||
            H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, flat) < 0) {
            free(flat);
            rc = le_fail(err, LE_ERR_PARSE, "%s: graph '%s': cannot read 'edges'", file, node);
            goto done;
        }
        for (uint64_t i = 0; i < 2 * n && !rc; i++) {
            buf[i] = calloc(w + 1, 1);
            if (!buf[i])
                rc = le_fail(err, LE_ERR_NOMEM, "%s: out of memory", file);
            else
                memcpy(buf[i], flat + i * w, w);
        }
        free(flat);
    }
    *n_out = n;
done:
    if (mt >= 0)
        H5Tclose(mt);
    if (t >= 0)
        H5Tclose(t);
    if (sp >= 0)
        H5Sclose(sp);
    H5Dclose(ds);
    if (rc && buf) {
        for (uint64_t i = 0; i < 2 * dims[0]; i++)
            free(buf[i]);
        free(buf);
        buf = NULL;
    }
    *pairs = buf;
    return rc;
}

static le_code read_graph(reader *r, hid_t grp, const char *prefix, const char *gname, subgraph *self, int depth);

/* Reads the node group `name` of a graph at `prefix`; a NIRGraph recurses. */
static le_code read_node(reader *r, hid_t parent, const char *prefix, const char *name, int depth, subgraph **subs,
                         uint32_t *n_subs)
{
    le_error *err = r->err;
    const char *file = r->g->path;
    le_nir_node n;
    memset(&n, 0, sizeof n);
    if ((size_t)snprintf(n.name, sizeof n.name, "%s%s", prefix, name) >= sizeof n.name)
        return le_fail(err, LE_ERR_PARSE, "%s: node '%s%s': name longer than %d characters", file, prefix, name,
                       LE_NIR_NAME_MAX - 1);
    hid_t grp = H5Gopen2(parent, name, H5P_DEFAULT);
    if (grp < 0)
        return le_fail(err, LE_ERR_PARSE, "%s: node '%s': expected a group", file, n.name);
    le_code rc = LE_OK;
    namelist l = {0};
    if (H5Lexists(grp, "type", H5P_DEFAULT) <= 0) {
        rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s': missing its 'type'", file, n.name);
        goto done;
    }
    {
        le_nir_param tp;
        if ((rc = read_param(r, grp, n.name, "type", &tp)))
            goto done;
        if (!tp.str || strlen(tp.str) >= sizeof n.type) {
            param_free(&tp);
            rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s': 'type' must be a short string", file, n.name);
            goto done;
        }
        strcpy(n.type, tp.str);
        param_free(&tp);
    }
    if (!strcmp(n.type, "NIRGraph")) {
        subgraph sg;
        memset(&sg, 0, sizeof sg);
        strcpy(sg.name, n.name);
        if ((rc = read_graph(r, grp, n.name, n.name, &sg, depth + 1)))
            goto done;
        subgraph *ns = realloc(*subs, (*n_subs + 1) * sizeof *ns);
        if (!ns) {
            rc = le_fail(err, LE_ERR_NOMEM, "%s: out of memory", file);
            goto done;
        }
        *subs = ns;
        ns[(*n_subs)++] = sg;
        goto done;
    }
    if ((rc = list_members(r, grp, n.name, &l)))
        goto done;
    for (uint32_t i = 0; i < l.n && !rc; i++) {
        int gr = is_group(grp, l.names[i]);
        if (gr < 0) {
            rc = le_fail(err, LE_ERR_PARSE, "%s: node '%s': cannot inspect member '%s'", file, n.name, l.names[i]);
            break;
        }
        /* input_type, output_type, metadata: groups the mapping does not need */
        if (gr || !strcmp(l.names[i], "type"))
            continue;
        le_nir_param *np = realloc(n.params, (n.n_params + 1) * sizeof *np);
        if (!np) {
            rc = le_fail(err, LE_ERR_NOMEM, "%s: out of memory", file);
            break;
        }
        n.params = np;
        if (!(rc = read_param(r, grp, n.name, l.names[i], &n.params[n.n_params])))
            n.n_params++;
    }
    if (!rc) {
        uint32_t idx;
        rc = add_node(r, &n, &idx);
        if (!rc)
            memset(&n, 0, sizeof n);
    }
done:
    namelist_free(&l);
    for (uint32_t k = 0; k < n.n_params; k++)
        param_free(&n.params[k]);
    free(n.params);
    H5Gclose(grp);
    return rc;
}

/* Resolves an edge end inside a graph at prefix: a node, or a subgraph (its Input as a target,
 * its Output as a source). Node names may themselves contain dots. */
static le_code resolve(reader *r, const char *prefix, const char *gname, const char *end, int as_src,
                       const subgraph *subs, uint32_t n_subs, uint32_t *out)
{
    char full[2 * LE_NIR_NAME_MAX];
    snprintf(full, sizeof full, "%s%s", prefix, end);
    for (uint32_t s = 0; s < n_subs; s++)
        if (!strcmp(subs[s].name, full)) {
            int k = as_src ? subs[s].out : subs[s].in;
            if (k < 0)
                return le_fail(r->err, LE_ERR_PARSE, "%s: graph '%s': edge %s subgraph '%s', which has no %s node",
                               r->g->path, gname, as_src ? "from" : "to", full, as_src ? "Output" : "Input");
            *out = (uint32_t)k;
            return LE_OK;
        }
    int k = le_nir_find_node(r->g, full);
    if (k < 0)
        return le_fail(r->err, LE_ERR_PARSE, "%s: graph '%s': an edge %s '%s', but the graph has no node '%s'",
                       r->g->path, gname, as_src ? "comes from" : "goes to", end, end);
    *out = (uint32_t)k;
    return LE_OK;
}

static le_code read_graph(reader *r, hid_t grp, const char *prefix_node, const char *gname, subgraph *self, int depth)
{
    le_error *err = r->err;
    const char *file = r->g->path;
    if (depth > 16)
        return le_fail(err, LE_ERR_PARSE, "%s: graph '%s': nested more than 16 deep", file, gname);
    char prefix[LE_NIR_NAME_MAX];
    if (prefix_node[0])
        snprintf(prefix, sizeof prefix, "%s.", prefix_node);
    else
        prefix[0] = '\0';
    if (H5Lexists(grp, "nodes", H5P_DEFAULT) <= 0)
        return le_fail(err, LE_ERR_PARSE, "%s: graph '%s': missing its 'nodes' group", file, gname);
    hid_t ng = H5Gopen2(grp, "nodes", H5P_DEFAULT);
    if (ng < 0)
        return le_fail(err, LE_ERR_PARSE, "%s: graph '%s': 'nodes' is not a group", file, gname);
    namelist l;
    le_code rc = list_members(r, ng, gname, &l);
    subgraph *subs = NULL;
    uint32_t n_subs = 0, first = r->g->n_nodes;
    for (uint32_t i = 0; i < l.n && !rc; i++)
        rc = read_node(r, ng, prefix, l.names[i], depth, &subs, &n_subs);
    if (!rc && l.n == 0)
        rc = le_fail(err, LE_ERR_PARSE, "%s: graph '%s': no nodes", file, gname);
    if (!l.n)
        namelist_free(&l);
    else
        namelist_free(&l);
    H5Gclose(ng);
    char **pairs = NULL;
    uint64_t n_edges = 0;
    if (!rc)
        rc = read_edges(r, grp, gname, &pairs, &n_edges);
    for (uint64_t e = 0; e < n_edges && !rc; e++) {
        uint32_t s, d;
        if (!(rc = resolve(r, prefix, gname, pairs[2 * e], 1, subs, n_subs, &s)) &&
            !(rc = resolve(r, prefix, gname, pairs[2 * e + 1], 0, subs, n_subs, &d)))
            rc = add_edge(r, s, d);
    }
    if (pairs) {
        for (uint64_t i = 0; i < 2 * n_edges; i++)
            free(pairs[i]);
        free(pairs);
    }
    free(subs);
    if (!rc && self) {
        /* The subgraph's own Input and Output nodes (direct members, not deeper ones). */
        self->in = self->out = -1;
        for (uint32_t i = first; i < r->g->n_nodes; i++) {
            const le_nir_node *n = &r->g->nodes[i];
            if (strncmp(n->name, prefix, strlen(prefix)) || strchr(n->name + strlen(prefix), '.'))
                continue;
            int *slot = !strcmp(n->type, "Input") ? &self->in : (!strcmp(n->type, "Output") ? &self->out : NULL);
            if (!slot)
                continue;
            if (*slot >= 0)
                return le_fail(err, LE_ERR_PARSE, "%s: graph '%s': more than one %s node (expected one)", file, gname,
                               n->type);
            *slot = (int)i;
        }
    }
    return rc;
}

le_code le_nir_read(const char *path, le_nir_graph *g, le_error *err)
{
    memset(g, 0, sizeof *g);
    if (strlen(path) >= sizeof g->path)
        return le_fail(err, LE_ERR_USAGE, "NIR file path too long");
    strcpy(g->path, path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return le_fail(err, LE_ERR_IO, "%s: cannot open the NIR file", path);
    fclose(probe);
    if (LE_H5_IS_HDF5(path) <= 0)
        return le_fail(err, LE_ERR_PARSE, "%s: not an HDF5 file (a NIR file is HDF5)", path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return le_fail(err, LE_ERR_PARSE, "%s: cannot open as HDF5", path);
    reader r = {.g = g, .err = err};
    le_code rc = LE_OK;
    if (H5Lexists(f, "version", H5P_DEFAULT) > 0) {
        hid_t ds = H5Dopen2(f, "version", H5P_DEFAULT);
        char *v = NULL;
        if (ds < 0)
            rc = le_fail(err, LE_ERR_PARSE, "%s: '/version' is not a dataset", path);
        else {
            rc = read_string(&r, ds, "/version", &v);
            H5Dclose(ds);
        }
        if (!rc) {
            snprintf(g->version, sizeof g->version, "%s", v);
            free(v);
            if (strncmp(g->version, "0.1.", 4) && strncmp(g->version, "0.2.", 4) && strncmp(g->version, "1.", 2))
                rc = le_fail(err, LE_ERR_PARSE, "%s: NIR version '%s': expected 0.1.x or 0.2.x", path, g->version);
        }
    } else {
        strcpy(g->version, "unknown");
    }
    hid_t root = -1;
    if (!rc && (H5Lexists(f, "node", H5P_DEFAULT) <= 0 || (root = H5Gopen2(f, "node", H5P_DEFAULT)) < 0))
        rc = le_fail(err, LE_ERR_PARSE, "%s: missing the '/node' group of the graph", path);
    if (!rc) {
        le_nir_param tp;
        if (H5Lexists(root, "type", H5P_DEFAULT) <= 0)
            rc = le_fail(err, LE_ERR_PARSE, "%s: node '/node': missing its 'type'", path);
        else if (!(rc = read_param(&r, root, "/node", "type", &tp))) {
            if (!tp.str || strcmp(tp.str, "NIRGraph"))
                rc = le_fail(err, LE_ERR_PARSE, "%s: node '/node': type '%s', expected 'NIRGraph'", path,
                             tp.str ? tp.str : "(numbers)");
            param_free(&tp);
        }
    }
    if (!rc)
        rc = read_graph(&r, root, "", "/node", NULL, 0);
    if (root >= 0)
        H5Gclose(root);
    H5Fclose(f);
    if (rc)
        le_nir_free(g);
    return rc;
}
