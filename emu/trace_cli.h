/* The congestion-trace options that `run`, `smnist` and `relnet` share (docs/traces.md):
 * parsing, the size line and guard before the run, the files and plots after it. */
#ifndef LE_EMU_TRACE_CLI_H
#define LE_EMU_TRACE_CLI_H

#include <stdio.h>

#include "traces/trace_net.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    le_trace_net_opts o;
    const char *links;     /* --links */
    uint64_t limit;        /* --trace-limit (bytes), default 1 GB */
    const char *plot;      /* --plot DIR */
    const char *report;    /* the run's report JSON, for the energy plot (NULL: none) */
    le_trace_net *t;
    char plot_dir[1024];
} le_trace_cli;

#define LE_TRACE_CLI_HELP                                                                        \
    "  --trace-dir DIR    congestion traces into DIR: steps, links, cores, chips, raster\n"    \
    "                     (CSV, docs/traces.md); needs the cost model\n"                        \
    "  --from S, --to S   trace steps S.. (inclusive; default the whole run)\n"                 \
    "  --every K          trace every K-th step of the window\n"                                \
    "  --links L          link classes: local,mesh,chip or all (default all)\n"                 \
    "  --chips LIST       only these chips (e.g. 0,2-3); --cores LIST: only these core gids\n" \
    "  --no-raster        no spike raster\n"                                                    \
    "  --vcd FILE         VCD waveform of each link's queue (--noc packet or systemc)\n"       \
    "  --trace-limit N    refuse to start when the traces could exceed N bytes (K, M, G\n"     \
    "                     suffixes; default 1G); exit status 3\n"                               \
    "  --plot DIR         after the run, heat maps and plots of the traces into DIR (PNG, SVG)\n"

void le_trace_cli_init(le_trace_cli *c);
/* argv[*i] is one of the options above: consumes it (and its value), returns 1; 0 when it
 * is not one; -1 on a bad value (err filled). */
int le_trace_cli_option(le_trace_cli *c, int argc, char **argv, int *i, le_error *err);
int le_trace_cli_wanted(const le_trace_cli *c);
/* Before the run: the size bound line on f, the guard, the files. sink is the sink the
 * simulation would use; on return it is the tracing one. steps: the run's length. */
le_code le_trace_cli_begin(le_trace_cli *c, le_costmodel *cm, le_sim *sim, uint64_t steps, FILE *f, le_error *err);
/* After the run: closes the traces (size line on f), runs the plots when asked. */
le_code le_trace_cli_end(le_trace_cli *c, FILE *f, le_error *err);
void le_trace_cli_free(le_trace_cli *c);

/* Runs tools/plot_traces.py on trace folder dir into out (the energy plot when report is
 * set); LE_ERR_IO when python3 or matplotlib is missing or the plot fails. */
le_code le_trace_plot(const char *dir, const char *out, const char *report, le_error *err);

#ifdef __cplusplus
}
#endif
#endif
