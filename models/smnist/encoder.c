#include "models/smnist/encoder.h"

void le_smnist_thresholds(int32_t thr[LE_SMNIST_N_THR])
{
    /* 255 * i / 39 is an integer only for i = 0, 13, 26, 39, where numpy's linspace is exact
     * too, so integer division gives the same floor as the host's float computation. */
    for (uint32_t i = 0; i < LE_SMNIST_N_THR; i++)
        thr[i] = (int32_t)(255u * i / (LE_SMNIST_N_THR - 1u));
}

uint32_t le_smnist_encode_step(const uint8_t *img, uint32_t s, const int32_t thr[LE_SMNIST_N_THR], uint8_t *out,
                               uint32_t *cmp)
{
    uint32_t n_out = 0;
    if (s == 0 || s > LE_SMNIST_STEPS_PER_IMAGE) {
        if (cmp)
            *cmp = 0;
        return 0;
    }
    if (s > LE_SMNIST_IMAGE_SIZE) {
        out[n_out++] = (uint8_t)LE_SMNIST_CUE_INPUT;
        if (cmp)
            *cmp = 0;
        return n_out;
    }
    uint32_t p = s - 1;
    int32_t c = img[p];
    int last = p == LE_SMNIST_IMAGE_SIZE - 1;
    int32_t n = last ? c : img[p + 1];
    for (uint32_t t = 1; t + 1 < LE_SMNIST_N_THR; t++) {
        if (last)
            break; /* get_onset/offset_spikes return at once at LAST_PIXEL */
        int32_t th = thr[t];
        if (c < th && n >= th)
            out[n_out++] = (uint8_t)(2u * t);
        if (c >= th && n < th)
            out[n_out++] = (uint8_t)(2u * t + 1u);
    }
    if (c == thr[LE_SMNIST_N_THR - 1])
        out[n_out++] = (uint8_t)LE_SMNIST_TOUCH_INPUT;
    if (cmp)
        *cmp = LE_SMNIST_N_THR - 1u;
    return n_out;
}
