"""The sentence / question LSNN (spec §1.2-1.4) as the emulator runs it: 180 word lines, 100
LIF + 100 AHP neurons, all-to-all recurrence without self-synapses, fixed delays.

Timing (steps of the 143-step sample, models/relnet/snips.c): word slot k of the 11
right-aligned slots spikes in steps 10k+1 .. 10k+10; the x86 injects a spike in step s and the
LSNN integrates it in step s + 1 + d_in. The relays pass the LSNN spikes of steps 97..111 on to
g_theta (they are switched on after step 97's compartment phase and off after step 112's), so
the embedding is that 15-step raster (WIN_FIRST..WIN_LAST). The x86 resets the LSNN after step
112 (T_RESET); what it fires in that step charges its AHP compartments and its recurrent
synapses again after the reset, and the next story sees the rest (docs/relnet-training.md)."""
import torch
import torch.nn as nn

from . import data
from .neuron import ALPHA, ALPHA_AHP, GAMMA, W_AHP, Spike

N = 200
N_ADA = 100
T_LSNN = 111
T_RESET = 112
WIN_FIRST, WIN_LAST = 97, 111
T_WIN = WIN_LAST - WIN_FIRST + 1


class LSNN(nn.Module):
    def __init__(self, d_in=0, d_rec=0, seed=0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.d_in, self.d_rec = d_in, d_rec
        self.w_in = nn.Parameter(torch.randn(data.N_LINES, N, generator=g) * 0.08)
        self.w_rec = nn.Parameter(torch.randn(N, N, generator=g) * 0.02)
        self.register_buffer("no_diag", 1.0 - torch.eye(N))
        ahp = torch.zeros(N)
        ahp[N - N_ADA:] = W_AHP
        self.register_buffer("w_ahp", ahp)

    def forward(self, words, gamma=GAMMA, w_in=None, w_rec=None, w_ahp=None, steps=T_LSNN):
        """words: (B, 11) right-aligned indices. Returns spikes and pre-reset voltages, each
        (steps, B, N); index t-1 is step t. Optional weights replace the parameters (stage E
        passes quantised ones); steps T_RESET also runs the step the reset follows."""
        w_in = self.w_in if w_in is None else w_in
        w_rec = (self.w_rec if w_rec is None else w_rec) * self.no_diag
        w_ahp = self.w_ahp if w_ahp is None else w_ahp
        B = words.shape[0]
        x = w_in[words] * (words > 0).unsqueeze(-1).to(w_in.dtype)   # (B, 11, N)
        u = torch.zeros(B, N)
        r = torch.zeros(B, N)
        aux = torch.zeros(B, N)
        zs, ps = [], []
        zero = torch.zeros(B, N)
        for t in range(1, steps + 1):
            s = t - 1 - self.d_in                      # the injection step that arrives now
            cin = x[:, (s - 1) // 10] if 1 <= s <= 110 else zero
            tr = t - 1 - self.d_rec                    # recurrent spikes fired in step tr arrive now
            rec = zs[tr - 1] @ w_rec if tr >= 1 else zero
            zl = zs[-1] if zs else zero
            aux = ALPHA_AHP * aux + w_ahp * zl
            u = ALPHA * u + cin + rec + aux
            p = ALPHA * r + u
            z = Spike.apply(p, gamma)
            r = p * (1.0 - z.detach())
            zs.append(z)
            ps.append(p)
        return torch.stack(zs), torch.stack(ps)

    @staticmethod
    def window(z):
        """The relayed raster: steps WIN_FIRST..WIN_LAST, (T_WIN, B, N)."""
        return z[WIN_FIRST - 1:WIN_LAST]
