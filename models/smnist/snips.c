#include "models/smnist/snips.h"

#include <string.h>

#include "core/limits.h"

void le_smnist_snip_init(le_smnist_snip_state *st, const le_mnist *mnist, const uint32_t *index, uint32_t n_images,
                         const le_smnist_pops *pops, uint8_t *predicted, int32_t *v_out, uint32_t first_step)
{
    memset(st, 0, sizeof *st);
    st->mnist = mnist;
    st->index = index;
    st->n_images = n_images;
    st->pops = *pops;
    st->chip = 0;
    st->predicted = predicted;
    st->v_out = v_out;
    st->t0 = first_step;
    le_smnist_thresholds(st->thr);
}

int le_smnist_argmax(const int32_t *v, uint32_t n)
{
    int32_t best = -(1 << 23);
    int arg = 0;
    for (uint32_t i = 0; i < n; i++)
        if (v[i] > best) {
            best = v[i];
            arg = (int)i;
        }
    return arg;
}

static le_code spiking(void *user, le_sim *sim, uint32_t t, le_error *err)
{
    (void)err;
    le_smnist_snip_state *st = user;
    uint32_t rel = t - st->t0 - 1;
    uint32_t k = rel / LE_SMNIST_STEPS_PER_IMAGE;
    uint32_t s = rel % LE_SMNIST_STEPS_PER_IMAGE + 1;
    if (k >= st->n_images)
        return LE_OK;
    uint32_t words_in = 0;
    if (k % LE_SMNIST_BATCH == 0 && s == 1) {
        /* read_new_batch_of_images(): the host always sends whole batches of 10 images. */
        words_in = LE_SMNIST_BATCH * LE_SMNIST_IMAGE_SIZE;
    }
    uint8_t in[LE_SMNIST_N_INPUT];
    uint32_t cmp = 0;
    const uint8_t *img = le_mnist_image(st->mnist, st->index[k]);
    uint32_t n = le_smnist_encode_step(img, s, st->thr, in, &cmp);
    for (uint32_t i = 0; i < n; i++)
        le_sim_inject(sim, st->pops.input, in[i]);
    /* The cue branch is one test of the pixel index. */
    le_sim_count_x86(sim, st->chip, cmp ? cmp : 1u, words_in, 0);
    return LE_OK;
}

static le_code management(void *user, le_sim *sim, uint32_t t, le_error *err)
{
    (void)err;
    le_smnist_snip_state *st = user;
    uint32_t rel = t - st->t0;
    /* do_management(): the guard runs every step. */
    if (rel == 0 || rel % LE_SMNIST_STEPS_PER_IMAGE != 0 || st->done >= st->n_images) {
        le_sim_count_x86(sim, st->chip, 1, 0, 0);
        return LE_OK;
    }
    int32_t v[LE_SMNIST_N_OUT];
    for (uint32_t i = 0; i < LE_SMNIST_N_OUT; i++)
        v[i] = le_sim_read_v(sim, st->pops.output, i);
    uint32_t k = st->done++;
    st->predicted[k] = (uint8_t)le_smnist_argmax(v, LE_SMNIST_N_OUT);
    if (st->v_out)
        memcpy(st->v_out + (size_t)k * LE_SMNIST_N_OUT, v, sizeof v);
    le_sim_reset_all(sim);
    uint32_t words_out = 0;
    if (st->done % LE_SMNIST_BATCH == 0 || st->done == st->n_images)
        words_out = LE_SMNIST_BATCH; /* the 10 classes, one packed message */
    /* guard + argmax comparisons */
    le_sim_count_x86(sim, st->chip, 1u + LE_SMNIST_N_OUT, 0, words_out);
    return LE_OK;
}

le_snips le_smnist_snips(le_smnist_snip_state *st)
{
    le_snips s;
    s.spiking = spiking;
    s.management = management;
    s.user = st;
    return s;
}

le_code le_smnist_chip_create(const le_smnist_weights *w, const le_smnist_options *opt, const le_board_geom *geom,
                              le_smnist_chip *c, le_error *err)
{
    memset(c, 0, sizeof *c);
    le_network_init(&c->net);
    const le_limits *lim = le_limits_loihi1();
    le_code rc = le_smnist_build(w, opt, &c->net, &c->pops, err);
    if (!rc)
        rc = le_network_validate(&c->net, err);
    if (!rc)
        rc = le_place(&c->net, geom, lim, &c->pl, err);
    if (rc) {
        le_error_prefix(err, "sMNIST network");
        le_smnist_chip_free(c);
        return rc;
    }
    /* The management snip reads and resets core 0 only: everything must be there. */
    uint32_t total = c->pl.pop_base[c->pl.n_pops];
    for (uint32_t i = 0; i < total; i++)
        if (c->pl.core[i] != LE_NO_CORE && c->pl.core[i] != 0) {
            le_smnist_chip_free(c);
            return le_fail(err, LE_ERR_CONFIG, "sMNIST network: neuron entry %u placed on core gid %u, the authors' "
                           "snips need the whole network on core 0 of chip 0", i, c->pl.core[i]);
        }
    rc = le_sim_create(&c->net, &c->pl, geom, lim, &c->sim, err);
    if (!rc)
        rc = le_sim_set_inject_latency(c->sim, opt ? opt->inject_latency : le_smnist_options_default().inject_latency, err);
    if (rc) {
        le_error_prefix(err, "sMNIST chip configuration");
        le_smnist_chip_free(c);
        return rc;
    }
    return LE_OK;
}

void le_smnist_chip_free(le_smnist_chip *c)
{
    if (c->sim)
        le_sim_free(c->sim);
    c->sim = NULL;
    if (c->pl.pop_base)
        le_placement_free(&c->pl);
    le_network_free(&c->net);
    memset(c, 0, sizeof *c);
}

le_code le_smnist_run_images(le_smnist_chip *c, le_smnist_snip_state *st, le_smnist_image_fn fn, void *ctx,
                             le_error *err)
{
    le_snips sn = le_smnist_snips(st);
    while (st->done < st->n_images) {
        uint32_t k = st->done;
        le_code rc = le_sim_run(c->sim, LE_SMNIST_STEPS_PER_IMAGE, &sn, err);
        if (rc)
            return rc;
        if (st->done != k + 1)
            return le_fail(err, LE_ERR_CONFIG, "sMNIST: image %u was not decided after its %u steps (step %u)", k,
                           LE_SMNIST_STEPS_PER_IMAGE, le_sim_step_now(c->sim));
        if (fn)
            fn(ctx, st, k);
    }
    return LE_OK;
}
