/* sMNIST pipeline benchmark: wall time per image for the whole pipeline (authors' snips,
 * neuro-core, cost model and ledger) and peak memory. Target on one core: <= 14.11 ms per
 * image, the chip's own latency (seed 002 Table S1), i.e. the 10,000 test images in <= 141 s.
 * usage: bench_smnist [--images N] [--data DIR] [--board NAME] [--noc load|packet]
 * Prints one line per mode (functional only, with the cost model) as `key=value` pairs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "run/pipeline.h"
#include "models/smnist/mnist.h"
#include "models/smnist/smnist.h"
#include "models/smnist/snips.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* One pass over images first..first+n-1; with_cost: through the cost model and ledger. */
static int pass(const le_mnist *m, const le_smnist_weights *w, uint32_t n, const char *board, const le_noc_mode *noc,
                int with_cost, double *wall, uint32_t *correct)
{
    le_error err;
    le_network net;
    le_network_init(&net);
    le_smnist_pops pops;
    le_pipeline pipe;
    le_pipeline_opts po = le_pipeline_defaults();
    po.board = with_cost ? board : NULL;
    po.noc = noc;
    po.seed = 0;
    double t0 = now_s();
    if (le_smnist_network(w, NULL, &net, &pops, &err) || le_pipeline_open(&net, &po, &pipe, &err)) {
        fprintf(stderr, "bench_smnist: %s\n", err.msg);
        le_network_free(&net);
        return 1;
    }
    le_costmodel *cm = pipe.cm;
    uint32_t *idx = malloc(n * sizeof *idx);
    uint8_t *pred = malloc(n);
    if (!idx || !pred) {
        fprintf(stderr, "bench_smnist: out of memory\n");
        return 1;
    }
    for (uint32_t k = 0; k < n; k++)
        idx[k] = k;
    le_smnist_snip_state st;
    le_smnist_snip_init(&st, m, idx, n, &pops, pred, NULL, le_sim_step_now(pipe.sim));
    le_snips sn = le_smnist_snips(&st);
    int rc = 0;
    if (le_pipeline_run_inferences(&pipe, n, LE_SMNIST_STEPS_PER_IMAGE, &sn, NULL, NULL, &err)) {
        fprintf(stderr, "bench_smnist: %s\n", err.msg);
        rc = 1;
    }
    if (cm) {
        le_cost_summary s;
        le_costmodel_summary(cm, &s); /* part of the pipeline: the report's totals */
    }
    *wall = now_s() - t0;
    *correct = 0;
    for (uint32_t k = 0; k < n; k++)
        *correct += pred[k] == m->labels[k];
    le_pipeline_close(&pipe);
    le_network_free(&net);
    free(idx);
    free(pred);
    return rc;
}

int main(int argc, char **argv)
{
    uint32_t n = 200;
    const char *data = NULL, *board = "nahuku32";
    const le_noc_mode *noc = LE_NOC_LOAD;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--images"))
            n = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--data"))
            data = argv[i + 1];
        else if (!strcmp(argv[i], "--board"))
            board = argv[i + 1];
        else if (!strcmp(argv[i], "--noc"))
            noc = !strcmp(argv[i + 1], "packet") ? LE_NOC_PACKET : LE_NOC_LOAD; /* the C library's modes only */
        else {
            fprintf(stderr, "usage: bench_smnist [--images N] [--data DIR] [--board NAME] [--noc load|packet]\n");
            return 2;
        }
    }
    if (n == 0 || n > LE_MNIST_T10K_N) {
        fprintf(stderr, "bench_smnist: --images must be 1..10000\n");
        return 2;
    }
    le_error err;
    le_mnist m;
    le_smnist_weights w;
    const char *dir = le_data_dir(data);
    char wdir[4096];
    snprintf(wdir, sizeof wdir, "%s/%s", dir, LE_SMNIST_WEIGHTS);
    if (le_mnist_load_t10k(dir, &m, &err) || le_smnist_weights_load(wdir, &w, &err)) {
        fprintf(stderr, "bench_smnist: %s\n", err.msg);
        return 1;
    }
    int rc = 0;
    for (int with_cost = 0; with_cost <= 1 && !rc; with_cost++) {
        double wall = 0;
        uint32_t correct = 0;
        /* CPU time too: on a shared machine wall time measures the neighbours as well. */
        struct timespec c0, c1;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
        rc = pass(&m, &w, n, board, noc, with_cost, &wall, &correct);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
        double cpu = (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec);
        if (rc)
            break;
        double per = wall / n;
        printf("bench_smnist mode=%s board=%s noc=%s images=%u wall_s=%.3f ms_per_image=%.3f "
               "projected_10000_s=%.1f target_ms=14.11 meets_target=%s accuracy_pct=%.2f cpu_ms_per_image=%.3f\n",
               with_cost ? "pipeline+ledger" : "functional", with_cost ? board : "-",
               le_noc_mode_name(noc), n, wall, per * 1e3, per * 10000, per * 1e3 <= 14.11 ? "yes" : "no",
               100.0 * correct / n, cpu / n * 1e3);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("bench_smnist peak_rss_mib=%.1f\n", (double)ru.ru_maxrss / 1024.0);
    le_smnist_weights_free(&w);
    le_mnist_free(&m);
    return rc;
}
