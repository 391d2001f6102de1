#include "emu/cli.h"

#include <stdio.h>
#include <string.h>

#define LE_VERSION "0.1.0"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: loihi-emu <command> [options]\n"
            "\n"
            "Cycle-approximate emulator of Intel's Loihi neuromorphic chip and its boards.\n"
            "\n"
            "commands:\n"
            "  run NET.yaml     run a network file (trace, board, network mode, report)\n"
            "  smnist           the seed paper's sMNIST LSNN on MNIST: accuracy and Table S1 EDP report\n"
            "  boards           list the shipped boards\n"
            "  version          print the version\n"
            "\n"
            "`loihi-emu <command> --help` describes each command.\n");
}

int le_cli_report_error(const le_error *err)
{
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
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("loihi-emu %s\n", LE_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "run"))
        return le_cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "boards"))
        return le_cmd_boards(argc - 1, argv + 1);
    if (!strcmp(cmd, "smnist"))
        return le_cmd_smnist(argc - 1, argv + 1);
    fprintf(stderr, "loihi-emu: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
