// Interrupted runs and the trace writer's output: a signal stops the step loop between whole
// steps with LE_ERR_INTERRUPTED and exit status 128 + signal; the trace ends with a line
// that marks it incomplete; population names that need quoting are quoted; the report of
// an interrupted run says so, and a whole run's report has no such member.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "models/netfile.h"
#include "report/report.h"
#include "run/pipeline.h"
#include "traces/trace_csv.h"
#include "util/csv.h"
#include "util/interrupt.h"

namespace {

// A network file: one LIF population, named `name`, of two neurons driven by a bias.
struct Loaded {
    le_network net;
    le_pipeline p{};
    Loaded(const std::string &name, bool costed)
    {
        le_network_init(&net);
        char path[] = "/tmp/le_interrupt_XXXXXX.yaml";
        int fd = mkstemps(path, 5);
        std::string yaml = "populations:\n  - {name: \"" + name + "\", size: 2, vth_mant: 10, bias_mant: 30}\n";
        EXPECT_EQ(write(fd, yaml.data(), yaml.size()), (ssize_t)yaml.size());
        close(fd);
        le_error e;
        EXPECT_EQ(le_netfile_load(path, &net, &e), LE_OK) << e.msg;
        unlink(path);
        net.pops[0].traced = 1;
        le_pipeline_opts po = le_pipeline_defaults();
        po.costed = costed;
        EXPECT_EQ(le_pipeline_open(&net, &po, &p, &e), LE_OK) << e.msg;
    }
    ~Loaded()
    {
        le_pipeline_close(&p);
        le_network_free(&net);
    }
};

std::string read_all(FILE *f)
{
    std::fflush(f);
    std::rewind(f);
    std::string s;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
        s.append(buf, n);
    return s;
}

struct ClearSignal {
    ~ClearSignal() { le_interrupt_set(0); }
};

} // namespace

TEST(Interrupt, StepLoopStopsBetweenWholeSteps)
{
    ClearSignal clear;
    Loaded l("a", false);
    le_error e;
    ASSERT_EQ(le_sim_run(l.p.sim, 3, nullptr, &e), LE_OK) << e.msg;
    le_interrupt_set(SIGINT);
    EXPECT_EQ(le_sim_run(l.p.sim, 5, nullptr, &e), LE_ERR_INTERRUPTED);
    EXPECT_EQ(le_sim_step_now(l.p.sim), 3u); // no step begun after the signal
    EXPECT_STREQ(e.msg, "interrupted by SIGINT after step 3");
    EXPECT_EQ(le_exit_status(LE_ERR_INTERRUPTED), 130);
    le_interrupt_set(SIGTERM);
    EXPECT_EQ(le_exit_status(LE_ERR_INTERRUPTED), 143);
    le_interrupt_set(0);
    EXPECT_EQ(le_sim_run(l.p.sim, 2, nullptr, &e), LE_OK) << e.msg; // goes on where it stopped
    EXPECT_EQ(le_sim_step_now(l.p.sim), 5u);
}

TEST(Interrupt, HandlerRecordsTheSignal)
{
    ClearSignal clear;
    le_interrupt_install();
    EXPECT_EQ(le_interrupt_pending(), 0);
    std::raise(SIGTERM); // the handler records it instead of ending the process
    EXPECT_EQ(le_interrupt_pending(), SIGTERM);
    EXPECT_STREQ(le_interrupt_name(SIGTERM), "SIGTERM");
    std::signal(SIGINT, SIG_DFL); // the handler is one-shot for SIGTERM; leave SIGINT as it was
}

TEST(TraceCsv, NamesThatNeedQuotingReadBackAsOneField)
{
    // Name with a comma, a quote and a line break: 6 fields per row, name intact.
    const std::string name = "a,b\\\"c\\nd"; // YAML escapes: a,b"c<newline>d
    Loaded l(name, false);
    FILE *f = std::tmpfile();
    le_trace_csv *tw = nullptr;
    le_error e;
    ASSERT_EQ(le_trace_csv_open(f, &l.net, &l.p.pl, &tw, &e), LE_OK) << e.msg;
    le_trace_csv_attach(tw, l.p.sim);
    ASSERT_EQ(le_sim_run(l.p.sim, 2, nullptr, &e), LE_OK) << e.msg;
    std::fflush(f);
    std::rewind(f);
    le_csv_reader r;
    le_csv_init(&r, f, "trace");
    int have = 0, rows = 0;
    ASSERT_EQ(le_csv_next(&r, &have, &e), LE_OK); // header
    while (le_csv_next(&r, &have, &e) == LE_OK && have) {
        ASSERT_EQ(r.n_fields, 6u) << "row " << rows;
        EXPECT_STREQ(r.field[1], "a,b\"c\nd");
        // By hand: v grows by the bias 30 each step (u stays 0), no spike below 10 << 6.
        uint32_t step = 0, index = 0;
        ASSERT_TRUE(le_csv_uint(&r, 0, 1, 2, &step));
        ASSERT_TRUE(le_csv_uint(&r, 2, 0, 1, &index));
        EXPECT_EQ(std::string(r.field[4]), std::to_string(30 * step));
        rows++;
    }
    EXPECT_EQ(rows, 4);
    le_csv_close(&r);
    std::fclose(f);
    le_sim_set_observer(l.p.sim, nullptr, nullptr);
    le_trace_csv_free(tw);
}

TEST(TraceCsv, InterruptedTraceEndsWithTheIncompleteLine)
{
    ClearSignal clear;
    Loaded l("lif", false);
    FILE *f = std::tmpfile();
    le_trace_csv *tw = nullptr;
    le_error e;
    ASSERT_EQ(le_trace_csv_open(f, &l.net, &l.p.pl, &tw, &e), LE_OK) << e.msg;
    le_trace_csv_attach(tw, l.p.sim);
    ASSERT_EQ(le_sim_run(l.p.sim, 2, nullptr, &e), LE_OK) << e.msg;
    le_interrupt_set(SIGINT);
    ASSERT_EQ(le_sim_run(l.p.sim, 8, nullptr, &e), LE_ERR_INTERRUPTED);
    ASSERT_EQ(le_trace_csv_incomplete(tw, le_sim_step_now(l.p.sim), 10, &e), LE_OK) << e.msg;
    EXPECT_EQ(read_all(f), "step,population,index,u,v,spike\n"
                           "1,lif,0,0,30,0\n1,lif,1,0,30,0\n"
                           "2,lif,0,0,60,0\n2,lif,1,0,60,0\n"
                           "# incomplete: interrupted at step 2 of 10\n");
    std::fclose(f);
    le_sim_set_observer(l.p.sim, nullptr, nullptr);
    le_trace_csv_free(tw);
}

TEST(TraceCsv, WriteErrorNamesTheTrace)
{
    if (access("/dev/full", W_OK) != 0)
        GTEST_SKIP() << "no /dev/full";
    Loaded l("lif", false);
    FILE *f = std::fopen("/dev/full", "w");
    ASSERT_NE(f, nullptr);
    std::setvbuf(f, nullptr, _IONBF, 0); // every row reaches the device at once
    le_trace_csv *tw = nullptr;
    le_error e;
    EXPECT_EQ(le_trace_csv_open(f, &l.net, &l.p.pl, &tw, &e), LE_ERR_IO);
    EXPECT_EQ(tw, nullptr);
    std::fclose(f);
}

TEST(Report, IncompleteRunIsMarkedAndAWholeRunIsNot)
{
    Loaded l("lif", true);
    le_error e;
    ASSERT_EQ(le_sim_run(l.p.sim, 4, nullptr, &e), LE_OK) << e.msg;
    le_costmodel_end_inference(l.p.cm);
    char whole[] = "/tmp/le_report_whole_XXXXXX", part[] = "/tmp/le_report_part_XXXXXX";
    close(mkstemp(whole));
    close(mkstemp(part));
    FILE *table = std::tmpfile();
    ASSERT_EQ(le_report_costmodel(l.p.cm, nullptr, whole, &e), LE_OK) << e.msg;
    ASSERT_EQ(le_report_costmodel_note(l.p.cm, table, part, "interrupted at step 4 of 9", &e), LE_OK) << e.msg;
    FILE *w = std::fopen(whole, "r"), *p = std::fopen(part, "r");
    std::string ws = read_all(w), ps = read_all(p), ts = read_all(table);
    std::fclose(w);
    std::fclose(p);
    std::fclose(table);
    unlink(whole);
    unlink(part);
    EXPECT_EQ(ws.find("incomplete"), std::string::npos);
    EXPECT_EQ(ps.rfind("{\n  \"incomplete\": \"interrupted at step 4 of 9\",\n", 0), 0u) << ps;
    // Apart from that member the two reports are the same bytes.
    EXPECT_EQ(ps.substr(ps.find('\n', 2) + 1), ws.substr(2));
    EXPECT_NE(ts.find("\n  INCOMPLETE: interrupted at step 4 of 9; the figures cover the steps done\n"),
              std::string::npos)
        << ts;
}
