/* `loihi-emu run NET.yaml --steps T ...`: loads a network file, places it, configures the
 * chip and runs the time-step loop, optionally writing a CSV trace. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/arch_set.h"
#include "emu/board_mpi.h"
#include "emu/cli.h"
#include "emu/trace_cli.h"
#include "models/netfile.h"
#include "report/report.h"
#include "run/mpi.h"
#include "run/pipeline.h"
#include "run/sc/sc_engine.h"
#include "traces/trace_csv.h"
#include "util/outfile.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: loihi-emu run NET.yaml --steps T [options]\n"
            "\n"
            "Runs a network file (docs/network-file.md) for T time steps.\n"
            "\n"
            "options:\n"
            "  --steps T          time steps to run (required)\n"
            "  --trace FILE.csv   write step,population,index,u,v,spike per step and traced neuron\n"
            "                     ('-' for stdout); traced: populations with 'trace: true', or all\n"
            "                     compartment populations when none is marked\n"
            "  --trace-pops a,b   trace these populations instead\n"
            "  --board NAME|FILE  run on a board with the cost model: a shipped board (loihi-emu\n"
            "                     boards), a board YAML file, or RxC chips (e.g. 2x4)\n"
            "  --noc MODE         network model of the cost model (default load; list below)\n"
            "  --report FILE.json write the cost model's report as JSON ('-' for stdout)\n"
            "  --seed N           seed of the cost model's random choices (default 1)\n"
            "  --engine c|systemc advance time in plain C (default) or through the SystemC\n"
            "                     modules (same cost model, same report; slower)\n"
            "  --arch FILE        architecture and cost figures instead of config/loihi.yaml\n"
            "  --set KEY=VALUE    change one figure of it for this run (repeatable), e.g.\n"
            "                     network.chip_link.latency_ns=40\n"
            LE_TRACE_CLI_HELP
            "  --partition C1,..  under mpirun: the first chip of ranks 1, 2, ... (default: the\n"
            "                     chips in use split evenly; docs/mpi.md)\n"
            "  --help             this text\n"
            "\n"
            "Under `mpirun -np R` the board's chips are split over the R ranks (board mode,\n"
            "docs/mpi.md): same trace and report as one process; rank 0 writes them.\n"
            "\n"
            "Without --board the network runs on one chip (128 neuro-cores); --board, --noc or\n"
            "--report add the cost model (time and energy per step) and print its report.\n"
            "\n"
            "network modes (--noc):\n");
    for (uint32_t i = 0; i < le_noc_mode_count(); i++)
        fprintf(f, "  %-18s %s\n", le_noc_mode_name(le_noc_mode_at(i)), le_noc_mode_help(le_noc_mode_at(i)));
}

#define usage_error(fmt, arg) le_cli_usage_error("run", fmt, arg)

static int parse_u32(const char *s, unsigned long long lo, unsigned long long hi, uint32_t *out)
{
    char *e;
    errno = 0;
    unsigned long long v = strtoull(s, &e, 10);
    if (!*s || *e || errno || v < lo || v > hi || s[0] == '-')
        return 0;
    *out = (uint32_t)v;
    return 1;
}

/* Marks exactly the populations named in the comma-separated list as traced. */
static le_code select_traced(le_network *net, const char *list, le_error *err)
{
    for (uint32_t p = 0; p < net->n_pops; p++)
        net->pops[p].traced = 0;
    const char *s = list;
    while (*s) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        char name[LE_NAME_MAX];
        if (n == 0 || n >= sizeof name)
            return le_fail(err, LE_ERR_USAGE, "--trace-pops: bad population name in '%s'", list);
        memcpy(name, s, n);
        name[n] = '\0';
        int p = le_network_find_pop(net, name);
        if (p < 0)
            return le_fail(err, LE_ERR_USAGE, "--trace-pops: no population named '%s'", name);
        if (net->pops[p].kind == LE_POP_INPUT)
            return le_fail(err, LE_ERR_USAGE, "--trace-pops: '%s' is an input population (nothing to trace)", name);
        net->pops[p].traced = 1;
        s += n;
        if (*s == ',')
            s++;
    }
    return LE_OK;
}

int le_cmd_run(int argc, char **argv)
{
    const char *net_path = NULL, *trace_path = NULL, *trace_pops = NULL, *board = NULL, *noc = NULL,
               *report = NULL, *engine = NULL, *arch = NULL, *partition = NULL;
    uint32_t steps = 0, seed = 1;
    int have_steps = 0;
    le_trace_cli tc;
    le_trace_cli_init(&tc);
    le_arch_set as;
    memset(&as, 0, sizeof as);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        le_error oe;
        int used = le_trace_cli_option(&tc, argc, argv, &i, &oe);
        if (!used && !strcmp(a, "--set"))
            used = i + 1 < argc ? (le_arch_set_add(&as, argv[++i], &oe) ? -1 : 1)
                                : -(le_fail(&oe, LE_ERR_USAGE, "--set needs KEY=VALUE") != 0);
        if (used < 0)
            return usage_error("%s", oe.msg);
        if (used)
            continue;
        const char **slot = NULL;
        if (!strcmp(a, "--trace"))
            slot = &trace_path;
        else if (!strcmp(a, "--trace-pops"))
            slot = &trace_pops;
        else if (!strcmp(a, "--board"))
            slot = &board;
        else if (!strcmp(a, "--noc"))
            slot = &noc;
        else if (!strcmp(a, "--report"))
            slot = &report;
        else if (!strcmp(a, "--engine"))
            slot = &engine;
        else if (!strcmp(a, "--arch"))
            slot = &arch;
        else if (!strcmp(a, "--partition"))
            slot = &partition;
        if (slot || !strcmp(a, "--steps") || !strcmp(a, "--seed")) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            const char *val = argv[++i];
            if (slot)
                *slot = val;
            else if (!strcmp(a, "--steps")) {
                if (!parse_u32(val, 1, UINT32_MAX - 2, &steps))
                    return usage_error("--steps: expected a positive number of steps, got '%s'", val);
                have_steps = 1;
            } else if (!parse_u32(val, 0, UINT32_MAX, &seed))
                return usage_error("--seed: expected a non-negative integer, got '%s'", val);
            continue;
        }
        if (a[0] == '-' && a[1] != '\0')
            return usage_error("unknown option '%s'", a);
        if (net_path)
            return usage_error("more than one network file ('%s')", a);
        net_path = a;
    }
    if (!net_path)
        return usage_error("%s", "missing the network file (NET.yaml)");
    if (!have_steps)
        return usage_error("%s", "missing --steps T");
    if (trace_pops && !trace_path)
        return usage_error("%s", "--trace-pops needs --trace FILE.csv");
    const le_noc_mode *noc_mode = LE_NOC_LOAD;
    if (noc) {
        le_error e;
        if (le_noc_mode_lookup(noc, &noc_mode, &e))
            return usage_error("--noc: %s", e.msg);
    }
    if (engine && strcmp(engine, "c") != 0 && strcmp(engine, "systemc") != 0)
        return usage_error("--engine: expected 'c' or 'systemc', got '%s'", engine);
    const int use_systemc = engine && !strcmp(engine, "systemc");
    /* Both would advance one SystemC kernel's time: the engine by whole steps, the network by packets. */
    if (use_systemc && !strncmp(le_noc_mode_name(noc_mode), "systemc", 7))
        return usage_error("--engine systemc with --noc %s: both would drive the one SystemC kernel of the "
                           "process; use --engine c",
                           noc);
    const int mpi = le_mpi_active();
    if (mpi && use_systemc)
        return usage_error("%s", "--engine systemc under mpirun: the SystemC modules hold the whole board; run it in "
                                 "one process");
    if (mpi && !strncmp(le_noc_mode_name(noc_mode), "systemc", 7))
        return usage_error("--noc %s under mpirun: the board mode has the load and packet network modes", noc);
    if (partition && !mpi)
        return usage_error("%s", "--partition applies under mpirun only (docs/mpi.md)");
    if (mpi && le_trace_cli_wanted(&tc))
        return usage_error("%s", "--trace-dir, --vcd and --plot under mpirun: each rank holds only its chips' links; "
                                 "run the congestion traces in one process");
    le_error err;
    le_error_clear(&err);
    /* Every output is checked before anything is loaded (util/outfile.h). */
    le_io io;
    le_io_init(&io);
    le_io_input(&io, "network file", net_path);
    le_io_input(&io, "board file", board);
    le_outfile *trace_out = le_io_output(&io, "--trace", trace_path);
    le_io_output(&io, "--report", report);
    if (le_io_check(&io, &err))
        return le_cli_report_error(&err);
    le_board_mpi *bm = NULL;
    FILE *trace = NULL; /* the trace's stream on the process that writes it */
    le_network net;
    le_network_init(&net);
    le_pipeline pipe;
    memset(&pipe, 0, sizeof pipe);
    le_trace_csv *tw = NULL;
    le_sc_engine *sc = NULL;
    le_pipeline_opts po = le_pipeline_defaults();
    po.board = board;
    po.noc = noc_mode;
    po.seed = seed;
    /* --noc or --report without --board: the cost model of one chip, like the functional run. */
    po.costed = board || noc || report || use_systemc || arch || as.n || le_trace_cli_wanted(&tc);
    tc.report = report;
    le_code rc = le_arch_set_apply(&as, arch, &po.arch_file, &err);
    if (!rc)
        rc = le_netfile_load(net_path, &net, &err);
    if (!rc && trace_path) {
        if (trace_pops)
            rc = select_traced(&net, trace_pops, &err);
        else {
            int any = 0;
            for (uint32_t p = 0; p < net.n_pops; p++)
                any |= net.pops[p].traced;
            for (uint32_t p = 0; p < net.n_pops && !any; p++)
                net.pops[p].traced = net.pops[p].kind != LE_POP_INPUT;
        }
    }
    if (!rc && mpi && !(rc = le_board_mpi_new(partition, &bm, &err)))
        le_board_mpi_options(bm, &po);
    if (mpi) /* the configuration takes this rank's synapses connection by connection; the others' need not stay */
        po.consume = &net;
    if (!rc)
        rc = le_pipeline_open(&net, &po, &pipe, &err);
    if (!rc && mpi)
        le_network_drop_conns(&net);
    if (mpi) /* every rank set up alike, or all stop with the first rank's error */
        rc = le_mpi_agree(rc, &err);
    le_costmodel *cm = pipe.cm;
    le_sim *sim = pipe.sim;
    /* The SystemC engine charges the same cost model, then advances SystemC time through the
     * step's phases (run/sc/sc_engine.h). */
    if (!rc && use_systemc && !(rc = le_systemc_attach(cm, &sc, &err))) {
        le_cost_sink sink = le_systemc_sink(sc);
        le_sim_set_cost_sink(sim, &sink);
    }
    if (!rc && trace_out && (!mpi || le_mpi_rank() == 0) && !(rc = le_outfile_open(trace_out, &err))) {
        trace = trace_out->f;
        /* Under mpirun the board mode gathers the traced spikes onto rank 0 and writes them. */
        if (!mpi && !(rc = le_trace_csv_open(trace_out->f, &net, &pipe.pl, &tw, &err))) {
            le_trace_csv_set_name(tw, le_outfile_name(trace_out));
            le_trace_csv_attach(tw, sim);
        }
    }
    if (!rc && mpi)
        rc = le_board_mpi_attach(bm, &pipe, &net, trace, trace_path != NULL, &err);
    if (mpi)
        rc = le_mpi_agree(rc, &err);
    if (!rc)
        rc = le_trace_cli_begin(&tc, cm, sim, steps, stderr, &err);
    if (!rc) {
        /* On a terminal, long runs show their progress in chunks of about 1%. */
        int progress = isatty(fileno(stderr)) && steps >= 1000;
        uint32_t chunk = progress ? steps / 100 : steps;
        for (uint32_t done = 0; done < steps && !rc;) {
            uint32_t n = steps - done < chunk ? steps - done : chunk;
            rc = le_sim_run(sim, n, NULL, &err);
            if (rc && mpi) /* in the middle of the steps' collectives: the others cannot be told in order */
                le_mpi_abort(&err);
            done += n;
            if (progress)
                fprintf(stderr, "\rloihi-emu run: step %u/%u", done, steps);
        }
        if (progress)
            fprintf(stderr, "\n");
    }
    /* A signal ends the run after a whole step: the trace and the report cover the steps
     * done and say so, and the process exits 128 + the signal (util/interrupt.h). */
    le_error stop;
    char incomplete[96] = "";
    int interrupted = rc == LE_ERR_INTERRUPTED;
    if (interrupted) {
        stop = err;
        le_error_clear(&err);
        snprintf(incomplete, sizeof incomplete, "interrupted at step %u of %u", le_sim_step_now(sim), steps);
        rc = tw ? le_trace_csv_incomplete(tw, le_sim_step_now(sim), steps, &err) : LE_OK;
    }
    if (trace_out && !rc)
        rc = le_outfile_commit(trace_out, &err);
    if (!rc && cm && (!mpi || le_mpi_rank() == 0)) {
        /* The whole run is one inference: latency and energy per inference cover all steps. */
        le_costmodel_end_inference(cm);
        /* The report table goes to stdout unless the trace or the JSON report does. */
        FILE *table = (trace_out && trace_out->is_stdout) || (report && !strcmp(report, "-")) ? stderr : stdout;
        rc = le_report_costmodel_note(cm, table, report, interrupted ? incomplete : NULL, &err);
        if (!rc)
            rc = le_trace_cli_end(&tc, stderr, &err);
        if (!rc && sc)
            fprintf(stderr, "loihi-emu run: SystemC time at the end: %.6f us\n", le_systemc_time_s(sc) * 1e6);
    }
    if (mpi)
        rc = le_mpi_agree(rc, &err);
    uint64_t spikes = 0, n_cores = 0;
    if (!rc && mpi)
        rc = le_board_mpi_totals(bm, &pipe, &spikes, &n_cores, &err);
    else if (!rc) {
        spikes = le_sim_total_spikes(sim);
        n_cores = le_sim_n_cores(sim);
    }
    if (!rc && (!mpi || le_mpi_rank() == 0)) {
        uint64_t neurons = 0;
        for (uint32_t p = 0; p < net.n_pops; p++)
            if (net.pops[p].kind != LE_POP_INPUT)
                neurons += net.pops[p].size;
        fprintf(stderr, "loihi-emu run: %s: %u steps, %llu spikes, %llu cores, %llu neurons\n", net_path, le_sim_step_now(sim),
                (unsigned long long)spikes, (unsigned long long)n_cores, (unsigned long long)neurons);
    }
    if (!rc && mpi && getenv("LE_MPI_STATS")) {
        uint64_t bytes;
        double secs;
        uint32_t lo, hi;
        le_board_mpi_stats(bm, &bytes, &secs);
        le_board_mpi_chips(bm, &lo, &hi);
        const le_chipcfg *cfg = le_sim_config(sim);
        fprintf(stderr,
                "loihi-emu run: rank %u: chips %u..%u, %llu cores, exchange %llu bytes sent, %.3f s, per-neuron "
                "tables for %llu of %u neurons\n",
                le_mpi_rank(), lo, hi - 1, (unsigned long long)le_sim_n_cores(sim), (unsigned long long)bytes, secs,
                (unsigned long long)cfg->nrn_n + cfg->n_ext, cfg->n_neurons);
    }
    if (!rc && interrupted) {
        fprintf(stderr, "loihi-emu run: %s; the trace and the report are marked incomplete\n", incomplete);
        err = stop;
        rc = stop.code;
    }
    le_io_discard(&io);
    if (sc)
        le_systemc_detach(sc);
    le_trace_csv_free(tw);
    le_trace_cli_free(&tc);
    le_arch_set_cleanup(&as);
    le_board_mpi_free(bm);
    le_pipeline_close(&pipe);
    le_network_free(&net);
    if (rc)
        return le_cli_report_error(&err);
    return 0;
}
