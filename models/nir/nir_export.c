/* The mapped integer network as a network YAML file (docs/network-file.md), so that a user can
 * edit what `nir` computed and run it with `loihi-emu run`. Every field the loader reads is
 * written explicitly (not left to its defaults), so the file states the whole mapping. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/nir/nir.h"
#include "models/npy_write.h"
#include "util/outfile.h"

/* Population names come from NIR node names (dots, '#', anything the exporter used): always
 * double-quoted, with the characters YAML gives a meaning escaped. */
static void put_name(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void put_profile(FILE *f, const char *ind, const le_profile *p)
{
    fprintf(f, "%sdecay_u: %d\n%sdecay_v: %d\n%sbias_mant: %d\n%sbias_exp: %d\n", ind, p->decay_u, ind, p->decay_v,
            ind, p->bias_mant, ind, p->bias_exp);
    fprintf(f, "%svth_mant: %d\n%srefract: %d\n%svmin_exp: %d\n%svmax_exp: %d\n", ind, p->vth_mant, ind, p->refract,
            ind, p->vmin_exp, ind, p->vmax_exp);
}

/* A connection goes to a dense .npy when the matrix is neither tiny (a few synapses read
 * better inline than as a file each) nor large, is at least a quarter full, no
 * synapse has a delay or a zero mantissa, and no (source, destination) pair repeats: then the
 * matrix says exactly what the synapse list says. Returns the matrix (caller frees) or NULL. */
static int16_t *dense_of(const le_network *net, const le_connection *c)
{
    uint64_t ns = net->pops[c->src_pop].size, nd = net->pops[c->dst_pop].size, cells = ns * nd;
    if (c->n == 0 || cells < 64 || cells > (1u << 22) || (uint64_t)c->n * 4 < cells)
        return NULL;
    for (uint32_t k = 0; k < c->n; k++)
        if ((c->delay && c->delay[k]) || c->weight[k] == 0)
            return NULL;
    int16_t *w = calloc(cells, sizeof *w);
    if (!w)
        return NULL;
    for (uint32_t k = 0; k < c->n; k++) {
        int16_t *cell = &w[(uint64_t)c->src[k] * nd + c->dst[k]];
        if (*cell) {
            free(w);
            return NULL;
        }
        *cell = c->weight[k];
    }
    return w;
}

static int cmp_input(const void *a, const void *b)
{
    const le_input_spike *x = a, *y = b;
    if (x->pop != y->pop)
        return x->pop < y->pop ? -1 : 1;
    if (x->neuron != y->neuron)
        return x->neuron < y->neuron ? -1 : 1;
    return x->step < y->step ? -1 : x->step > y->step;
}

le_code le_nir_export_yaml(const le_network *net, const char *yaml_path, const char *header, le_error *err)
{
    for (uint32_t p = 0; p < net->n_pops; p++) {
        const le_population *pop = &net->pops[p];
        /* What the network file cannot say: refused rather than silently dropped. */
        if (pop->own_cores || (pop->kind != LE_POP_INPUT && pop->chip >= 0))
            return le_fail(err, LE_ERR_CONFIG,
                           "population '%s': its placement (own cores or a chip) has no network-file key", pop->name);
    }
    for (uint32_t i = 0; i < net->n_conns; i++)
        if (net->conns[i].conv)
            return le_fail(err, LE_ERR_CONFIG,
                           "connection %u ('%s' to '%s'): a convolution (population axons) is written as a "
                           "synapse list only after le_conv_expand",
                           i, net->pops[net->conns[i].src_pop].name, net->pops[net->conns[i].dst_pop].name);
    /* Written to a temporary file and renamed into place when complete (util/outfile.h). */
    le_outfile out;
    le_code rc = le_outfile_open_path(&out, "", yaml_path, err);
    if (rc)
        return rc;
    FILE *f = out.f;
    const char *slash = strrchr(yaml_path, '/');
    size_t dir_len = slash ? (size_t)(slash - yaml_path + 1) : 0;
    const char *base = slash ? slash + 1 : yaml_path;
    size_t stem_len = strlen(base);
    if (stem_len > 5 && !strcmp(base + stem_len - 5, ".yaml"))
        stem_len -= 5;
    else if (stem_len > 4 && !strcmp(base + stem_len - 4, ".yml"))
        stem_len -= 4;

    if (header)
        for (const char *h = header; *h;) {
            const char *nl = strchr(h, '\n');
            size_t len = nl ? (size_t)(nl - h) : strlen(h);
            fprintf(f, "# %.*s\n", (int)len, h);
            h += len + (nl != NULL);
        }
    fprintf(f, "populations:\n");
    for (uint32_t p = 0; p < net->n_pops; p++) {
        const le_population *pop = &net->pops[p];
        static const char *const kinds[] = {"input", "lif", "ahp"};
        fprintf(f, "  - name: ");
        put_name(f, pop->name);
        fprintf(f, "\n    kind: %s\n    size: %u\n", kinds[pop->kind], pop->size);
        if (pop->kind != LE_POP_INPUT)
            put_profile(f, "    ", &pop->main);
        if (pop->kind == LE_POP_AHP) {
            fprintf(f, "    aux:\n");
            put_profile(f, "      ", &pop->aux);
            fprintf(f, "    ahp_weight: %d\n    ahp_wexp: %d\n", pop->ahp_weight, pop->ahp_wexp);
        }
        if (pop->kind == LE_POP_INPUT && pop->chip >= 0)
            fprintf(f, "    placement: {chip: %d}\n", pop->chip);
        else if (pop->first_core >= 0 || pop->per_core)
            fprintf(f, "    placement: {first_core: %d, per_core: %u}\n", pop->first_core, pop->per_core);
    }
    if (net->n_conns)
        fprintf(f, "connections:\n");
    for (uint32_t i = 0; i < net->n_conns && !rc; i++) {
        const le_connection *c = &net->conns[i];
        fprintf(f, "  - from: ");
        put_name(f, net->pops[c->src_pop].name);
        fprintf(f, "\n    to: ");
        put_name(f, net->pops[c->dst_pop].name);
        fprintf(f, "\n    wexp: %d\n    sign_mode: %s\n    weight_bits: %u\n", c->wexp, le_sign_mode_name(c->sign),
                c->weight_bits);
        if (c->to_aux)
            fprintf(f, "    to_aux: true\n");
        int16_t *w = dense_of(net, c);
        if (w) {
            char npy[1024];
            if (snprintf(npy, sizeof npy, "%.*s%.*s.conn%u.npy", (int)dir_len, yaml_path, (int)stem_len, base, i) >=
                (int)sizeof npy)
                rc = le_fail(err, LE_ERR_USAGE, "%s: path too long", yaml_path);
            else
                rc = le_npy_write(npy, LE_NPY_INT16, net->pops[c->src_pop].size, net->pops[c->dst_pop].size, w, err);
            free(w);
            /* Relative to the YAML file, as the loader resolves it. */
            fprintf(f, "    npy: \"%.*s.conn%u.npy\"\n", (int)stem_len, base, i);
            continue;
        }
        fprintf(f, "    synapses:\n");
        for (uint32_t k = 0; k < c->n; k++) {
            if (c->delay && c->delay[k])
                fprintf(f, "      - [%u, %u, %d, %u]\n", c->src[k], c->dst[k], c->weight[k], c->delay[k]);
            else
                fprintf(f, "      - [%u, %u, %d]\n", c->src[k], c->dst[k], c->weight[k]);
        }
        if (!c->n)
            fprintf(f, "      []\n");
    }
    if (!rc && net->n_inputs) {
        le_input_spike *in = malloc((size_t)net->n_inputs * sizeof *in);
        if (!in)
            rc = le_fail(err, LE_ERR_NOMEM, "%s", "out of memory sorting the input spikes");
        else {
            memcpy(in, net->inputs, (size_t)net->n_inputs * sizeof *in);
            qsort(in, net->n_inputs, sizeof *in, cmp_input);
            fprintf(f, "inputs:\n");
            for (uint32_t k = 0; k < net->n_inputs;) {
                uint32_t e = k;
                while (e < net->n_inputs && in[e].pop == in[k].pop && in[e].neuron == in[k].neuron)
                    e++;
                fprintf(f, "  - {population: ");
                put_name(f, net->pops[in[k].pop].name);
                fprintf(f, ", neuron: %u, steps: [", in[k].neuron);
                for (uint32_t j = k; j < e; j++)
                    fprintf(f, "%s%u", j > k ? ", " : "", in[j].step);
                fprintf(f, "]}\n");
                k = e;
            }
            free(in);
        }
    }
    if (rc)
        le_outfile_discard(&out);
    else
        rc = le_outfile_commit(&out, err);
    return rc;
}
