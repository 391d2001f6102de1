// The CLI is plain C (emu/cli.c). libsystemc's own main() would print the SystemC banner
// on every command, so this program has its own main(); the SystemC kernel starts only
// for commands that use it (the systemc engine), which do not go through sc_main.
#include <systemc>

#include "emu/cli.h"

// libsystemc refers to sc_main; it is never the entry point of this program.
int sc_main(int argc, char **argv)
{
    return le_cli_main(argc, argv);
}

int main(int argc, char **argv)
{
    return le_cli_main(argc, argv);
}
