// The sMNIST network through the one pipeline (run/pipeline.h), for the sMNIST tests.
#ifndef LE_TESTS_SMNIST_PIPELINE_H
#define LE_TESTS_SMNIST_PIPELINE_H

#include <gtest/gtest.h>

#include "models/smnist/snips.h"
#include "run/pipeline.h"

struct SmnistRun {
    le_network net{};
    le_smnist_pops pops{};
    le_pipeline p{};
    bool ok = false;
    // board NULL: one chip, functional only; otherwise with the cost model (seed 0).
    SmnistRun(const le_smnist_weights *w, const le_smnist_options *opt, const char *board)
    {
        le_network_init(&net);
        le_pipeline_opts po = le_pipeline_defaults();
        po.board = board;
        po.seed = 0;
        po.inject_latency = opt ? opt->inject_latency : le_smnist_options_default().inject_latency;
        le_error e;
        le_code rc = le_smnist_network(w, opt, &net, &pops, &e);
        if (!rc)
            rc = le_pipeline_open(&net, &po, &p, &e);
        EXPECT_EQ(rc, LE_OK) << e.msg;
        ok = rc == LE_OK;
    }
    ~SmnistRun()
    {
        le_pipeline_close(&p);
        le_network_free(&net);
    }
    // Runs the images of st (840 steps each), calling done after each.
    le_code run(le_smnist_snip_state *st, le_inference_done done, void *ctx, le_error *e)
    {
        le_snips sn = le_smnist_snips(st);
        return le_pipeline_run_inferences(&p, st->n_images, LE_SMNIST_STEPS_PER_IMAGE, &sn, done, ctx, e);
    }
};

#endif
