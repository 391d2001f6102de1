/* bench_load: how fast network files load, and with how much memory (bench/README.md,
 * "Loading"). It writes a seeded network the size of a DVS-gesture convolutional net (65
 * cores of populations, about 3.6 M synapses, about 90 MB of YAML synapse lists, 300 k input
 * spikes) twice: once with the synapses as YAML lists, once as `npy_sparse` triplets. Each file
 * is then loaded by le_netfile_load in a child process of its own, so that the peak resident
 * memory reported is that load's, and the two loads must give the same network (checked). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"
#include "models/netfile.h"
#include "models/npy_write.h"

typedef struct {
    const char *name, *kind;
    uint32_t size;
} pop_def;

/* 128 x 128 x 2 DVS events into conv-sized LIF layers, a dense head and 11 classes: 65 cores
 * of 1024 compartments. */
static const pop_def pops[] = {
    {"dvs", "input", 32768}, {"conv1", "lif", 32768}, {"conv2", "lif", 16384}, {"conv3", "lif", 8192},
    {"conv4", "lif", 4096},  {"dense", "lif", 4096},  {"out", "lif", 11},
};
enum { N_POPS = sizeof pops / sizeof pops[0] };
/* Share of the synapses per connection pops[i] -> pops[i + 1], in per mille. */
static const unsigned share[N_POPS - 1] = {280, 280, 220, 130, 80, 10};

typedef struct {
    double wall, cpu;
    long rss0_kb, peak_kb;
    uint64_t bytes_net, hash;
    uint32_t n_syn, n_inputs;
    int rc;
    char msg[1100];
} result;

static long rss_now_kb(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f)
        return 0;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
        rss = 0;
    fclose(f);
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static double cpu_s(void)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)r.ru_utime.tv_sec + (double)r.ru_stime.tv_sec + 1e-6 * (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* The network's identity: populations, every synapse (delays as 0 when absent), inputs. */
static uint64_t net_hash(const le_network *net, uint64_t *bytes)
{
    uint64_t h = 1469598103934665603ull, b = 0;
    for (uint32_t i = 0; i < net->n_pops; i++) {
        h = fnv(h, net->pops[i].name, strlen(net->pops[i].name));
        h = fnv(h, &net->pops[i].size, sizeof net->pops[i].size);
    }
    for (uint32_t c = 0; c < net->n_conns; c++) {
        const le_connection *cn = &net->conns[c];
        h = fnv(h, &cn->n, sizeof cn->n);
        h = fnv(h, cn->src, cn->n * sizeof *cn->src);
        h = fnv(h, cn->dst, cn->n * sizeof *cn->dst);
        h = fnv(h, cn->weight, cn->n * sizeof *cn->weight);
        for (uint32_t k = 0; k < cn->n; k++) {
            uint8_t d = cn->delay ? cn->delay[k] : 0;
            h = fnv(h, &d, 1);
        }
        b += (uint64_t)cn->n * (sizeof *cn->src + sizeof *cn->dst + sizeof *cn->weight) + (cn->delay ? cn->n : 0);
    }
    h = fnv(h, net->inputs, net->n_inputs * sizeof *net->inputs);
    b += (uint64_t)net->n_inputs * sizeof *net->inputs + net->n_pops * sizeof *net->pops;
    *bytes = b;
    return h;
}

static result load_in_child(const char *path)
{
    result r;
    memset(&r, 0, sizeof r);
    int fd[2];
    if (pipe(fd)) {
        r.rc = -1;
        snprintf(r.msg, sizeof r.msg, "pipe: %s", strerror(errno));
        return r;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        r.rss0_kb = rss_now_kb();
        le_network net;
        le_error err;
        le_error_clear(&err);
        double c0 = cpu_s(), t0 = now_s();
        r.rc = (int)le_netfile_load(path, &net, &err);
        r.wall = now_s() - t0;
        r.cpu = cpu_s() - c0;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        r.peak_kb = ru.ru_maxrss;
        if (r.rc)
            snprintf(r.msg, sizeof r.msg, "%s", err.msg);
        else {
            r.hash = net_hash(&net, &r.bytes_net);
            for (uint32_t c = 0; c < net.n_conns; c++)
                r.n_syn += net.conns[c].n;
            r.n_inputs = net.n_inputs;
        }
        le_network_free(&net);
        ssize_t w = write(fd[1], &r, sizeof r);
        _exit(w == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fd[1]);
    ssize_t got = read(fd[0], &r, sizeof r);
    close(fd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    if (got != (ssize_t)sizeof r) {
        memset(&r, 0, sizeof r);
        r.rc = -1;
        snprintf(r.msg, sizeof r.msg, "the loading process died (status %d)", st);
    }
    return r;
}

static int write_npy_or_die(const char *path, le_npy_dtype t, size_t n, const void *data)
{
    le_error err;
    if (le_npy_write(path, t, n, 0, data, &err)) {
        fprintf(stderr, "bench_load: %s\n", err.msg);
        return 1;
    }
    return 0;
}

/* Writes DIR/net_list.yaml and DIR/net_npy.yaml (+ its .npy files): the same network. */
static int generate(const char *dir, uint64_t n_syn_total, uint32_t n_input_neurons, uint32_t spikes_per_input,
                    uint32_t steps)
{
    char p1[4096], p2[4096];
    snprintf(p1, sizeof p1, "%s/net_list.yaml", dir);
    snprintf(p2, sizeof p2, "%s/net_npy.yaml", dir);
    FILE *a = fopen(p1, "w"), *b = fopen(p2, "w");
    if (!a || !b) {
        fprintf(stderr, "bench_load: cannot write in %s: %s\n", dir, strerror(errno));
        return 1;
    }
    static char bufa[1 << 20];
    setvbuf(a, bufa, _IOFBF, sizeof bufa);
    FILE *both[2] = {a, b};
    for (int f = 0; f < 2; f++) {
        fprintf(both[f], "# bench_load network (seeded): %llu synapses\npopulations:\n", (unsigned long long)n_syn_total);
        for (int i = 0; i < N_POPS; i++)
            fprintf(both[f], "  - {name: %s, kind: %s, size: %u%s}\n", pops[i].name, pops[i].kind, pops[i].size,
                    i ? ", decay_u: 1024, decay_v: 512, vth_mant: 200" : "");
        fprintf(both[f], "connections:\n");
    }
    for (int c = 0; c + 1 < N_POPS; c++) {
        size_t n = (size_t)(n_syn_total * share[c] / 1000);
        const uint32_t ns = pops[c].size, nd = pops[c + 1].size;
        int with_delay = c == 2; /* one connection carries per-synapse delays */
        int32_t *src = malloc(n * sizeof *src), *dst = malloc(n * sizeof *dst);
        int16_t *w = malloc(n * sizeof *w);
        uint8_t *d = malloc(n);
        if (!src || !dst || !w || !d) {
            fprintf(stderr, "bench_load: out of memory\n");
            return 1;
        }
        fprintf(a, "  - from: %s\n    to: %s\n    wexp: 1\n    synapses:\n", pops[c].name, pops[c + 1].name);
        for (size_t k = 0; k < n; k++) {
            src[k] = (int32_t)(rnd() % ns);
            dst[k] = (int32_t)(rnd() % nd);
            int32_t x = (int32_t)(rnd() % 255) - 127;
            w[k] = (int16_t)(x == 0 ? 1 : x);
            d[k] = (uint8_t)(rnd() % 4);
            if (with_delay)
                fprintf(a, "    - [%d, %d, %d, %d]\n", src[k], dst[k], w[k], d[k]);
            else
                fprintf(a, "    - [%d, %d, %d]\n", src[k], dst[k], w[k]);
        }
        char ps[4096], pd[4096], pw[4096], pl[4096];
        snprintf(ps, sizeof ps, "%s/c%d_src.npy", dir, c);
        snprintf(pd, sizeof pd, "%s/c%d_dst.npy", dir, c);
        snprintf(pw, sizeof pw, "%s/c%d_w.npy", dir, c);
        snprintf(pl, sizeof pl, "%s/c%d_delay.npy", dir, c);
        if (write_npy_or_die(ps, LE_NPY_INT32, n, src) || write_npy_or_die(pd, LE_NPY_INT32, n, dst) ||
            write_npy_or_die(pw, LE_NPY_INT16, n, w) || (with_delay && write_npy_or_die(pl, LE_NPY_UINT8, n, d)))
            return 1;
        fprintf(b, "  - from: %s\n    to: %s\n    wexp: 1\n    npy_sparse: {src: c%d_src.npy, dst: c%d_dst.npy, "
                   "w: c%d_w.npy%s",
                pops[c].name, pops[c + 1].name, c, c, c, with_delay ? ", delay: " : "}\n");
        if (with_delay)
            fprintf(b, "c%d_delay.npy}\n", c);
        free(src);
        free(dst);
        free(w);
        free(d);
    }
    /* Input spike lists: both files carry the same ones as YAML. */
    for (int f = 0; f < 2; f++)
        fprintf(both[f], "inputs:\n");
    for (uint32_t i = 0; i < n_input_neurons; i++) {
        char line[16384];
        int len = snprintf(line, sizeof line, "  - {population: dvs, neuron: %u, steps: [",
                           i * (pops[0].size / n_input_neurons));
        uint32_t s = 1 + rnd() % 8;
        for (uint32_t k = 0; k < spikes_per_input && s <= steps && len < (int)sizeof line - 32; k++) {
            len += snprintf(line + len, sizeof line - (size_t)len, k ? ", %u" : "%u", s);
            s += 1 + rnd() % (2 * steps / spikes_per_input);
        }
        for (int f = 0; f < 2; f++)
            fprintf(both[f], "%s]}\n", line);
    }
    if (fclose(a) || fclose(b)) {
        fprintf(stderr, "bench_load: writing %s: %s\n", dir, strerror(errno));
        return 1;
    }
    return 0;
}

static long long file_bytes(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long long)st.st_size;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_load [--synapses N] [--inputs N] [--spikes K] [--seed S] [--dir DIR] "
                    "[--forms list,npy] [--keep]\n");
}

int main(int argc, char **argv)
{
    uint64_t n_syn = 3600000, seed = 1;
    uint32_t n_inp = 16384, spikes = 20, steps = 1000;
    const char *dir = NULL, *forms = "list,npy";
    int keep = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--keep")) {
            keep = 1;
            continue;
        }
        if (!v) {
            usage();
            return 2;
        }
        i++;
        if (!strcmp(o, "--synapses"))
            n_syn = strtoull(v, NULL, 10);
        else if (!strcmp(o, "--inputs"))
            n_inp = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(o, "--spikes"))
            spikes = (uint32_t)strtoul(v, NULL, 10);
        else if (!strcmp(o, "--seed"))
            seed = strtoull(v, NULL, 10);
        else if (!strcmp(o, "--dir"))
            dir = v;
        else if (!strcmp(o, "--forms"))
            forms = v;
        else {
            usage();
            return 2;
        }
    }
    if (n_inp == 0 || n_inp > pops[0].size || spikes == 0 || spikes > steps / 2) {
        fprintf(stderr, "bench_load: --inputs 1..%u, --spikes 1..%u\n", pops[0].size, steps / 2);
        return 2;
    }
    char tmpl[] = "/tmp/bench_load.XXXXXX";
    int made = 0;
    if (!dir) {
        if (!mkdtemp(tmpl)) {
            fprintf(stderr, "bench_load: mkdtemp: %s\n", strerror(errno));
            return 1;
        }
        dir = tmpl;
        made = 1;
    }
    rng_state = seed * 0x9E3779B97F4A7C15ull + 1;
    char p_list[4096], p_npy[4096];
    snprintf(p_list, sizeof p_list, "%s/net_list.yaml", dir);
    snprintf(p_npy, sizeof p_npy, "%s/net_npy.yaml", dir);
    double t0 = now_s();
    if (generate(dir, n_syn, n_inp, spikes, steps))
        return 1;
    printf("generated dir=%s synapses=%llu seconds=%.2f list_yaml_bytes=%lld npy_yaml_bytes=%lld\n", dir,
           (unsigned long long)n_syn, now_s() - t0, file_bytes(p_list), file_bytes(p_npy));

    int status = 0;
    uint64_t hashes[2] = {0, 0};
    int n_ok = 0;
    const char *paths[2] = {p_list, p_npy}, *names[2] = {"list", "npy"};
    for (int f = 0; f < 2; f++) {
        if (!strstr(forms, names[f]))
            continue;
        long long bytes = file_bytes(paths[f]);
        if (f == 1) /* the npy form reads its arrays too */
            for (int c = 0; c + 1 < N_POPS; c++) {
                static const char *const part[] = {"src", "dst", "w", "delay"};
                for (int k = 0; k < 4; k++) {
                    char pp[4096];
                    snprintf(pp, sizeof pp, "%s/c%d_%s.npy", dir, c, part[k]);
                    long long s = file_bytes(pp);
                    bytes += s > 0 ? s : 0;
                }
            }
        result r = load_in_child(paths[f]);
        if (r.rc) {
            printf("load form=%s error: %s\n", names[f], r.msg);
            status = 1;
            continue;
        }
        printf("load form=%s bytes=%lld wall_s=%.3f cpu_s=%.3f mb_per_cpu_s=%.1f synapses=%u inputs=%u "
               "network_mib=%.1f rss_before_mib=%.1f peak_rss_mib=%.1f peak_over_network=%.2f\n",
               names[f], bytes, r.wall, r.cpu, (double)bytes / 1e6 / (r.cpu > 0 ? r.cpu : 1e-9), r.n_syn,
               r.n_inputs, (double)r.bytes_net / 1048576.0, (double)r.rss0_kb / 1024.0, (double)r.peak_kb / 1024.0,
               (double)(r.peak_kb - r.rss0_kb) * 1024.0 / (double)(r.bytes_net ? r.bytes_net : 1));
        hashes[n_ok++] = r.hash;
    }
    if (n_ok == 2) {
        int same = hashes[0] == hashes[1];
        printf("compare same_network=%s\n", same ? "yes" : "NO");
        if (!same)
            status = 1;
    }
    if (made && !keep) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_load: could not remove %s\n", dir);
    }
    return status;
}
