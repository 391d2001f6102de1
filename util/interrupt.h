/* SIGINT and SIGTERM end a run cleanly: the handler only records the signal; the time-step
 * loop looks at it after each whole step and returns LE_ERR_INTERRUPTED, and the command
 * then closes its outputs marked incomplete and exits 128 + the signal's number (130 for
 * SIGINT, 143 for SIGTERM), as a shell reports a process the signal killed.
 *
 * The handler resets itself: a second signal ends the process at once (the outputs stay
 * behind as PATH.tmp-PID files, never under their own names). */
#ifndef LE_UTIL_INTERRUPT_H
#define LE_UTIL_INTERRUPT_H

#ifdef __cplusplus
extern "C" {
#endif

/* Installs the handler for SIGINT and SIGTERM (the command-line program does; a library
 * user such as the Python package keeps its own). A signal that is ignored when this is
 * called (nohup, a background job of a shell script) stays ignored. */
void le_interrupt_install(void);

/* The signal that arrived (SIGINT or SIGTERM), 0 when none. Cheap: one load of a
 * sig_atomic_t, so the step loop asks it every step. */
int le_interrupt_pending(void);

/* "SIGINT", "SIGTERM" or "signal N". */
const char *le_interrupt_name(int sig);

/* Exit status for an interrupted run: 128 + the signal's number (130 when none was seen). */
int le_interrupt_exit_status(void);

/* For tests: records sig as if it had arrived (0 forgets it). */
void le_interrupt_set(int sig);

#ifdef __cplusplus
}
#endif
#endif
