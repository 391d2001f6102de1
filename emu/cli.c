#include "emu/cli.h"

#include "run/mpi.h"

#include <stdio.h>
#include <string.h>

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
               "`loihi-emu <command> --help` describes each command.\n");
}

int le_cli_report_error(const le_error *err)
{
    /* Under mpirun the ranks agree on one error (run/mpi.h); rank 0 prints it. */
    if (le_mpi_rank() == 0)
        fprintf(stderr, "loihi-emu: %s\n", err->msg[0] ? err->msg : le_code_name(err->code));
    return le_exit_status(err->code);
}

int le_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version"))
        cmd = "version";
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].main(argc - 1, argv + 1);
    fprintf(stderr, "loihi-emu: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
