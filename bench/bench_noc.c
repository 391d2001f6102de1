/* Network benchmark: a synthetic Nahuku 32 board with seeded random traffic, run through the
 * whole cost model (cores, network, barrier, x86) in load, packet and systemc mode. Prints
 * the simulated steps per second and the packet-hops (link traversals) per second of each.
 * Not a test: see bench/README.md. Linked with the SystemC library (loihi_sc). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/bench_util.h"
#include "cost/costmodel_internal.h"
#include "cost/costmodel.h"
#include "noc/noc_systemc.h"

#define N_PATTERNS 64 /* distinct step activities, generated before timing */

typedef struct {
    le_step_activity act;
    le_core_activity *cores;
    le_packet *pk;
} pattern;

/* One step: `active` cores fire; each packet goes to a core of the same chip with
 * probability `local`, else anywhere on the board. */
static void make_pattern(pattern *p, uint32_t n_cores, uint32_t cpc, uint32_t active, uint32_t packets, double local)
{
    p->cores = calloc(active, sizeof *p->cores);
    p->pk = calloc(packets, sizeof *p->pk);
    if (!p->cores || !p->pk) {
        fprintf(stderr, "bench_noc: out of memory\n");
        exit(1);
    }
    for (uint32_t i = 0; i < active; i++) {
        le_core_activity *c = &p->cores[i];
        c->core = rnd() % n_cores;
        c->cx_updates = 1024;
        c->cx_active = rnd() % 1024;
        c->synops = rnd() % 4096;
        c->axons_in = rnd() % 256;
    }
    for (uint32_t k = 0; k < packets; k++) {
        le_core_activity *c = &p->cores[rnd() % active];
        uint32_t dst;
        if ((double)(rnd() % 1000000) < local * 1e6)
            dst = (c->core / cpc) * cpc + rnd() % cpc;
        else
            dst = rnd() % n_cores;
        p->pk[k].src = c->core;
        p->pk[k].dst = dst;
        p->pk[k].src_cx = (uint16_t)(rnd() % 1024);
        c->axons_out++;
        c->spikes++;
    }
    memset(&p->act, 0, sizeof p->act);
    p->act.cores = p->cores;
    p->act.n_cores = active;
    p->act.packets = p->pk;
    p->act.n_packets = packets;
}

static int run(const le_noc_mode *mode, pattern *pat, uint32_t steps, uint64_t seed)
{
    le_costmodel *cm = NULL;
    le_error err;
    if (le_costmodel_open("nahuku32", NULL, mode, seed, &cm, &err) != LE_OK) {
        fprintf(stderr, "bench_noc: %s\n", err.msg);
        return 1;
    }
    double t0 = now_s();
    for (uint32_t s = 0; s < steps; s++) {
        pat[s % N_PATTERNS].act.step = s + 1;
        if (le_costmodel_step(cm, &pat[s % N_PATTERNS].act, &err) != LE_OK) {
            fprintf(stderr, "bench_noc: %s\n", err.msg);
            le_costmodel_free(cm);
            return 1;
        }
    }
    double dt = now_s() - t0;
    const le_noc *noc = le_costmodel_noc(cm);
    uint64_t hops = 0;
    for (int c = 0; c < LE_LC_N; c++)
        hops += le_noc_class_hops(noc, c);
    le_cost_summary s;
    le_costmodel_summary(cm, &s);
    printf("%-10s %7u steps %11llu packets %12llu hops %8.3f s  %11.0f steps/s  %12.3e packet-hops/s  (emulated %.2f us/step)\n",
           le_noc_mode_name(mode), steps, (unsigned long long)le_noc_packets(noc),
           (unsigned long long)hops, dt, steps / dt, (double)hops / dt, s.step_mean_s * 1e6);
    le_costmodel_free(cm);
    return 0;
}

/* libsystemc refers to sc_main; main() below is the entry point. */
int sc_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 2;
}

int main(int argc, char **argv)
{
    uint32_t steps = 2000, active = 256, packets = 4096;
    double local = 0.5;
    uint64_t seed = 1;
    const char *modes = "load,packet,systemc";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--steps") && i + 1 < argc)
            steps = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--active") && i + 1 < argc)
            active = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--packets") && i + 1 < argc)
            packets = (uint32_t)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--local") && i + 1 < argc)
            local = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--modes") && i + 1 < argc)
            modes = argv[++i];
        else {
            fprintf(stderr, "usage: bench_noc [--steps N] [--active CORES] [--packets P] [--local FRACTION] [--seed S]\n"
                            "                 [--modes load,packet,systemc]\n");
            return 2;
        }
    }
    if (!active || !steps) {
        fprintf(stderr, "bench_noc: --steps and --active must be positive\n");
        return 2;
    }
    le_error err;
    if (le_noc_systemc_register(&err) != LE_OK) {
        fprintf(stderr, "bench_noc: %s\n", err.msg);
        return 1;
    }
    rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
    const uint32_t chips = 32, cpc = 128, n_cores = chips * cpc;
    pattern *pat = calloc(N_PATTERNS, sizeof *pat);
    if (!pat)
        return 1;
    for (int i = 0; i < N_PATTERNS; i++)
        make_pattern(&pat[i], n_cores, cpc, active, packets, local);
    printf("bench_noc: nahuku32 (32 chips), %u active cores and %u packets per step, %.0f%% on-chip, seed %llu\n",
           active, packets, local * 100, (unsigned long long)seed);
    int rc = 0;
    char list[256];
    snprintf(list, sizeof list, "%s", modes);
    for (char *name = strtok(list, ","); name && !rc; name = strtok(NULL, ",")) {
        const le_noc_mode *mode;
        if (le_noc_mode_lookup(name, &mode, &err) != LE_OK) {
            fprintf(stderr, "bench_noc: --modes: %s\n", err.msg);
            rc = 2;
        } else {
            rc = run(mode, pat, steps, seed);
        }
    }
    for (int i = 0; i < N_PATTERNS; i++) {
        free(pat[i].cores);
        free(pat[i].pk);
    }
    free(pat);
    return rc;
}
