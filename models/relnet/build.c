/* The Spiking RelNet builder (models/relnet/build.h). */
#include "models/relnet/build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

le_relnet_options le_relnet_options_default(uint32_t sentences)
{
    le_relnet_options o;
    o.sentences = sentences;
    o.relays = LE_RN_RELAYS_PER_BLOCK;
    o.mask = 1;
    return o;
}

uint32_t le_relnet_block_of(uint32_t i, uint32_t j)
{
    uint32_t a = i / LE_RN_GROUP, b = j / LE_RN_GROUP;
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    /* blocks of row a start after the 4 + 3 + ... blocks of the rows before it */
    static const uint32_t row_start[4] = {0, 4, 7, 9};
    return row_start[a] + (b - a);
}

/* Adds the synapses w[r0 + r][c0 + c] (r < nr, c < nc) from src_pop neuron src_off + r to
 * dst_pop neuron dst_off + c, skipping zero mantissas; delays from d (or 0). */
static le_code connect_block(le_network *net, uint32_t src_pop, uint32_t dst_pop, const le_relnet_conn *cn,
                             uint32_t r0, uint32_t nr, uint32_t c0, uint32_t nc, uint32_t src_off, uint32_t dst_off,
                             int to_aux, const char *what, le_error *err)
{
    size_t n = 0;
    for (uint32_t r = 0; r < nr; r++)
        for (uint32_t c = 0; c < nc; c++)
            n += cn->w[(size_t)(r0 + r) * cn->cols + c0 + c] != 0;
    if (n == 0)
        return LE_OK;
    le_connection c;
    le_code rc = le_connection_init(&c, src_pop, dst_pop, cn->wexp, LE_SIGN_SPLIT, n, cn->d != NULL, err);
    if (rc) {
        le_error_prefix(err, "RelNet %s", what);
        return rc;
    }
    c.to_aux = (uint8_t)(to_aux != 0);
    for (uint32_t r = 0; r < nr; r++)
        for (uint32_t col = 0; col < nc; col++) {
            size_t at = (size_t)(r0 + r) * cn->cols + c0 + col;
            if (!cn->w[at])
                continue;
            c.src[c.n] = src_off + r;
            c.dst[c.n] = dst_off + col;
            c.weight[c.n] = cn->w[at];
            if (c.delay)
                c.delay[c.n] = cn->d[at];
            c.n++;
        }
    if ((rc = le_network_add_conn(net, &c, err)))
        le_error_prefix(err, "RelNet %s", what);
    return rc;
}

/* One-to-one synapses src neuron k -> dst neuron dst_off + k (k < n), delay 0, with weight
 * w[k] (zero: no synapse), or mant for every k when w is NULL: relays, mask relays and the
 * aggregation. */
static le_code connect_diagonal(le_network *net, uint32_t src_pop, uint32_t dst_pop, uint32_t n, uint32_t dst_off,
                                const int16_t *w, int32_t mant, int32_t wexp, const char *what, le_error *err)
{
    le_connection c;
    le_code rc = le_connection_init(&c, src_pop, dst_pop, wexp, LE_SIGN_SPLIT, n, 0, err);
    for (uint32_t k = 0; k < n && !rc; k++)
        if (!w || w[k]) {
            c.src[c.n] = k;
            c.dst[c.n] = dst_off + k;
            c.weight[c.n++] = w ? w[k] : (int16_t)mant;
        }
    if (!rc)
        rc = le_network_add_conn(net, &c, err);
    if (rc)
        le_error_prefix(err, "RelNet %s", what);
    return rc;
}

static le_code add_pop(le_network *net, const char *name, le_pop_kind kind, uint32_t size, const le_relnet_layer *l,
                       uint32_t *idx, le_error *err)
{
    le_population p = le_population_default(name, kind, size);
    /* The snips switch and reset layers by population, and the x86 acts on whole cores: every
     * layer has cores of its own, as in the authors' layouts. */
    p.own_cores = kind != LE_POP_INPUT;
    if (l) {
        p.main = le_relnet_main_profile(l);
        if (kind == LE_POP_AHP) {
            p.aux = le_relnet_aux_profile(l);
            p.ahp_weight = l->ahp_weight;
            p.ahp_wexp = l->ahp_wexp;
        } else {
            p.main.join_op = LE_JOIN_NONE;
        }
    }
    return le_network_add_pop(net, &p, idx, err);
}

/* One LSNN: word inputs, 100 LIF + 100 AHP neurons, input and recurrent synapses. */
static le_code build_lsnn(const le_relnet_weights *w, le_network *net, uint32_t k, le_relnet_pops *p, le_error *err)
{
    const int q = k == LE_RN_QUESTION;
    const le_relnet_layer *L = &w->layer[q ? LE_RN_L_LSNN_QUES : LE_RN_L_LSNN_SENT];
    const le_relnet_conn *in = &w->conn[q ? LE_RN_C_QUES_IN : LE_RN_C_SENT_IN];
    const le_relnet_conn *rec = &w->conn[q ? LE_RN_C_QUES_REC : LE_RN_C_SENT_REC];
    const uint32_t NR = LE_RELNET_N_LSNN - LE_RELNET_N_ADAPTIVE, NA = LE_RELNET_N_ADAPTIVE;
    char name[LE_NAME_MAX], what[96];
    const char *tag = q ? "q" : "s";
    char id[8];
    snprintf(id, sizeof id, q ? "%s" : "%s%u", tag, k);
    le_code rc;
    snprintf(name, sizeof name, "%s.words", id);
    if ((rc = add_pop(net, name, LE_POP_INPUT, LE_RELNET_N_WORDS, NULL, &p->words[k], err)))
        return rc;
    snprintf(name, sizeof name, "%s.lsnn.lif", id);
    if ((rc = add_pop(net, name, LE_POP_LIF, NR, L, &p->lsnn_reg[k], err)))
        return rc;
    snprintf(name, sizeof name, "%s.lsnn.ahp", id);
    if ((rc = add_pop(net, name, LE_POP_AHP, NA, L, &p->lsnn_ada[k], err)))
        return rc;
    snprintf(what, sizeof what, "LSNN %s", id);
    const uint32_t reg = p->lsnn_reg[k], ada = p->lsnn_ada[k], words = p->words[k];
    if ((rc = connect_block(net, words, reg, in, 0, LE_RELNET_N_WORDS, 0, NR, 0, 0, 0, what, err)) ||
        (rc = connect_block(net, words, ada, in, 0, LE_RELNET_N_WORDS, NR, NA, 0, 0, 0, what, err)) ||
        (rc = connect_block(net, reg, reg, rec, 0, NR, 0, NR, 0, 0, 0, what, err)) ||
        (rc = connect_block(net, reg, ada, rec, 0, NR, NR, NA, 0, 0, 0, what, err)) ||
        (rc = connect_block(net, ada, reg, rec, NR, NA, 0, NR, 0, 0, 0, what, err)) ||
        (rc = connect_block(net, ada, ada, rec, NR, NA, NR, NA, 0, 0, 0, what, err)))
        return rc;
    return LE_OK;
}

/* A relay copy of LSNN k: one-to-one from both halves of the LSNN, one spike in, one out. */
static le_code build_relay(const le_relnet_weights *w, le_network *net, le_relnet_pops *p, uint32_t k, uint32_t copy,
                           le_error *err)
{
    if (p->n_relays >= LE_RN_MAX_RELAYS)
        return le_fail(err, LE_ERR_CONFIG, "RelNet: more than %u relay copies", LE_RN_MAX_RELAYS);
    const le_relnet_layer *L = &w->layer[LE_RN_L_RELAY];
    const uint32_t NR = LE_RELNET_N_LSNN - LE_RELNET_N_ADAPTIVE, NA = LE_RELNET_N_ADAPTIVE;
    char name[LE_NAME_MAX];
    if (k == LE_RN_QUESTION)
        snprintf(name, sizeof name, "q.relay.%u", copy);
    else
        snprintf(name, sizeof name, "s%u.relay.%u", k, copy);
    le_relnet_relay *r = &p->relay[p->n_relays];
    le_code rc = add_pop(net, name, LE_POP_LIF, LE_RELNET_N_LSNN, L, &r->pop, err);
    if (rc)
        return rc;
    r->lsnn = k;
    r->block = copy;
    p->n_relays++;
    /* neuron k of the relay copies LSNN neuron k (LIF half 0..99, AHP half 100..199) */
    if ((rc = connect_diagonal(net, p->lsnn_reg[k], r->pop, NR, 0, NULL, L->in_weight, L->in_wexp, name, err)) ||
        (rc = connect_diagonal(net, p->lsnn_ada[k], r->pop, NA, NR, NULL, L->in_weight, L->in_wexp, name, err)))
        return rc;
    return LE_OK;
}

/* The relay copy of LSNN k that serves instance x (per-block: the copy of x's block; per
 * source: the sentence's one copy, or the question copy of x's group of 30). */
static uint32_t relay_for(const le_relnet_pops *p, le_relnet_relay_plan plan, uint32_t k, uint32_t x)
{
    uint32_t want = plan == LE_RN_RELAYS_PER_BLOCK ? p->inst_block[x]
                    : k == LE_RN_QUESTION          ? x / LE_RN_NAIVE_Q_SPAN
                                                   : 0;
    for (uint32_t r = 0; r < p->n_relays; r++)
        if (p->relay[r].lsnn == k && p->relay[r].block == want)
            return p->relay[r].pop;
    return UINT32_MAX;
}

static le_code build_instance(const le_relnet_weights *w, le_network *net, le_relnet_pops *p,
                              le_relnet_relay_plan plan, uint32_t x, le_error *err)
{
    const uint32_t i = p->inst_i[x], j = p->inst_j[x], N = LE_RELNET_N_G;
    char name[LE_NAME_MAX], what[64];
    le_code rc;
    for (uint32_t l = 0; l < 4; l++) {
        snprintf(name, sizeof name, "g.%u.%u.l%u", i, j, l + 1);
        if ((rc = add_pop(net, name, LE_POP_LIF, N, &w->layer[LE_RN_L_G1 + l], &p->g[x][l], err)))
            return rc;
    }
    snprintf(what, sizeof what, "g_theta (%u, %u)", i, j);
    uint32_t ri = relay_for(p, plan, i, x), rj = relay_for(p, plan, j, x), rq = relay_for(p, plan, LE_RN_QUESTION, x);
    if (ri == UINT32_MAX || rj == UINT32_MAX || rq == UINT32_MAX)
        return le_fail(err, LE_ERR_CONFIG, "RelNet %s: no relay copy serves it", what);
    const le_relnet_conn *g1 = &w->conn[LE_RN_C_G1];
    const uint32_t L = LE_RELNET_N_LSNN;
    if ((rc = connect_block(net, ri, p->g[x][0], g1, 0, L, 0, N, 0, 0, 0, what, err)) ||
        (rc = connect_block(net, rj, p->g[x][0], g1, L, L, 0, N, 0, 0, 0, what, err)) ||
        (rc = connect_block(net, rq, p->g[x][0], g1, 2 * L, L, 0, N, 0, 0, 0, what, err)))
        return rc;
    for (uint32_t l = 1; l < 4; l++)
        if ((rc = connect_block(net, p->g[x][l - 1], p->g[x][l], &w->conn[LE_RN_C_G1 + l], 0, N, 0, N, 0, 0, 0, what,
                                err)))
            return rc;
    if (p->has_mask) {
        /* The slots of the instance silence all of it when the story lacks them (spec §1.5):
         * -100 at exponent 7, through the mask relay of its block. */
        le_relnet_conn m;
        int16_t wm[2 * LE_RELNET_N_G];
        for (uint32_t c = 0; c < 2 * N; c++)
            wm[c] = -100;
        m.rows = 1;
        m.cols = N;
        m.wexp = 7;
        m.w = wm;
        m.d = NULL;
        uint32_t mr = p->mask_relay[p->inst_block[x]];
        if ((rc = connect_block(net, mr, p->g[x][0], &m, 0, 1, 0, N, i, 0, 0, what, err)))
            return rc;
        if (j != i && (rc = connect_block(net, mr, p->g[x][0], &m, 0, 1, 0, N, j, 0, 0, what, err)))
            return rc;
    }
    return LE_OK;
}

le_code le_relnet_build(const le_relnet_weights *w, const le_relnet_options *o, le_network *net,
                        le_relnet_pops *pops, le_error *err)
{
    if (o->sentences < 1 || o->sentences > LE_RN_LAYOUT)
        return le_fail(err, LE_ERR_RANGE, "RelNet: %u sentences, expected 1..%u", o->sentences, LE_RN_LAYOUT);
    le_relnet_pops *p = calloc(1, sizeof *p);
    if (!p)
        return le_fail(err, LE_ERR_NOMEM, "RelNet: out of memory");
    const uint32_t M = o->sentences;
    p->M = M;
    p->has_mask = o->mask != 0;
    for (uint32_t i = 0; i < M; i++)
        for (uint32_t j = i; j < M; j++) {
            p->inst_i[p->n_inst] = (uint8_t)i;
            p->inst_j[p->n_inst] = (uint8_t)j;
            p->inst_block[p->n_inst] = (uint8_t)le_relnet_block_of(i, j);
            p->n_inst++;
        }
    le_code rc = LE_OK;
    for (uint32_t k = 0; k < M && !rc; k++)
        rc = build_lsnn(w, net, k, p, err);
    if (!rc)
        rc = build_lsnn(w, net, LE_RN_QUESTION, p, err);
    /* Relay copies as the compiled layout has them (spec §2.3): the sentence copies of the
     * existing sentences, and every question copy whatever M is. */
    if (o->relays == LE_RN_RELAYS_PER_BLOCK) {
        for (uint32_t k = 0; k < M && !rc; k++)
            for (uint32_t b = 0; b < LE_RN_BLOCKS && !rc; b++) {
                uint32_t g = k / LE_RN_GROUP, used = 0;
                for (uint32_t h = 0; h < LE_RN_LAYOUT / LE_RN_GROUP; h++)
                    used |= le_relnet_block_of(g * LE_RN_GROUP, h * LE_RN_GROUP) == b;
                if (used)
                    rc = build_relay(w, net, p, k, b, err);
            }
        for (uint32_t b = 0; b < LE_RN_BLOCKS && !rc; b++)
            rc = build_relay(w, net, p, LE_RN_QUESTION, b, err);
    } else {
        for (uint32_t k = 0; k < M && !rc; k++)
            rc = build_relay(w, net, p, k, 0, err);
        uint32_t copies = (LE_RN_MAX_INST + LE_RN_NAIVE_Q_SPAN - 1) / LE_RN_NAIVE_Q_SPAN;
        for (uint32_t c = 0; c < copies && !rc; c++)
            rc = build_relay(w, net, p, LE_RN_QUESTION, c, err);
    }
    if (!rc && p->has_mask) {
        rc = add_pop(net, "mask.src", LE_POP_INPUT, LE_RN_LAYOUT, NULL, &p->mask_src, err);
        for (uint32_t b = 0; b < LE_RN_BLOCKS && !rc; b++) {
            char name[LE_NAME_MAX];
            snprintf(name, sizeof name, "mask.relay.%u", b);
            rc = add_pop(net, name, LE_POP_LIF, LE_RN_LAYOUT, &w->layer[LE_RN_L_RELAY], &p->mask_relay[b], err);
            if (!rc)
                rc = connect_diagonal(net, p->mask_src, p->mask_relay[b], LE_RN_LAYOUT, 0, NULL,
                                      w->layer[LE_RN_L_RELAY].in_weight, w->layer[LE_RN_L_RELAY].in_wexp, "mask relay",
                                      err);
        }
    }
    for (uint32_t x = 0; x < p->n_inst && !rc; x++)
        rc = build_instance(w, net, p, o->relays, x, err);
    /* Aggregation: neuron k of layer 4 of every instance, one weight per k (spec §1.5). */
    const le_relnet_conn *agg = &w->conn[LE_RN_C_AGG];
    if (!rc)
        rc = add_pop(net, "agg", LE_POP_LIF, LE_RELNET_N_G, &w->layer[LE_RN_L_AGG], &p->agg, err);
    for (uint32_t x = 0; x < p->n_inst && !rc; x++)
        rc = connect_diagonal(net, p->g[x][3], p->agg, LE_RELNET_N_G, 0, agg->w, 0, agg->wexp, "aggregation", err);
    if (!rc)
        rc = add_pop(net, "f1", LE_POP_LIF, LE_RELNET_N_G, &w->layer[LE_RN_L_F1], &p->f1, err);
    if (!rc)
        rc = add_pop(net, "f2", LE_POP_LIF, LE_RELNET_N_F2, &w->layer[LE_RN_L_F2], &p->f2, err);
    if (!rc)
        rc = add_pop(net, "f3", LE_POP_LIF, LE_RELNET_N_F3, &w->layer[LE_RN_L_F3], &p->f3, err);
    if (!rc)
        rc = add_pop(net, "readout", LE_POP_LIF, LE_RELNET_N_OUT, &w->layer[LE_RN_L_READOUT], &p->readout, err);
    if (!rc)
        rc = connect_block(net, p->agg, p->f1, &w->conn[LE_RN_C_F1], 0, LE_RELNET_N_G, 0, LE_RELNET_N_G, 0, 0, 0,
                           "f_phi 1", err);
    if (!rc)
        rc = connect_block(net, p->f1, p->f2, &w->conn[LE_RN_C_F2], 0, LE_RELNET_N_G, 0, LE_RELNET_N_F2, 0, 0, 0,
                           "f_phi 2", err);
    if (!rc)
        rc = connect_block(net, p->f2, p->f3, &w->conn[LE_RN_C_F3], 0, LE_RELNET_N_F2, 0, LE_RELNET_N_F3, 0, 0, 0,
                           "f_phi 3", err);
    if (!rc)
        rc = connect_block(net, p->f3, p->readout, &w->conn[LE_RN_C_READOUT], 0, LE_RELNET_N_F3, 0, LE_RELNET_N_OUT,
                           0, 0, 0, "readout", err);
    if (!rc && pops)
        *pops = *p;
    free(p);
    return rc;
}
