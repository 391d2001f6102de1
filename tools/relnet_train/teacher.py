"""Stage A's non-spiking RelNet (spec §5.2): embedding 32 + LSTM 32 sentence and question
encoders, g_theta 4 x 256 ReLU on (o_i, o_j, q) for every pair i <= j, the sum over pairs,
then the spiking network's own feed-forward shape: aggregation (one weight per unit), f_phi
256-512-160 and a linear readout of 180 lines."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import data

EMB = 32
N_G, N_F1, N_F2, N_F3 = 256, 256, 512, 160


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(data.N_LINES, EMB, padding_idx=0)
        self.lstm = nn.LSTM(EMB, EMB, batch_first=True)

    def forward(self, words):  # (N, 11) right-aligned word indices -> (N, 32) last hidden state
        h, _ = self.lstm(self.emb(words))
        return h[:, -1]


class Head(nn.Module):
    """g_theta, aggregation, f_phi and readout on 32-d codes (shared with stage D's ANN)."""

    def __init__(self, d_in=EMB):
        super().__init__()
        # No biases: the chip's layers have none in the weight format (docs/relnet-weights.md), so
        # the network that is converted to spikes must do without them.
        self.g = nn.ModuleList([nn.Linear(3 * d_in, N_G, bias=False)] + [nn.Linear(N_G, N_G, bias=False)
                                                                         for _ in range(3)])
        self.agg = nn.Parameter(torch.full((N_G,), 1.0))
        self.f = nn.ModuleList([nn.Linear(N_G, N_F1, bias=False), nn.Linear(N_F1, N_F2, bias=False),
                                nn.Linear(N_F2, N_F3, bias=False)])
        self.out = nn.Linear(N_F3, data.N_LINES, bias=False)

    def forward(self, o, q, m):
        """o: (B, M, d) sentence codes, q: (B, d), m = M: logits (B, 180)."""
        ii, jj = zip(*data.pairs(m))
        ii, jj = list(ii), list(jj)
        x = torch.cat([o[:, ii], o[:, jj], q[:, None].expand(-1, len(ii), -1)], dim=2)
        for lin in self.g:
            x = F.relu(lin(x))
        x = F.relu(x.sum(1) * self.agg)
        for lin in self.f:
            x = F.relu(lin(x))
        return self.out(x)


class Teacher(nn.Module):
    def __init__(self):
        super().__init__()
        self.sent, self.ques, self.head = Encoder(), Encoder(), Head()

    def forward(self, ctx, q, m):
        """ctx: (B*M, 11), q: (B, 11)."""
        b = q.shape[0]
        o = self.sent(ctx).view(b, m, EMB)
        return self.head(o, self.ques(q), m)


def batch_tensors(qs, ks):
    m = len(qs[ks[0]]["ctx"])
    ctx = data.pad_left([s for k in ks for s in qs[k]["ctx"]])
    q = data.pad_left([qs[k]["q"] for k in ks])
    y = [qs[k]["y"] for k in ks]
    return torch.from_numpy(ctx), torch.from_numpy(q), torch.tensor(y), m


def per_task_error(predict, qs, batch=200):
    """predict(ks) -> predicted indices; returns {task: error %}, overall error %."""
    wrong, count = {}, {}
    for ks in data.buckets(qs, batch):
        pred = predict(ks)
        for k, p in zip(ks, pred.tolist()):
            t = qs[k]["task"]
            count[t] = count.get(t, 0) + 1
            wrong[t] = wrong.get(t, 0) + (p != qs[k]["y"])
    err = {t: 100.0 * wrong[t] / count[t] for t in sorted(count)}
    return err, 100.0 * sum(wrong.values()) / max(1, sum(count.values()))
