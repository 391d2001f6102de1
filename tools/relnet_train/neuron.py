"""The neuron model the emulator runs (core/compartment.h, models/relnet/build.c), in floating
point with the threshold as the unit of voltage, and its surrogate gradient.

One step of a LIF compartment on the chip (refractory delay 1, no bias):
    u[t] = a_u u[t-1] + q[t] (+ the AHP compartment's v[t])
    v[t] = a_v v[t-1] + u[t];   spike when v[t] > threshold, then v[t] = 0
with a = 1 - decay / 4096 (Table S4's tau 7 -> decay 585). A spike fired in step t reaches
its targets in step t + 1 + delay. The chip truncates each decay toward zero; the float model
does not (the integer model in intmodel.py does)."""
import torch

DECAY = 585            # int(4096 / 7): tau_I = tau_V = 7 (Table S4)
DECAY_AHP = 101        # int(4096 / 40.3)
ALPHA = 1.0 - DECAY / 4096.0
ALPHA_AHP = 1.0 - DECAY_AHP / 4096.0
BETA = 0.176           # AHP increment / threshold (Table S4)
# On the chip the AHP compartment's v joins the main compartment's current, which integrates it
# once more: the increment is scaled by decay_u / 4096 so that the AHP's effect on v is beta
# (docs/relnet-weights.md, "AHP").
W_AHP = -BETA * DECAY / 4096.0
V_MINUS, V_PLUS = 1.0, 0.5   # surrogate support in scaled voltage (Table S4)
GAMMA = 0.5                  # surrogate peak (Table S4 prints 0.0; spec §7 reads it as a typo)


def surrogate(p, gamma=GAMMA):
    """Pseudo-derivative of the spike at pre-reset voltage p (threshold 1): a triangle over
    [1 - V_MINUS, 1 + V_PLUS] with its peak gamma at the threshold."""
    x = p - 1.0
    return gamma * torch.where(x < 0, (1.0 + x / V_MINUS).clamp(min=0.0), (1.0 - x / V_PLUS).clamp(min=0.0))


class Spike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, p, gamma):
        ctx.save_for_backward(p)
        ctx.gamma = gamma
        return (p > 1.0).to(p.dtype)

    @staticmethod
    def backward(ctx, g):
        (p,) = ctx.saved_tensors
        return g * surrogate(p, ctx.gamma), None


def lif_plain(cur, a_u=ALPHA, a_v=ALPHA, gamma=GAMMA):
    """The LIF layer by plain autograd. cur: (T, ...) synaptic input per step. Returns the spikes
    and the pre-reset voltages, both (T, ...). The reset's gradient is not propagated (the spike
    in v * (1 - z) is detached), as is usual with surrogate gradients."""
    u = torch.zeros_like(cur[0])
    r = torch.zeros_like(cur[0])
    zs, ps = [], []
    for t in range(cur.shape[0]):
        u = a_u * u + cur[t]
        p = a_v * r + u
        z = Spike.apply(p, gamma)
        r = p * (1.0 - z.detach())
        zs.append(z)
        ps.append(p)
    return torch.stack(zs), torch.stack(ps)


class LIFFused(torch.autograd.Function):
    """The same layer with a hand-written backward: the time loop holds only element-wise work
    and keeps no graph (4x faster than plain autograd and a fraction of its memory)."""

    @staticmethod
    def forward(ctx, cur, a_u, a_v, gamma):
        T = cur.shape[0]
        z = torch.empty_like(cur)
        p = torch.empty_like(cur)
        u = torch.zeros_like(cur[0])
        r = torch.zeros_like(cur[0])
        for t in range(T):
            u.mul_(a_u).add_(cur[t])
            torch.add(u, r, alpha=a_v, out=p[t])
            torch.gt(p[t], 1.0, out=z[t])
            torch.mul(p[t], 1.0 - z[t], out=r)
        ctx.save_for_backward(z, p)
        ctx.a = (a_u, a_v, gamma)
        return z, p

    @staticmethod
    def backward(ctx, gz, gp_ext):
        """Per step, in place on step-sized buffers that stay in cache (the backward was 85 % of
        the layer's time): the surrogate as min(left flank, right flank) clamped at 0, which is
        the triangle of `surrogate`, then dL/dp[t] = gamma gz[t] s[t] + gp_ext[t]
        + a_v (1 - z[t]) dL/dp[t+1] and dL/dcur[t] = dL/du[t] = dL/dp[t] + a_u dL/du[t+1]."""
        z, p = ctx.saved_tensors
        a_u, a_v, gamma = ctx.a
        T = z.shape[0]
        gcur = torch.empty_like(p)
        cm, cp = 1.0 / V_MINUS, 1.0 / V_PLUS
        gp = torch.zeros_like(p[0])        # dL/dp[t+1]
        nxt = torch.empty_like(p[0])
        left = torch.empty_like(p[0])
        right = torch.empty_like(p[0])
        gu = torch.zeros_like(p[0])        # dL/du[t+1]
        for t in range(T - 1, -1, -1):
            torch.mul(z[t], -a_v, out=nxt).add_(a_v).mul_(gp)              # a_v (1 - z[t]) dL/dp[t+1]
            if gz is not None:
                torch.mul(p[t], cm, out=left).add_(1.0 - cm)                  # 1 + (p - 1) / V_MINUS
                torch.mul(p[t], -cp, out=right).add_(1.0 + cp)                # 1 - (p - 1) / V_PLUS
                torch.minimum(left, right, out=left).clamp_(min=0.0)
                nxt.addcmul_(gz[t], left, value=gamma)
            if gp_ext is not None:
                nxt.add_(gp_ext[t])
            gp, nxt = nxt, gp
            gu = torch.add(gp, gu, alpha=a_u, out=gcur[t])
        return gcur, None, None, None


def lif(cur, a_u=ALPHA, a_v=ALPHA, gamma=GAMMA):
    return LIFFused.apply(cur, a_u, a_v, gamma)


def delayed(x, d):
    """x: (T, ...) spikes fired in steps 0..T-1 -> what arrives in each step with delay d:
    a spike of step t arrives in step t + 1 + d."""
    out = torch.zeros_like(x)
    s = 1 + d
    if s < x.shape[0]:
        out[s:] = x[:-s]
    return out
