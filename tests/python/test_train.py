"""The RelNet trainer (tools/relnet_train, docs/relnet-training.md): the fused LIF layer's
gradient, a tiny training run, the exporter against the emulator's loader, and the integer
model against the emulator spike for spike. Skipped when Debian's python3-torch is missing."""
import argparse
import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, ROOT)

import yaml  # noqa: E402

from tools.relnet_train import data, export, ffnet, intmodel, neuron  # noqa: E402


def test_fused_lif_gradient_equals_plain_autograd():
    torch.manual_seed(0)
    cur = (torch.randn(40, 6, 9, dtype=torch.float64) * 0.6 + 0.25).requires_grad_()
    wz, wp = torch.randn(40, 6, 9, dtype=torch.float64), torch.randn(40, 6, 9, dtype=torch.float64)
    z1, p1 = neuron.lif_plain(cur)
    (z1 * wz + p1 * wp).sum().backward()
    g1 = cur.grad.clone()
    cur.grad = None
    z2, p2 = neuron.lif(cur)
    (z2 * wz + p2 * wp).sum().backward()
    assert 0.05 < z1.mean().item() < 0.95          # both regimes (spiking and silent) are exercised
    assert torch.equal(z1, z2)
    assert torch.allclose(p1, p2, atol=1e-12)
    assert torch.allclose(cur.grad, g1, atol=1e-10)
    assert g1.abs().max().item() > 1.0


def test_lif_follows_the_chip_equations():
    # one input of half the threshold at step 0: u = 0.5 a^t, v[t] = a v[t-1] + u[t] (a = 1 -
    # 585/4096), by hand: 0.5, 0.857, 1.102 (above the threshold: a spike, v -> 0), then u alone
    cur = torch.zeros(6, 1)
    cur[0] = 0.5
    z, p = neuron.lif_plain(cur)
    a = 1 - 585 / 4096
    want = [0.5, 0.5 * a + 0.5 * a, 1.0 * a * a + 0.5 * a * a, 0.5 * a ** 3, 0.5 * a ** 3 * a + 0.5 * a ** 4,
            None]
    want[5] = want[4] * a + 0.5 * a ** 5
    assert torch.allclose(p[:, 0], torch.tensor(want), atol=1e-6)
    assert z[:, 0].tolist() == [0, 0, 1, 0, 0, 0]


def tiny_weights(seed):
    g = torch.Generator().manual_seed(seed)
    shapes = {"g1": (600, 256), "g2": (256, 256), "g3": (256, 256), "g4": (256, 256), "agg": (256,),
              "f1": (256, 256), "f2": (256, 512), "f3": (512, 160), "readout": (160, 180)}
    scale = {"g1": 0.6, "agg": 1.0, "readout": 0.3}
    W = {}
    for n, s in shapes.items():
        if n == "agg":
            W[n] = torch.full(s, 0.4)
        else:
            W[n] = torch.randn(*s, generator=g) * scale.get(n, 2.0) / s[0] ** 0.5
    return W


def test_tiny_configuration_lowers_its_loss():
    torch.manual_seed(1)
    W = tiny_weights(1)
    S = (torch.rand(6, 2, 15, 200) < 0.08).float()
    Q = (torch.rand(6, 15, 200) < 0.08).float()
    y = torch.tensor([3, 7, 3, 7, 11, 11])
    for w in W.values():
        w.requires_grad_(True)
    opt = torch.optim.Adam(W.values(), lr=3e-3)
    losses = []
    for _ in range(25):
        logit, out = ffnet.snn_forward(W, S, Q, 2, delay=1)
        loss = torch.nn.functional.cross_entropy(logit, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert out["f3"][0].sum() > 0                   # the signal reaches the last spiking layer
    assert losses[-1] < 0.5 * losses[0], losses


def quantised_dir(tmp_path, seed=2, toks=None):
    """A random network in Loihi's format: LSNNs of word weights that fire, feed-forward layers.
    toks: its dictionary (default 176 made-up words)."""
    W = tiny_weights(seed)
    g = torch.Generator().manual_seed(seed)
    fw = {}
    for k in ("sent", "ques"):
        fw["lsnn_%s.w_in" % k] = torch.randn(180, 200, generator=g) * 0.15
        fw["lsnn_%s.w_rec" % k] = torch.randn(200, 200, generator=g) * 0.03
    for n in ("g1", "g2", "g3", "g4", "agg", "f1", "f2", "f3", "readout"):
        fw[n + ".w"] = W[n]
    q = export.quantise(fw, 50.0)
    dl = {"lsnn_sent.in": 0, "lsnn_sent.rec": 1, "lsnn_ques.in": 0, "lsnn_ques.rec": 1}
    dl.update({n: 1 for n in ("g1", "g2", "g3", "g4", "f1", "f2", "f3")})
    if toks is None:
        toks = ["<pad>"] + ["w%s" % chr(97 + i // 26) + chr(97 + i % 26) for i in range(176)] + ["<unused>"] * 3
    d = str(tmp_path / "w")
    export.write_dir(d, q, dl, toks, [1, 4], {"tool": "test"})
    return d, q


def test_exporter_writes_what_the_format_says(tmp_path):
    d, q = quantised_dir(tmp_path)
    W = intmodel.Weights(d)
    assert set(W.w) == {"lsnn_sent.w_in", "lsnn_sent.w_rec", "lsnn_ques.w_in", "lsnn_ques.w_rec", "g1.w", "g2.w",
                        "g3.w", "g4.w", "agg.w", "f1.w", "f2.w", "f3.w", "readout.w"}
    g2 = np.load(os.path.join(d, "g2.w.npy"))
    assert g2.dtype == np.int16 and g2.shape == (256, 256) and np.abs(g2).max() == 255
    assert np.all(np.diag(np.load(os.path.join(d, "lsnn_sent.w_rec.npy"))) == 0)
    assert W.delays("g3.d") == 1 and W.delays("lsnn_sent.d_in") == 0
    # a float weight w is mant * 2^e / vth_mant in threshold units
    assert np.abs(W.w["g2.w"]).max() / (W.L["g2"]["vth_mant"] << 6) == pytest.approx(
        float(np.abs(ffnet_weight(tmp_path)).max()), rel=0.01)


def test_exporter_refuses_a_weight_the_format_cannot_hold():
    W = tiny_weights(2)
    fw = {"lsnn_%s.w_%s" % (k, r): torch.full((180 if r == "in" else 200, 200), 0.01)
          for k in ("sent", "ques") for r in ("in", "rec")}
    fw.update({n + ".w": W[n] for n in ("g1", "g2", "g3", "g4", "agg", "f1", "f2", "f3", "readout")})
    fw["g4.w"] = fw["g4.w"].clone()
    fw["g4.w"][0, 0] = 255 * 2 ** 7 + 1.0       # thresholds: beyond mantissa 255 at exponent 7
    with pytest.raises(ValueError, match="layer g4: largest weight g4.w"):
        export.quantise(fw, 50.0)
    fw["g4.w"][0, 0] = 255 * 2 ** 7 - 1.0       # just inside: threshold mantissa 1
    assert export.quantise(fw, 50.0)["vth"]["g4"] == 1


def ffnet_weight(tmp_path):
    return tiny_weights(2)["g2"].numpy()


def le_bin():
    b = os.environ.get("LE_BIN") or os.path.join(ROOT, "build", "loihi-emu")
    if not os.path.exists(b):
        pytest.skip("no loihi-emu binary (build it, or run under ctest)")
    return b


def le_data():
    for d in (os.environ.get("LE_DATA_DIR"), os.path.join(ROOT, "data"), os.path.join(ROOT, "..", "shared", "data")):
        if d and os.path.isdir(os.path.join(d, "babi")):
            return d
    pytest.skip("no bAbI data (tools/fetch-data.sh)")


def test_exported_directory_loads_in_the_emulator(tmp_path):
    d, _ = quantised_dir(tmp_path, toks=data.Dictionary(le_data()).tokens)
    r = subprocess.run([le_bin(), "relnet", "--weights", d, "--sentences", "2", "--tasks", "4", "--stories", "1",
                        "--data", le_data()], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "weights %s" % d in r.stdout


def test_exported_directory_names_the_dictionary_instead_of_copying_it(tmp_path):
    """The manifest names the dictionary by the hash of its lines (source: babi) and the
    directory holds no token file; the emulator refuses weights made for another dictionary."""
    d, _ = quantised_dir(tmp_path)
    made_up = "<pad>\n" + "".join("w%s%s\n" % (chr(97 + i // 26), chr(97 + i % 26)) for i in range(176)) \
        + "<unused>\n" * 3
    h = hashlib.sha256(made_up.encode()).hexdigest()
    with open(os.path.join(d, "manifest.yaml")) as f:
        man = yaml.safe_load(f)
    for key in ("vocab_file", "answer_classes_file"):
        assert man[key] == {"source": "babi", "lines": 180, "sha256": h}
    assert not [f for f in os.listdir(d) if f.endswith(".txt")]
    r = subprocess.run([le_bin(), "relnet", "--weights", d, "--sentences", "2", "--tasks", "4", "--stories", "1",
                        "--data", le_data()], capture_output=True, text=True, timeout=120)
    assert r.returncode == 4, r.stderr
    assert "vocabulary (source: babi) has 180 lines, sha256 %s..." % h[:16] in r.stderr, r.stderr


def test_emulator_and_integer_model_give_the_same_spikes(tmp_path):
    """An LSNN of the exported directory (words, 100 LIF + 100 AHP neurons, recurrence with
    delay 1) built in the emulator through the Python binding; the integer model's spikes of
    all 111 steps must equal the emulator's."""
    le = pytest.importorskip("loihi_emu")
    d, q = quantised_dir(tmp_path)
    W = intmodel.Weights(d)
    L = W.L["lsnn_sent"]
    mw_in = np.load(os.path.join(d, "lsnn_sent.w_in.npy"))
    mw_rec = np.load(os.path.join(d, "lsnn_sent.w_rec.npy"))
    e_in, e_rec = q["exp"]["lsnn_sent.w_in"], q["exp"]["lsnn_sent.w_rec"]
    words = [5, 17, 3, 99, 42, 8]                      # a 6-word sentence, right-aligned
    net = le.Network()
    prof = dict(decay_u=L["decay_u"], decay_v=L["decay_v"], vth_mant=L["vth_mant"], refract=1)
    src = net.add_population("words", 180, kind="input")
    lif = net.add_population("lif", 100, **prof)
    ahp = net.add_population("ahp", 100, kind="ahp", aux=dict(decay_u=4096, decay_v=L["ahp"]["decay_v"]),
                             ahp_weight=L["ahp"]["weight"], ahp_wexp=L["ahp"]["wexp"], **prof)
    halves = ((lif, slice(0, 100)), (ahp, slice(100, 200)))
    for dst, cols in halves:
        net.connect(src, dst, mw_in[:, cols], wexp=e_in, delay=0)
        for pre, rows in halves:
            net.connect(pre, dst, mw_rec[rows, cols], wexp=e_rec, delay=1)
    first = 110 - 10 * len(words) + 1
    steps = np.arange(first, 111)
    # the x86 injects in step s and the LSNN integrates it in s + 1; a network's input spike is
    # given by the step that integrates it (docs/network-file.md, "Time")
    net.add_input(src, neurons=np.array([words[(s - first) // 10] for s in steps]), steps=steps + 1)
    sim = le.Simulation(net, record=[lif, ahp])
    sim.run(111)
    emu = np.concatenate([sim.spikes(lif), sim.spikes(ahp)], 1).astype(np.int64)
    padded = np.zeros((1, 11), np.int64)
    padded[0, 11 - len(words):] = words
    mine = intmodel.lsnn(W, "sent", padded, steps=(1, 111))[:, 0]
    assert emu.sum() > 50 and mine[:, 100:].sum() > 0   # both halves of the LSNN fire
    np.testing.assert_array_equal(mine, emu)


def test_lsnn_chain_is_the_back_to_back_run(tmp_path):
    """The chained LSNN that makes the training's back-to-back rasters (stage C --chip-weights)
    against the sequential model of the whole chip (run_sequence, which the emulator matches
    answer for answer): the LSNN spikes of every step of three stories run back to back, and the
    first story's raster from rest."""
    d, _ = quantised_dir(tmp_path)
    W = intmodel.Weights(d)
    stories = [([[5, 17, 3], [99, 42, 8, 11]], [7, 9]), ([[12, 13], [40, 41, 42, 43, 44]], [3]),
               ([[150, 2, 60], [8]], [21, 22, 23])]
    _, cnt = intmodel.run_sequence(W, stories, 2, per_step=True)
    sent = intmodel.lsnn_chain(W, "sent", np.stack([intmodel.data_pad(c) for c, _ in stories]))
    ques = intmodel.lsnn_chain(W, "ques", np.stack([intmodel.data_pad([q]) for _, q in stories]))
    for k in range(3):
        assert cnt[k]["s"][96:111].sum() > 0
        np.testing.assert_array_equal(sent[k].sum((1, 2)), cnt[k]["s"][96:111])
        np.testing.assert_array_equal(ques[k].sum((1, 2)), cnt[k]["q"][96:111])
    np.testing.assert_array_equal(sent[0], intmodel.lsnn(W, "sent", intmodel.data_pad(stories[0][0])))


def test_firing_per_layer_is_the_integer_models(tmp_path):
    """`loihi-emu relnet --json`'s firing per layer against the spike counts of the framework's
    integer model on the same stories run back to back (the committed trained weights): the
    LSNNs per neuron and step of the 110 input steps, g_theta in Hz per unit summed over the
    instances over the 46 steps 98..143, the rest per neuron and step of those 46 steps; and the
    share of each layer's spikes outside its window (per-step counts)."""
    import csv
    import json
    from tools.relnet_train import data
    wdir = os.path.join(ROOT, "train", "run2", "weights")
    d = le_data()
    js, pred = str(tmp_path / "r.json"), str(tmp_path / "p.csv")
    r = subprocess.run([le_bin(), "relnet", "--weights", wdir, "--sentences", "4", "--tasks", "1", "--stories", "4",
                        "--data", d, "--json", js, "--predictions", pred], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    row = json.load(open(js))["rows"][0]
    rates, outside = row["rates"], row["rates_outside"]
    test = {(q["task"], q["line"]): q for q in data.load(d, [1], "test", data.Dictionary(d))}
    stories = [test[(int(row["task"]), int(row["line"]))] for row in csv.DictReader(open(pred))]
    assert len(stories) == 4 and all(len(q["ctx"]) == 4 for q in stories)
    W = intmodel.Weights(wdir)
    _, cnt = intmodel.run_sequence(W, [(q["ctx"], q["q"]) for q in stories], 4, per_step=True)
    total = {k: sum(int(np.sum(c[k])) for c in cnt) for k in cnt[0]}
    # steps 1..110 are the LSNNs' window, 98..143 the feed-forward part's (index = step - 1)
    out = {k: sum(int(np.sum(c[k][110:] if k in ("s", "q") else c[k][:97])) for c in cnt) for k in cnt[0]}
    n = len(stories)
    want = {"lsnn_sentence": total["s"] / (4 * 200) / n / 110, "lsnn_question": total["q"] / 200 / n / 110}
    for k in ("g1", "g2", "g3", "g4"):
        want[k] = total[k] / 256 / n / 46 * 1000.0
    for k in ("agg", "f1", "f2", "f3"):
        want[k] = total[k] / W.L[k]["n"] / n / 46
    assert total["g4"] > 0 and total["f3"] > 0
    for k, v in want.items():
        assert rates[k] == pytest.approx(v, rel=1e-6), k
    names = {"lsnn_sentence": "s", "lsnn_question": "q"}
    for k in want:
        c = names.get(k, k)
        assert outside[k] == pytest.approx(out[c] / total[c] if total[c] else 0.0, rel=1e-8, abs=1e-12), k  # 9 digits in JSON
    assert out["f3"] > 0  # the committed weights' f_phi fires on after the reset at step 143


def test_compare_runs_stage_ds_test_sample_on_the_emulator():
    """compare --per-task N: the emulator runs exactly stage D's seeded test sample (N per task,
    each story at its own size, through `relnet --questions`), and the integer model run back to
    back per size gives the emulator's answer on every one of them (committed run2 weights)."""
    from tools.relnet_train import compare
    from tools.relnet_train.stage_d import sample_test
    d = le_data()
    wdir = os.path.join(ROOT, "train", "run2", "weights")
    lines = []
    res = compare.compare(le_bin(), wdir, d, [1, 4], None, None, 1, log=lines.append, per_task=3)
    want = sample_test(data.load(d, [1, 4], "test", data.Dictionary(d)), 3, 1)
    assert {t: p["n"] for t, p in res["per_task"].items()} == {1: 3, 4: 3}
    sizes = sorted({len(q["ctx"]) for q in want})
    assert sorted(res["per_size"]) == sizes and sum(p["n"] for p in res["per_size"].values()) == 6
    assert res["n"] == 6 and res["agree"] == 6 and not res["disagreements"]
    assert any("stage D's test sample: 3 stories per task" in x for x in lines)


def test_compare_only_runs_the_samples_stories_of_a_subset():
    """compare --only 4 --per-task 3 over tasks 1 and 4: the emulator runs the 3 task-4 stories
    of the sample drawn over both tasks (not a fresh task-4 sample), and agrees on each."""
    from tools.relnet_train import compare
    from tools.relnet_train.stage_d import sample_test
    d = le_data()
    wdir = os.path.join(ROOT, "train", "run2", "weights")
    want = [q for q in sample_test(data.load(d, [1, 4], "test", data.Dictionary(d)), 3, 1) if q["task"] == 4]
    alone = sample_test(data.load(d, [4], "test", data.Dictionary(d)), 3, 1)
    assert [q["line"] for q in want] != [q["line"] for q in alone]    # the draw depends on the task list
    res = compare.compare(le_bin(), wdir, d, [1, 4], None, None, 1, log=lambda x: None, per_task=3, only={4})
    assert {t: p["n"] for t, p in res["per_task"].items()} == {4: 3}
    assert res["agree"] == 3
    sizes = {}
    for q in want:
        sizes[len(q["ctx"])] = sizes.get(len(q["ctx"]), 0) + 1
    assert {m: p["n"] for m, p in res["per_size"].items()} == sizes
    with pytest.raises(SystemExit):
        compare.compare(le_bin(), wdir, d, [1, 4], [2], 5, 1, log=lambda x: None, only={4})


def test_compare_from_rest_in_pieces_gives_the_same_answers(monkeypatch):
    """The from-rest (and float) side runs in pieces of REST_PIECE stories, so that a whole test
    set fits in memory: pieces of 1 story give the same counts as one piece, and no piece holds
    more than REST_PIECE stories."""
    from tools.relnet_train import compare
    d = le_data()
    wdir = os.path.join(ROOT, "train", "run2", "weights")
    net = os.path.join(ROOT, "train", "run2", "stage_d.pt")
    whole = compare.compare(le_bin(), wdir, d, [1, 4], None, None, 1, log=lambda x: None, float_net=net, per_task=4)
    seen = []
    real = compare.rasters_from_rest

    def spy(W, qs, m):
        seen.append(len(qs))
        return real(W, qs, m)
    monkeypatch.setattr(compare, "REST_PIECE", 1)
    monkeypatch.setattr(compare, "rasters_from_rest", spy)
    parts = compare.compare(le_bin(), wdir, d, [1, 4], None, None, 1, log=lambda x: None, float_net=net, per_task=4)
    assert seen and max(seen) == 1 and sum(seen) == 8
    assert parts["per_task"] == whole["per_task"] and parts["per_size"] == whole["per_size"]
    assert all("float_wrong" in p for p in parts["per_task"].values())


def test_a_question_knows_its_story(tmp_path):
    p = tmp_path / "qa1_x_test.txt"
    p.write_text("1 Maud rowed to the lighthouse.\n2 Where is Maud?\tlighthouse\t1\n3 Odo rowed to the pier.\n"
                 "4 Where is Odo?\tpier\t3\n1 Ilse rowed home.\n2 Where is Ilse?\thome\t1\n")
    qs = data.read_file(str(p), 1)
    # by hand: the questions on lines 2 and 4 belong to the story that starts on line 1, line 6's to line 5's
    assert [(q["line"], q["story"]) for q in qs] == [(2, 1), (4, 1), (6, 5)]
    assert qs[1]["context"] == [["maud", "rowed", "to", "the", "lighthouse"], ["odo", "rowed", "to", "the", "pier"]]


def test_dev_stories_hold_no_story_of_the_test_sample():
    from tools.relnet_train import score
    from tools.relnet_train.stage_d import sample_test
    from tools.relnet_train import stage_d
    d = le_data()
    test = data.load(d, [1, 19], "test", data.Dictionary(d))
    # dev keeps clear of the sample stage D scores on by default
    ap = argparse.ArgumentParser()
    stage_d.add_args(ap)
    held = sample_test(test, ap.parse_args([]).eval_per_task, 1)
    assert len(held) == 400
    dev = score.dev_stories(test, 1)
    in_held = {(q["task"], q["story"]) for q in held}
    assert not {(q["task"], q["story"]) for q in dev} & in_held
    # every test question is either in a sampled question's story or in dev
    assert len(dev) + sum((q["task"], q["story"]) in in_held for q in test) == len(test)
    # task 1 has several questions per story, so dev is smaller than 1,000 - 200 there; task 19 one
    n1 = sum(q["task"] == 1 for q in dev)
    n19 = sum(q["task"] == 19 for q in dev)
    assert 200 <= n1 < 800 and n19 == 800
    # no dev question shares its story's first sentence-pair with a sampled question of task 1
    firsts = {tuple(map(tuple, q["ctx"][:2])) for q in held if q["task"] == 1}
    assert sum(tuple(map(tuple, q["ctx"][:2])) in firsts for q in dev if q["task"] == 1) < 0.05 * n1


def test_fresh_questions_are_neither_in_the_test_sample_nor_in_dev():
    from tools.relnet_train import score
    from tools.relnet_train.stage_d import sample_test
    d = le_data()
    test = data.load(d, [1, 20], "test", data.Dictionary(d))
    key = lambda q: (q["task"], q["line"])  # noqa: E731
    sample = {key(q) for q in sample_test(test, 200, 1)}
    dev = {key(q) for q in score.dev_sample(test, 200, 1)}
    fresh = [key(q) for q in score.fresh_stories(test, 1)]
    assert len(set(fresh)) == len(fresh) and not set(fresh) & (sample | dev)
    # by hand: every test question is in exactly one of the three; task 1 draws 200 dev questions
    # of the more than 200 outside the sample's stories, task 20 all of its fewer than 200
    assert not sample & dev and len(fresh) + len(sample) + len(dev) == len(test)
    n20_dev = sum(t == 20 for t, _ in dev)
    assert sum(t == 1 for t, _ in dev) == 200 and n20_dev < 200
    assert sum(t == 1 for t, _ in fresh) == 600 and sum(t == 20 for t, _ in fresh) == 800 - n20_dev


def test_oversample_rare_answers_by_hand():
    answers = ["nothing"] * 6 + ["apple"] * 3 + ["apple,milk"] + ["milk,apple"] * 2
    qs = [{"task": 8, "answer": a, "n": i} for i, a in enumerate(answers)]
    qs += [{"task": 1, "answer": a, "n": 20 + i} for i, a in enumerate(["garden", "hallway"] * 2)]
    # by hand, K = 4: nothing 6 // 6 = 1, apple 6 // 3 = 2, apple,milk 6 // 1 = 6 -> 4, milk,apple 6 // 2 = 3;
    # task 1's answers are balanced: once
    assert data.rare_times(qs, 4) == {(8, "nothing"): 1, (8, "apple"): 2, (8, "apple,milk"): 4,
                                      (8, "milk,apple"): 3, (1, "garden"): 1, (1, "hallway"): 1}
    assert data.oversample(qs, {}) == qs
    ep = data.oversample(qs, {8: 2}, 4)
    assert ep[:len(qs)] == qs    # the originals first, the copies after
    times = {}
    for q in ep:
        times[q["n"]] = times.get(q["n"], 0) + 1
    # task 8 twice over, times its rare factor: 6 x 2 + 3 x 4 + 1 x 8 + 2 x 6, task 1's 4 once each
    assert [times[q["n"]] for q in qs] == [2] * 6 + [4] * 3 + [8] + [6] * 2 + [1] * 4
    assert len(ep) == 48
    with pytest.raises(SystemExit):
        data.oversample(qs, {}, 0)


def test_training_epoch_is_stage_d_and_e_one_helper():
    from types import SimpleNamespace
    from tools.relnet_train import stage_d
    logged = []
    run = SimpleNamespace(log=logged.append)
    qs = [{"task": 8, "answer": a} for a in ["nothing"] * 4 + ["apple,milk"]] + [{"task": 1, "answer": "garden"}]
    args = SimpleNamespace(oversample="8:2", oversample_rare=4, oversample_long="", seed=3, order_seed=None)
    epoch, seed = stage_d.training_epoch(run, qs, [1, 8], args)
    # by hand: task 8 twice, its list 4 // 1 -> 4 times more: 4 x 2 + 1 x 8 + 1 = 17;
    # the order seed falls back to --seed
    assert (len(epoch), seed) == (17, 3)
    assert len(logged) == 1 and "17 stories per epoch, 6 without" in logged[0]
    args = SimpleNamespace(oversample="", oversample_rare=1, oversample_long="", seed=3, order_seed=9)
    epoch, seed = stage_d.training_epoch(run, qs, [1, 8], args)
    assert (epoch, seed, len(logged)) == (qs, 9, 1)    # nothing oversampled: no log line


def test_oversample_long_stories_by_hand():
    from types import SimpleNamespace
    from tools.relnet_train import stage_d
    sizes = [2, 4, 8, 10, 8]
    qs = [{"task": 1, "answer": "garden", "ctx": [[1]] * m, "n": i} for i, m in enumerate(sizes)]
    qs.append({"task": 8, "answer": "nothing", "ctx": [[1]] * 12, "n": 5})
    # by hand, 8:3 with task 8 twice: the sizes 8, 10, 8 of task 1 three times, task 8's 12 2 x 3
    ep = data.oversample(qs, {8: 2}, 1, data.parse_long("8:3"))
    times = {}
    for q in ep:
        times[q["n"]] = times.get(q["n"], 0) + 1
    assert [times[i] for i in range(6)] == [1, 1, 3, 3, 3, 6] and ep[:6] == qs
    assert data.parse_long("") is None
    for bad in ("8", "8:0", "0:2", "a:2"):
        with pytest.raises(SystemExit, match="--oversample-long"):
            data.parse_long(bad)
    logged = []
    args = SimpleNamespace(oversample="", oversample_rare=1, oversample_long="10:2", seed=3, order_seed=None)
    epoch, _ = stage_d.training_epoch(SimpleNamespace(log=logged.append), qs, [1, 8], args)
    assert len(epoch) == 8 and "stories of 10 or more sentences x 2" in logged[0]


def test_train_only_keeps_the_split_over_all_tasks():
    qs = [{"task": t, "n": i} for i, t in enumerate([1, 19, 1, 19, 17, 19, 1, 1, 17, 19] * 3)]
    assert data.parse_only("", [1, 17, 19]) is None
    assert data.parse_only("19,17", [1, 17, 19]) == {17, 19}
    for bad in ("4", "x", ","):
        with pytest.raises(SystemExit):
            data.parse_only(bad, [1, 17, 19])
    train, val = data.split_train_val(qs, 1)
    only = data.keep_tasks(train, {19})
    # by hand: task 19's stories of the split over all tasks, in order, and none held out
    assert [q["n"] for q in only] == [q["n"] for q in train if q["task"] == 19]
    assert not {q["n"] for q in only} & {q["n"] for q in val}
    assert data.keep_tasks(train, None) is train


def test_a_checkpoint_kept_in_pieces_resumes_in_a_fresh_clone(tmp_path):
    """`keep` splits a checkpoint larger than the repository's file limit into pieces under
    4 MB; `--resume` without the checkpoint (a fresh clone) joins them into the same bytes, and
    a damaged piece is refused rather than loaded."""
    import argparse
    from tools.relnet_train import common
    out = str(tmp_path / "run")
    os.makedirs(out)
    state = {"model": torch.arange(2_000_000, dtype=torch.float32), "step": 7, "_wall": 12.0, "_cpu": 3.0}
    ckpt = os.path.join(out, "stage_d.ckpt.pt")
    torch.save(state, ckpt)
    blob = open(ckpt, "rb").read()
    names, n = common.split_pieces(out, "stage_d")
    assert n == len(blob) > 2 * common.PIECE_BYTES and len(names) == -(-n // common.PIECE_BYTES) == 3
    assert all(os.path.getsize(os.path.join(out, "resume", x)) <= common.PIECE_BYTES < 4 << 20 for x in names)
    os.remove(ckpt)
    run = common.Run(out, "stage_d", argparse.Namespace(out=out))
    st = run.load()
    assert open(ckpt, "rb").read() == blob
    assert st["step"] == 7 and torch.equal(st["model"], state["model"]) and run.cpu() >= 3.0
    os.remove(ckpt)
    piece = os.path.join(out, "resume", names[1])
    b = bytearray(open(piece, "rb").read())
    b[100] ^= 1
    open(piece, "wb").write(bytes(b))
    with pytest.raises(SystemExit, match="SHA-256"):
        run.load()
    assert not os.path.exists(ckpt)


def test_stage_b_silences_the_step_before_the_reset():
    """--l-silent: the LSNN run one step past the relayed window is the same run (nothing arrives
    after step 110), and the term alone drives the spikes of step 112 down."""
    from tools.relnet_train import lsnn
    torch.manual_seed(3)
    net = lsnn.LSNN(seed=3)
    with torch.no_grad():
        net.w_rec.mul_(3.0)                              # a recurrence that keeps firing after the words
    words = torch.randint(1, 180, (16, 11))
    with torch.no_grad():
        z111, p111 = net(words)
        z112, p112 = net(words, steps=lsnn.T_RESET)
    assert z112.shape[0] == lsnn.T_RESET and torch.equal(z112[:lsnn.T_LSNN], z111)
    assert torch.equal(p112[:lsnn.T_LSNN], p111)
    before = z112[lsnn.T_RESET - 1].sum(-1).mean().item()
    assert before > 5, before
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    for _ in range(40):
        z, _ = net(words, steps=lsnn.T_RESET)
        loss = z[lsnn.T_RESET - 1].sum(-1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        after = net(words, steps=lsnn.T_RESET)[0][lsnn.T_RESET - 1].sum(-1).mean().item()
    assert after < 0.25 * before, (before, after)


def test_oversample_takes_a_task_k_times():
    from tools.relnet_train.data import oversample, parse_oversample
    assert parse_oversample("19:4,17:2", [1, 17, 19]) == {19: 4, 17: 2}
    assert parse_oversample("", [1]) == {}
    for bad in ("19:4", "1:0", "1-4", "x:2"):
        with pytest.raises(SystemExit):
            parse_oversample(bad, [1, 17])
    qs = [{"task": t, "n": i} for i, t in enumerate([1, 8, 4, 8, 1])]
    out = oversample(qs, {8: 3, 4: 1})
    # by hand: the five, then task 8's two stories twice more each; task 4 (K = 1) and 1 once
    assert [q["n"] for q in out] == [0, 1, 2, 3, 4, 1, 1, 3, 3]
    assert oversample(qs, {}) == qs


def test_order_seed_changes_only_the_loops_order():
    from tools.relnet_train.stage_d import batches, loop_order
    # 30 stories of M = 2 (3 pairs each): batches of 600 // 3 = 200 stories hold them all, so
    # take rows = 15 (5 stories per batch): 6 batches per epoch
    qs = [{"ctx": [0, 0], "n": i} for i in range(30)]
    assert len(batches(qs, 15)) == 6
    a, na = loop_order(qs, 15, 1.5, 1)
    b, nb = loop_order(qs, 15, 1.5, 1)
    c, nc = loop_order(qs, 15, 1.5, 2)
    assert na == nb == nc == 9                      # 1.5 epochs of 6 batches
    assert a == b                                   # a resumed loop walks the same batches
    assert a != c
    for o in (a, c):                                # each epoch: every story once
        for e in range(2):
            assert sorted(k for ks in o[6 * e:6 * e + 6] for k in ks) == list(range(30))


def test_voltage_term_takes_a_factor_per_layer():
    import types
    torch.manual_seed(3)
    W = tiny_weights(1)
    S = (torch.rand(2, 2, 15, 200) < 0.3).float()
    Q = (torch.rand(2, 15, 200) < 0.3).float()
    _, out = ffnet.snn_forward(W, S, Q, 2, delay=1)
    args = types.SimpleNamespace(r_target=300.0, rate_f=0.05, l_rate=0.02)
    _, lv1, _ = ffnet.regularisers(out, 2, 2, args)
    # By hand: f3's own term, the bounded penalty on its pre-reset voltage (threshold 1).
    vs = (out["f3"][1] - 1.0).clamp(-20.0, 20.0)
    f3 = float((torch.relu(vs - 0.4) ** 2 + torch.relu(-vs - 2.0) ** 2).mean())
    assert f3 > 0
    args.l_v_layer = ffnet.parse_layer_factors("f3=5")
    _, lv5, _ = ffnet.regularisers(out, 2, 2, args)
    assert abs(float(lv5) - float(lv1) - 4.0 * f3) < 1e-4 * max(1.0, float(lv1))
    for bad in ("f9=2", "f3=x", "f3=-1"):
        with pytest.raises(SystemExit):
            ffnet.parse_layer_factors(bad)


def test_tail_is_what_the_spikes_in_flight_start_after_the_reset():
    """The tail against a plain step-by-step run of the aggregation and f_phi through the window
    and K steps on, with every state zeroed after step 143 and spike queues left as they are."""
    torch.manual_seed(5)
    W = tiny_weights(4)
    W["agg"] = torch.full((256,), 0.8)
    for n in ("f1", "f2", "f3"):
        W[n] = W[n] * 3.0                           # driven hard, so that the tail fires
    S = (torch.rand(2, 3, 15, 200) < 0.3).float()
    Q = (torch.rand(2, 15, 200) < 0.3).float()
    K, delay = 12, 1
    with torch.no_grad():
        _, out = ffnet.snn_forward(W, S, Q, 3, delay, tail=K)
    T = ffnet.T_FF
    src = out["g4"][0].view(T, 2, 6, -1).sum(2).numpy()          # g4 summed over instances
    src = np.concatenate([src, np.zeros((K,) + src.shape[1:])])  # g_theta silent after the reset
    want = {}
    for n, d in (("agg", 0), ("f1", delay), ("f2", delay), ("f3", delay)):
        w = W[n].numpy()
        n_out = w.shape[-1]
        u = np.zeros((2, n_out))
        v = np.zeros((2, n_out))
        z = np.zeros((T + K, 2, n_out))
        for t in range(T + K):
            if t == T:                              # the x86 reset after step 143
                u[:] = 0.0
                v[:] = 0.0
            x = src[t - 1 - d] if t - 1 - d >= 0 else np.zeros_like(src[0])
            cur = x * w if n == "agg" else x @ w
            u = float(neuron.ALPHA) * u + cur
            p = float(neuron.ALPHA) * v + u
            z[t] = p > 1.0
            v = p * (1.0 - z[t])
        want[n] = z[T:]
        src = z
    assert set(out["tail"]) == {"agg", "f1", "f2", "f3"}
    fired = 0
    for n in want:
        got = out["tail"][n].numpy()
        assert got.shape == want[n].shape
        assert np.mean(got != want[n]) < 1e-3, n   # float rounding at the threshold only
        fired += want[n].sum()
    assert fired > 0
    import types
    args = types.SimpleNamespace(r_target=300.0, rate_f=0.05, l_rate=0.02)
    _, lv_tail, _ = ffnet.regularisers(out, 3, 2, args)     # the tail is not a layer of the window
    _, lv, _ = ffnet.regularisers({n: zp for n, zp in out.items() if n != "tail"}, 3, 2, args)
    assert float(lv_tail) == float(lv)
    assert float(ffnet.tail_term(out["tail"])) == pytest.approx(
        sum(want[n].sum(0).mean() for n in want), rel=1e-3)


def test_stage_b_task_share_spreads_sampling_over_tasks():
    from tools.relnet_train import stage_b
    a, b, c = [1, 2], [3], [4, 5]
    qs = [{"task": 1, "ctx": [a, b], "q": [9]}, {"task": 1, "ctx": [b], "q": [9]},
          {"task": 2, "ctx": [c], "q": [8]}]
    items = [a, b, c]
    # by hand: half evenly over 3 items (1/6 each), half over 2 tasks: task 1's quarter over a
    # and b, task 2's quarter on c
    members = stage_b.task_members(qs, "sent", items)
    assert members == {1: {0, 1}, 2: {2}}
    np.testing.assert_allclose(stage_b.task_weights(members, 3, 0.5),
                               [1 / 6 + 1 / 8, 1 / 6 + 1 / 8, 1 / 6 + 1 / 4])
    np.testing.assert_allclose(stage_b.task_weights(members, 3, 0.0), [1 / 3] * 3)
    assert stage_b.task_members(qs, "ques", [[9], [8]]) == {1: {0}, 2: {1}}
    # unexplained share by hand: task 1's rows 0, 1 have mean squared error 2 and code variance
    # var([0, 2]) = 2 per column (unbiased); task 2's rows 2, 3 error 1, variance var([1, 5]) = 8
    err = torch.tensor([[1.0, 1.0], [3.0, 3.0], [1.0, 1.0], [1.0, 1.0]])
    target = torch.tensor([[0.0, 0.0], [2.0, 2.0], [1.0, 1.0], [5.0, 5.0]])
    got = stage_b.unexplained_per_task({2: {2, 3}, 1: {0, 1}}, err, target)
    assert [t for t, _ in got] == [1, 2]
    np.testing.assert_allclose([u for _, u in got], [1.0, 1 / 8])


def test_stage_b_fit_draws_only_what_the_sampling_weights_allow():
    from types import SimpleNamespace

    from tools.relnet_train import lsnn, stage_b
    net = lsnn.LSNN(seed=4)
    seen = []
    forward = net.forward

    def recording(words, **kw):
        seen.append(sorted(words[:, -1].tolist()))       # the last word is the item's number
        return forward(words, **kw)
    net.forward = recording
    n = 20
    words = torch.zeros(n, 11, dtype=torch.long)
    words[:, -1] = torch.arange(1, n + 1)
    words[:, -2] = 7
    ro = torch.nn.Linear(200, 32, bias=False)
    p = np.zeros(n)
    p[3:11] = 1 / 8                                      # items 4..11 only
    args = SimpleNamespace(lr=1e-3, seed=1, iters=3, batch=8, l_silent=0.0, l_rate=1.0, rate=0.03, l_v=0.1, done={})
    run = SimpleNamespace(log=lambda *a: None, due=lambda: False, save=lambda *a: None)
    stage_b.fit(run, "sent", net, ro, words, torch.zeros(n, 32), args, sample_p=p)
    assert seen == [list(range(4, 12))] * 3


def test_stage_e_reuses_the_scores_before_qat_only_when_nothing_changed():
    from types import SimpleNamespace

    from tools.relnet_train import stage_d, stage_e
    W = {n: torch.ones(2, 2) for n in stage_d.NAMES}
    calls = []
    run = SimpleNamespace(log=lambda *a: None, progress=lambda *a: None, due=lambda: False)
    loss = lambda *a: calls.append(a)                    # noqa: E731 - never called with no step
    assert stage_d.train_loop(run, W, [], loss, 0.0, 1e-3, 600, 1, "QAT") == 0
    assert calls == []
    mant = {"a": np.array([1, -2], np.int16), "b": np.array([3], np.int16)}
    plan = {"mant0": {k: v.copy() for k, v in mant.items()}}
    assert stage_e.unchanged_since_plan(0, plan, mant)
    assert not stage_e.unchanged_since_plan(5, plan, mant)          # QAT ran
    assert not stage_e.unchanged_since_plan(0, {}, mant)            # a checkpoint without the plan's mantissas
    other = dict(mant, b=np.array([4], np.int16))
    assert not stage_e.unchanged_since_plan(0, plan, other)         # one mantissa moved
    assert not stage_e.unchanged_since_plan(0, plan, {"a": mant["a"]})


def test_score_reads_a_checkpoint_or_a_stage_file_and_refuses_others(tmp_path):
    from tools.relnet_train import score
    W = {"g1": torch.zeros(2, 2)}
    ck, fin, other = tmp_path / "ck.pt", tmp_path / "d.pt", tmp_path / "b.pt"
    torch.save({"W": W, "delay": 1, "loop": {"step": 1694, "opt": {}}, "phase": "snn"}, ck)
    torch.save({"W": W, "delay": 2, "test_err": {}}, fin)
    torch.save({"sent": {}, "ques": {}}, other)
    assert score.network(str(ck))[1:] == (1, 1694)
    assert score.network(str(fin))[1:] == (2, None)
    with pytest.raises(SystemExit, match="no stage D network"):
        score.network(str(other))
    with pytest.raises(SystemExit, match="missing"):
        score.network(str(tmp_path / "none.pt"))


def test_count_match_is_zero_for_an_exact_conversion_and_by_hand_otherwise():
    # two stories, M = 2 (3 instances each): g_theta rows are story-major instances
    B, P, T = 2, 3, 4
    g = torch.rand(B, P, 3)
    f = torch.rand(B, 2)
    acts = {n: g.clone() for n in ffnet.G_NAMES}
    acts.update({n: f.clone() for n in ("agg",) + ffnet.F_NAMES})
    scales = {n: 2.0 for n in ffnet.MATCH_LAYERS}
    norms = {n: 0.5 for n in ffnet.MATCH_LAYERS}

    def spikes(a):                       # counts = 2 a, spread evenly over T steps
        return (2.0 * a / T).expand(T, *a.shape)
    out = {n: (spikes(g.reshape(B * P, 3)), None) for n in ffnet.G_NAMES}
    out.update({n: (spikes(f), None) for n in ("agg",) + ffnet.F_NAMES})
    assert ffnet.match_loss(out, acts, scales, norms).item() < 1e-10
    # g1 silent: its term is mean((0 - 2g)^2) / 0.5, the other seven 0
    out["g1"] = (torch.zeros(T, B * P, 3), None)
    want = (4 * g ** 2).mean().item() / 0.5 / 8
    assert abs(ffnet.match_loss(out, acts, scales, norms).item() - want) < 1e-6
    # a story-major mix-up is not an exact conversion
    out["g1"] = (spikes(g.transpose(0, 1).reshape(B * P, 3)), None)
    assert ffnet.match_loss(out, acts, scales, norms).item() > 1e-3


def test_diagnose_completes_the_ann_from_any_layer():
    from tools.relnet_train import diagnose
    torch.manual_seed(3)
    W = {"g1": torch.randn(600, 16), "g2": torch.randn(16, 16), "g3": torch.randn(16, 16), "g4": torch.randn(16, 16),
         "agg": torch.rand(16), "f1": torch.randn(16, 16), "f2": torch.randn(16, 12), "f3": torch.randn(12, 8),
         "readout": torch.randn(8, 5)}
    m = 3
    pre = {}
    logits, acts = ffnet.ann_forward(W, torch.rand(4, m, 200), torch.rand(4, 200), m, pre)
    for n in ffnet.MATCH_LAYERS:                      # what the density term reads: the input before the ReLU
        torch.testing.assert_close(torch.relu(pre[n]), acts[n])
    # the layers after g_theta written out by hand: the ANN's logits, and its completion from
    # any layer's own activations, are this chain
    relu = torch.relu
    agg = relu(acts["g4"].sum(1) * W["agg"])
    f1 = relu(agg @ W["f1"])
    f3 = relu(relu(f1 @ W["f2"]) @ W["f3"])
    by_hand = f3 @ W["readout"]
    torch.testing.assert_close(logits, by_hand)
    for name, x in (("g4 sum", acts["g4"].sum(1)), ("agg", agg), ("f1", f1), ("f3", f3)):
        torch.testing.assert_close(diagnose.complete(W, name, x), by_hand)


def test_density_term_asks_silent_units_to_fire_and_leaves_busy_ones():
    rows = torch.linspace(-1.0, 1.0, 100)
    busy = rows[:, None] + 5.0                        # active on every row
    half = rows[:, None].clone().requires_grad_(True)  # active on half of the rows
    assert ffnet.density_loss({"f1": busy}, 0.25, ["f1"]).item() == 0.0
    assert ffnet.density_loss({"f1": rows[:, None]}, 0.25, ["f1"]).item() == 0.0   # half >= a quarter
    loss = ffnet.density_loss({"f1": half}, 0.75, ["f1"])                          # asks for three quarters
    assert loss.item() > 0.0
    loss.backward()
    assert (half.grad <= 0).all() and (half.grad < 0).any()   # a step against the gradient raises inputs


def test_stage_d_refuses_ann_from_with_init(tmp_path):
    from tools.relnet_train import stage_d
    with pytest.raises(SystemExit, match="--ann-from starts the ANN phase"):
        stage_d.main(["--out", str(tmp_path / "run"), "--ann-from", "a.pt", "--init", "b.pt"])
    assert not (tmp_path / "run").exists()            # refused before any log or configuration is written


def test_logistic_fit_separates_and_answers_in_the_units_it_was_given():
    from tools.relnet_train import stage_d
    g = torch.Generator().manual_seed(5)
    centres = torch.tensor([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]])
    Y = torch.arange(90) % 3
    X = centres[Y] + 0.3 * torch.randn(90, 3, generator=g)
    Wr = stage_d.fit_logistic(X, Y, 3, 1e-4, 100)
    assert ((X @ Wr).argmax(1) == Y).all()        # three clusters far apart: every row right
    # the fit runs on X scaled to unit spread, so X a thousand times larger gets weights a
    # thousand times smaller and the same logits
    W2 = stage_d.fit_logistic(1000.0 * X, Y, 3, 1e-4, 100)
    torch.testing.assert_close(1000.0 * X @ W2, X @ Wr, rtol=1e-3, atol=1e-3)


def test_raster_cache_missing_names_the_file_and_the_stage(tmp_path):
    from tools.relnet_train import stage_d
    with pytest.raises(SystemExit, match="rasters_chip.pt missing.*--chip-weights"):
        stage_d.load_cache(str(tmp_path), True)
    with pytest.raises(SystemExit, match="rasters.pt missing"):
        stage_d.load_cache(str(tmp_path), False)


def test_commands_that_only_read_a_run_take_no_resume(tmp_path, capsys):
    from tools.relnet_train import compare, diagnose, keep, score
    for mod, extra in ((score, []), (diagnose, []), (compare, []), (keep, ["--stage", "d"])):
        with pytest.raises(SystemExit) as e:
            mod.main(["--out", str(tmp_path)] + extra + ["--resume"])
        assert e.value.code == 2                     # argparse: unrecognised argument
        assert "unrecognized arguments: --resume" in capsys.readouterr().err


def test_count_response_by_hand():
    p = torch.tensor([10.0, 2.0, 1.0])                # saturates at 10, 2 counts per threshold above 1
    x = torch.tensor([-3.0, 0.5, 1.0, 3.0, 1000.0])
    want = torch.tensor([0.0, 0.0, 0.0, 10.0 * float(np.tanh(2.0 * 2.0 / 10.0)), 10.0])
    torch.testing.assert_close(ffnet.response(x, p), want)


def test_response_fit_recovers_a_known_response():
    from tools.relnet_train import stage_d
    g = torch.Generator().manual_seed(4)
    x = torch.rand(20000, generator=g) * 10.0 - 2.0
    true = torch.tensor([12.0, 3.0, 0.5])
    y = ffnet.response(x, true) + 0.2 * torch.randn(20000, generator=g)
    p, corr, disp = stage_d.fit_response_params(x, y, iters=1500)
    torch.testing.assert_close(p, true, rtol=0.05, atol=0.05)
    assert corr > 0.99
    r = ffnet.response(x, true)
    assert abs(disp - 0.04 * len(x) / r.sum().item()) < 0.1 * disp     # residual variance 0.2^2 over the mean response


def test_count_model_noise_scatters_like_the_dispersion_and_leaves_silent_units():
    from tools.relnet_train import stage_d
    torch.manual_seed(8)
    resp = {"f1": torch.tensor([1000.0, 1.0, 0.0, 0.5])}         # nearly linear, dispersion 0.5
    x = torch.cat([torch.full((20000,), 8.0), torch.full((100,), -1.0)])
    r = stage_d.count_model_act(resp, noise=2.0)["f1"](x)
    base = ffnet.response(x, resp["f1"])
    assert torch.equal(r[20000:], torch.zeros(100))               # no input, no count, no scatter
    var = (r[:20000] - base[:20000]).var().item()
    assert abs(var - 4.0 * 0.5 * 8.0) < 0.05 * 16.0                # K^2 dispersion r
    assert torch.equal(stage_d.count_model_act(resp)["f1"](x), base)


def test_layer_inputs_from_the_anns_own_activations_are_its_inputs():
    torch.manual_seed(6)
    W = {"g1": torch.randn(600, 16), "g2": torch.randn(16, 16), "g3": torch.randn(16, 16), "g4": torch.randn(16, 16),
         "agg": torch.rand(16), "f1": torch.randn(16, 16), "f2": torch.randn(16, 12), "f3": torch.randn(12, 8),
         "readout": torch.randn(8, 5)}
    m, B = 3, 4
    cs, cq = torch.rand(B, m, 200), torch.rand(B, 200)
    pre = {}
    _, acts = ffnet.ann_forward(W, cs, cq, m, pre)
    counts = {n: a.reshape(-1, a.shape[-1]) for n, a in acts.items()}     # instances story-major
    inp = ffnet.layer_inputs(W, cs, cq, counts, m)
    assert sorted(inp) == sorted(ffnet.MATCH_LAYERS)
    for n in ffnet.MATCH_LAYERS:
        torch.testing.assert_close(inp[n], pre[n].reshape(inp[n].shape))
    # the count model is the ANN with the response in place of each ReLU
    p = torch.tensor([5.0, 2.0, 0.1])
    act = {n: (lambda x: ffnet.response(x, p)) for n in ffnet.MATCH_LAYERS}
    logits, acts2 = ffnet.ann_forward(W, cs, cq, m, act=act)
    h = ffnet.response((cs @ W["g1"][:200])[:, ffnet.pair_index(m)[0]] + (cs @ W["g1"][200:400])[:, ffnet.pair_index(m)[1]]
                       + (cq @ W["g1"][400:])[:, None], p)
    for n in ("g2", "g3", "g4"):
        h = ffnet.response(h @ W[n], p)
    h = ffnet.response(h.sum(1) * W["agg"], p)
    for n in ffnet.F_NAMES:
        h = ffnet.response(h @ W[n], p)
    torch.testing.assert_close(logits, h @ W["readout"])


def test_train_loop_calls_its_hook_every_n_steps(monkeypatch):
    from types import SimpleNamespace

    from tools.relnet_train import stage_d
    monkeypatch.setattr(stage_d, "lookup", lambda *a, **k: (None, None))
    W = {n: torch.ones(2) for n in stage_d.NAMES}
    run = SimpleNamespace(log=lambda *a: None, progress=lambda *a: None, due=lambda: False, wall=lambda: 0.0,
                          cpu=lambda: 0.0)
    train = [{"ctx": [[1]], "y": 0} for _ in range(10)]          # rows 1: one story per step, 10 steps
    loss = lambda S, Q, m, y: (((W["g1"] - 2.0) ** 2).sum(), "")  # noqa: E731
    calls = []
    assert stage_d.train_loop(run, W, train, loss, 1.0, 1e-2, 1, 1, "T",
                              every=(3, calls.append)) == 10
    assert calls == [3, 6, 9]                              # not after the last step: the loop ends there


def test_stage_d_refuses_ann_response_without_ann_from(tmp_path):
    from tools.relnet_train import stage_d
    with pytest.raises(SystemExit, match="--ann-response fits its count model to a spiking network"):
        stage_d.main(["--out", str(tmp_path / "run"), "--ann-response"])
    assert not (tmp_path / "run").exists()


def test_tandem_forward_is_the_spiking_count_and_backward_the_models_slope():
    from tools.relnet_train import stage_d
    c, k, b = 10.0, 2.0, 0.5
    resp = {"f2": torch.tensor([c, k, b, 0.3])}
    x = torch.tensor([[-1.0, 0.2, 1.0], [2.0, 4.0, 9.0]], requires_grad=True)
    spikes = torch.tensor([[0.0, 1.0, 0.0], [5.0, 9.0, 10.0]])
    out = stage_d.tandem_act(resp, {"f2": spikes.flatten()})["f2"](x)
    assert torch.equal(out.detach(), spikes)                     # the next layer sees the real counts
    out.sum().backward()
    t = np.tanh(k * np.clip(x.detach().numpy() - b, 0.0, None) / c)
    slope = np.where(x.detach().numpy() > b, k * (1.0 - t ** 2), 0.0)  # d/dx c tanh(k (x - b) / c)
    np.testing.assert_allclose(x.grad.numpy(), slope, rtol=1e-5, atol=1e-7)


def test_stage_d_refuses_tandem_without_the_count_model(tmp_path):
    from tools.relnet_train import stage_d
    with pytest.raises(SystemExit, match="--tandem takes its gradient from the count model"):
        stage_d.main(["--out", str(tmp_path / "run"), "--tandem"])
    assert not (tmp_path / "run").exists()


def test_tandem_readout_forward_is_what_the_chip_reads_and_backward_the_counts():
    from tools.relnet_train import stage_d
    g = torch.Generator().manual_seed(3)
    z = (torch.rand(ffnet.T_FF, 2, 3, generator=g) < 0.3).float()      # f_phi 3 spikes (T, stories, units)
    R = torch.randn(3, 4, generator=g)
    W = {"readout": R.clone().requires_grad_()}
    a3 = z.sum(0).clone().requires_grad_()
    logits = stage_d.tandem_readout(W, a3, z)
    # by hand: a spike of step t reaches the readout in step t + 1; u decays by ALPHA; the
    # features are u summed over the read-out steps, rescaled to the counts' total
    zn = z.numpy().astype(np.float64)
    u = np.zeros((2, 3))
    x = np.zeros((2, 3))
    for t in range(ffnet.T_FF):
        u = neuron.ALPHA * u + (zn[t - 1] if t >= 1 else 0.0)
        if t >= ffnet.READ_FROM:
            x += u
    x *= zn.sum() / x.sum()
    np.testing.assert_allclose(logits.detach().numpy(), x @ R.numpy(), rtol=1e-5, atol=1e-5)
    logits.sum().backward()
    np.testing.assert_allclose(a3.grad.numpy(), np.tile(R.sum(1).numpy(), (2, 1)), rtol=1e-6)
    np.testing.assert_allclose(W["readout"].grad.numpy(), np.tile(x.sum(0)[:, None], (1, 4)), rtol=1e-5)


def test_stage_d_refuses_tandem_readout_without_tandem(tmp_path):
    from tools.relnet_train import stage_d
    with pytest.raises(SystemExit, match="--tandem-readout reads the spiking network's readout: give --tandem"):
        stage_d.main(["--out", str(tmp_path / "run"), "--tandem-readout"])
    assert not (tmp_path / "run").exists()


def test_final_mantissas_round_float32_weights_as_the_plan_does():
    # 1/6 in float32 times a threshold of 3 is 0.5 exactly in float32 (rounds to 0, half to
    # even) but 0.50000001 in float64 (rounds to 1): the plan rounds in float64
    w = np.array([[np.float32(1.0 / 6.0), -2.0, 0.25]], np.float32)
    vth, exp = {"g1": 3}, {"g1.w": 0}
    by_hand = np.array([[1, -6, 1]])                                   # round(w * 3), w read in float64
    for given in (torch.from_numpy(w), w.astype(np.float64)):
        np.testing.assert_array_equal(export.mantissas({"g1.w": given}, vth, exp, 1.0)["g1.w"], by_hand)
    # the readout: mantissa = round(w * scale / 2^(6 + e)), clipped to 8 bits
    r = export.mantissas({"readout.w": torch.tensor([[1.0, -3.0, 0.02]])}, {}, {"readout.w": 1}, 128.0 * 2)
    np.testing.assert_array_equal(r["readout.w"], [[2, -6, 0]])


def test_score_on_validation_draws_only_what_stage_d_holds_out():
    from tools.relnet_train import score
    d = le_data()
    dic = data.Dictionary(d)
    train = data.load(d, [1], "train", dic)
    fit, held = data.split_train_val(train, 1)                  # stage D trains on fit
    val = score.stories(d, [1], dic, "val", 1)
    assert len(val) == len(train) // 10 == len(held) and len(fit) + len(val) == len(train)
    assert val == held
    assert val != score.stories(d, [1], dic, "val", 2)          # another seed, another split
    assert score.stories(d, [1], dic, "test", 1) == data.load(d, [1], "test", dic)


def test_average_is_the_mean_of_the_networks_and_refuses_unlike_ones(tmp_path):
    from tools.relnet_train import average
    a, b, c, d = (str(tmp_path / n) for n in ("a.pt", "b.pt", "c.pt", "d.pt"))
    torch.save({"W": {"g1": torch.tensor([[1.0, 2.0]]), "f3": torch.tensor([3.0])}, "delay": 1}, a)
    torch.save({"W": {"g1": torch.tensor([[3.0, -2.0]]), "f3": torch.tensor([0.0])}, "delay": 1,
                "loop": {"step": 7}}, b)                                          # a checkpoint
    torch.save({"W": {"g1": torch.tensor([[0.0, 0.0]]), "f3": torch.tensor([0.0])}, "delay": 2}, c)
    torch.save({"W": {"g1": torch.tensor([[0.0, 0.0, 0.0]]), "f3": torch.tensor([0.0])}, "delay": 1}, d)
    got = average.average([a, b])
    assert torch.equal(got["W"]["g1"], torch.tensor([[2.0, 0.0]])) and torch.equal(got["W"]["f3"], torch.tensor([1.5]))
    assert got["delay"] == 1 and got["sources"] == [a, b]
    with pytest.raises(SystemExit, match="delay 2"):
        average.average([a, c])
    with pytest.raises(SystemExit, match="other layers or shapes"):
        average.average([a, d])


def test_learning_rate_decays_along_a_cosine_to_its_final_share(monkeypatch):
    import math
    from types import SimpleNamespace

    from tools.relnet_train import stage_d
    monkeypatch.setattr(stage_d, "lookup", lambda *a, **k: (None, None))
    W = {n: torch.zeros(1) for n in stage_d.NAMES}
    run = SimpleNamespace(log=lambda *a: None, progress=lambda *a: None, due=lambda: False, wall=lambda: 0.0,
                          cpu=lambda: 0.0)
    train = [{"ctx": [[1]], "y": 0} for _ in range(8)]          # rows 1: 8 steps
    seen = []

    def loss(S, Q, m, y):
        seen.append(float(W["g1"]))
        return W["g1"].sum(), ""                                 # a constant gradient: Adam steps by its rate
    lr, final = 1e-2, 0.2
    assert stage_d.train_loop(run, W, train, loss, 1.0, lr, 1, 1, "T", lr_final=final) == 8
    seen.append(float(W["g1"]))
    steps = -np.diff(seen)
    # by hand: step k's rate is lr (final + (1 - final) (1 + cos(pi k / 8)) / 2)
    want = [lr * (final + (1 - final) * 0.5 * (1 + math.cos(math.pi * k / 8))) for k in range(8)]
    np.testing.assert_allclose(steps, want, rtol=1e-4)
    assert stage_d.lr_factor(3, 8, None) == 1.0
    assert stage_d.lr_factor(8, 8, 0.0) == 0.0


def test_stage_d_refuses_a_rate_share_outside_0_to_1_and_a_tandem_rate_without_tandem(tmp_path):
    from tools.relnet_train import stage_d
    with pytest.raises(SystemExit, match="--lr-final is a share of the starting rate"):
        stage_d.main(["--out", str(tmp_path / "run"), "--lr-final", "1.5"])
    with pytest.raises(SystemExit, match="--tandem-rate regularises the spiking network's counts"):
        stage_d.main(["--out", str(tmp_path / "run"), "--tandem-rate"])
    assert not (tmp_path / "run").exists()


def test_rate_term_on_counts_by_hand():
    from types import SimpleNamespace
    m, B, T = 2, 2, ffnet.T_FF                   # 3 pairs per story
    args = SimpleNamespace(r_target=300.0, rate_f=0.05, l_rate=0.02)
    c = {n: torch.full((B * 3, 256), 2.0) for n in ffnet.G_NAMES}
    c.update({n: torch.full((B, k), 4.6) for n, k in (("agg", 256), ("f1", 256), ("f2", 512), ("f3", 160))})
    lr, hz = ffnet.rate_terms(c, m, B, args)
    R = 3 * 2.0 * 1000.0 / T                    # Hz per unit summed over the story's 3 instances
    rho = 4.6 / T                               # spikes per step
    want = 4 * ((R - 300) / (R + 300)) ** 2 + 4 * ((rho - 0.05) / (rho + 0.05)) ** 2
    assert abs(float(lr) - want) < 1e-5
    assert abs(hz["g2"] - R) < 1e-3 and abs(hz["f3"] - 1000.0 * rho) < 1e-3
    args.g_rate_log = 0.01
    lr2, _ = ffnet.rate_terms(c, m, B, args)
    extra = 4 * 0.01 / 0.02 * np.log((R + 1) / 301.0) ** 2
    assert abs(float(lr2) - float(lr) - extra) < 1e-4
    # the spiking network's regulariser is the same term on its spikes' counts
    torch.manual_seed(4)
    W = tiny_weights(2)
    S = (torch.rand(B, m, 15, 200) < 0.3).float()
    Q = (torch.rand(B, 15, 200) < 0.3).float()
    _, out = ffnet.snn_forward(W, S, Q, m, delay=1)
    lr_s, _, _ = ffnet.regularisers(out, m, B, args)
    want = 0.0
    for n in ffnet.MATCH_LAYERS:
        z = out[n][0].numpy()                                   # (T, rows, units)
        if n in ffnet.G_NAMES:
            R = z.sum(0).reshape(B, 3, -1).sum(1).mean(0) * 1000.0 / T
            want += (((R - 300) / (R + 300)) ** 2).mean() + 0.5 * (np.log((R + 1) / 301.0) ** 2).mean()
        else:
            rho = z.mean((0, 1))
            want += (((rho - 0.05) / (rho + 0.05)) ** 2).mean()
    assert abs(float(lr_s) - want) < 1e-4 * max(1.0, want)


def test_readout_fake_quant_forward_is_the_exported_mantissa_and_backward_passes():
    scale, e = 1000.0, 1
    w = torch.tensor([0.3, -0.07, 0.0, 40.0], requires_grad=True)
    out = export.readout_fake_quant(w, scale, e)
    # by hand: v counts mant * 2^(6 + e) = 128 mant per weight, the logit is v / 1000
    step = 128.0 / 1000.0
    want = [2 * step, -1 * step, 0.0, 255 * step]      # 2.34, -0.55, 0 and 312.5 steps (clamped at 255)
    np.testing.assert_allclose(out.detach().numpy(), want, rtol=1e-6)
    out.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 1.0, 1.0, 1.0])


def test_score_weights_is_the_whole_chip_model_from_rest(tmp_path):
    """score.int_evaluate (stage E's and score --weights' integer score) on six task-1 test
    stories of the committed run2 weights: each answer equals the sequential model of the whole
    chip (run_sequence, which the emulator matches) run on that story alone from rest, and the
    per-task error counts those answers against the labels."""
    from tools.relnet_train import score, stage_e
    from tools.relnet_train.stage_d import sample_test
    d = le_data()
    dic = data.Dictionary(d)
    wdir = os.path.join(ROOT, "train", "run2", "weights")
    W = intmodel.Weights(wdir)
    qs = sample_test(data.load(d, [1], "test", dic), 6, 3)
    cache = stage_e.int_rasters(wdir, d, [1], dic)
    err, tot, preds = score.int_evaluate(wdir, qs, cache)
    wrong = 0
    for q in qs:
        v, _ = intmodel.run_sequence(W, [(q["ctx"], q["q"])], len(q["ctx"]))
        want = int(np.argmax(v[0]))
        assert preds[(1, q["line"])] == want
        wrong += want != q["y"]
    assert err == {1: 100.0 * wrong / 6} and tot == 100.0 * wrong / 6


def test_score_weights_wants_the_chip_rasters_and_one_network(tmp_path):
    from tools.relnet_train import score
    wdir = os.path.join(ROOT, "train", "run2", "weights")
    with pytest.raises(SystemExit, match="add --chip-rasters"):
        score.main(["--out", str(tmp_path), "--weights", wdir])
    with pytest.raises(SystemExit, match="give one"):
        score.main(["--out", str(tmp_path), "--weights", wdir, "--network", "x.pt", "--chip-rasters"])
    with pytest.raises(SystemExit, match="no weight directory"):
        score.main(["--out", str(tmp_path), "--weights", str(tmp_path / "none"), "--chip-rasters"])


def test_dev_sample_draws_per_task_outside_the_test_sample_with_its_own_seed():
    from tools.relnet_train import score
    from tools.relnet_train.stage_d import sample_test
    d = le_data()
    test = data.load(d, [1, 20], "test", data.Dictionary(d))
    dev = score.dev_sample(test, 30, 1)
    held = {(q["task"], q["story"]) for q in sample_test(test, 200, 1)}
    assert [sum(q["task"] == t for q in dev) for t in (1, 20)] == [30, 30]
    assert not {(q["task"], q["story"]) for q in dev} & held
    assert dev == score.dev_sample(test, 30, 1)                          # seeded
    # drawn with seed + 1: the same pool drawn with the test sample's seed gives other stories
    pool = score.dev_stories(test, 1)
    assert dev != sample_test(pool, 30, 1) and dev == sample_test(pool, 30, 2)


def test_breakdown_counts_wrong_answers_and_sizes_by_hand():
    from tools.relnet_train import score
    q = lambda t, ans, y, m: {"task": t, "answer": ans, "y": y, "ctx": [[1]] * m}  # noqa: E731
    qs = [q(8, "nothing", 3, 2), q(8, "apple,milk", 5, 4), q(8, "apple,milk", 5, 4), q(8, "milk", 6, 2),
          q(1, "garden", 7, 2)]
    preds = {0: 3, 1: 6, 2: 5, 3: 3, 4: 7}       # story 1 and story 3 wrong, both in task 8
    bd = score.breakdown(qs, preds)
    assert bd[8]["answer"] == {"nothing": (1, 0), "apple,milk": (2, 1), "milk": (1, 1)}
    assert bd[8]["size"] == {2: (2, 1), 4: (2, 1)}
    assert bd[1]["answer"] == {"garden": (1, 0)}
    lines = score.breakdown_lines(bd)
    assert len(lines) == 1                         # task 1 has no error
    assert lines[0] == "task 8 wrong by answer: apple,milk 1/2, milk 1/1; by context size (wrong/stories): 2: 1/2, 4: 1/2"


def test_sample_size_names_short_tasks_or_the_whole_set():
    from tools.relnet_train import score
    assert score.sample_size({1: 200, 17: 192}, 200) == "200 stories per task, fewer where a task has fewer: task 17: 192"
    assert score.sample_size({1: 200, 4: 200}, 200) == "200 stories per task"
    assert score.sample_size({1: 1000, 4: 1000, 20: 93}, 100000) == "every story: 1000 in tasks 1, 4, 93 in task 20"


def test_score_weights_checks_the_cache_came_from_the_exports_lsnns():
    """An export is scored on the integer rasters of its own LSNNs: a cache built from them
    matches, one spike moved in a question's raster does not."""
    from tools.relnet_train import score, stage_e
    d = le_data()
    wdir = os.path.join(ROOT, "train", "run2", "weights")
    cache = stage_e.int_rasters(wdir, d, [1], data.Dictionary(d))
    assert score.lsnns_match(wdir, cache)
    r = cache["ques"]["raster"]
    r[3, 5, 7] = 1 - r[3, 5, 7]
    assert not score.lsnns_match(wdir, cache)
