#include "place/ahp.h"

#include <string.h>

le_profile le_ahp_profile(const le_population *p, int aux)
{
    le_profile r = aux ? p->aux : p->main;
    if (aux) {
        r.stack_out = 1;
        r.join_op = LE_JOIN_NONE;
    } else {
        r.stack_out = 0;
        r.join_op = p->kind == LE_POP_AHP ? LE_JOIN_ADD : LE_JOIN_NONE;
    }
    return r;
}

int le_ahp_has_self_synapse(const le_population *p) { return p->kind == LE_POP_AHP && p->ahp_weight != 0; }

le_synapse le_ahp_self_synapse(const le_population *p, uint16_t main_cx)
{
    le_synapse s;
    memset(&s, 0, sizeof s);
    s.weight = le_actual_weight(p->ahp_weight, p->ahp_wexp);
    s.cx = (uint16_t)(main_cx - 1);
    s.delay = 0;
    return s;
}

int le_profile_eq(const le_profile *a, const le_profile *b)
{
    return a->decay_u == b->decay_u && a->decay_v == b->decay_v && a->bias_mant == b->bias_mant &&
           a->bias_exp == b->bias_exp && a->vth_mant == b->vth_mant && a->refract == b->refract &&
           a->vmin_exp == b->vmin_exp && a->vmax_exp == b->vmax_exp && a->stack_out == b->stack_out &&
           a->join_op == b->join_op;
}
