// The CLI is plain C (emu/cli.c). libsystemc's own main() would print the SystemC banner
// on every command, so this program has its own main(); the SystemC kernel starts only
// for commands that use it (the systemc engine, the systemc network modes), which do not go
// through sc_main.
#include <cstdio>

#include <systemc>

#include "emu/cli.h"
#include "noc/noc_systemc.h"
#include "run/mpi.h"

static int run(int argc, char **argv)
{
    le_error err;
    if (le_noc_systemc_register(&err) != LE_OK) {
        std::fprintf(stderr, "loihi-emu: %s\n", err.msg);
        return le_exit_status(err.code);
    }
    return le_cli_main(argc, argv);
}

// libsystemc refers to sc_main; it is never the entry point of this program.
int sc_main(int argc, char **argv)
{
    return run(argc, argv);
}

// Under mpirun every rank runs the same command (docs/mpi.md); the exit status is the one
// the ranks agree on.
int main(int argc, char **argv)
{
    le_mpi_init(&argc, &argv);
    // Rank 0 prints the results; the others' standard output would repeat or garble them.
    if (le_mpi_rank() != 0 && !std::freopen("/dev/null", "w", stdout))
        return 1;
    return le_mpi_finalize(run(argc, argv));
}
