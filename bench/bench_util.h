/* Shared by the benchmarks: a seeded random stream that is the same on every machine, and a
 * monotonic clock. Each benchmark is its own executable, so the state is per program. */
#ifndef LE_BENCH_BENCH_UTIL_H
#define LE_BENCH_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

static uint64_t rng_state;
static inline uint32_t rnd(void)
{
    /* xorshift64*: fast, seeded, the same stream on every machine */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
