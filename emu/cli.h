/* Command-line front end: `loihi-emu <command> ...`. Each command lives in its own file
 * (emu/cmd_*.c) and returns the process exit status; errors are printed once, as
 * "loihi-emu: <message>".
 *
 * Adding a command: write emu/cmd_NAME.c with `int le_cmd_NAME(int argc, char **argv)`
 * (argv[0] is the command's name), declare it below and add one line to the table in
 * emu/cli.c; `loihi-emu --help` lists it from there. */
#ifndef LE_EMU_CLI_H
#define LE_EMU_CLI_H

#include <stddef.h>

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *name;
    const char *args; /* what follows the name in the --help listing, e.g. "NET.yaml"; "" for none */
    const char *help; /* one line */
    int (*main)(int argc, char **argv);
} le_command;

/* The commands in --help order; *n gets their number. */
const le_command *le_cli_commands(size_t *n);

int le_cli_main(int argc, char **argv);

int le_cmd_run(int argc, char **argv);     /* emu/cmd_run.c */
int le_cmd_boards(int argc, char **argv);  /* emu/cmd_boards.c */
int le_cmd_smnist(int argc, char **argv);  /* emu/cmd_smnist.c */
int le_cmd_relnet(int argc, char **argv);  /* emu/cmd_relnet.c */
int le_cmd_nir(int argc, char **argv);     /* emu/cmd_nir.c */
int le_cmd_compare(int argc, char **argv); /* emu/cmd_compare.c */
int le_cmd_sweep(int argc, char **argv);   /* emu/cmd_sweep.c */

/* Prints "loihi-emu: <msg>" to stderr and returns the exit status for the code. */
int le_cli_report_error(const le_error *err);

/* A usage error of command cmd: prints "loihi-emu: " + fmt (with arg) and a pointer to the
 * command's --help; returns the usage exit status. */
int le_cli_usage_error(const char *cmd, const char *fmt, const char *arg);

#ifdef __cplusplus
}
#endif
#endif
