#include "models/smnist/snips.h"

#include <string.h>


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

static le_code spiking(void *user, const le_x86 *x86, uint32_t t, le_error *err)
{
    le_smnist_snip_state *st = user;
    uint32_t rel = t - st->t0 - 1;
    uint32_t k = rel / LE_SMNIST_STEPS_PER_IMAGE;
    uint32_t s = rel % LE_SMNIST_STEPS_PER_IMAGE + 1;
    if (k >= st->n_images)
        return LE_OK;
    if (st->done != k)
        return le_fail(err, LE_ERR_CONFIG, "sMNIST: image %u was not decided after its %u steps (step %u)", k - 1,
                       LE_SMNIST_STEPS_PER_IMAGE, t - 1);
    uint32_t words_in = 0;
    if (k % LE_SMNIST_BATCH == 0 && s == 1) {
        /* read_new_batch_of_images(): the host always sends whole batches of 10 images. */
        words_in = LE_SMNIST_BATCH * LE_SMNIST_IMAGE_SIZE;
    }
    uint8_t in[LE_SMNIST_N_INPUT];
    uint32_t cmp = 0;
    const uint8_t *img = le_mnist_image(st->mnist, st->index[k]);
    uint32_t n = le_smnist_encode_step(img, s, st->thr, in, &cmp);
    le_code rc = LE_OK;
    for (uint32_t i = 0; i < n && !rc; i++)
        rc = le_x86_inject(x86, st->pops.input, in[i], err);
    /* The cue branch is one test of the pixel index. */
    return rc ? rc : le_x86_count(x86, st->chip, cmp ? cmp : 1u, words_in, 0, err);
}

static le_code management(void *user, const le_x86 *x86, uint32_t t, le_error *err)
{
    le_smnist_snip_state *st = user;
    uint32_t rel = t - st->t0;
    /* do_management(): the guard runs every step. */
    if (rel == 0 || rel % LE_SMNIST_STEPS_PER_IMAGE != 0 || st->done >= st->n_images)
        return le_x86_count(x86, st->chip, 1, 0, 0, err);
    int32_t v[LE_SMNIST_N_OUT];
    le_code rc = LE_OK;
    for (uint32_t i = 0; i < LE_SMNIST_N_OUT && !rc; i++)
        rc = le_x86_read(x86, st->pops.output, i, LE_REG_V, &v[i], err);
    if (rc)
        return rc;
    uint32_t k = st->done++;
    st->predicted[k] = (uint8_t)le_smnist_argmax(v, LE_SMNIST_N_OUT);
    if (st->v_out)
        memcpy(st->v_out + (size_t)k * LE_SMNIST_N_OUT, v, sizeof v);
    if ((rc = le_x86_reset_all(x86, err)))
        return rc;
    uint32_t words_out = 0;
    if (st->done % LE_SMNIST_BATCH == 0 || st->done == st->n_images)
        words_out = LE_SMNIST_BATCH; /* the 10 classes, one packed message */
    /* guard + argmax comparisons */
    return le_x86_count(x86, st->chip, 1u + LE_SMNIST_N_OUT, 0, words_out, err);
}

le_snips le_smnist_snips(le_smnist_snip_state *st)
{
    le_snips s;
    s.spiking = spiking;
    s.management = management;
    s.user = st;
    return s;
}
