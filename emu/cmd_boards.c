/* Placeholder until the subcommand lands; replaced by its owner. */
#include <stdio.h>

#include "emu/cli.h"

int le_cmd_boards(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "loihi-emu: 'boards' is not built yet\n");
    return 1;
}
