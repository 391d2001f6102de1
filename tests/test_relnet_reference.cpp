// The Spiking RelNet as the emulator runs it (models/relnet/build.c + snips.c -> placement ->
// run/sim.c -> core/neurocore.c) against a dense integer model written here from the weight
// arrays and the documented semantics alone (docs/design.md "What one time step is",
// core/compartment.h's arithmetic as tests/run_reference.h restates it, the x86 schedule of
// models/relnet/snips.h and core/snip.h's services). Nothing of the emulator's network,
// placement, configuration or neuro-core code is used by the model; the expected values are
// what the model computes. Compared per sample: the predicted answer, the 180 readout voltages
// at the read-out, and every population's spike count.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <dirent.h>
#include <map>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "models/network.h"
#include "models/relnet/build.h"
#include "models/relnet/snips.h"
#include "models/relnet/weights.h"
#include "run/pipeline.h"
#include "tests/run_reference.h"

namespace {

// ---------------------------------------------------------------- weights

// Generated weights are enough: the comparison needs activity in every layer, not accuracy.
// The defaults are tuned for 20 sentences and bAbI's vocabulary; with one or two hand-made
// sentences g_theta layer 1 fires a few dozen times and nothing past it fires at all, so the
// comparison would stop at layer 1. Wider and positively biased weights from g_theta to f_phi
// (and the per-instance g_theta rate of a 2-sentence network) keep every layer firing at a few
// percent per step, the readout below saturation.
struct Weights {
    std::string dir;
    le_relnet_weights w{};
    bool ok = false;
    std::string why;

    static void spit(const std::string &path, const std::string &s)
    {
        FILE *f = std::fopen(path.c_str(), "wb");
        if (f) {
            std::fwrite(s.data(), 1, s.size(), f);
            std::fclose(f);
        }
    }

    Weights()
    {
        std::string base = ::testing::TempDir() + "rnref_" + std::to_string((long)getpid());
        mkdir(base.c_str(), 0777);
        dir = base + "/w";
        spit(base + "/vocab.txt", "<pad>\nmary\njohn\nmoved\nwent\nto\nthe\nbathroom\nhallway\nkitchen\nwhere\nis\n");
        spit(base + "/answers.txt", "<pad>\nbathroom\nhallway\nkitchen\n");
        le_relnet_gen_params p = le_relnet_gen_params_default();
        std::string v = base + "/vocab.txt", a = base + "/answers.txt";
        p.vocab_file = v.c_str();
        p.answers_file = a.c_str();
        p.ref_sentences = 2;
        for (int c = LE_RN_C_G1; c <= LE_RN_C_F3; c++) {
            p.spread[c] *= 4.0;
            p.drive[c] += 0.5;
        }
        le_error e;
        if (le_relnet_weights_generate(dir.c_str(), 7, &p, &e) || le_relnet_weights_load(dir.c_str(), &w, &e)) {
            why = e.msg;
            return;
        }
        ok = true;
    }
    ~Weights()
    {
        le_relnet_weights_free(&w);
        std::string base = dir.substr(0, dir.rfind('/'));
        for (const std::string &d : {dir, base}) {
            if (DIR *dp = opendir(d.c_str())) {
                while (dirent *e = readdir(dp))
                    if (e->d_name[0] != '.')
                        std::remove((d + "/" + e->d_name).c_str());
                closedir(dp);
            }
            rmdir(d.c_str());
        }
    }
};

Weights &weights()
{
    static Weights w;
    return w;
}

// ---------------------------------------------------------------- the dense model

constexpr int kSteps = 143, kOn = 97, kOff = 112, kReadout = 135, kWordWindow = 110, kTWord = 10;

int64_t wrap22(int64_t x)
{
    const int64_t m = (int64_t)1 << 22;
    x = ((x % m) + m) % m;
    return x >= m / 2 ? x - m : x;
}

// Actual weight (docs/design.md): mantissa * 2^(6 + wexp), right shift first for wexp < 0,
// clipped to +-(2^21 - 64).
int64_t actual(int64_t mant, int64_t wexp)
{
    int64_t a = ref::actual(mant, wexp);
    const int64_t lim = ((int64_t)1 << 21) - 64;
    return a > lim ? lim : (a < -lim ? -lim : a);
}

ref::Params params_of(const le_relnet_layer &l)
{
    ref::Params p;
    p.du = l.decay_u;
    p.dv = l.decay_v;
    p.vth = l.vth_mant;
    p.refract = l.refract;
    return p;
}

// A population of the model: plain vectors of compartments, an accumulator per compartment
// keyed by the step in which it is integrated, and the fired flags of this step. Inputs (word
// lines, mask sources) have no compartments: the snip sets their flags.
struct Pop {
    std::string name;
    int n = 0;
    bool input = false;
    int n_ahp = 0; // the last n_ahp neurons are AHP neurons (aux + main)
    std::vector<ref::Cx> m, a;
    std::map<uint32_t, std::vector<int64_t>> acc_m, acc_a;
    bool enabled = true;
    std::vector<uint8_t> fired, sent; // this step, last step
    std::vector<uint64_t> count;      // spikes per neuron in the current sample

    void reset()
    {
        for (auto *v : {&m, &a})
            for (auto &c : *v)
                c.u = c.v = c.ref = 0;
        acc_m.clear();
        acc_a.clear();
    }
};

// Dense synapses from rows [src_off, src_off + rows) of src to every neuron of dst.
struct Conn {
    int src, dst, src_off, rows;
    bool to_aux;
    std::vector<int64_t> w; // rows x dst.n actual weights (0 = none)
    std::vector<uint8_t> d; // rows x dst.n delays
};

struct Model {
    uint32_t M;
    std::vector<Pop> pops;
    std::vector<Conn> conns;
    std::vector<int> words, lsnn, relay; // by LSNN slot (0..M-1, 20 = question); -1 where none
    int mask_src = -1, mask_relay = -1, agg, f1, f2, f3, readout;
    std::vector<std::pair<int, int>> inst;
    std::vector<std::array<int, 4>> g;

    int add(const std::string &name, int n, const le_relnet_layer *l, int n_ahp = 0)
    {
        Pop p;
        p.name = name;
        p.n = n;
        p.input = l == nullptr;
        p.n_ahp = n_ahp;
        if (l) {
            ref::Cx c;
            c.p = params_of(*l);
            p.m.assign(n, c);
            ref::Cx x;
            x.aux = true;
            x.p.du = l->ahp_decay_u;
            x.p.dv = l->ahp_decay_v;
            p.a.assign(n, x);
        }
        p.fired.assign(n, 0);
        p.sent.assign(n, 0);
        p.count.assign(n, 0);
        pops.push_back(p);
        return (int)pops.size() - 1;
    }

    // From a weight tensor [pre, post]: rows r0.. of the tensor, all its columns c0..c0+dst.n.
    void connect(int src, int src_off, int rows, int dst, const le_relnet_conn &c, uint32_t r0, uint32_t c0,
                 bool to_aux = false)
    {
        Conn k{src, dst, src_off, rows, to_aux, {}, {}};
        int n = pops[dst].n;
        k.w.assign((size_t)rows * n, 0);
        k.d.assign((size_t)rows * n, 0);
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < n; j++) {
                size_t at = (size_t)(r0 + r) * c.cols + c0 + j;
                k.w[(size_t)r * n + j] = actual(c.w[at], c.wexp);
                k.d[(size_t)r * n + j] = c.d ? c.d[at] : 0;
            }
        conns.push_back(k);
    }

    // Neuron k of src -> neuron k of dst (one weight, delay 0), for k in [0, n).
    void one_to_one(int src, int src_off, int dst, int dst_off, int n, int64_t w, bool to_aux = false)
    {
        Conn k{src, dst, src_off, n, to_aux, {}, {}};
        int cols = pops[dst].n;
        k.w.assign((size_t)n * cols, 0);
        k.d.assign((size_t)n * cols, 0);
        for (int i = 0; i < n; i++)
            k.w[(size_t)i * cols + dst_off + i] = w;
        conns.push_back(k);
    }

    Model(const le_relnet_weights &W, uint32_t M_) : M(M_)
    {
        words.assign(21, -1);
        lsnn.assign(21, -1);
        relay.assign(21, -1);
        const le_relnet_layer *L = W.layer;
        const int NL = LE_RELNET_N_LSNN, NA = LE_RELNET_N_ADAPTIVE, NG = LE_RELNET_N_G;
        for (uint32_t k = 0; k <= LE_RN_QUESTION; k++) {
            if (k < LE_RN_QUESTION && k >= M)
                continue;
            bool q = k == LE_RN_QUESTION;
            std::string id = q ? "q" : "s" + std::to_string(k);
            words[k] = add(id + ".words", LE_RELNET_N_WORDS, nullptr);
            lsnn[k] = add(id + ".lsnn", NL, &L[q ? LE_RN_L_LSNN_QUES : LE_RN_L_LSNN_SENT], NA);
            const le_relnet_layer &ll = L[q ? LE_RN_L_LSNN_QUES : LE_RN_L_LSNN_SENT];
            connect(words[k], 0, LE_RELNET_N_WORDS, lsnn[k], W.conn[q ? LE_RN_C_QUES_IN : LE_RN_C_SENT_IN], 0, 0);
            connect(lsnn[k], 0, NL, lsnn[k], W.conn[q ? LE_RN_C_QUES_REC : LE_RN_C_SENT_REC], 0, 0);
            // the AHP: the main compartment's spike onto its own auxiliary one
            one_to_one(lsnn[k], NL - NA, lsnn[k], NL - NA, NA, actual(ll.ahp_weight, ll.ahp_wexp), true);
            // Every relay copy of an LSNN sees the same spikes with the same parameters, so one
            // stands for all of them.
            relay[k] = add(id + ".relay", NL, &L[LE_RN_L_RELAY]);
            one_to_one(lsnn[k], 0, relay[k], 0, NL, actual(L[LE_RN_L_RELAY].in_weight, L[LE_RN_L_RELAY].in_wexp));
        }
        mask_src = add("mask.src", LE_RN_LAYOUT, nullptr);
        mask_relay = add("mask.relay", LE_RN_LAYOUT, &L[LE_RN_L_RELAY]);
        one_to_one(mask_src, 0, mask_relay, 0, LE_RN_LAYOUT,
                   actual(L[LE_RN_L_RELAY].in_weight, L[LE_RN_L_RELAY].in_wexp));
        const int64_t wmask = actual(-100, 7);
        for (uint32_t i = 0; i < M; i++)
            for (uint32_t j = i; j < M; j++) {
                inst.push_back({(int)i, (int)j});
                std::array<int, 4> gl;
                for (int l = 0; l < 4; l++)
                    gl[l] = add("g." + std::to_string(i) + "." + std::to_string(j) + ".l" + std::to_string(l + 1), NG,
                                &L[LE_RN_L_G1 + l]);
                g.push_back(gl);
                connect(relay[i], 0, NL, gl[0], W.conn[LE_RN_C_G1], 0, 0);
                connect(relay[j], 0, NL, gl[0], W.conn[LE_RN_C_G1], NL, 0);
                connect(relay[LE_RN_QUESTION], 0, NL, gl[0], W.conn[LE_RN_C_G1], 2 * NL, 0);
                for (int l = 1; l < 4; l++)
                    connect(gl[l - 1], 0, NG, gl[l], W.conn[LE_RN_C_G1 + l], 0, 0);
                // a sentence slot's mask relay silences every layer-1 neuron of the instances using it
                std::vector<uint32_t> slots = {i};
                if (j != i)
                    slots.push_back(j);
                for (uint32_t s : slots)
                    conns.push_back(Conn{mask_relay, gl[0], (int)s, 1, false, std::vector<int64_t>(NG, wmask),
                                         std::vector<uint8_t>(NG, 0)});
            }
        agg = add("agg", NG, &L[LE_RN_L_AGG]);
        for (auto &gl : g) {
            Conn k{gl[3], agg, 0, NG, false, std::vector<int64_t>((size_t)NG * NG, 0),
                   std::vector<uint8_t>((size_t)NG * NG, 0)};
            for (int n = 0; n < NG; n++)
                k.w[(size_t)n * NG + n] = actual(W.conn[LE_RN_C_AGG].w[n], W.conn[LE_RN_C_AGG].wexp);
            conns.push_back(k);
        }
        f1 = add("f1", NG, &L[LE_RN_L_F1]);
        f2 = add("f2", LE_RELNET_N_F2, &L[LE_RN_L_F2]);
        f3 = add("f3", LE_RELNET_N_F3, &L[LE_RN_L_F3]);
        readout = add("readout", LE_RELNET_N_OUT, &L[LE_RN_L_READOUT]);
        connect(agg, 0, NG, f1, W.conn[LE_RN_C_F1], 0, 0);
        connect(f1, 0, NG, f2, W.conn[LE_RN_C_F2], 0, 0);
        connect(f2, 0, LE_RELNET_N_F2, f3, W.conn[LE_RN_C_F3], 0, 0);
        connect(f3, 0, LE_RELNET_N_F3, readout, W.conn[LE_RN_C_READOUT], 0, 0);
    }

    // Packets sent (or injections made) in step t - 1 land in the accumulator slot t + delay.
    void synaptic(uint32_t t)
    {
        for (const Conn &c : conns) {
            const Pop &s = pops[c.src];
            Pop &d = pops[c.dst];
            for (int r = 0; r < c.rows; r++) {
                if (!s.sent[c.src_off + r])
                    continue;
                for (int j = 0; j < d.n; j++) {
                    int64_t w = c.w[(size_t)r * d.n + j];
                    if (!w)
                        continue;
                    auto &row = (c.to_aux ? d.acc_a : d.acc_m)[t + c.d[(size_t)r * d.n + j]];
                    row.resize(d.n, 0);
                    row[j] += w;
                }
            }
        }
    }

    static int64_t take(std::map<uint32_t, std::vector<int64_t>> &acc, uint32_t t, int j)
    {
        auto it = acc.find(t);
        return it == acc.end() ? 0 : wrap22(it->second[j]);
    }

    // Compartment phase; a switched-off population keeps its state and its accumulators (they
    // are cleared when it is switched on again).
    void compartments(uint32_t t)
    {
        for (Pop &p : pops) {
            if (p.input || !p.enabled)
                continue;
            for (int j = 0; j < p.n; j++) {
                int64_t join = 0;
                if (j >= p.n - p.n_ahp) {
                    p.a[j].step(take(p.acc_a, t, j), 0);
                    join = p.a[j].v;
                }
                p.fired[j] = p.m[j].step(take(p.acc_m, t, j), join);
                p.count[j] += p.fired[j];
            }
            p.acc_m.erase(t);
            p.acc_a.erase(t);
        }
    }

    void enable_relays(bool on)
    {
        for (uint32_t k = 0; k <= LE_RN_QUESTION; k++)
            if (relay[k] >= 0)
                enable(pops[relay[k]], on);
        enable(pops[mask_relay], on);
    }
    static void enable(Pop &p, bool on)
    {
        if (on && !p.enabled) {
            p.acc_m.clear();
            p.acc_a.clear();
        }
        p.enabled = on;
    }

    struct Sample {
        std::vector<int32_t> v; // readout voltages at the read-out
        int pred = -1;
        std::map<std::string, std::vector<uint64_t>> count; // per population, per neuron
    };

    // Runs the samples back to back from a fresh network; step 1 is the first sample's step 1.
    std::vector<Sample> run(const std::vector<le_relnet_sample> &samples)
    {
        std::vector<Sample> out;
        uint32_t t = 0;
        for (const le_relnet_sample &smp : samples) {
            for (Pop &p : pops)
                std::fill(p.count.begin(), p.count.end(), 0);
            Sample r;
            for (int s = 1; s <= kSteps; s++) {
                t++;
                // Last step's spikes and injections are delivered here, after last step's
                // management: a reset clears what the accumulators hold, not what is in flight.
                synaptic(t);
                for (Pop &p : pops)
                    std::fill(p.fired.begin(), p.fired.end(), 0);
                // x86 spiking phase: word spikes right-aligned on the 110-step window, one word
                // per 10 steps; mask spikes of the empty slots at 97, 114, 131. An injection is
                // an input neuron firing now: integrated next step (x86 latency 1) plus its delay.
                for (uint32_t k = 0; k <= LE_RN_QUESTION; k++) {
                    int n = smp.n_words[k];
                    if (words[k] < 0 || !n || s > kWordWindow)
                        continue;
                    int first = kWordWindow - kTWord * n + 1;
                    if (s >= first)
                        pops[words[k]].fired[smp.word[k][(s - first) / kTWord]] = 1;
                }
                if (s == kOn || s == kOn + 17 || s == kOn + 34)
                    for (uint32_t k = 0; k < M; k++)
                        if (!smp.n_words[k])
                            pops[mask_src].fired[k] = 1;
                compartments(t);
                // x86 management phase
                if (s == 1) {
                    enable_relays(false);
                    for (auto &c : pops[readout].m)
                        c.p.dv = 4095;
                } else if (s == kOn) {
                    enable_relays(true);
                } else if (s == kOff) {
                    enable_relays(false);
                    for (uint32_t k = 0; k <= LE_RN_QUESTION; k++)
                        if (lsnn[k] >= 0)
                            pops[lsnn[k]].reset();
                } else if (s == kReadout) {
                    for (auto &c : pops[readout].m)
                        c.p.dv = 0;
                } else if (s == kSteps) {
                    for (auto &c : pops[readout].m)
                        r.v.push_back((int32_t)c.v);
                    r.pred = 0;
                    for (int i = 1; i < LE_RELNET_N_OUT; i++)
                        if (r.v[i] > r.v[r.pred])
                            r.pred = i;
                    for (auto &gl : g)
                        for (int l : gl)
                            pops[l].reset();
                    for (int l : {agg, f1, f2, f3, readout})
                        pops[l].reset();
                }
                for (Pop &p : pops)
                    p.sent = p.fired;
            }
            for (Pop &p : pops)
                if (!p.input)
                    r.count[p.name] = p.count;
            out.push_back(r);
        }
        return out;
    }
};

// ---------------------------------------------------------------- the emulator

struct EmuSample {
    std::vector<int32_t> v;
    int pred = -1;
    std::map<std::string, uint64_t> count; // per emulator population
};

// The relnet snips, with the readout voltages read just before the read-out's own read: the
// management phase of a sample's last step sees what the argmax sees.
struct Tap {
    le_snips inner;
    const le_relnet_pops *pops;
    uint32_t t0;
    std::vector<EmuSample> *out;
    static le_code spiking(void *u, const le_x86 *x, uint32_t t, le_error *e)
    {
        Tap *tp = static_cast<Tap *>(u);
        return tp->inner.spiking(tp->inner.user, x, t, e);
    }
    static le_code management(void *u, const le_x86 *x, uint32_t t, le_error *e)
    {
        Tap *tp = static_cast<Tap *>(u);
        uint32_t rel = t - tp->t0 - 1, k = rel / kSteps;
        if (rel % kSteps + 1 == (uint32_t)kSteps && k < tp->out->size()) {
            auto &v = (*tp->out)[k].v;
            v.assign(LE_RELNET_N_OUT, 0);
            for (uint32_t i = 0; i < LE_RELNET_N_OUT; i++)
                if (le_code rc = le_x86_read(x, tp->pops->readout, i, LE_REG_V, &v[i], e))
                    return rc;
        }
        return tp->inner.management(tp->inner.user, x, t, e);
    }
};

struct Counter {
    std::vector<uint32_t> pop_of;                  // gid -> population
    std::vector<std::vector<uint64_t>> per_sample; // [sample][pop]
    uint32_t t0;
    static le_code observe(void *c, const le_sim *sim, uint32_t t, le_error *)
    {
        Counter *x = static_cast<Counter *>(c);
        uint32_t k = (t - x->t0 - 1) / kSteps;
        if (k >= x->per_sample.size())
            return LE_OK;
        for (uint32_t g = 0; g < x->pop_of.size(); g++)
            if (le_sim_fired(sim, g, t))
                x->per_sample[k][x->pop_of[g]]++;
        return LE_OK;
    }
};

// Plain automatic placement of the M-network, except that every population gets cores of its
// own: the x86 services gate and reset whole cores (core/snip.h), so a relay sharing a core
// with an LSNN would switch the LSNN off with it. The authors' layout keeps them apart too.
std::vector<EmuSample> run_emulator(const le_relnet_weights &W, uint32_t M, const std::vector<le_relnet_sample> &s,
                                    bool own_cores, const char *board)
{
    std::vector<EmuSample> out(s.size());
    le_network net;
    le_network_init(&net);
    le_relnet_pops pops;
    le_relnet_options o = le_relnet_options_default(M);
    le_error e;
    le_code rc = le_relnet_build(&W, &o, &net, &pops, &e);
    EXPECT_EQ(rc, LE_OK) << e.msg;
    for (uint32_t p = 0; p < net.n_pops && own_cores; p++)
        net.pops[p].own_cores = 1;
    le_pipeline pipe{};
    le_pipeline_opts po = le_pipeline_defaults();
    po.board = board;
    po.inject_latency = 1;
    if (!rc)
        rc = le_pipeline_open(&net, &po, &pipe, &e);
    EXPECT_EQ(rc, LE_OK) << e.msg;
    if (!rc) {
        std::vector<uint16_t> pred(s.size(), 0xffff);
        le_relnet_snip_state st;
        uint32_t t0 = le_sim_step_now(pipe.sim);
        le_relnet_snip_init(&st, &pops, s.data(), (uint32_t)s.size(), pred.data(), t0);
        Tap tap{le_relnet_snips(&st), &pops, t0, &out};
        le_snips sn{Tap::spiking, Tap::management, &tap};
        Counter c{{}, std::vector<std::vector<uint64_t>>(s.size(), std::vector<uint64_t>(net.n_pops, 0)), t0};
        c.pop_of.assign(pipe.pl.pop_base[net.n_pops], 0);
        for (uint32_t p = 0; p < net.n_pops; p++)
            for (uint32_t k = 0; k < net.pops[p].size; k++)
                c.pop_of[le_place_gid(&pipe.pl, p, k)] = p;
        le_sim_set_observer(pipe.sim, Counter::observe, &c);
        rc = le_pipeline_run_inferences(&pipe, (uint32_t)s.size(), LE_RN_STEPS, &sn, nullptr, nullptr, &e);
        EXPECT_EQ(rc, LE_OK) << e.msg;
        for (size_t k = 0; k < s.size(); k++) {
            out[k].pred = pred[k];
            for (uint32_t p = 0; p < net.n_pops; p++)
                if (net.pops[p].kind != LE_POP_INPUT)
                    out[k].count[net.pops[p].name] = c.per_sample[k][p];
        }
    }
    le_pipeline_close(&pipe);
    le_network_free(&net);
    return out;
}

// The model's spikes behind an emulator population: relay copies all mirror the one relay of
// their LSNN, the LSNN's two populations are its two halves.
uint64_t model_count(const Model::Sample &r, const std::string &emu_name)
{
    auto sum = [&](const std::string &name, size_t lo, size_t hi) {
        auto it = r.count.find(name);
        uint64_t s = 0;
        if (it == r.count.end())
            return ~(uint64_t)0;
        for (size_t j = lo; j < hi && j < it->second.size(); j++)
            s += it->second[j];
        return s;
    };
    size_t dot = emu_name.find('.');
    std::string id = emu_name.substr(0, dot);
    if (emu_name.find(".lsnn.lif") != std::string::npos)
        return sum(id + ".lsnn", 0, LE_RELNET_N_LSNN - LE_RELNET_N_ADAPTIVE);
    if (emu_name.find(".lsnn.ahp") != std::string::npos)
        return sum(id + ".lsnn", LE_RELNET_N_LSNN - LE_RELNET_N_ADAPTIVE, LE_RELNET_N_LSNN);
    if (emu_name.find(".relay.") != std::string::npos)
        return sum(id + ".relay", 0, 1u << 20);
    return sum(emu_name, 0, 1u << 20);
}

le_relnet_sample story(std::vector<std::vector<uint16_t>> sentences, std::vector<uint16_t> q, uint16_t answer)
{
    le_relnet_sample s{};
    for (size_t k = 0; k < sentences.size(); k++) {
        s.n_words[k] = (uint8_t)sentences[k].size();
        for (size_t w = 0; w < sentences[k].size(); w++)
            s.word[k][w] = sentences[k][w];
    }
    s.n_words[LE_RN_QUESTION] = (uint8_t)q.size();
    for (size_t w = 0; w < q.size(); w++)
        s.word[LE_RN_QUESTION][w] = q[w];
    s.answer = answer;
    return s;
}

// Word lines of the test vocabulary (Weights): 1 mary, 2 john, 3 moved, 4 went, 5 to, 6 the,
// 7 bathroom, 8 hallway, 9 kitchen, 10 where, 11 is.
const std::vector<uint16_t> kMaryBathroom = {1, 3, 5, 6, 7}, kJohnHallway = {2, 4, 5, 6, 8},
                            kMaryKitchen = {1, 4, 5, 6, 9}, kWhereMary = {10, 11, 1}, kWhereJohn = {10, 11, 2};

void compare(uint32_t M, const std::vector<le_relnet_sample> &samples, bool own_cores, const char *board)
{
    Weights &w = weights();
    ASSERT_TRUE(w.ok) << w.why;
    Model model(w.w, M);
    std::vector<Model::Sample> want = model.run(samples);
    std::vector<EmuSample> got = run_emulator(w.w, M, samples, own_cores, board);
    ASSERT_EQ(got.size(), want.size());
    for (size_t k = 0; k < samples.size(); k++) {
        SCOPED_TRACE("M = " + std::to_string(M) + ", sample " + std::to_string(k));
        EXPECT_EQ(got[k].pred, want[k].pred);
        ASSERT_EQ(got[k].v.size(), (size_t)LE_RELNET_N_OUT);
        int differ = 0;
        for (int i = 0; i < LE_RELNET_N_OUT; i++) {
            if (got[k].v[i] != want[k].v[i] && differ++ < 5)
                ADD_FAILURE() << "readout " << i << ": emulator " << got[k].v[i] << ", model " << want[k].v[i];
        }
        EXPECT_EQ(differ, 0) << "readout voltages that differ";
        for (auto &kv : got[k].count)
            EXPECT_EQ(kv.second, model_count(want[k], kv.first)) << kv.first;
    }
}

// Every layer of the model must carry spikes in the samples used: a comparison of silent
// layers would prove nothing past them.
void expect_activity(uint32_t M, const std::vector<le_relnet_sample> &samples)
{
    Weights &w = weights();
    ASSERT_TRUE(w.ok) << w.why;
    Model model(w.w, M);
    std::vector<Model::Sample> r = model.run(samples);
    std::map<std::string, uint64_t> layer;
    for (auto &s : r)
        for (auto &kv : s.count) {
            std::string n = kv.first;
            if (n.rfind("g.", 0) == 0)
                n = "g" + n.substr(n.rfind('.') + 1);
            for (uint64_t c : kv.second)
                layer[n] += c;
        }
    for (const char *n : {"s0.lsnn", "q.lsnn", "s0.relay", "q.relay", "gl1", "gl2", "gl3", "gl4", "agg", "f1", "f2",
                          "f3"})
        EXPECT_GT(layer[n], 0u) << n;
    int nonzero = 0;
    for (auto &s : r)
        for (int32_t v : s.v)
            nonzero += v != 0;
    EXPECT_GT(nonzero, 0);
}

} // namespace

#define NEED_WEIGHTS() ASSERT_TRUE(weights().ok) << weights().why

TEST(RelnetReference, ModelLayersAreActive)
{
    NEED_WEIGHTS();
    expect_activity(1, {story({kMaryBathroom}, kWhereMary, 1), story({kJohnHallway}, kWhereJohn, 2)});
}

// Three stories back to back: the second and third start from what the schedule leaves of
// the first (relay state frozen while off, spikes in flight across the read-out's resets).
TEST(RelnetReference, OneSentenceMatchesDenseModel)
{
    NEED_WEIGHTS();
    compare(1,
            {story({kMaryBathroom}, kWhereMary, 1), story({kJohnHallway}, kWhereJohn, 2),
             story({kMaryKitchen}, kWhereMary, 3)},
            true, nullptr);
}

// Two sentences, then one sentence in the two-sentence network: the empty slot's mask source
// spikes and silences the instances (0, 1) and (1, 1).
TEST(RelnetReference, TwoSentencesAndAMaskedSlotMatchDenseModel)
{
    NEED_WEIGHTS();
    compare(2,
            {story({kMaryBathroom, kJohnHallway}, kWhereMary, 1), story({kJohnHallway}, kWhereJohn, 2),
             story({kJohnHallway, kMaryKitchen}, kWhereMary, 3)},
            true, "nahuku32");
}

// Only the first of the three mask spikes (steps 97, 114, 131) reaches g_theta: the mask
// relays are gated with the sentence relays (the authors' step-97 and step-112 snips switch
// the first 16 cores of a block chip, where the mask relay sits), so the spikes of 114 and 131
// land in switched-off relays whose accumulators are cleared when they are switched on again.
// One spike per mask-relay copy, in the sample with the empty slot only.
TEST(RelnetReference, MaskRelaysPassOneSpikeOfThree)
{
    NEED_WEIGHTS();
    std::vector<le_relnet_sample> s = {story({kMaryBathroom, kJohnHallway}, kWhereMary, 1),
                                       story({kJohnHallway}, kWhereJohn, 2)};
    std::vector<EmuSample> got = run_emulator(weights().w, 2, s, true, nullptr);
    ASSERT_EQ(got.size(), 2u);
    int copies = 0;
    for (auto &kv : got[1].count)
        if (kv.first.rfind("mask.relay.", 0) == 0) {
            copies++;
            EXPECT_EQ(kv.second, 1u) << kv.first;
            EXPECT_EQ(got[0].count[kv.first], 0u) << kv.first;
        }
    EXPECT_EQ(copies, (int)LE_RN_BLOCKS);
}

// The builder gives every layer cores of its own (the snips switch and reset layers, and the
// x86 acts on whole cores), so plain automatic placement of the built network matches the
// model too.
TEST(RelnetReference, BuiltNetworkOnPlainPlacementMatchesDenseModel)
{
    NEED_WEIGHTS();
    compare(1, {story({kMaryBathroom}, kWhereMary, 1), story({kJohnHallway}, kWhereJohn, 2)}, false, nullptr);
}

// Packed onto shared cores (the M = 1 network puts the question LSNN and the sentence relays
// on one core), switching the relays would freeze the LSNN neurons beside them: the x86
// refuses, naming both populations and the core.
TEST(RelnetReference, SwitchingASharedCoreIsRefused)
{
    NEED_WEIGHTS();
    le_network net;
    le_network_init(&net);
    le_relnet_pops pops;
    le_relnet_options o = le_relnet_options_default(1);
    le_error e;
    ASSERT_EQ(le_relnet_build(&weights().w, &o, &net, &pops, &e), LE_OK) << e.msg;
    for (uint32_t p = 0; p < net.n_pops; p++)
        net.pops[p].own_cores = 0;
    le_pipeline pipe{};
    le_pipeline_opts po = le_pipeline_defaults();
    ASSERT_EQ(le_pipeline_open(&net, &po, &pipe, &e), LE_OK) << e.msg;
    std::vector<le_relnet_sample> s{story({kMaryBathroom}, kWhereMary, 1)};
    std::vector<uint16_t> pred(1);
    le_relnet_snip_state st;
    le_relnet_snip_init(&st, &pops, s.data(), 1, pred.data(), le_sim_step_now(pipe.sim));
    le_snips sn = le_relnet_snips(&st);
    EXPECT_EQ(le_pipeline_run_inferences(&pipe, 1, LE_RN_STEPS, &sn, nullptr, nullptr, &e), LE_ERR_CONFIG);
    EXPECT_NE(std::string(e.msg).find("shares core"), std::string::npos) << e.msg;
    EXPECT_NE(std::string(e.msg).find("x86 enable: population '"), std::string::npos) << e.msg;
    le_pipeline_close(&pipe);
    le_network_free(&net);
}
