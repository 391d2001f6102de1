// The worker pool (run/jobs.h) and the farm over it (run/batch.h, one process): commits in
// task order whatever the number of workers and however long each task takes, and the error
// of the lowest failing task, which is what a serial loop meets first.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "run/batch.h"
#include "run/jobs.h"

namespace {

struct Order {
    std::vector<uint32_t> committed;
    std::atomic<int> running{0}, most{0};
    uint32_t fail_at = UINT32_MAX, fail_also = UINT32_MAX;
};

le_code work(void *ctx, uint32_t, uint32_t t, le_error *err)
{
    Order *o = static_cast<Order *>(ctx);
    int now = ++o->running;
    int m = o->most.load();
    while (now > m && !o->most.compare_exchange_weak(m, now)) {
    }
    // Early tasks take longest, so that later ones finish first.
    std::this_thread::sleep_for(std::chrono::microseconds(t < 8 ? 2000 - 200 * t : 10));
    --o->running;
    if (t == o->fail_at || t == o->fail_also)
        return le_fail(err, LE_ERR_DATA, "task %u failed", t);
    return LE_OK;
}

le_code commit(void *ctx, uint32_t t, le_error *)
{
    static_cast<Order *>(ctx)->committed.push_back(t);
    return LE_OK;
}

} // namespace

TEST(Jobs, CommitsInTaskOrderWhateverTheWorkers)
{
    for (uint32_t workers : {1u, 2u, 3u, 8u}) {
        Order o;
        le_error err;
        ASSERT_EQ(le_jobs_run(40, workers, 0, work, commit, &o, &err), LE_OK) << err.msg;
        ASSERT_EQ(o.committed.size(), 40u);
        for (uint32_t t = 0; t < 40; t++)
            EXPECT_EQ(o.committed[t], t) << workers << " workers";
        EXPECT_LE(o.most.load(), (int)workers);
        if (workers > 1) {
            EXPECT_GT(o.most.load(), 1) << "tasks never overlapped";
        }
    }
}

TEST(Jobs, LowestFailingTaskWins)
{
    for (uint32_t workers : {1u, 3u}) {
        Order o;
        o.fail_at = 5;   // slow
        o.fail_also = 9; // fast, finishes first with several workers
        le_error err;
        EXPECT_EQ(le_jobs_run(40, workers, 0, work, commit, &o, &err), LE_ERR_DATA);
        EXPECT_STREQ(err.msg, "task 5 failed");
        ASSERT_EQ(o.committed.size(), 5u) << "tasks before the failing one are committed, no later one";
    }
}

TEST(Jobs, ParsesTheOption)
{
    uint32_t n = 0;
    le_error err;
    EXPECT_EQ(le_jobs_parse("--jobs", "3", &n, &err), LE_OK);
    EXPECT_EQ(n, 3u);
    EXPECT_EQ(le_jobs_parse("--jobs", "0", &n, &err), LE_OK);
    EXPECT_EQ(n, le_jobs_default());
    EXPECT_GE(n, 1u);
    for (const char *bad : {"", "-2", "x", "2x", "1025"})
        EXPECT_EQ(le_jobs_parse("--jobs", bad, &n, &err), LE_ERR_USAGE) << bad;
}

namespace {
le_code square(void *, uint32_t, uint32_t t, le_vec *out, le_error *)
{
    uint64_t v = (uint64_t)t * t;
    for (size_t i = 0; i < sizeof v; i++)
        le_vec_push(out, (const char *)&v + i);
    return LE_OK;
}
le_code sum(void *ctx, uint32_t t, const void *bytes, size_t len, le_error *err)
{
    auto *s = static_cast<std::vector<uint64_t> *>(ctx);
    uint64_t v;
    if (len != sizeof v)
        return le_fail(err, LE_ERR_IO, "task %u: %zu bytes", t, len);
    memcpy(&v, bytes, sizeof v);
    s->push_back(v);
    return LE_OK;
}
} // namespace

TEST(Jobs, FarmHandsBackEachTasksBytesInOrder)
{
    std::vector<uint64_t> got;
    le_error err;
    ASSERT_EQ(le_farm_run(17, 3, square, sum, &got, &err), LE_OK) << err.msg;
    ASSERT_EQ(got.size(), 17u);
    for (uint64_t t = 0; t < 17; t++)
        EXPECT_EQ(got[t], t * t);
}
