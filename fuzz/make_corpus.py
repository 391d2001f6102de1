#!/usr/bin/python3
"""Writes the seed corpus fuzz/corpus/TARGET/ and the kept hostile inputs fuzz/regress/TARGET/.

Run from the checkout: /usr/bin/python3 fuzz/make_corpus.py. The files are committed; this
script says how each was made (valid files of every format, then the hostile ones: aliases,
anchors, deep nesting, huge numbers, lying headers, billion laughs, duplicate keys)."""
import gzip, os, shutil, struct, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
corpus = os.path.join(root, "fuzz", "corpus")
regress = os.path.join(root, "fuzz", "regress")


def put(base, target, name, data):
    d = os.path.join(base, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def seed(t, n, d): put(corpus, t, n, d)
def keep(t, n, d): put(regress, t, n, d)  # a defect found once: replayed forever


def copy(t, name, path):
    with open(os.path.join(root, path), "rb") as f:
        seed(t, name, f.read())


def laughs(levels, width):
    """A "billion laughs": each anchor a list of width aliases of the one before."""
    lines = ["l0: &l0 [" + ",".join(["0"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i-1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def dag(levels):
    """An alias DAG: level i is a pair of aliases of level i - 1 (2^levels nodes)."""
    lines = ["a0: &a0 [1, 1]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [*a{i-1}, *a{i-1}]")
    return "\n".join(lines) + "\n"


yaml_hostile = {
    "deep_flow.yaml": "[" * 5000 + "]" * 5000 + "\n",
    "deep_block.yaml": "".join("  " * i + f"k{i}:\n" for i in range(100)) + "  " * 100 + "x: 1\n",
    "laughs.yaml": laughs(9, 10),
    "dag40.yaml": dag(40),
    "self_alias.yaml": "a: &a\n  b: 1\n  c: *a\n  bogus: 2\n",
    "undefined_alias.yaml": "a: *nope\n",
    "duplicate_anchor.yaml": "a: &x 1\nb: &x 2\n",
    "huge_numbers.yaml": "a: 99999999999999999999999999\nb: -1e400\nc: 0x7fffffffffffffffff\nd: .nan\n",
    "tabs.yaml": "a:\n\tb: 1\n",
    "binary.yaml": b"\x00\xff\xfe\x93NUMPY\x01\x00",
    "bom.yaml": b"\xef\xbb\xbfa: 1\n",
    "multi_doc.yaml": "a: 1\n---\nb: 2\n",
    "empty.yaml": "",
    "comment_only.yaml": "# nothing\n",
}

# ---- network files
for n in ("three_neurons.yaml", "ahp_pair.yaml", "npy_layer.yaml"):
    copy("netfile", n, "models/examples/" + n)
for n, d in yaml_hostile.items():
    seed("netfile", n, d)
seed("netfile", "dense.yaml", """populations:
  - {name: in, kind: input, size: 2, placement: {chip: 0}}
  - {name: h, kind: ahp, size: 2, ahp_weight: -10, aux: {decay_u: 120}, trace: true}
  - {name: o, size: 3, sign_mode: split}
connections:
  - {from: in, to: h, synapses: [[0, 0, 100], [1, 1, -40, 2]], wexp: 0, to_aux: false}
  - {from: h, to: o, weights: [[10, 0, 0], [0, 20, 0]], delay: [1, 2], sign_mode: mixed, weight_bits: 7}
inputs:
  - {population: in, neuron: 0, steps: [1, 2, 5]}
  - {population: in, neuron: 1, steps: 3}
""")
seed("netfile", "anchors.yaml", """defaults: &lif {kind: lif, size: 4, decay_v: 10}
populations:
  - {name: in, kind: input, size: 4}
  - &p {name: a, kind: lif, size: 4}
  - {name: b, kind: lif, size: 4}
connections:
  - {from: in, to: a, synapses: &s [[0, 0, 1], [1, 1, 2]]}
  - {from: in, to: b, synapses: *s}
""")
seed("netfile", "rows_laughs.yaml", """populations:
  - {name: in, kind: input, size: 1000}
  - {name: o, size: 1000}
connections:
  - from: in
    to: o
    weights: &m [&r [""" + ",".join(["1"] * 100) + """], *r, *r, *r, *r, *r, *r, *r, *r, *r]
""")
seed("netfile", "dup_key.yaml", "populations:\n  - {name: a, size: 1, size: 2}\n")
seed("netfile", "huge_pop.yaml", "populations:\n  - {name: a, size: 4294967295}\n")
keep("netfile", "pop_2e8.yaml", "populations:\n  - {name: a, size: 200000000}\n")
keep("netfile", "pop_1e9.yaml", "populations:\n  - {name: a, size: 1000000000}\n")
keep("netfile", "laughs_rows.yaml", laughs(9, 10))
keep("netfile", "deep_1e5.yaml", "[" * 100000 + "]" * 100000 + "\n")
seed("netfile", "many_inputs.yaml", "populations:\n  - {name: in, kind: input, size: 1}\ninputs:\n  - {population: in, neuron: 0, steps: [" + ",".join(str(i) for i in range(1, 3000)) + "]}\n")

# ---- architecture and cost file
copy("arch", "loihi.yaml", "config/loihi.yaml")
for n, d in yaml_hostile.items():
    seed("arch", n, d)
with open(os.path.join(root, "config/loihi.yaml")) as f:
    arch = f.read()
seed("arch", "loihi_self_alias.yaml", arch.replace("chip:", "chip: &c\n  me: *c\n  bogus: 1", 1))
keep("arch", "self_alias_unknown.yaml", "chip: &a\n  self: *a\n  bogus: 1\n")
keep("arch", "dag40.yaml", dag(40) + "bogus: 1\n")

# ---- board files
for n in ("kapoho-bay.yaml", "nahuku32.yaml", "pohoiki-springs.yaml"):
    copy("board", n, "config/boards/" + n)
for n, d in yaml_hostile.items():
    seed("board", n, d)
keep("board", "self_alias_unknown.yaml", "name: x\nchips: &a\n  rows: 1\n  cols: 1\n  source: s\n  self: *a\n  bogus: 1\n")
keep("board", "dag40.yaml", "name: x\nchips: {rows: 1, cols: 1, source: s}\n" + dag(40) + "zz: 1\n")
keep("board", "duplicate_key.yaml", "name: x\nchips:\n  rows: 1\n  cols: 2\n  rows: 3\n  source: s\n")
seed("board", "huge_grid.yaml", "name: x\nchips: {rows: 4294967297, cols: 1, source: s}\n")
seed("board", "big_grid.yaml", "name: x\nchips: {rows: 16384, cols: 16384, source: s}\n")
seed("board", "sub_boards.yaml", "name: x\nchips: {rows: 4, cols: 8, source: s}\nboards:\n  board_rows: 2\n  board_cols: 4\n  source: s\n  link: {energy_pj: 60, latency_ns: 82, serialisation_ns: 82, assumed: a}\n")

# ---- placement hints
copy("hints", "placement-example.yaml", "models/relnet/placement-example.yaml")
for n, d in yaml_hostile.items():
    seed("hints", n, d)
seed("hints", "caps.yaml", "rules:\n  - populations: 'g.*'\n    chip: 3\n    synapses_per_core: 40000\n    neurons_per_core: 64\n    own_cores: true\n    source: s\n  - {populations: '[a-', chip: 99999999999}\n")

# ---- RelNet weight manifest (the generator's, seed 1: our own output, not reference data)
man = os.path.join(os.environ.get("LE_DATA_DIR", os.path.join(root, "data")), "relnet-weights", "generated-1",
                   "manifest.yaml")
if os.path.exists(man):
    with open(man, "rb") as f:
        seed("manifest", "generated-1.yaml", f.read())
for n, d in yaml_hostile.items():
    seed("manifest", n, d)
seed("manifest", "small.yaml", """format: loihi-emu-relnet-weights
format_version: 1
task_list: [1]
vocab_file: {file: vocab.txt, lines: 180, sha256: 00}
answer_classes_file: {file: ../answers.txt, lines: 99999999999, sha256: 00}
schedule: {dt_ms: 1, T_word: 10, max_words: 11, T_inp: 14, T_sim: 37, T_readout: 10, max_sentences: 20, steps_per_sample: 143}
tensors:
  g1.w: {file: /etc/passwd, dtype: int16, shape: [600, 256], sha256: 00}
""")


# ---- .npy
def npy(descr, shape, payload, major=1, fortran=False):
    h = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, "True" if fortran else "False", shape)
    pre = 10 if major == 1 else 12
    h += " " * ((64 - (pre + len(h) + 1) % 64) % 64) + "\n"
    ln = struct.pack("<H", len(h)) if major == 1 else struct.pack("<I", len(h))
    return b"\x93NUMPY" + bytes([major, 0]) + ln + h.encode() + payload


seed("npy", "f4_2x3.npy", npy("<f4", "(2, 3)", struct.pack("<6f", 1, 2, 3, -4, 0, 255)))
seed("npy", "f8_be.npy", npy(">f8", "(2,)", struct.pack(">2d", -300, 7)))
seed("npy", "i1.npy", npy("|i1", "(3,)", bytes([255, 127, 128])))
seed("npy", "u2_v2.npy", npy("<u2", "(1, 2)", struct.pack("<2H", 5, 65535), major=2))
seed("npy", "i8.npy", npy("<i8", "(2, 1)", struct.pack("<2q", -254, 2**40)))
seed("npy", "fortran.npy", npy("<f4", "(1, 1)", b"\0" * 4, fortran=True))
seed("npy", "structured.npy", npy("[('a', '<f4')]", "(1,)", b"\0" * 4))
seed("npy", "three_d.npy", npy("<f4", "(1, 1, 1)", b"\0" * 4))
seed("npy", "nan_inf.npy", npy("<f8", "(3,)", struct.pack("<3d", float("nan"), float("inf"), -0.0)))
keep("npy", "lying_shape.npy", npy("<f4", "(100000, 100000)", b"\0" * 10))
keep("npy", "lying_huge.npy", npy("<f8", "(18446744073709551615, 2)", b"\0" * 16))
keep("npy", "f8_inexact.npy", npy("<f8", "(1, 2)", struct.pack("<2d", 100.000001, 1e-50)))
keep("npy", "i4_wide.npy", npy("<i4", "(1,)", struct.pack("<i", 2**24 + 1)))
seed("npy", "hlen_huge.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b"{")
seed("npy", "shape_9d.npy", npy("<f4", "(1, 1, 1, 1, 1, 1, 1, 1, 1)", b""))


# ---- MNIST IDX (gzip as shipped, and raw)
def idx3(n, r, c, pixels):
    return struct.pack(">IIII", 0x803, n, r, c) + bytes(pixels)


def idx1(n, labels):
    return struct.pack(">II", 0x801, n) + bytes(labels)


seed("idx", "images.gz", gzip.compress(idx3(2, 3, 4, range(24)), mtime=0))
seed("idx", "labels.gz", gzip.compress(idx1(3, [1, 2, 9]), mtime=0))
seed("idx", "images_raw", idx3(1, 2, 2, [0, 255, 3, 4]))
seed("idx", "labels_raw", idx1(2, [7, 11]))
seed("idx", "truncated.gz", gzip.compress(idx3(3, 2, 5, range(29)), mtime=0)[:-4])
keep("idx", "lying_raw", idx3(1000000, 4096, 4096, b"\0" * 16))
keep("idx", "lying_gz.gz", gzip.compress(idx3(1000000, 28, 28, b"\0" * 64), mtime=0))
keep("idx", "lying_labels", idx1(1000000, b"\1" * 8))

# ---- bAbI story files
# Stories in bAbI's format, written here (the corpus holds no copy of the reference data).
seed("babi", "where.txt", """1 Ada walked to the cellar.
2 Bo hurried to the attic.
3 Where is Ada? \tcellar\t1
4 Cy drifted back to the attic.
5 Ada moved to the porch.
6 Where is Bo? \tattic\t2
1 Dee went to the orchard.
2 Where is Dee? \torchard\t1
""")
seed("babi", "path.txt", "1 The pantry is east of the porch.\n2 How do you go from the porch to the pantry?\te,n\t1\n")
seed("babi", "bad_numbers.txt", "0 x.\n999999999999 y.\n2 Where? \t\t99\n")
seed("babi", "long_line.txt", "1 " + "word " * 5000 + ".\n")
seed("babi", "nul.txt", b"1 John\x00 went.\n")

# ---- question lists (relnet --questions): CSV with the columns task and line
seed("questions", "predictions.csv", "sentences,placement,task,line,answer,predicted\n2,optimised,1,3,cellar,cellar\n"
     "5,optimised,20,118,attic,porch\n")
seed("questions", "quoted.csv", '# a comment\n"line","task"\n"12",1\n\n7,"4"\n"x,y",3\n')
seed("questions", "repeat.csv", "task,line\n4,6\n4,9\n4,6\n")
seed("questions", "short_row.csv", "a,b,task,line\n1,2,3\n")
seed("questions", "huge.csv", "task,line\n1,99999999999999999999\n20,4294967295\n")

# ---- NIR (HDF5): a minimal graph written with h5py when it is installed
try:
    import h5py, numpy as np, tempfile
    with tempfile.TemporaryDirectory() as td:
        p = os.path.join(td, "g.nir")
        with h5py.File(p, "w") as f:
            f["version"] = "0.2.0"
            g = f.create_group("node"); g["type"] = "NIRGraph"
            n = g.create_group("nodes")
            def node(name, typ, **kw):
                d = n.create_group(name); d["type"] = typ
                for k, v in kw.items(): d[k] = v
            node("input", "Input", shape=np.array([2]))
            node("fc", "Linear", weight=np.array([[1.0, 2.0], [0.5, -1.0]], np.float32))
            node("lif", "IF", r=np.ones(2, np.float32), v_threshold=np.ones(2, np.float32))
            node("output", "Output", shape=np.array([2]))
            g.create_dataset("edges", data=[["input", "fc"], ["fc", "lif"], ["lif", "output"]],
                             dtype=h5py.string_dtype())
        with open(p, "rb") as f:
            seed("nir", "linear_if.nir", f.read())
except ImportError:
    print("make_corpus: no h5py; the NIR corpus keeps its hostile files only", file=sys.stderr)
seed("nir", "not_hdf5.nir", b"\x89HDF\r\n\x1a\n" + b"\0" * 64)
seed("nir", "empty.nir", b"")
