#include "fuzz/targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board/board.h"
#include "chip/arch.h"
#include "models/netfile.h"
#include "models/network.h"
#include "models/nir/nir.h"
#include "models/npy.h"
#include "models/relnet/babi.h"
#include "models/relnet/weights.h"
#include "models/smnist/mnist.h"
#include "place/hints.h"
#include "util/budget.h"
#include "util/error.h"

static char tmp_dir[256];

static void remove_tmp(void)
{
    static const char *const names[] = {"input.yaml", "input.npy", "input.idx", "input.txt", "input.nir",
                                        "input.csv",  "manifest.yaml"};
    char p[512];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp_dir, names[i]);
        unlink(p);
    }
    rmdir(tmp_dir);
}

/* Writes the input to TMP/name and returns its path (static storage), or NULL. */
static const char *write_input(const char *name, const uint8_t *data, size_t size)
{
    static char path[512];
    if (!tmp_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(tmp_dir, sizeof tmp_dir, "%s/le-fuzz-XXXXXX", t && t[0] ? t : "/tmp");
        if (!mkdtemp(tmp_dir)) {
            tmp_dir[0] = '\0';
            return NULL;
        }
        atexit(remove_tmp);
    }
    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    size_t w = size ? fwrite(data, 1, size, f) : 0;
    if (fclose(f) != 0 || w != size)
        return NULL;
    le_budget_set(LE_FUZZ_BUDGET);
    return path;
}

static int run_netfile(const uint8_t *data, size_t size)
{
    const char *p = write_input("input.yaml", data, size);
    if (!p)
        return -1;
    le_network net;
    le_network_init(&net);
    le_error err;
    le_code rc = le_netfile_load(p, &net, &err);
    le_network_free(&net);
    return (int)rc;
}

static int run_arch(const uint8_t *data, size_t size)
{
    const char *p = write_input("input.yaml", data, size);
    if (!p)
        return -1;
    le_arch a;
    le_error err;
    return (int)le_arch_load(p, &a, &err);
}

static int run_board(const uint8_t *data, size_t size)
{
    const char *p = write_input("input.yaml", data, size);
    if (!p)
        return -1;
    le_board_spec b;
    le_error err;
    return (int)le_board_load(p, NULL, &b, &err);
}

static int run_hints(const uint8_t *data, size_t size)
{
    const char *p = write_input("input.yaml", data, size);
    if (!p)
        return -1;
    le_hints h;
    le_error err;
    le_code rc = le_hints_load(p, &h, &err);
    if (rc == LE_OK)
        le_hints_free(&h);
    return (int)rc;
}

static int run_manifest(const uint8_t *data, size_t size)
{
    if (!write_input("manifest.yaml", data, size))
        return -1;
    le_relnet_weights w;
    le_error err;
    le_code rc = le_relnet_weights_load(tmp_dir, &w, &err);
    if (rc == LE_OK)
        le_relnet_weights_free(&w);
    return (int)rc;
}

static int run_npy(const uint8_t *data, size_t size)
{
    const char *p = write_input("input.npy", data, size);
    if (!p)
        return -1;
    le_npy a;
    le_error err;
    le_code rc = le_npy_read(p, 0, 0, &a, &err);
    le_npy_free(&a);
    return (int)rc;
}

static int run_idx(const uint8_t *data, size_t size)
{
    const char *p = write_input("input.idx", data, size);
    if (!p)
        return -1;
    le_error err;
    uint8_t *px = NULL, *lab = NULL;
    uint32_t n = 0, r = 0, c = 0;
    le_code rc = le_idx_read_images(p, &px, &n, &r, &c, &err);
    if (rc == LE_OK)
        free(px);
    le_code rc2 = le_idx_read_labels(p, &lab, &n, &err);
    if (rc2 == LE_OK)
        free(lab);
    return (int)(rc ? rc : rc2);
}

static int run_babi(const uint8_t *data, size_t size)
{
    const char *p = write_input("input.txt", data, size);
    if (!p)
        return -1;
    le_babi_corpus c;
    le_babi_corpus_init(&c);
    le_error err;
    le_code rc = le_babi_read_file(&c, p, 1, LE_BABI_TEST, &err);
    le_babi_corpus_free(&c);
    return (int)rc;
}

static int run_questions(const uint8_t *data, size_t size)
{
    const char *p = write_input("input.csv", data, size);
    if (!p)
        return -1;
    le_babi_qid *q = NULL;
    uint32_t n = 0;
    le_error err;
    le_code rc = le_babi_qids_read(p, &q, &n, &err);
    free(q);
    return (int)rc;
}

static int run_nir(const uint8_t *data, size_t size)
{
    const char *p = write_input("input.nir", data, size);
    if (!p)
        return -1;
    le_nir_graph g;
    le_error err;
    le_code rc = le_nir_read(p, &g, &err);
    le_nir_free(&g);
    return (int)rc;
}

static const le_fuzz_target targets[] = {
    {"netfile", run_netfile}, {"arch", run_arch}, {"board", run_board}, {"hints", run_hints},
    {"manifest", run_manifest}, {"npy", run_npy}, {"idx", run_idx}, {"babi", run_babi}, {"questions", run_questions},
    {"nir", run_nir},
};

const le_fuzz_target *le_fuzz_targets(size_t *n)
{
    *n = sizeof targets / sizeof targets[0];
    return targets;
}

const le_fuzz_target *le_fuzz_find(const char *name)
{
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        if (!strcmp(targets[i].name, name))
            return &targets[i];
    return NULL;
}
