/* loihi_emu._core: the CPython extension over the C library. It holds the C objects (an
 * le_network, an le_pipeline) and moves whole arrays across the boundary; the friendlier API
 * (names, dicts, keyword defaults, array slicing) is Python in loihi_emu/__init__.py.
 *
 * Arrays arrive already converted to the C element type and C-contiguous (the Python side
 * does that with numpy, vectorised), so handing a connection to C is one memcpy per array. */
#define PY_SSIZE_T_CLEAN
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <Python.h>
#include <numpy/arrayobject.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/netfile.h"
#include "models/nir/nir.h"
#include "models/network.h"
#include "models/smnist/mnist.h"
#include "models/smnist/smnist.h"
#include "models/smnist/snips.h"
#include "emu/relnet_map.h"
#include "emu/relnet_run.h"
#include "models/relnet/babi.h"
#include "models/relnet/strategy.h"
#include "models/relnet/table_s2.h"
#include "models/relnet/weights.h"
#include "noc/noc_systemc.h"
#include "place/hints.h"
#include "report/report.h"
#include "run/pipeline.h"
#include "util/path.h"

/* Error classes, one per le_code; all derive from loihi_emu.Error. */
static PyObject *err_base;
static PyObject *err_by_code[LE_ERR_USAGE + 1];

static PyObject *raise_le(const le_error *e)
{
    PyObject *cls = err_base;
    if (e->code > LE_OK && e->code <= LE_ERR_USAGE && err_by_code[e->code])
        cls = err_by_code[e->code];
    PyErr_SetString(cls, e->msg);
    return NULL;
}

/* The array behind obj, which the Python side made C-contiguous of the right type; a wrong
 * one here is a bug of the package, so it is reported, not converted. */
static PyArrayObject *as_array(PyObject *obj, int type, const char *what)
{
    if (!PyArray_Check(obj) || PyArray_TYPE((PyArrayObject *)obj) != type ||
        !PyArray_IS_C_CONTIGUOUS((PyArrayObject *)obj) || PyArray_NDIM((PyArrayObject *)obj) != 1) {
        PyErr_Format(PyExc_TypeError, "%s: expected a contiguous 1-d array of the C type", what);
        return NULL;
    }
    return (PyArrayObject *)obj;
}

/* ------------------------------------------------------------------ Network */

typedef struct {
    PyObject_HEAD
    le_network net;
} NetworkObject;

static int Network_init(NetworkObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kw, "", kwlist))
        return -1;
    le_network_free(&self->net);
    le_network_init(&self->net);
    return 0;
}

static PyObject *Network_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    NetworkObject *self = (NetworkObject *)type->tp_alloc(type, 0);
    if (self)
        le_network_init(&self->net);
    return (PyObject *)self;
}

static void Network_dealloc(NetworkObject *self)
{
    le_network_free(&self->net);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int read_profile(PyObject *d, le_profile *p)
{
    static const char *keys[] = {"decay_u", "decay_v", "bias_mant", "bias_exp", "vth_mant", "refract", "vmin_exp",
                                 "vmax_exp"};
    int32_t *fields[] = {&p->decay_u, &p->decay_v, &p->bias_mant, &p->bias_exp,
                         &p->vth_mant, &p->refract, &p->vmin_exp, &p->vmax_exp};
    if (d == Py_None)
        return 0;
    if (!PyDict_Check(d)) {
        PyErr_SetString(PyExc_TypeError, "profile: expected a dict");
        return -1;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        PyObject *v = PyDict_GetItemString(d, keys[i]);
        if (!v)
            continue;
        long x = PyLong_AsLong(v);
        if (x == -1 && PyErr_Occurred())
            return -1;
        if (x < INT32_MIN || x > INT32_MAX) {
            PyErr_Format(PyExc_OverflowError, "%s %ld: out of the register's type", keys[i], x);
            return -1;
        }
        *fields[i] = (int32_t)x;
    }
    return 0;
}

/* add_pop(name, kind, size, main: dict, aux: dict|None, ahp_weight, ahp_wexp, first_core,
 * per_core, chip, own_cores, traced) -> index. Checked like a network file's population. */
static PyObject *Network_add_pop(NetworkObject *self, PyObject *args)
{
    const char *name;
    int kind, own_cores, traced;
    unsigned int size, per_core;
    int ahp_weight, ahp_wexp, first_core, chip;
    PyObject *main_d, *aux_d;
    if (!PyArg_ParseTuple(args, "siIOOiiiIipp", &name, &kind, &size, &main_d, &aux_d, &ahp_weight, &ahp_wexp,
                          &first_core, &per_core, &chip, &own_cores, &traced))
        return NULL;
    if (kind < LE_POP_INPUT || kind > LE_POP_AHP)
        return PyErr_Format(PyExc_ValueError, "population kind %d", kind);
    le_error e;
    le_error_clear(&e);
    if (strlen(name) >= LE_NAME_MAX) {
        le_fail(&e, LE_ERR_RANGE, "population name '%s': longer than %d characters", name, LE_NAME_MAX - 1);
        return raise_le(&e);
    }
    le_population p = le_population_default(name, (le_pop_kind)kind, size);
    if (read_profile(main_d, &p.main) || read_profile(aux_d, &p.aux))
        return NULL;
    p.ahp_weight = ahp_weight;
    p.ahp_wexp = ahp_wexp;
    p.first_core = first_core;
    p.per_core = per_core;
    p.chip = chip;
    p.own_cores = (uint8_t)own_cores;
    p.traced = traced;
    /* Checked in a scratch network first, so that a rejected population leaves the network
     * (and its name index) as it was. */
    le_network scratch;
    le_network_init(&scratch);
    uint32_t idx;
    le_code rc = le_network_add_pop(&scratch, &p, &idx, &e);
    if (!rc)
        rc = le_network_check_pop(&scratch, idx, &e);
    le_network_free(&scratch);
    if (rc || le_network_add_pop(&self->net, &p, &idx, &e))
        return raise_le(&e);
    return PyLong_FromUnsignedLong(idx);
}

/* add_conn(src_pop, dst_pop, src u32[n], dst u32[n], weight i16[n], delay u8[n]|None, wexp,
 * weight_bits, sign, to_aux). The arrays are copied: Python keeps its own. */
static PyObject *Network_add_conn(NetworkObject *self, PyObject *args)
{
    unsigned int sp, dp, wbits;
    int wexp, sign, to_aux;
    PyObject *so, *dobj, *wo, *delo;
    if (!PyArg_ParseTuple(args, "IIOOOOiIip", &sp, &dp, &so, &dobj, &wo, &delo, &wexp, &wbits, &sign, &to_aux))
        return NULL;
    PyArrayObject *sa = as_array(so, NPY_UINT32, "src"), *da = as_array(dobj, NPY_UINT32, "dst"),
                  *wa = as_array(wo, NPY_INT16, "weight"), *dla = NULL;
    if (!sa || !da || !wa)
        return NULL;
    if (delo != Py_None && !(dla = as_array(delo, NPY_UINT8, "delay")))
        return NULL;
    npy_intp n = PyArray_DIM(sa, 0);
    if (PyArray_DIM(da, 0) != n || PyArray_DIM(wa, 0) != n || (dla && PyArray_DIM(dla, 0) != n))
        return PyErr_Format(PyExc_ValueError, "src, dst, weight and delay must have the same length");
    if ((uint64_t)n > UINT32_MAX)
        return PyErr_Format(PyExc_ValueError, "%zd synapses in one connection: at most 2^32 - 1", (Py_ssize_t)n);
    if (sign < LE_SIGN_SPLIT || sign > LE_SIGN_INH)
        return PyErr_Format(PyExc_ValueError, "sign mode %d", sign);
    le_connection c;
    memset(&c, 0, sizeof c);
    c.src_pop = sp;
    c.dst_pop = dp;
    c.n = (uint32_t)n;
    c.wexp = wexp;
    c.weight_bits = (uint8_t)(wbits > 255 ? 255 : wbits);
    c.sign = (le_sign_mode)sign;
    c.to_aux = (uint8_t)to_aux;
    size_t m = (size_t)n + 1; /* + 1: malloc(0) may return NULL */
    c.src = malloc(m * sizeof *c.src);
    c.dst = malloc(m * sizeof *c.dst);
    c.weight = malloc(m * sizeof *c.weight);
    if (dla)
        c.delay = malloc(m);
    if (!c.src || !c.dst || !c.weight || (dla && !c.delay)) {
        free(c.src);
        free(c.dst);
        free(c.weight);
        free(c.delay);
        return PyErr_NoMemory();
    }
    /* The copies need no GIL: big connections should not stall other Python threads. */
    Py_BEGIN_ALLOW_THREADS
    memcpy(c.src, PyArray_DATA(sa), (size_t)n * sizeof *c.src);
    memcpy(c.dst, PyArray_DATA(da), (size_t)n * sizeof *c.dst);
    memcpy(c.weight, PyArray_DATA(wa), (size_t)n * sizeof *c.weight);
    if (dla)
        memcpy(c.delay, PyArray_DATA(dla), (size_t)n);
    Py_END_ALLOW_THREADS
    le_error e;
    le_error_clear(&e);
    if (le_network_add_conn(&self->net, &c, &e)) {
        free(c.src);
        free(c.dst);
        free(c.weight);
        free(c.delay);
        return raise_le(&e);
    }
    if (le_network_check_conn(&self->net, self->net.n_conns - 1, &e)) {
        /* Drop it again, so that a caught error leaves the network as it was. */
        le_connection *bad = &self->net.conns[--self->net.n_conns];
        free(bad->src);
        free(bad->dst);
        free(bad->weight);
        free(bad->delay);
        return raise_le(&e);
    }
    Py_RETURN_NONE;
}

/* add_inputs(pop, neuron u32[n], step u32[n]). */
static PyObject *Network_add_inputs(NetworkObject *self, PyObject *args)
{
    unsigned int pop;
    PyObject *no, *so;
    if (!PyArg_ParseTuple(args, "IOO", &pop, &no, &so))
        return NULL;
    PyArrayObject *na = as_array(no, NPY_UINT32, "neuron"), *sa = as_array(so, NPY_UINT32, "step");
    if (!na || !sa)
        return NULL;
    npy_intp n = PyArray_DIM(na, 0);
    if (PyArray_DIM(sa, 0) != n)
        return PyErr_Format(PyExc_ValueError, "neuron and step must have the same length");
    const uint32_t *nv = PyArray_DATA(na), *sv = PyArray_DATA(sa);
    le_error e;
    le_error_clear(&e);
    for (npy_intp i = 0; i < n; i++)
        if (le_network_add_input(&self->net, pop, nv[i], sv[i], &e))
            return raise_le(&e);
    Py_RETURN_NONE;
}

/* load(path): replaces the contents with a network file. */
static PyObject *Network_load(NetworkObject *self, PyObject *args)
{
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path))
        return NULL;
    le_network_free(&self->net);
    le_error e;
    le_error_clear(&e);
    le_code rc = le_netfile_load(path, &self->net, &e);
    if (rc) {
        le_network_free(&self->net);
        le_network_init(&self->net);
        return raise_le(&e);
    }
    Py_RETURN_NONE;
}

/* load_nir(path, dt, vscale, rounding, accept_reset, reset_subtract, split_zero_frac)
 *   -> {vscale, input_pop (-1 none), input_size, populations: [...], connections: [...]}
 * Replaces the contents with the NIR graph mapped as `loihi-emu nir` maps it. */
static PyObject *Network_load_nir(NetworkObject *self, PyObject *args)
{
    const char *path;
    le_nir_opts o = le_nir_defaults();
    int rounding, accept, subtract;
    if (!PyArg_ParseTuple(args, "sddippd", &path, &o.dt, &o.vscale, &rounding, &accept, &subtract,
                          &o.split_zero_frac))
        return NULL;
    o.rounding = rounding ? LE_NIR_DECAY_ROUND : LE_NIR_DECAY_LAVA;
    o.accept_reset_value = accept;
    o.reset_subtract = subtract;
    le_error e;
    le_error_clear(&e);
    le_nir_graph g;
    le_nir_mapping m;
    memset(&g, 0, sizeof g);
    memset(&m, 0, sizeof m);
    le_network net;
    le_network_init(&net);
    le_code rc = le_nir_read(path, &g, &e);
    int have_graph = rc == LE_OK;
    if (!rc)
        rc = le_nir_map(&g, &o, &net, &m, &e);
    PyObject *out = NULL, *pops = NULL, *conns = NULL;
    if (!rc && (pops = PyList_New(0)) && (conns = PyList_New(0))) {
        int ok = 1;
        for (uint32_t i = 0; i < m.n_pops && ok; i++) {
            const le_nir_pop_info *q = &m.pops[i];
            PyObject *d = Py_BuildValue("{s:s,s:s,s:I,s:I,s:I,s:i,s:i,s:i,s:d,s:d,s:s}", "node", q->node, "type",
                                        q->type, "size", q->size, "first_pop", q->first_pop, "n_pops", q->n_pops,
                                        "decay_u", q->decay_u, "decay_v", q->decay_v, "vth_mant", q->vth_mant,
                                        "bias_min", q->bias_min, "bias_max", q->bias_max, "note", q->note);
            ok = d && !PyList_Append(pops, d);
            Py_XDECREF(d);
        }
        for (uint32_t i = 0; i < m.n_conns && ok; i++) {
            const le_nir_conn_info *c = &m.conns[i];
            PyObject *wexp2 = c->wexp2 == INT32_MIN ? (Py_INCREF(Py_None), Py_None) : PyLong_FromLong(c->wexp2);
            PyObject *d = wexp2 ? Py_BuildValue("{s:s,s:s,s:s,s:K,s:K,s:K,s:i,s:N,s:d}", "src", c->src, "dst",
                                                c->dst, "via", c->via, "n_weights",
                                                (unsigned long long)c->n_weights, "n_zeroed",
                                                (unsigned long long)c->n_zeroed, "n_synapses",
                                                (unsigned long long)c->n_synapses, "wexp", c->wexp, "wexp2",
                                                wexp2, "max_abs", c->max_abs)
                                : NULL;
            ok = d && !PyList_Append(conns, d);
            Py_XDECREF(d);
        }
        if (ok)
            out = Py_BuildValue("{s:d,s:i,s:I,s:s,s:O,s:O}", "vscale", m.vscale, "input_pop",
                                m.input_node < 0 ? -1 : (int)m.input_pop, "input_size", m.input_size, "version",
                                g.version, "populations", pops, "connections", conns);
    }
    Py_XDECREF(pops);
    Py_XDECREF(conns);
    le_nir_mapping_free(&m);
    if (have_graph)
        le_nir_free(&g);
    if (rc || !out) {
        le_network_free(&net);
        Py_XDECREF(out);
        return rc ? raise_le(&e) : NULL;
    }
    /* Only a graph that mapped whole replaces the contents. */
    le_network_free(&self->net);
    self->net = net;
    return out;
}

/* pops() -> [(name, kind, size, traced)] */
static PyObject *Network_pops(NetworkObject *self, PyObject *noargs)
{
    (void)noargs;
    PyObject *l = PyList_New(self->net.n_pops);
    if (!l)
        return NULL;
    for (uint32_t i = 0; i < self->net.n_pops; i++) {
        const le_population *p = &self->net.pops[i];
        PyObject *t = Py_BuildValue("(siIi)", p->name, (int)p->kind, p->size, p->traced);
        if (!t) {
            Py_DECREF(l);
            return NULL;
        }
        PyList_SET_ITEM(l, i, t);
    }
    return l;
}

static PyObject *Network_counts(NetworkObject *self, PyObject *noargs)
{
    (void)noargs;
    uint64_t syn = 0;
    for (uint32_t i = 0; i < self->net.n_conns; i++)
        syn += self->net.conns[i].n;
    return Py_BuildValue("(IIKI)", self->net.n_pops, self->net.n_conns, (unsigned long long)syn,
                         self->net.n_inputs);
}

static PyObject *Network_set_traced(NetworkObject *self, PyObject *args)
{
    unsigned int pop;
    int on;
    if (!PyArg_ParseTuple(args, "Ip", &pop, &on))
        return NULL;
    if (pop >= self->net.n_pops)
        return PyErr_Format(PyExc_IndexError, "population %u", pop);
    self->net.pops[pop].traced = on;
    Py_RETURN_NONE;
}

static PyObject *Network_validate(NetworkObject *self, PyObject *noargs)
{
    (void)noargs;
    le_error e;
    le_error_clear(&e);
    if (le_network_validate(&self->net, &e))
        return raise_le(&e);
    Py_RETURN_NONE;
}

static PyMethodDef Network_methods[] = {
    {"add_pop", (PyCFunction)Network_add_pop, METH_VARARGS, NULL},
    {"add_conn", (PyCFunction)Network_add_conn, METH_VARARGS, NULL},
    {"add_inputs", (PyCFunction)Network_add_inputs, METH_VARARGS, NULL},
    {"load", (PyCFunction)Network_load, METH_VARARGS, NULL},
    {"load_nir", (PyCFunction)Network_load_nir, METH_VARARGS, NULL},
    {"pops", (PyCFunction)Network_pops, METH_NOARGS, NULL},
    {"counts", (PyCFunction)Network_counts, METH_NOARGS, NULL},
    {"set_traced", (PyCFunction)Network_set_traced, METH_VARARGS, NULL},
    {"validate", (PyCFunction)Network_validate, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL}};

static PyTypeObject NetworkType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "loihi_emu._core.Network",
    .tp_basicsize = sizeof(NetworkObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_new = Network_new,
    .tp_init = (initproc)Network_init,
    .tp_dealloc = (destructor)Network_dealloc,
    .tp_methods = Network_methods,
};

/* --------------------------------------------------------------- Simulation */

/* What the step observer records: for each recorded neuron and step its u, v and whether it
 * fired, appended step after step (a [steps][n] layout that numpy views as 2-d). */
typedef struct {
    uint32_t *gid;  /* recorded neurons, in population order */
    uint32_t n;
    uint32_t steps, cap_steps;
    int32_t *u, *v;
    uint8_t *fired;
} recorder;

typedef struct {
    PyObject_HEAD
    le_pipeline pipe;
    int open;
    recorder rec;
    uint32_t steps_since_boundary; /* steps not yet closed by an inference boundary */
} SimObject;

static le_code record_step(void *ctx, const le_sim *sim, uint32_t t, le_error *err)
{
    recorder *r = ctx;
    if (r->n == 0)
        return LE_OK;
    if (r->steps == r->cap_steps) {
        uint32_t cap = r->cap_steps ? r->cap_steps * 2 : 64;
        size_t cells = (size_t)cap * r->n;
        int32_t *u = realloc(r->u, cells * sizeof *u);
        if (u)
            r->u = u;
        int32_t *v = u ? realloc(r->v, cells * sizeof *v) : NULL;
        if (v)
            r->v = v;
        uint8_t *f = v ? realloc(r->fired, cells) : NULL;
        if (!f)
            return le_fail(err, LE_ERR_NOMEM, "recording: out of memory for %u steps of %u neurons", cap, r->n);
        r->fired = f;
        r->cap_steps = cap;
    }
    const le_chipcfg *c = le_sim_config(sim);
    size_t row = (size_t)r->steps * r->n;
    for (uint32_t j = 0; j < r->n; j++) {
        uint32_t g = r->gid[j];
        const le_neurocore *core = &c->cores[le_chipcfg_core_of(c, g)];
        uint32_t cx = le_chipcfg_cx_of(c, g);
        r->u[row + j] = core->u[cx];
        r->v[row + j] = core->v[cx];
        r->fired[row + j] = (uint8_t)(le_sim_fired(sim, g, t) != 0);
    }
    r->steps++;
    return LE_OK;
}

static void recorder_free(recorder *r)
{
    free(r->gid);
    free(r->u);
    free(r->v);
    free(r->fired);
    memset(r, 0, sizeof *r);
}

static void Sim_close_all(SimObject *self)
{
    if (self->open)
        le_pipeline_close(&self->pipe);
    self->open = 0;
    recorder_free(&self->rec);
}

static void Sim_dealloc(SimObject *self)
{
    Sim_close_all(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Simulation(network, board, noc, seed, costed, inject_latency, arch, record: list of pop
 * indices): places, configures and attaches the cost model (le_pipeline_open). */
static int Sim_init(SimObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"network", "board", "noc", "seed", "costed", "inject_latency", "arch", "record", NULL};
    NetworkObject *net;
    const char *board = NULL, *noc = NULL, *arch = NULL;
    unsigned long long seed = 1;
    int costed = 0;
    unsigned int inject_latency = 1;
    PyObject *record = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!|zzKpIzO", kwlist, &NetworkType, &net, &board, &noc, &seed,
                                     &costed, &inject_latency, &arch, &record))
        return -1;
    Sim_close_all(self);
    le_error e;
    le_error_clear(&e);
    le_pipeline_opts po = le_pipeline_defaults();
    po.board = board;
    po.arch_file = arch;
    po.seed = seed;
    po.costed = costed;
    po.inject_latency = inject_latency;
    if (noc && le_noc_mode_lookup(noc, &po.noc, &e)) {
        raise_le(&e);
        return -1;
    }
    if (le_pipeline_open(&net->net, &po, &self->pipe, &e)) {
        raise_le(&e);
        return -1;
    }
    self->open = 1;
    /* The recorded neurons: every neuron of the populations asked for. */
    recorder *r = &self->rec;
    if (record && record != Py_None) {
        PyObject *seq = PySequence_Fast(record, "record: expected a sequence of population indices");
        if (!seq)
            return -1;
        Py_ssize_t np_ = PySequence_Fast_GET_SIZE(seq);
        uint64_t total = 0;
        for (Py_ssize_t i = 0; i < np_; i++) {
            long p = PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
            if (p < 0 || (uint32_t)p >= net->net.n_pops) {
                Py_DECREF(seq);
                if (!PyErr_Occurred())
                    PyErr_Format(PyExc_IndexError, "record: population %ld", p);
                return -1;
            }
            total += net->net.pops[p].size;
        }
        r->gid = malloc((size_t)(total + 1) * sizeof *r->gid);
        if (!r->gid) {
            Py_DECREF(seq);
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = 0; i < np_; i++) {
            uint32_t p = (uint32_t)PyLong_AsLong(PySequence_Fast_GET_ITEM(seq, i));
            for (uint32_t k = 0; k < net->net.pops[p].size; k++)
                r->gid[r->n++] = le_place_gid(&self->pipe.pl, p, k);
        }
        Py_DECREF(seq);
    }
    le_sim_set_observer(self->pipe.sim, record_step, r);
    return 0;
}

static PyObject *Sim_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    return type->tp_alloc(type, 0);
}

#define SIM_OPEN(self)                                                        \
    do {                                                                      \
        if (!(self)->open) {                                                  \
            PyErr_SetString(PyExc_ValueError, "the simulation is closed");    \
            return NULL;                                                      \
        }                                                                     \
    } while (0)

static PyObject *Sim_run(SimObject *self, PyObject *args)
{
    unsigned int steps;
    if (!PyArg_ParseTuple(args, "I", &steps))
        return NULL;
    SIM_OPEN(self);
    le_error e;
    le_error_clear(&e);
    le_code rc;
    /* The step loop touches no Python object: other threads may run meanwhile. */
    Py_BEGIN_ALLOW_THREADS
    rc = le_pipeline_run(&self->pipe, steps, NULL, &e);
    Py_END_ALLOW_THREADS
    if (rc)
        return raise_le(&e);
    self->steps_since_boundary += steps;
    Py_RETURN_NONE;
}

/* records() -> (fired u8[steps, n], u i32[steps, n], v i32[steps, n]), copies. */
static PyObject *Sim_records(SimObject *self, PyObject *noargs)
{
    (void)noargs;
    recorder *r = &self->rec;
    npy_intp dims[2] = {r->steps, r->n};
    PyObject *f = PyArray_SimpleNew(2, dims, NPY_UINT8), *u = PyArray_SimpleNew(2, dims, NPY_INT32),
             *v = PyArray_SimpleNew(2, dims, NPY_INT32);
    if (!f || !u || !v) {
        Py_XDECREF(f);
        Py_XDECREF(u);
        Py_XDECREF(v);
        return NULL;
    }
    size_t cells = (size_t)r->steps * r->n;
    if (cells) {
        memcpy(PyArray_DATA((PyArrayObject *)f), r->fired, cells);
        memcpy(PyArray_DATA((PyArrayObject *)u), r->u, cells * sizeof(int32_t));
        memcpy(PyArray_DATA((PyArrayObject *)v), r->v, cells * sizeof(int32_t));
    }
    return Py_BuildValue("(NNN)", f, u, v);
}

/* placement() -> (pop_base u32[n_pops + 1], core u32[neurons], cx u16[neurons]); input
 * neurons have core 2^32 - 1. */
static PyObject *Sim_placement(SimObject *self, PyObject *noargs)
{
    (void)noargs;
    SIM_OPEN(self);
    const le_placement *pl = &self->pipe.pl;
    npy_intp nb = pl->n_pops + 1, nn = pl->pop_base[pl->n_pops];
    PyObject *b = PyArray_SimpleNew(1, &nb, NPY_UINT32), *c = PyArray_SimpleNew(1, &nn, NPY_UINT32),
             *x = PyArray_SimpleNew(1, &nn, NPY_UINT16);
    if (!b || !c || !x) {
        Py_XDECREF(b);
        Py_XDECREF(c);
        Py_XDECREF(x);
        return NULL;
    }
    memcpy(PyArray_DATA((PyArrayObject *)b), pl->pop_base, (size_t)nb * sizeof(uint32_t));
    if (nn) {
        memcpy(PyArray_DATA((PyArrayObject *)c), pl->core, (size_t)nn * sizeof(uint32_t));
        memcpy(PyArray_DATA((PyArrayObject *)x), pl->cx, (size_t)nn * sizeof(uint16_t));
    }
    return Py_BuildValue("(NNNI)", b, c, x, pl->n_cores_used);
}

/* write_report(path): the JSON report of the run so far, as `loihi-emu run --report` writes
 * it: the steps since the last call close one inference, as the CLI closes its one run. */
static PyObject *Sim_write_report(SimObject *self, PyObject *args)
{
    const char *path;
    if (!PyArg_ParseTuple(args, "s", &path))
        return NULL;
    SIM_OPEN(self);
    if (!self->pipe.cm)
        return PyErr_Format(PyExc_ValueError, "no cost model: open the simulation with a board or costed=True");
    if (self->steps_since_boundary) {
        le_costmodel_end_inference(self->pipe.cm);
        self->steps_since_boundary = 0;
    }
    le_error e;
    le_error_clear(&e);
    if (le_report_costmodel(self->pipe.cm, NULL, path, &e))
        return raise_le(&e);
    Py_RETURN_NONE;
}

static PyObject *Sim_info(SimObject *self, PyObject *noargs)
{
    (void)noargs;
    SIM_OPEN(self);
    return Py_BuildValue("{s:I,s:I,s:K,s:I,s:I}", "step", le_sim_step_now(self->pipe.sim), "cores",
                         le_sim_n_cores(self->pipe.sim), "spikes",
                         (unsigned long long)le_sim_total_spikes(self->pipe.sim), "chips", self->pipe.geom.n_chips,
                         "cores_per_chip", self->pipe.geom.cores_per_chip);
}

static PyObject *Sim_close(SimObject *self, PyObject *noargs)
{
    (void)noargs;
    Sim_close_all(self);
    Py_RETURN_NONE;
}

static PyMethodDef Sim_methods[] = {
    {"run", (PyCFunction)Sim_run, METH_VARARGS, NULL},
    {"records", (PyCFunction)Sim_records, METH_NOARGS, NULL},
    {"placement", (PyCFunction)Sim_placement, METH_NOARGS, NULL},
    {"write_report", (PyCFunction)Sim_write_report, METH_VARARGS, NULL},
    {"info", (PyCFunction)Sim_info, METH_NOARGS, NULL},
    {"close", (PyCFunction)Sim_close, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL}};

static PyTypeObject SimType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "loihi_emu._core.Simulation",
    .tp_basicsize = sizeof(SimObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_new = Sim_new,
    .tp_init = (initproc)Sim_init,
    .tp_dealloc = (destructor)Sim_dealloc,
    .tp_methods = Sim_methods,
};

/* ------------------------------------------------------------------- sMNIST */

/* smnist(index u32[n], board, noc, arch, data, inject_latency, report_path|None)
 *   -> (labels u8[n], predicted u8[n], v_out i32[n, 10], summary dict)
 * The flow of `loihi-emu smnist` (emu/cmd_smnist.c) without its printing. */
static PyObject *mod_smnist(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *io;
    const char *board, *noc = NULL, *arch = NULL, *data = NULL, *report = NULL;
    unsigned int inject_latency;
    if (!PyArg_ParseTuple(args, "Oszzz|Iz", &io, &board, &noc, &arch, &data, &inject_latency, &report))
        return NULL;
    PyArrayObject *ia = as_array(io, NPY_UINT32, "index");
    if (!ia)
        return NULL;
    npy_intp n = PyArray_DIM(ia, 0);
    const uint32_t *index = PyArray_DATA(ia);
    le_error e;
    le_error_clear(&e);
    for (npy_intp k = 0; k < n; k++)
        if (index[k] >= LE_MNIST_T10K_N)
            return PyErr_Format(PyExc_ValueError, "image %u: the test set has images 0..%u", index[k],
                                LE_MNIST_T10K_N - 1);
    npy_intp dv[2] = {n, LE_SMNIST_N_OUT};
    PyObject *labels = PyArray_SimpleNew(1, &n, NPY_UINT8), *pred = PyArray_SimpleNew(1, &n, NPY_UINT8),
             *vout = PyArray_SimpleNew(2, dv, NPY_INT32);
    le_mnist mnist;
    le_smnist_weights w;
    le_network net;
    le_smnist_pops pops;
    le_pipeline pipe;
    memset(&mnist, 0, sizeof mnist);
    memset(&w, 0, sizeof w);
    memset(&pipe, 0, sizeof pipe);
    le_network_init(&net);
    le_code rc = LE_OK;
    le_cost_summary s;
    memset(&s, 0, sizeof s);
    if (!labels || !pred || !vout)
        goto fail;
    const char *dir = le_data_dir(data);
    char wdir[4096];
    snprintf(wdir, sizeof wdir, "%s/%s", dir, LE_SMNIST_WEIGHTS);
    le_smnist_options so = le_smnist_options_default();
    so.inject_latency = inject_latency;
    le_pipeline_opts po = le_pipeline_defaults();
    po.board = board;
    po.arch_file = arch;
    po.seed = 0; /* as the command */
    po.inject_latency = inject_latency;
    if (noc && (rc = le_noc_mode_lookup(noc, &po.noc, &e)))
        goto fail;
    uint8_t *pv = PyArray_DATA((PyArrayObject *)pred);
    int32_t *vv = PyArray_DATA((PyArrayObject *)vout);
    Py_BEGIN_ALLOW_THREADS
    if (!(rc = le_mnist_load_t10k(dir, &mnist, &e)) && !(rc = le_smnist_weights_load(wdir, &w, &e)) &&
        !(rc = le_smnist_network(&w, &so, &net, &pops, &e)) && !(rc = le_pipeline_open(&net, &po, &pipe, &e))) {
        le_smnist_snip_state st;
        le_smnist_snip_init(&st, &mnist, index, (uint32_t)n, &pops, pv, vv, le_sim_step_now(pipe.sim));
        le_snips sn = le_smnist_snips(&st);
        rc = le_pipeline_run_inferences(&pipe, (uint32_t)n, LE_SMNIST_STEPS_PER_IMAGE, &sn, NULL, NULL, &e);
        if (!rc)
            le_costmodel_summary(pipe.cm, &s);
        if (!rc && report)
            rc = le_report_costmodel(pipe.cm, NULL, report, &e);
    }
    Py_END_ALLOW_THREADS
    if (rc)
        goto fail;
    uint8_t *lv = PyArray_DATA((PyArrayObject *)labels);
    for (npy_intp k = 0; k < n; k++)
        lv[k] = mnist.labels[index[k]];
    le_pipeline_close(&pipe);
    le_network_free(&net);
    le_smnist_weights_free(&w);
    le_mnist_free(&mnist);
    return Py_BuildValue(
        "(NNN{s:K,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d})", labels, pred, vout, "steps",
        (unsigned long long)s.steps, "time_s", s.time_s, "step_mean_s", s.step_mean_s, "step_p50_s", s.step_p50_s,
        "step_p99_s", s.step_p99_s, "step_max_s", s.step_max_s, "latency_per_inference_s", s.latency_per_inference_s,
        "energy_per_inference_j", s.energy_per_inference_j, "edp_js", s.edp_js, "e_x86_static_j", s.e_x86_static_j,
        "e_x86_dynamic_j", s.e_x86_dynamic_j, "e_nc_static_j", s.e_nc_static_j, "e_nc_dynamic_j", s.e_nc_dynamic_j);
fail:
    le_pipeline_close(&pipe);
    le_network_free(&net);
    le_smnist_weights_free(&w);
    le_mnist_free(&mnist);
    Py_XDECREF(labels);
    Py_XDECREF(pred);
    Py_XDECREF(vout);
    if (rc)
        return raise_le(&e);
    return NULL;
}


/* ------------------------------------------------------------------- RelNet */

static PyObject *relnet_row(const le_relnet_result *r, const le_table_s2_row *p, le_relnet_origin origin)
{
    PyObject *tasks = PyDict_New(), *layers = PyDict_New(), *links = PyList_New(0), *rates = PyDict_New(),
             *outside = PyDict_New();
    if (!tasks || !layers || !links || !rates || !outside)
        goto fail;
    for (int k = 0; k < LE_RN_RATES; k++) {
        PyObject *v = PyFloat_FromDouble(r->rate[k]), *o = PyFloat_FromDouble(r->outside[k]);
        int bad = !v || !o || PyDict_SetItemString(rates, le_relnet_rate_name[k], v) ||
                  PyDict_SetItemString(outside, le_relnet_rate_name[k], o);
        Py_XDECREF(v);
        Py_XDECREF(o);
        if (bad)
            goto fail;
    }
    for (uint32_t t = 1; t <= 20; t++)
        if (r->task_n[t]) {
            PyObject *k = PyLong_FromUnsignedLong(t), *v = Py_BuildValue("(II)", r->task_ok[t], r->task_n[t]);
            int bad = !k || !v || PyDict_SetItem(tasks, k, v);
            Py_XDECREF(k);
            Py_XDECREF(v);
            if (bad)
                goto fail;
        }
    for (int g = 0; g < LE_RN_GROUPS; g++) {
        PyObject *v = PyLong_FromUnsignedLong(r->layer_cores[g]);
        int bad = !v || PyDict_SetItemString(layers, le_relnet_group_name[g], v);
        Py_XDECREF(v);
        if (bad)
            goto fail;
    }
    for (uint32_t k = 0; k < r->n_links; k++) {
        PyObject *v = Py_BuildValue("(sd)", r->link[k], r->stories ? (double)r->link_pk[k] / r->stories : 0.0);
        int bad = !v || PyList_Append(links, v);
        Py_XDECREF(v);
        if (bad)
            goto fail;
    }
    PyObject *paper = Py_None;
    Py_INCREF(paper);
    if (p) {
        Py_DECREF(paper);
        paper = Py_BuildValue("{s:I,s:d,s:d,s:d,s:d,s:d}", "cores", p->cores, "us_per_step", p->us_per_step,
                              "latency_ms", p->latency_ms, "power_w", p->power_w, "energy_mj", p->energy_mj,
                              "edp_ujs", p->edp_ujs);
        if (!paper)
            goto fail;
    }
    return Py_BuildValue("{s:I,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,s:d,"
                         "s:N,s:N,s:N,s:N,s:N,s:N}",
                         "sentences", r->M, "placement", r->placement, "row", le_relnet_row_role(r->M, r->placement, origin, p != NULL),
                         "cores", r->cores, "chips", r->chips, "stories", r->stories, "correct", r->correct,
                         "available", r->available, "us_per_step", r->sum.step_mean_s * 1e6, "latency_ms",
                         r->sum.latency_per_inference_s * 1e3, "power_w", r->power_w, "energy_mj",
                         r->sum.energy_per_inference_j * 1e3, "edp_ujs", r->sum.edp_js * 1e6, "nc_static_mj",
                         r->split_j[0] * 1e3, "nc_dynamic_mj", r->split_j[1] * 1e3, "x86_static_mj",
                         r->split_j[2] * 1e3, "x86_dynamic_mj", r->split_j[3] * 1e3, "chip_messages_per_story",
                         r->chip_msgs, "rate_lsnn", r->rate_lsnn, "rate_g_theta", r->rate_g, "rate_f_phi", r->rate_ff,
                         "tasks", tasks, "layer_cores", layers, "busiest_links", links, "paper", paper, "rates",
                         rates, "rates_outside", outside);
fail:
    Py_XDECREF(outside);
    Py_XDECREF(rates);
    Py_XDECREF(tasks);
    Py_XDECREF(layers);
    Py_XDECREF(links);
    return NULL;
}

/* relnet(sizes u32[n], strategies: list of int, placement_file|None, tasks mask, stories,
 * board, noc, arch|None, data|None, weights|None, mapping|None, seed)
 *   -> (board name, weights dir, manifest sha256, [row dict], task mask run, weights' task mask);
 * tasks 0: le_relnet_default_tasks
 * The flow of `loihi-emu relnet` (emu/cmd_relnet.c) without its printing. */
static PyObject *mod_relnet(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *so, *strat;
    const char *pfile, *board, *noc, *arch, *data, *weights, *mapping;
    unsigned int tasks, stories;
    unsigned long long seed;
    if (!PyArg_ParseTuple(args, "OOzIIsszzzzK", &so, &strat, &pfile, &tasks, &stories, &board, &noc, &arch, &data,
                          &weights, &mapping, &seed))
        return NULL;
    PyArrayObject *sa = as_array(so, NPY_UINT32, "sentences");
    if (!sa)
        return NULL;
    uint32_t n_sizes = (uint32_t)PyArray_DIM(sa, 0);
    const uint32_t *sizes = PyArray_DATA(sa);
    int strategies[2], n_strat = 0;
    PyObject *sf = PySequence_Fast(strat, "strategies: expected a sequence");
    if (!sf)
        return NULL;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(sf) && n_strat < 2; i++)
        strategies[n_strat++] = (int)PyLong_AsLong(PySequence_Fast_GET_ITEM(sf, i));
    Py_DECREF(sf);
    if (PyErr_Occurred())
        return NULL;

    le_error e;
    le_error_clear(&e);
    le_babi_corpus corpus;
    le_babi_dict dict;
    le_relnet_weights w;
    le_hints hmap, hfile;
    le_table_s2 s2;
    le_board_geom geom;
    le_limits lim;
    memset(&dict, 0, sizeof dict);
    memset(&w, 0, sizeof w);
    memset(&hmap, 0, sizeof hmap);
    memset(&hfile, 0, sizeof hfile);
    memset(&s2, 0, sizeof s2);
    memset(&geom, 0, sizeof geom);
    memset(&lim, 0, sizeof lim);
    le_babi_corpus_init(&corpus);
    le_relnet_result *res = calloc((size_t)n_sizes * 2 + 1, sizeof *res);
    uint32_t n_res = 0;
    char wdir[1100], babi[4096], mpath[4096];
    snprintf(babi, sizeof babi, "%s/%s", le_data_dir(data), LE_BABI_EN10K);
    snprintf(mpath, sizeof mpath, "%s", mapping ? mapping : LE_SOURCE_DIR "/config/relnet/mapping.yaml");
    le_code rc = res ? LE_OK : le_fail(&e, LE_ERR_NOMEM, "relnet: out of memory");
    int generated = 0;
    Py_BEGIN_ALLOW_THREADS
    /* the dictionary covers all 20 tasks (train and test), the stories come from tasks */
    if (!rc)
        rc = le_babi_read_tasks(&corpus, babi, LE_BABI_ALL_TASKS, 1, 0, &e);
    if (!rc)
        rc = le_babi_dict_build(&corpus, &dict, &e);
    /* the weight directory `loihi-emu relnet` would use, so that package and command agree */
    if (!rc)
        rc = le_relnet_weights_dir(weights, le_data_dir(data), seed, &dict, wdir, sizeof wdir, &generated, &e);
    if (!rc)
        rc = le_relnet_weights_load(wdir, &w, &e);
    if (!rc)
        rc = le_relnet_weights_check_dict(&w, &dict, babi, &e);
    if (!rc)
        rc = le_hints_load(mpath, &hmap, &e);
    if (!rc && pfile)
        rc = le_hints_load(pfile, &hfile, &e);
    if (!rc)
        rc = le_table_s2_load(le_table_s2_default_path(), &s2, &e);
    le_pipeline_opts po = le_pipeline_defaults();
    po.board = board;
    po.seed = seed;
    po.arch_file = arch;
    if (!rc)
        rc = le_noc_mode_lookup(noc, &po.noc, &e);
    if (!rc)
        rc = le_pipeline_board(&po, &geom, &lim, &e);
    le_relnet_runner rr;
    memset(&rr, 0, sizeof rr);
    rr.corpus = &corpus;
    rr.dict = &dict;
    rr.w = &w;
    rr.po = po;
    rr.geom = geom;
    if (!rc && !tasks)
        tasks = le_relnet_default_tasks(&w);
    rr.tasks = tasks;
    rr.stories = stories;
    rr.placement = pfile;
    for (int s = 0; s < n_strat && !rc; s++) {
        le_relnet_layout lay;
        rc = le_relnet_layout_place(&w, (le_relnet_strategy)strategies[s], &hmap, pfile ? &hfile : NULL, &geom, &lim,
                                    &lay, &e);
        for (uint32_t i = 0; i < n_sizes && !rc; i++)
            if (!(rc = le_relnet_run_size(&rr, &lay, sizes[i], &res[n_res], &e)))
                n_res++;
        le_relnet_layout_free(&lay);
    }
    Py_END_ALLOW_THREADS
    PyObject *rows = NULL, *out = NULL;
    if (!rc && (rows = PyList_New(0))) {
        uint32_t i = 0;
        for (; i < n_res; i++) {
            PyObject *row = relnet_row(&res[i], le_table_s2_find(&s2, res[i].M), w.origin);
            if (!row || PyList_Append(rows, row)) {
                Py_XDECREF(row);
                break;
            }
            Py_DECREF(row);
        }
        if (i == n_res)
            out = Py_BuildValue("(sssOII)", geom.name, wdir, w.manifest_sha256, rows, (unsigned int)tasks,
                                (unsigned int)le_relnet_weights_task_mask(&w));
    }
    Py_XDECREF(rows);
    le_babi_corpus_free(&corpus);
    le_relnet_weights_free(&w);
    le_hints_free(&hmap);
    le_hints_free(&hfile);
    free(res);
    if (rc)
        return raise_le(&e);
    return out;
}

static PyObject *mod_noc_modes(PyObject *mod, PyObject *noargs)
{
    (void)mod;
    (void)noargs;
    PyObject *l = PyList_New(0);
    for (uint32_t i = 0; l && i < le_noc_mode_count(); i++) {
        PyObject *s = PyUnicode_FromString(le_noc_mode_name(le_noc_mode_at(i)));
        if (!s || PyList_Append(l, s)) {
            Py_XDECREF(s);
            Py_DECREF(l);
            return NULL;
        }
        Py_DECREF(s);
    }
    return l;
}

static PyMethodDef mod_methods[] = {
    {"smnist", (PyCFunction)mod_smnist, METH_VARARGS, NULL},
    {"relnet", (PyCFunction)mod_relnet, METH_VARARGS, NULL},
    {"noc_modes", (PyCFunction)mod_noc_modes, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef moddef = {PyModuleDef_HEAD_INIT, "loihi_emu._core", NULL, -1, mod_methods,
                                    NULL, NULL, NULL, NULL};

/* libsystemc refers to sc_main (its own main() would call it); the extension never enters
 * through it: the SystemC network modes start the kernel themselves (noc/sc_noc_network.cpp),
 * as in the CLI (emu/main.cpp). */
int sc_main(int argc, char **argv);
int sc_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    /* The module is initialised once per interpreter process, which is the "once at start-up"
     * the registration asks for. */
    le_error re;
    le_error_clear(&re);
    if (le_noc_systemc_register(&re)) {
        PyErr_Format(PyExc_ImportError, "loihi_emu: %s", re.msg);
        return NULL;
    }
    if (PyType_Ready(&NetworkType) < 0 || PyType_Ready(&SimType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&moddef);
    if (!m)
        return NULL;
    err_base = PyErr_NewExceptionWithDoc("loihi_emu.Error",
                                         "An error of the emulator; str() is the C library's message.", NULL, NULL);
    if (!err_base || PyModule_AddObject(m, "Error", err_base) < 0)
        return NULL;
    Py_INCREF(err_base);
    static const struct {
        le_code code;
        const char *name;
    } sub[] = {{LE_ERR_LIMIT, "LimitError"},     {LE_ERR_RANGE, "RangeError"},   {LE_ERR_IO, "FileError"},
               {LE_ERR_PARSE, "ParseError"},     {LE_ERR_CONFIG, "ConfigError"}, {LE_ERR_NOMEM, "OutOfMemory"},
               {LE_ERR_DATA, "DataError"},       {LE_ERR_USAGE, "UsageError"}};
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        char full[64];
        snprintf(full, sizeof full, "loihi_emu.%s", sub[i].name);
        PyObject *c = PyErr_NewException(full, err_base, NULL);
        if (!c)
            return NULL;
        err_by_code[sub[i].code] = c;
        Py_INCREF(c);
        if (PyModule_AddObject(m, sub[i].name, c) < 0)
            return NULL;
    }
    if (PyModule_AddStringConstant(m, "SOURCE_DIR", LE_SOURCE_DIR) < 0)
        return NULL;
    Py_INCREF(&NetworkType);
    Py_INCREF(&SimType);
    if (PyModule_AddObject(m, "Network", (PyObject *)&NetworkType) < 0 ||
        PyModule_AddObject(m, "Simulation", (PyObject *)&SimType) < 0)
        return NULL;
    return m;
}
