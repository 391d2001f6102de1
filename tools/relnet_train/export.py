"""Loihi's weight format for the trained network (stage E) and the weight directory the
emulator loads (docs/relnet-weights.md).

Float weights are in units of the target layer's threshold. On the chip a synapse adds
mant * 2^(6 + e) to u and the layer spikes above vth_mant << 6, so a float weight w is
mant * 2^e / vth_mant. Per layer the threshold is chosen so that the largest weight of the
layer's largest tensor uses the full 8-bit mantissa (255) at the smallest exponent e >= 0 that
keeps vth_mant at least `vth_min` (the precision of the threshold itself, and for the LSNNs of
the AHP increment); every other tensor into the layer takes the smallest exponent >= 0 that
fits its largest mantissa. Negative exponents would drop mantissa bits, so none are used."""
import hashlib
import math
import os
import subprocess
import time

import numpy as np
import torch

from . import common, data
from .neuron import DECAY, DECAY_AHP, W_AHP

VTH_MAX = 131071
LAYER_TENSORS = {
    "lsnn_sent": ("lsnn_sent.w_in", "lsnn_sent.w_rec"),
    "lsnn_ques": ("lsnn_ques.w_in", "lsnn_ques.w_rec"),
    "g1": ("g1.w",), "g2": ("g2.w",), "g3": ("g3.w",), "g4": ("g4.w",), "agg": ("agg.w",),
    "f1": ("f1.w",), "f2": ("f2.w",), "f3": ("f3.w",),
}
VTH_MIN = {"lsnn_sent": 4096, "lsnn_ques": 4096}
READOUT_V_LIMIT = 1 << 22     # the readout's v at the read-out stays below half the 2^23 range


def _amax(w):
    return float(w.abs().max()) if isinstance(w, torch.Tensor) else float(np.abs(w).max())


def plan(weights, readout_peak):
    """weights: tensor name -> float array (threshold units; readout.w in logit units);
    readout_peak: the largest |logit| to expect. Returns {layer: vth_mant}, {tensor: exponent},
    and the readout's scale (integer v per logit unit)."""
    vth, exp = {}, {}
    for layer, names in LAYER_TENSORS.items():
        big = max(names, key=lambda n: _amax(weights[n]))
        mx = max(_amax(weights[big]), 1e-9)
        vmin = VTH_MIN.get(layer, 256)
        e = 0
        while 255 * 2 ** e / mx < vmin and e < 7:
            e += 1
        vth[layer] = int(min(VTH_MAX, math.floor(255 * 2 ** e / mx)))
        if vth[layer] < 1:
            # Loihi's weight format cannot hold it: the largest weight is over 255 * 2^7 thresholds,
            # and a threshold of 0 would make the layer fire on any input.
            raise ValueError("export: layer %s: largest weight %s is %.0f thresholds, over the %d that an 8-bit "
                             "mantissa with exponent 7 can hold against a threshold of 1" % (layer, big, mx,
                                                                                             255 * 2 ** 7))
        for n in names:
            m = _amax(weights[n]) * vth[layer]
            e = 0
            while m / 2 ** e > 255.5 and e < 7:
                e += 1
            exp[n] = e
    # readout: integer v = logit * scale; the largest mantissa 255 unless v would come too close
    # to saturation
    mx = max(_amax(weights["readout.w"]), 1e-9)
    smax = READOUT_V_LIMIT / max(readout_peak, 1e-9)
    e = 7
    while e > 0 and 255 * 2 ** (6 + e) / mx > smax:
        e -= 1
    scale = min(255 * 2 ** (6 + e) / mx, smax)
    exp["readout.w"] = e
    return vth, exp, scale


def mantissa(w, vth_mant, e):
    """Float weight (threshold units) -> mantissa, rounded and clipped to -255..255."""
    return torch.clamp(torch.round(w * vth_mant / 2 ** e), -255, 255)


def readout_mantissa(w, scale, e):
    """Float readout weight (logit units) -> mantissa: the integer v is the logit times `scale`,
    and a readout weight counts mant * 2^(6 + e) in v."""
    return torch.clamp(torch.round(w * (scale / 2 ** (6 + e))), -255, 255)


def fake_quant(w, vth_mant, e):
    """Straight-through rounding: the forward pass sees mant * 2^e / vth_mant, the gradient
    passes as if unrounded."""
    q = mantissa(w, vth_mant, e) * 2 ** e / vth_mant
    return w + (q - w).detach()


def readout_fake_quant(w, scale, e):
    """fake_quant for the readout: the forward pass sees the weight readout_mantissa rounds to,
    back in logit units."""
    q = readout_mantissa(w, scale, e) / (scale / 2 ** (6 + e))
    return w + (q - w).detach()


def layer_of(tensor):
    return tensor.split(".")[0]


def mantissas(weights, vth, exp, scale):
    """Every tensor's mantissas under a plan's thresholds, exponents and readout scale. One
    rounding path, in float64, for the plan and for the weights after QAT: a float32 product
    rounds a weight on a half-mantissa boundary the other way."""
    mant = {}
    for n, w in weights.items():
        w = torch.as_tensor(w, dtype=torch.float64)
        if n == "readout.w":
            m = readout_mantissa(w, scale, exp[n])
        else:
            m = mantissa(w, vth[layer_of(n)], exp[n])
        mant[n] = m.numpy().astype(np.int16)
    return mant


def quantise(weights, readout_peak):
    """-> dict: vth {layer}, exp {tensor}, mant {tensor: int array}, readout scale, ahp {layer: (mant, wexp)}."""
    vth, exp, scale = plan(weights, readout_peak)
    mant = mantissas(weights, vth, exp, scale)
    ahp = {}
    for layer in ("lsnn_sent", "lsnn_ques"):
        wexp = 0
        m = round(W_AHP * vth[layer])
        while m < -256:
            wexp += 1
            m = round(W_AHP * vth[layer] / 2 ** wexp)
        ahp[layer] = (int(m), wexp)
    return {"vth": vth, "exp": exp, "mant": mant, "scale": scale, "ahp": ahp}


def _sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def dict_sha256(tokens):
    """SHA-256 of the dictionary as a file, one token per line (the emulator's le_babi_dict_sha256)."""
    return hashlib.sha256(("\n".join(tokens) + "\n").encode()).hexdigest()


def git_commit():
    try:
        return subprocess.check_output(["git", "-C", common.ROOT, "rev-parse", "HEAD"], text=True).strip()
    except Exception:  # noqa: BLE001 - provenance only
        return "unknown"


def write_dir(out_dir, q, delays, tokens, tasks, trained):
    """Writes the weight directory: every .npy and, last, the manifest (through a
    temporary name, so a half-written directory never loads). delays: tensor prefix -> delay
    (e.g. 'g1' -> 2, 'lsnn_sent.in' -> 0)."""
    os.makedirs(out_dir, exist_ok=True)
    man = os.path.join(out_dir, "manifest.yaml")
    if os.path.exists(man):
        os.remove(man)
    files = {}

    def save(name, arr, dtype):
        path = os.path.join(out_dir, name + ".npy")
        np.save(path, np.ascontiguousarray(arr.astype(dtype)))
        files[name] = path

    for n, m in q["mant"].items():
        m = m.copy()
        if n.endswith("w_rec"):
            np.fill_diagonal(m, 0)
        save(n, m, "<i2")
        if n in ("agg.w", "readout.w"):
            continue
        dname = n.replace("w_in", "d_in").replace("w_rec", "d_rec").replace(".w", ".d")
        key = n.replace(".w_in", ".in").replace(".w_rec", ".rec").replace(".w", "")
        save(dname, np.where(m != 0, delays[key], 0), "u1")
    # One dictionary for input and readout lines. The directory names it by hash (source: babi):
    # the emulator builds the same dictionary from the data folder and checks the hash, so no copy
    # of the data travels with the weights.
    for tf in ("vocab.txt", "answers.txt"):   # written by earlier versions of this exporter
        if os.path.exists(os.path.join(out_dir, tf)):
            os.remove(os.path.join(out_dir, tf))
    vsha = dict_sha256(tokens)
    lines = []
    w = lines.append
    w("# Spiking RelNet weights for loihi-emu, trained (tools/relnet_train, docs/relnet-training.md).")
    w("format: loihi-emu-relnet-weights")
    w("format_version: 1")
    w("task_list: [%s]" % ", ".join(str(t) for t in tasks))
    w("vocab_file: {source: babi, lines: %d, sha256: %s}" % (len(tokens), vsha))
    w("answer_classes_file: {source: babi, lines: %d, sha256: %s}" % (len(tokens), vsha))
    w("schedule: {dt_ms: 1, T_word: 10, max_words: 11, T_inp: 14, T_sim: 37, T_readout: 10, max_sentences: 20, "
      "steps_per_sample: 143}")
    w("trained:")
    for k, v in trained.items():
        w("  %s: %s" % (k, v))
    w("layers:")
    for layer in ("lsnn_sent", "lsnn_ques"):
        am, ae = q["ahp"][layer]
        w("  %s: {n: 200, n_adaptive: 100, decay_u: %d, decay_v: %d, vth_mant: %d, refract: 1, ahp: {decay_u: 4096, "
          "decay_v: %d, weight: %d, wexp: %d}}" % (layer, DECAY, DECAY, q["vth"][layer], DECAY_AHP, am, ae))
    w("  relay: {n: 200, decay_u: 4096, decay_v: 4095, vth_mant: 1, refract: 1, in_weight: 5, in_wexp: 0}")
    sizes = {"g1": 256, "g2": 256, "g3": 256, "g4": 256, "agg": 256, "f1": 256, "f2": 512, "f3": 160}
    for layer, n in sizes.items():
        w("  %s: {n: %d, decay_u: %d, decay_v: %d, vth_mant: %d, refract: 1}" % (layer, n, DECAY, DECAY,
                                                                               q["vth"][layer]))
    w("  readout: {n: 180, decay_u: %d, decay_v: 1, vth_mant: 131071, refract: 1}" % DECAY)
    w("tensors:")
    for name, path in files.items():
        a = np.load(path)
        w("  %s:" % name)
        w("    file: %s" % os.path.basename(path))
        w("    dtype: %s" % ("int16" if a.dtype == np.int16 else "uint8"))
        w("    shape: [%s]" % ", ".join(str(s) for s in a.shape))
        if a.dtype == np.int16:
            w("    exponent: %d" % q["exp"][name])
        w("    sha256: %s" % _sha(path))
    tmp = man + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, man)
    return man


def provenance(tasks, seed, extra):
    d = {"tool": "tools/relnet_train (loihi-emu)", "commit": git_commit(), "seed": seed,
         "tasks": "[%s]" % ", ".join(map(str, tasks)), "date": time.strftime("%Y-%m-%d", time.gmtime()),
         "machine": '"%s"' % common.machine().replace('"', "'")}
    d.update(extra)
    return d


def tokens(d):
    return data.Dictionary(d).tokens
