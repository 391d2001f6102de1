#include "core/compartment.h"

le_profile le_profile_default(void)
{
    le_profile p = {
        .decay_u = LE_DECAY_ONE, /* u holds only this step's input (the seed's tau_I = 0) */
        .decay_v = 0,            /* a perfect integrator until a model asks for a leak */
        .bias_mant = 0,
        .bias_exp = 0,
        .vth_mant = 1000,        /* threshold 64,000: well inside v's 24-bit range */
        .refract = 1,            /* the counter expires in the spiking step: no silent step */
        .vmin_exp = 23,          /* full negative range */
        .vmax_exp = 7,           /* full positive range */
        .stack_out = 0,
        .join_op = LE_JOIN_NONE,
    };
    return p;
}

/* One register field against its range; the message names the field, the value and the range. */
static le_code check_field(const char *name, int32_t value, int32_t lo, int32_t hi, le_error *err)
{
    if (value < lo || value > hi)
        return le_fail(err, LE_ERR_RANGE, "compartment profile: %s %d is outside its register range %d..%d",
                       name, (int)value, (int)lo, (int)hi);
    return LE_OK;
}

le_code le_profile_check(const le_profile *p, le_error *err)
{
    le_code rc;
    if ((rc = check_field("decay_u", p->decay_u, 0, LE_DECAY_ONE, err)) != LE_OK)
        return rc;
    if ((rc = check_field("decay_v", p->decay_v, 0, LE_DECAY_ONE - 1, err)) != LE_OK)
        return rc;
    if ((rc = check_field("bias_mant", p->bias_mant, -4096, 4095, err)) != LE_OK)
        return rc;
    if ((rc = check_field("bias_exp", p->bias_exp, 0, 7, err)) != LE_OK)
        return rc;
    if ((rc = check_field("vth_mant", p->vth_mant, 0, 131071, err)) != LE_OK)
        return rc;
    if ((rc = check_field("refract", p->refract, 1, 64, err)) != LE_OK)
        return rc;
    if ((rc = check_field("vmin_exp", p->vmin_exp, 0, 23, err)) != LE_OK)
        return rc;
    if ((rc = check_field("vmax_exp", p->vmax_exp, 0, 7, err)) != LE_OK)
        return rc;
    if ((rc = check_field("stack_out", p->stack_out, 0, 1, err)) != LE_OK)
        return rc;
    if ((rc = check_field("join_op", p->join_op, LE_JOIN_NONE, LE_JOIN_ADD, err)) != LE_OK)
        return rc;
    return LE_OK;
}
