/* `loihi-emu nir info|run|export FILE ...`: imports a NIR graph (models/nir/nir.h), prints how
 * it maps onto Loihi's integers, places it and runs it through the pipeline, or writes the
 * mapped network as a network YAML file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/cli.h"
#include "models/nir/nir.h"
#include "models/npy.h"
#include "report/report.h"
#include "run/pipeline.h"
#include "traces/trace_csv.h"
#include "util/outfile.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: loihi-emu nir info FILE.nir [options]\n"
            "       loihi-emu nir run FILE.nir --input SPIKES.npy --steps T [options]\n"
            "       loihi-emu nir export FILE.nir --out NET.yaml [--input SPIKES.npy --steps T] [options]\n"
            "\n"
            "Imports a NIR graph (docs/nir.md): info prints the graph, the quantisation, the mapped\n"
            "sizes and the cores it needs; run drives its Input with the spikes of SPIKES.npy, shape\n"
            "(steps, inputs): a non-zero entry in row t is a spike sent in step t+1, integrated in\n"
            "step t+2 (one step of synaptic latency, as on the chip). export writes the mapped integer\n"
            "network as a network YAML file (docs/network-file.md; dense weights as NET.connK.npy\n"
            "beside it) that `loihi-emu run NET.yaml` runs as `nir run` would; with --input the\n"
            "spikes of the first T steps go into its inputs section.\n"
            "\n"
            "mapping options:\n"
            "  --dt S             seconds per step (default 1e-4, the NIR paper's)\n"
            "  --vscale X         integer v units per NIR voltage unit (default: automatic, the\n"
            "                     largest power of two that fits thresholds, weights and biases)\n"
            "  --decay lava|round decays as floor(4095 dt/tau) (lava, default: Lava's NIR bridge) or\n"
            "                     round(4096 dt/tau) (round)\n"
            "  --reset zero|subtract  how the model was trained to reset (NIR does not store it;\n"
            "                     default zero); subtract is refused: Loihi resets v to 0\n"
            "  --accept-reset     map a non-zero v_reset or reset by subtraction as Loihi's reset to 0\n"
            "                     (flagged in the printout)\n"
            "  --no-split         one weight exponent per connection even when small weights round\n"
            "                     to zero\n"
            "run options:\n"
            "  --input FILE.npy   input spikes, shape (steps, inputs)\n"
            "  --steps T          time steps to run (required)\n"
            "  --trace FILE.csv   step,population,index,u,v,spike of every compartment ('-': stdout)\n"
            "  --board NAME|FILE  run on a board with the cost model (loihi-emu boards), or RxC\n"
            "  --report FILE.json the cost model's report as JSON\n"
            "export options:\n"
            "  --out NET.yaml     the network file to write (required)\n"
            "  --input, --steps   as for run (both or neither)\n"
            "  --help             this text\n");
}

#define usage_error(fmt, arg) le_cli_usage_error("nir", fmt, arg)

int le_cmd_nir(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        usage(stdout);
        return 0;
    }
    int run = !strcmp(sub, "run"), export = !strcmp(sub, "export");
    if (!run && !export && strcmp(sub, "info"))
        return usage_error("unknown nir subcommand '%s' (expected info, run or export)", sub);
    const char *path = NULL, *input = NULL, *trace_path = NULL, *board = NULL, *report = NULL, *out = NULL;
    le_nir_opts o = le_nir_defaults();
    uint32_t steps = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--accept-reset")) {
            o.accept_reset_value = 1;
            continue;
        }
        if (!strcmp(a, "--no-split")) {
            o.split_zero_frac = -1;
            continue;
        }
        int takes = !strcmp(a, "--dt") || !strcmp(a, "--reset") || !strcmp(a, "--vscale") || !strcmp(a, "--decay") ||
                    (run && (!strcmp(a, "--input") || !strcmp(a, "--steps") || !strcmp(a, "--trace") ||
                             !strcmp(a, "--board") || !strcmp(a, "--report"))) ||
                    (export && (!strcmp(a, "--out") || !strcmp(a, "--input") || !strcmp(a, "--steps")));
        if (takes) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", a);
            const char *v = argv[++i];
            char *e;
            if (!strcmp(a, "--dt") || !strcmp(a, "--vscale")) {
                errno = 0;
                double x = strtod(v, &e);
                if (!*v || *e || errno || !(x > 0))
                    return usage_error("expected a positive number, got '%s'", v);
                if (!strcmp(a, "--dt"))
                    o.dt = x;
                else
                    o.vscale = x;
            } else if (!strcmp(a, "--reset")) {
                if (!strcmp(v, "zero") || !strcmp(v, "subtract"))
                    o.reset_subtract = !strcmp(v, "subtract");
                else
                    return usage_error("--reset: expected 'zero' or 'subtract', got '%s'", v);
            } else if (!strcmp(a, "--decay")) {
                if (!strcmp(v, "lava"))
                    o.rounding = LE_NIR_DECAY_LAVA;
                else if (!strcmp(v, "round"))
                    o.rounding = LE_NIR_DECAY_ROUND;
                else
                    return usage_error("--decay: expected 'lava' or 'round', got '%s'", v);
            } else if (!strcmp(a, "--steps")) {
                errno = 0;
                unsigned long long x = strtoull(v, &e, 10);
                if (!*v || *e || errno || x < 1 || x > UINT32_MAX - 2 || v[0] == '-')
                    return usage_error("--steps: expected a positive number of steps, got '%s'", v);
                steps = (uint32_t)x;
            } else if (!strcmp(a, "--input"))
                input = v;
            else if (!strcmp(a, "--trace"))
                trace_path = v;
            else if (!strcmp(a, "--board"))
                board = v;
            else if (!strcmp(a, "--out"))
                out = v;
            else
                report = v;
            continue;
        }
        if (a[0] == '-' && a[1])
            return usage_error("unknown option '%s'", a);
        if (path)
            return usage_error("more than one NIR file ('%s')", a);
        path = a;
    }
    if (!path)
        return usage_error("%s", "missing the NIR file");
    if (run && !steps)
        return usage_error("%s", "missing --steps T");
    if (run && !input)
        return usage_error("%s", "missing --input SPIKES.npy");
    if (export && !out)
        return usage_error("%s", "missing --out NET.yaml");
    if (export && !input != !steps)
        return usage_error("%s", "--input and --steps go together");

    le_error err;
    le_error_clear(&err);
    /* Every output is checked before anything is read (util/outfile.h). */
    le_io io;
    le_io_init(&io);
    le_io_input(&io, "NIR file", path);
    le_io_input(&io, "input spikes", input);
    le_io_input(&io, "board file", board);
    le_outfile *trace_out = run ? le_io_output(&io, "--trace", trace_path) : NULL;
    if (run)
        le_io_output(&io, "--report", report);
    le_io_output(&io, "--out", out);
    if (le_io_check(&io, &err))
        return le_cli_report_error(&err);
    le_nir_graph g;
    le_network net;
    le_network_init(&net);
    le_nir_mapping m;
    memset(&m, 0, sizeof m);
    le_pipeline pipe;
    memset(&pipe, 0, sizeof pipe);
    le_npy spikes;
    memset(&spikes, 0, sizeof spikes);
    le_trace_csv *tw = NULL;
    int have_graph = 0;
    le_code rc = le_nir_read(path, &g, &err);
    have_graph = !rc;
    if (!rc)
        rc = le_nir_map(&g, &o, &net, &m, &err);
    if (!rc)
        le_nir_print(run || export ? stderr : stdout, &g, &o, &m);
    if (!rc && input) {
        rc = le_npy_read(input, 0, 0, &spikes, &err);
        if (!rc) {
            uint64_t rows = spikes.shape[0], cols = spikes.ndim == 2 ? spikes.shape[1] : 1;
            rc = le_nir_add_inputs(&net, &m, spikes.data, rows, cols, steps, &err);
            if (rc)
                le_error_prefix(&err, "%s", input);
        }
    }
    if (!rc && export) {
        char head[1200];
        snprintf(head, sizeof head,
                 "Written by loihi-emu nir export from %s (docs/nir.md):\n"
                 "dt %g s, %g v units per NIR voltage unit, decays '%s'.",
                 path, o.dt, m.vscale, o.rounding == LE_NIR_DECAY_LAVA ? "lava" : "round");
        rc = le_nir_export_yaml(&net, out, head, &err);
        if (!rc)
            fprintf(stderr, "loihi-emu nir export: %s: %u populations, %u connections, %u input spikes -> %s\n",
                    path, net.n_pops, net.n_conns, net.n_inputs, out);
        goto done;
    }
    le_pipeline_opts po = le_pipeline_defaults();
    po.board = board;
    po.costed = board || report;
    if (!rc && trace_path)
        for (uint32_t p = 0; p < net.n_pops; p++)
            net.pops[p].traced = net.pops[p].kind != LE_POP_INPUT;
    if (!rc)
        rc = le_pipeline_open(&net, &po, &pipe, &err);
    if (!rc)
        fprintf(run ? stderr : stdout, "placed: %u cores\n", pipe.pl.n_cores_used);
    if (!rc && trace_out && !(rc = le_outfile_open(trace_out, &err))) {
        if (!(rc = le_trace_csv_open(trace_out->f, &net, &pipe.pl, &tw, &err))) {
            le_trace_csv_set_name(tw, le_outfile_name(trace_out));
            le_trace_csv_attach(tw, pipe.sim);
        }
    }
    if (!rc && run)
        rc = le_pipeline_run(&pipe, steps, NULL, &err);
    /* A signal: the trace and the report cover the steps done and say so (as `run` does). */
    le_error stop;
    char incomplete[96] = "";
    int interrupted = rc == LE_ERR_INTERRUPTED;
    if (interrupted) {
        stop = err;
        le_error_clear(&err);
        snprintf(incomplete, sizeof incomplete, "interrupted at step %u of %u", le_sim_step_now(pipe.sim), steps);
        rc = tw ? le_trace_csv_incomplete(tw, le_sim_step_now(pipe.sim), steps, &err) : LE_OK;
    }
    if (trace_out && !rc)
        rc = le_outfile_commit(trace_out, &err);
    if (!rc && run && pipe.cm) {
        le_costmodel_end_inference(pipe.cm);
        FILE *table = (trace_out && trace_out->is_stdout) || (report && !strcmp(report, "-")) ? stderr : stdout;
        rc = le_report_costmodel_note(pipe.cm, table, report, interrupted ? incomplete : NULL, &err);
    }
    if (!rc && run)
        fprintf(stderr, "loihi-emu nir run: %s: %u steps, %llu spikes, %u cores\n", path, le_sim_step_now(pipe.sim),
                (unsigned long long)le_sim_total_spikes(pipe.sim), le_sim_n_cores(pipe.sim));
    if (!rc && interrupted) {
        fprintf(stderr, "loihi-emu nir run: %s; the trace and the report are marked incomplete\n", incomplete);
        err = stop;
        rc = stop.code;
    }
done:
    le_io_discard(&io);
    le_trace_csv_free(tw);
    le_pipeline_close(&pipe);
    le_npy_free(&spikes);
    le_nir_mapping_free(&m);
    le_network_free(&net);
    if (have_graph)
        le_nir_free(&g);
    if (rc)
        return le_cli_report_error(&err);
    return 0;
}
