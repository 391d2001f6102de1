/* Command-line front end: `loihi-emu <subcommand> ...`. Each subcommand lives in its
 * own file (emu/cmd_*.c) and returns the process exit status; errors are printed once,
 * here at the top, as "loihi-emu: <message>". */
#ifndef LE_EMU_CLI_H
#define LE_EMU_CLI_H

#include "util/error.h"

#ifdef __cplusplus
extern "C" {
#endif

int le_cli_main(int argc, char **argv);

int le_cmd_run(int argc, char **argv);     /* emu/cmd_run.c */
int le_cmd_boards(int argc, char **argv);  /* emu/cmd_boards.c */
int le_cmd_smnist(int argc, char **argv);  /* emu/cmd_smnist.c */

/* Prints "loihi-emu: <msg>" to stderr and returns the exit status for the code. */
int le_cli_report_error(const le_error *err);

#ifdef __cplusplus
}
#endif
#endif
