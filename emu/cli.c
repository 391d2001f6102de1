#include "emu/cli.h"

#include "run/mpi.h"

#include <stdio.h>
#include <string.h>

#include "util/budget.h"
#include "util/interrupt.h"
#include "util/outfile.h"

#define LE_VERSION "0.1.0"

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("loihi-emu %s\n", LE_VERSION);
    return 0;
}

static const le_command commands[] = {
    {"run", "NET.yaml", "run a network file (trace, board, network mode, report)", le_cmd_run},
    {"smnist", "", "the seed paper's sMNIST LSNN on MNIST: accuracy and Table S1 EDP report", le_cmd_smnist},
    {"relnet", "", "the seed paper's Spiking RelNet on bAbI: accuracy and Table S2 side by side", le_cmd_relnet},
    {"nir", "info|run FILE.nir", "import a NIR graph (snnTorch, Norse, Sinabs, ...): mapping, cores, run", le_cmd_nir},
    {"compare", "A B", "two runs side by side: time, energy, EDP, hottest and most changed links", le_cmd_compare},
    {"sweep", "--set K=V1,V2 -- CMD", "a command over a grid of cost, board or placement parameters", le_cmd_sweep},
    {"boards", "", "list the shipped boards", le_cmd_boards},
    {"version", "", "print the version", cmd_version},
};

const le_command *le_cli_commands(size_t *n)
{
    *n = sizeof commands / sizeof commands[0];
    return commands;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: loihi-emu <command> [options]\n"
               "\n"
               "Cycle-approximate emulator of Intel's Loihi neuromorphic chip and its boards.\n"
               "\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char head[64];
        snprintf(head, sizeof head, "%s%s%s", commands[i].name, commands[i].args[0] ? " " : "", commands[i].args);
        fprintf(f, "  %-16s %s\n", head, commands[i].help);
    }
    fprintf(f, "\n"
               "`loihi-emu <command> --help` describes each command.\n"
               "Any command takes --mem-limit SIZE (e.g. 4G, 512M; default 16G): sizes read from files\n"
               "(neurons, synapses, array shapes) that would need more memory fail at once with exit 3.\n");
}

int le_cli_report_error(const le_error *err)
{
    /* Under mpirun the ranks agree on one error (run/mpi.h); rank 0 prints it. */
    if (le_mpi_rank() == 0)
        fprintf(stderr, "loihi-emu: %s\n", err->msg[0] ? err->msg : le_code_name(err->code));
    return le_exit_status(err->code);
}

int le_cli_usage_error(const char *cmd, const char *fmt, const char *arg)
{
    le_error e;
    le_fail(&e, LE_ERR_USAGE, fmt, arg);
    le_cli_report_error(&e);
    fprintf(stderr, "(see loihi-emu %s --help)\n", cmd);
    return le_exit_status(LE_ERR_USAGE);
}

/* --mem-limit SIZE (or --mem-limit=SIZE) anywhere after the command: the memory budget every
 * reader checks sizes against (util/budget.h). Taken out of argv so that the commands never
 * see it. Returns -1 after printing a usage error. */
static int take_mem_limit(int *argc, char **argv)
{
    for (int i = 1; i < *argc; i++) {
        const char *v = NULL;
        int n = 0;
        if (!strcmp(argv[i], "--mem-limit")) {
            v = i + 1 < *argc ? argv[i + 1] : NULL;
            n = 2;
        } else if (!strncmp(argv[i], "--mem-limit=", 12)) {
            v = argv[i] + 12;
            n = 1;
        } else
            continue;
        uint64_t bytes = 0;
        if (!v || le_budget_parse(v, &bytes)) {
            fprintf(stderr, "loihi-emu: --mem-limit: expected a size such as 4G, 512M or 1000000, found '%s'\n",
                    v ? v : "nothing");
            return -1;
        }
        le_budget_set(bytes);
        for (int j = i; j + n <= *argc; j++)
            argv[j] = argv[j + n];
        *argc -= n;
        i--;
    }
    return 0;
}

/* Every command's stdout is checked at the end: a report printed to a full disk or a closed
 * descriptor is an error, not a success (docs/errors.md). */
static int run_command(const le_command *c, int argc, char **argv)
{
    le_interrupt_install();
    int status = c->main(argc, argv);
    le_error err;
    if (le_stdout_check(&err) != LE_OK && status == 0)
        status = le_cli_report_error(&err);
    return status;
}

int le_cli_main(int argc, char **argv)
{
    le_std_streams_guard();
    if (take_mem_limit(&argc, argv))
        return 2;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        le_error err;
        return le_stdout_check(&err) ? le_cli_report_error(&err) : 0;
    }
    if (!strcmp(cmd, "--version"))
        cmd = "version";
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return run_command(&commands[i], argc - 1, argv + 1);
    fprintf(stderr, "loihi-emu: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
