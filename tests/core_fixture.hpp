// A neuro-core built from std::vectors, for the core tests (each test fills only what it needs).
#ifndef LE_TESTS_CORE_FIXTURE_HPP
#define LE_TESTS_CORE_FIXTURE_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "core/neurocore.h"

namespace {

// Builds a core from vectors; each test fills only what it needs.
struct CoreFixture {
    uint32_t gid = 0;
    std::vector<le_profile> profiles{le_profile_default()};
    std::vector<uint16_t> cx_profile;
    std::vector<uint32_t> in_start{0};
    std::vector<le_synapse> syn;
    std::vector<le_axon_fmt> in_fmt;
    std::vector<uint32_t> out_start;
    std::vector<le_axon_dst> out;
    le_neurocore core = {};
    le_error err = {};
    bool built = false;

    void cx(uint32_t n, uint16_t prof = 0) { cx_profile.assign(n, prof); }
    // A new input axon with the given (weight, cx, delay) synapses; returns its index.
    uint32_t axon(std::vector<le_synapse> s)
    {
        syn.insert(syn.end(), s.begin(), s.end());
        in_start.push_back((uint32_t)syn.size());
        return (uint32_t)in_start.size() - 2;
    }
    le_code build()
    {
        le_core_spec s = {};
        s.gid = gid;
        s.n_cx = (uint32_t)cx_profile.size();
        s.profiles = profiles.data();
        s.n_profiles = (uint32_t)profiles.size();
        s.cx_profile = cx_profile.data();
        s.n_in_axons = (uint32_t)in_start.size() - 1;
        s.in_start = in_start.data();
        s.syn = syn.data();
        s.in_fmt = in_fmt.empty() ? nullptr : in_fmt.data();
        s.out_start = out_start.empty() ? nullptr : out_start.data();
        s.out = out.data();
        le_code rc = le_core_build(&core, &s, le_limits_loihi1(), &err);
        built = rc == LE_OK;
        return rc;
    }
    uint32_t update(uint32_t t)
    {
        fired.assign(core.n_cx ? core.n_cx : 1, 0xffff);
        uint32_t n = le_core_update(&core, t, fired.data());
        fired.resize(n);
        return n;
    }
    std::vector<uint16_t> fired;
    ~CoreFixture()
    {
        if (built)
            le_core_free(&core);
    }
};

inline le_synapse S(int32_t w, uint16_t cx, uint8_t d = 0)
{
    le_synapse s = {};
    s.weight = w;
    s.cx = cx;
    s.delay = d;
    return s;
}

inline le_profile lif(int32_t du, int32_t dv, int32_t vth)
{
    le_profile p = le_profile_default();
    p.decay_u = du;
    p.decay_v = dv;
    p.vth_mant = vth;
    return p;
}

} // namespace

#endif
