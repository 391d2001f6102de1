"""Stage E: Loihi's weight format. The trained LSNNs and feed-forward network are quantised
(export.py: 8-bit mantissas, one exponent per tensor, thresholds and the AHP in matching
units); the LSNN rasters are recomputed with the integer model (intmodel.py), so the
feed-forward part is fine-tuned on exactly the embeddings the chip will produce, with
straight-through rounding of its weights; then the weight directory is written and scored by
the integer model on the test stories."""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

from . import common, data, export, ffnet, intmodel, score, stage_c, stage_d
from .stage_c import lookup

FF = ("g1.w", "g2.w", "g3.w", "g4.w", "agg.w", "f1.w", "f2.w", "f3.w", "readout.w")


def float_weights(st_b, W):
    out = {}
    for kind in ("sent", "ques"):
        out["lsnn_%s.w_in" % kind] = st_b[kind]["net"]["w_in"].clone()
        w = st_b[kind]["net"]["w_rec"].clone()
        w.fill_diagonal_(0)
        out["lsnn_%s.w_rec" % kind] = w
    for n in FF:
        out[n] = W[n.split(".")[0]].detach().clone()
    return out


def delays(st_b, delay):
    d = {"lsnn_sent.in": st_b["d_in"], "lsnn_sent.rec": st_b["d_rec"], "lsnn_ques.in": st_b["d_in"],
         "lsnn_ques.rec": st_b["d_rec"]}
    d.update({n: delay for n in ("g1", "g2", "g3", "g4", "f1", "f2", "f3")})
    return d


def int_rasters(wdir, d, tasks, dic, batch=256):
    """Stage C's cache, from the integer LSNNs of an exported directory."""
    W = intmodel.Weights(wdir)
    qs = data.load(d, tasks, "train", dic) + data.load(d, tasks, "test", dic)
    out = {}
    for kind in ("sent", "ques"):
        items = data.distinct_items(qs, kind)
        keys = list(items)
        ras = []
        for i in range(0, len(keys), batch):
            z = intmodel.lsnn(W, kind, data.pad_left([list(k) for k in keys[i:i + batch]]))
            ras.append(torch.from_numpy(z.transpose(1, 0, 2).astype(np.uint8)))
        out[kind] = {"index": items, "raster": torch.cat(ras)}
    return out


def unchanged_since_plan(steps, st, mant):
    """True when QAT ran no step and the final mantissas are the plan's (a checkpoint from before
    the plan kept its mantissas has none): the integer model is then the one scored before QAT."""
    plan = st.get("mant0")
    if steps or plan is None or set(plan) != set(mant):
        return False
    return all(np.array_equal(plan[n], mant[n]) for n in mant)


def main(argv=None):
    ap = common.base_args(__doc__)
    stage_d.add_args(ap)
    ap.add_argument("--qat-epochs", type=float, default=0.25)
    ap.add_argument("--weights-out", default=None, help="weight directory (default <out>/weights)")
    ap.add_argument("--chip-rasters", action="store_true", help="the integer LSNNs' rasters back to back (stage C "
                    "--chip-weights on the quantised directory): QAT draws a random variant per item, the scores "
                    "are given from rest (variant 0) and back to back (variant 1)")
    ap.add_argument("--variants", type=int, default=4)
    ap.add_argument("--stage-d", default=None, help="the spiking network to quantise: a stage_d.pt or a stage D "
                    "checkpoint (default <out>/stage_d.pt)")
    args = ap.parse_args(argv)
    run = common.Run(args.out, "stage_e", args)
    common.seed_all(args.seed)
    d = common.data_dir(args.data)
    tasks = common.parse_tasks(args.tasks)
    dic = data.Dictionary(d)
    st_b = common.load_stage(args.out, "stage_b")
    st_d = torch.load(args.stage_d) if args.stage_d else common.load_stage(args.out, "stage_d")
    args.delay = st_d["delay"]
    W = {n: w.clone() for n, w in st_d["W"].items()}
    train, _ = data.split_train_val(data.load(d, tasks, "train", dic), args.seed)
    test_all = data.load(d, tasks, "test", dic)
    test = stage_d.sample_test(test_all, args.eval_per_task, args.seed)
    # the integer model is scored on dev too, the stories that choose between exports without the
    # test sample's (score --on dev --weights scores an export the same way)
    dev = score.dev_sample(test_all, args.eval_per_task, args.seed)
    # a subset network (stage D --train-only): its fine-tune and scores on the subset's stories of the
    # split and sample over all --tasks, and the weights name the subset as the tasks they answer
    only = data.parse_only(args.train_only, tasks)
    train, test, dev = data.keep_tasks(train, only), data.keep_tasks(test, only), data.keep_tasks(dev, only)
    wtasks = tasks if only is None else sorted(only)
    split = {} if only is None else {"split_over": "[%s]" % ", ".join(map(str, tasks))}
    wout = args.weights_out or os.path.join(run.out, "weights")
    dl = delays(st_b, args.delay)
    st = run.load() if args.resume else {"phase": "plan"}
    if st["phase"] == "plan":
        stage_d.CACHE = stage_d.load_cache(run.out, args.chip_rasters)
        peak = 0.0
        with torch.no_grad():
            for ks in stage_d.batches(test[:400], args.rows)[:8]:
                S, Q = lookup(stage_d.CACHE, test, ks)
                lg, _ = ffnet.snn_forward(W, S, Q, len(test[ks[0]]["ctx"]), args.delay)
                peak = max(peak, lg.abs().max().item())
        q = export.quantise(float_weights(st_b, W), 2.0 * peak)
        export.write_dir(wout, q, dl, dic.tokens, wtasks, export.provenance(wtasks, args.seed,
                                                                            dict(split, stage="E, before QAT")))
        run.log("quantised: thresholds %s; exponents %s; readout scale %.1f (logit peak %.2f)" % (
            q["vth"], q["exp"], q["scale"], peak))
        if args.chip_rasters:
            cache = stage_c.chip_build(d, tasks, dic, wout, args.variants, args.seed)
        else:
            cache = int_rasters(wout, d, tasks, dic)
        err, tot, _ = score.int_evaluate(wout, test, cache)
        run.log("integer model before QAT: test error %.2f %% (%s)" % (tot, stage_d.fmt(err)))
        dev_err, dev_tot, _ = score.int_evaluate(wout, dev, cache)
        run.log("integer model before QAT: dev error %.2f %% (%s)" % (dev_tot, stage_d.fmt(dev_err)))
        pre_b2b, totb = None, None
        if args.chip_rasters:
            pre_b2b, totb, _ = score.int_evaluate(wout, test, cache, variant=1)
            run.log("integer model before QAT, back to back (variant 1): test error %.2f %% (%s)" % (
                totb, stage_d.fmt(pre_b2b)))
        st = {"phase": "qat", "q": {k: v for k, v in q.items() if k != "mant"}, "cache": cache, "pre_err": err,
              "pre_err_back_to_back": pre_b2b,
              "pre_tot": tot, "pre_tot_back_to_back": totb, "mant0": q["mant"], "pre_dev_err": dev_err,
              "pre_dev_tot": dev_tot}
        run.save(st)
    q, stage_d.CACHE = st["q"], st["cache"]
    if args.chip_rasters:
        stage_d.VARIANT_RNG = np.random.RandomState(args.seed + 13)
    if "W" in st:
        W = st["W"]

    def wq():
        out = {}
        for n in FF:
            L = n.split(".")[0]
            if n == "readout.w":
                out[L] = export.readout_fake_quant(W[L], q["scale"], q["exp"][n])
            else:
                out[L] = export.fake_quant(W[L], q["vth"][L], q["exp"][n])
        return out

    def qat_loss(S, Q, m, y):
        logit, out = ffnet.snn_forward(wq(), S, Q, m, args.delay, tail=ffnet.tail_steps(args))
        lr, lv, hz = ffnet.regularisers(out, m, S.shape[0], args)
        ce = F.cross_entropy(logit, y)
        lt = ffnet.tail_loss(out)
        return ce + args.l_rate * lr + args.l_v * lv + args.l_tail * lt, "(ce %.3f)" % ce.item()
    base = {k: v for k, v in st.items() if k != "loop"}
    train_epoch, order_seed = stage_d.training_epoch(run, train, tasks, args)
    steps = stage_d.train_loop(run, W, train_epoch, qat_loss, args.qat_epochs, args.lr * 0.3, args.rows,
                               order_seed + 2,
                               "QAT", st.get("loop"), lambda s: run.save(dict(base, W=W, loop=s)), log_every=20,
                               lr_rel=args.lr_rel)
    # final directory: the float weights rounded with the plan's thresholds and exponents
    full = float_weights(st_b, W)
    qf = dict(q)
    qf["mant"] = export.mantissas(full, q["vth"], q["exp"], q["scale"])
    export.write_dir(wout, qf, dl, dic.tokens, wtasks, export.provenance(wtasks, args.seed, dict(split, **{
        "stage": "E", "delay_ff": args.delay, "d_in": st_b["d_in"], "d_rec": st_b["d_rec"],
        "test_error_note": '"docs/relnet-training.md and results.json beside the log"'})))
    same = unchanged_since_plan(steps, st, qf["mant"])
    if same:
        run.log("QAT ran no step and the mantissas are the plan's: the scores before QAT stand")
        err, tot = st["pre_err"], st["pre_tot"]
        dev_err, dev_tot = st.get("pre_dev_err"), st.get("pre_dev_tot")
    else:
        err, tot, _ = score.int_evaluate(wout, test, stage_d.CACHE)
        dev_err, dev_tot = None, None
    if dev_err is None:  # after QAT, or a plan checkpoint from before dev was scored
        dev_err, dev_tot, _ = score.int_evaluate(wout, dev, stage_d.CACHE)
    run.log("integer model: dev error %.2f %% (%s)" % (dev_tot, stage_d.fmt(dev_err)))
    res = {"tasks": tasks, "eval_per_task": args.eval_per_task, "integer_test_err": err,
           "integer_before_qat": st["pre_err"],
           "integer_dev_err": dev_err, "integer_dev_before_qat": st.get("pre_dev_err"),
           "float_snn_test_err": st_d.get("test_err"), "ann_err": st_d.get("ann_err"),
           "teacher_test_err": common.load_stage(args.out, "stage_a")["test_err"]}
    extra = ""
    if args.chip_rasters:
        if same:
            errb, totb = st["pre_err_back_to_back"], st["pre_tot_back_to_back"]
        else:
            errb, totb, _ = score.int_evaluate(wout, test, stage_d.CACHE, variant=1)
        res.update({"integer_test_err_back_to_back": errb, "integer_before_qat_back_to_back":
                    st["pre_err_back_to_back"], "float_snn_test_err_back_to_back": st_d.get("test_err_back_to_back"),
                    "note": "back to back: every LSNN raster after a random predecessor (rasters variant 1)"})
        extra = "; back to back (variant 1) %.2f %% (%s)" % (totb, stage_d.fmt(errb))
    with open(os.path.join(run.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1, default=str)
    run.done("integer model test error %.2f %% (%s; %d stories per task)%s; weights %s" % (
        tot, stage_d.fmt(err), args.eval_per_task, extra, wout))


if __name__ == "__main__":
    main()
