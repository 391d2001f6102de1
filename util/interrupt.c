#include "util/interrupt.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static volatile sig_atomic_t caught;

static void on_signal(int sig)
{
    caught = sig;
}

void le_interrupt_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    /* One-shot: a second Ctrl-C kills a run that does not reach the end of its step. */
    sa.sa_flags = SA_RESETHAND;
    /* A signal ignored when the program started (nohup, a background job of a script)
     * stays ignored. */
    int sigs[2] = {SIGINT, SIGTERM};
    for (int i = 0; i < 2; i++) {
        struct sigaction old;
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

int le_interrupt_pending(void)
{
    return caught;
}

const char *le_interrupt_name(int sig)
{
    static char other[32];
    if (sig == SIGINT)
        return "SIGINT";
    if (sig == SIGTERM)
        return "SIGTERM";
    snprintf(other, sizeof other, "signal %d", sig);
    return other;
}

int le_interrupt_exit_status(void)
{
    return 128 + (caught ? caught : SIGINT);
}

void le_interrupt_set(int sig)
{
    caught = sig;
}
