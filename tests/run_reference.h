// A second, deliberately plain implementation of the spec's compartment arithmetic
// (../shared/spec/loihi-hardware.md §2.3, §2.4 and the lead's timing rules) for the run-loop
// tests: integer arrays, an arrival table per step, no emulator code.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace ref {

struct Params {
    int64_t du = 4096, dv = 0, bias_mant = 0, bias_exp = 0, vth = 1, refract = 1, vmin_exp = 23, vmax_exp = 7;
};

// Brian2Loihi form of the decay: subtract sign(x) * ceil(|x| k / 4096).
inline int64_t decay(int64_t x, int64_t k)
{
    int64_t m = x < 0 ? -x : x;
    int64_t d = (m * k + 4095) / 4096;
    return x < 0 ? x + d : x - d;
}

inline int64_t wrap24(int64_t x)
{
    int64_t m = ((x % (1 << 24)) + (1 << 24)) % (1 << 24);
    return m >= (1 << 23) ? m - (1 << 24) : m;
}

struct Cx {
    Params p;
    int64_t u = 0, v = 0, ref = 0;
    bool aux = false; // stack_out: never spikes, pushes v to the next compartment
    // One step; join = pushed v of the preceding auxiliary compartment.
    bool step(int64_t q, int64_t join)
    {
        u = wrap24(decay(u, p.du) + q + join);
        int64_t nv = decay(v, p.dv) + u + (p.bias_mant << p.bias_exp);
        int64_t vmax = p.vmax_exp >= 7 ? (1 << 23) - 1 : (1LL << (9 + 2 * p.vmax_exp)) - 1;
        int64_t vmin = p.vmin_exp >= 23 ? -((1 << 23) - 1) : -(1LL << p.vmin_exp) + 1;
        if (nv > vmax)
            nv = vmax;
        if (nv < vmin)
            nv = vmin;
        bool spike = false;
        if (ref > 0)
            nv = 0;
        else if (!aux && nv > (p.vth << 6)) {
            spike = true;
            nv = 0;
            ref = p.refract;
        }
        if (ref > 0)
            ref--;
        v = nv;
        return spike;
    }
};

// Actual weight: mant * 2^(6 + wexp); for wexp < 0 the chip shifts the mantissa right first
// (floor, Brian2Loihi calcActualWeights), so the result is floor(mant / 2^-wexp) * 64.
inline int64_t actual(int64_t mant, int64_t wexp)
{
    if (wexp >= 0)
        return mant * (1LL << (6 + wexp));
    int64_t d = 1LL << -wexp;
    int64_t q = mant >= 0 ? mant / d : -((-mant + d - 1) / d);
    return q * 64;
}

struct Syn {
    int src;      // neuron index (inputs: -1 - input index)
    int dst;      // neuron index
    bool to_aux;
    int64_t w;    // actual weight
    int delay;
};

// Neurons: LIF (one compartment) or AHP (aux + main). Inputs are spike lists.
struct Net {
    std::vector<Cx> main, aux;
    std::vector<bool> ahp;
    std::vector<int64_t> ahp_w; // actual AHP self-synapse weight
    std::vector<Syn> syn;
    std::map<int, std::vector<int>> input_steps; // input index -> steps
    std::map<int64_t, std::vector<int64_t>> q_main, q_aux; // step -> per-neuron input

    void add(int step, int n, bool to_aux, int64_t w)
    {
        auto &q = to_aux ? q_aux : q_main;
        auto &row = q[step];
        row.resize(main.size(), 0);
        row[n] += w;
    }

    struct Row {
        int64_t u, v;
        bool spike;
    };

    // Runs steps 1..T; returns rows[t-1][neuron].
    std::vector<std::vector<Row>> run(int T)
    {
        std::vector<std::vector<Row>> out;
        for (auto &kv : input_steps)
            for (int t : kv.second)
                for (auto &s : syn)
                    if (s.src == -1 - kv.first)
                        add(t + s.delay, s.dst, s.to_aux, s.w); // injected at t: integrated at t + delay
        for (int t = 1; t <= T; t++) {
            std::vector<Row> rows;
            std::vector<bool> fired(main.size(), false);
            for (size_t n = 0; n < main.size(); n++) {
                int64_t qm = q_main.count(t) && q_main[t].size() > n ? q_main[t][n] : 0;
                int64_t qa = q_aux.count(t) && q_aux[t].size() > n ? q_aux[t][n] : 0;
                int64_t join = 0;
                if (ahp[n]) {
                    aux[n].step(qa, 0);
                    join = aux[n].v;
                }
                fired[n] = main[n].step(qm, join);
                rows.push_back({main[n].u, main[n].v, fired[n]});
            }
            for (size_t n = 0; n < main.size(); n++) {
                if (!fired[n])
                    continue;
                for (auto &s : syn)
                    if (s.src == (int)n)
                        add(t + 1 + s.delay, s.dst, s.to_aux, s.w); // fired at t: lands at t + 1 + delay
                if (ahp[n] && ahp_w[n] != 0)
                    add(t + 1, (int)n, true, ahp_w[n]);
            }
            out.push_back(rows);
        }
        return out;
    }

    int add_neuron(const Params &p, bool is_ahp = false, const Params &pa = Params(), int64_t ahp_weight = 0)
    {
        Cx m;
        m.p = p;
        main.push_back(m);
        Cx a;
        a.p = pa;
        a.aux = true;
        aux.push_back(a);
        ahp.push_back(is_ahp);
        ahp_w.push_back(ahp_weight);
        return (int)main.size() - 1;
    }
};

} // namespace ref
