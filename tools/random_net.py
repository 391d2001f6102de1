#!/usr/bin/env python3
"""Seeded generator of random loihi-emu network files (docs/network-file.md), for checking
the C emulator against tools/ref_emulator.py bit for bit.

    random_net.py --seed S [--steps T] [--out NET.yaml]

The same seed always gives the same file (Python's random.Random, no global state). Each
network mixes: LIF and AHP populations; input populations with random spike times (some
repeated, which inject twice); current decays 0..4096 and voltage decays 0..4095 with their
extremes; positive and negative biases with every exponent; thresholds from 0 to the
maximum; refractory delays 1..64; narrowed vmin/vmax rails; weights in every sign mode
(odd mixed mantissas, range ends), weight_bits 1..8, weight exponents -8..7 (negative ones
lose low bits), delays 0..62 (one per connection or one per synapse), to_aux connections,
synapse lists, dense matrices and .npy files, and explicit placements (first_core, per_core)
that spread populations over several cores. Sizes stay small so a run takes milliseconds.
"""

import argparse
import os
import random
import struct
import sys

SIGN_RANGES = {'split': (-256, 255), 'mixed': (-256, 254), 'excitatory': (0, 255),
               'inhibitory': (-256, 0)}
CORES_PER_CHIP = 128


def pick(r, choices):
    """choices: list of (weight, value or zero-argument callable)."""
    total = sum(w for w, _ in choices)
    x = r.random() * total
    for w, v in choices:
        x -= w
        if x < 0:
            return v() if callable(v) else v
    v = choices[-1][1]
    return v() if callable(v) else v


def profile(r, aux=False):
    p = {}
    p['decay_u'] = pick(r, [(2, 0), (1, 1), (1, 4095), (3, 4096), (3, lambda: r.randint(0, 4096)),
                            (3, lambda: r.randint(1, 300)), (1, lambda: r.randint(3500, 4096))])
    p['decay_v'] = pick(r, [(2, 0), (1, 1), (1, 4095), (3, lambda: r.randint(0, 4095)),
                            (3, lambda: r.randint(1, 400))])
    if r.random() < 0.45:
        p['bias_exp'] = r.randint(0, 7)
        p['bias_mant'] = pick(r, [(4, lambda: r.randint(-300, 300)), (1, lambda: r.randint(-4096, 4095)),
                                  (0.3, -4096), (0.3, 4095)])
    if not aux:
        p['vth_mant'] = pick(r, [(0.5, 0), (2, lambda: r.randint(1, 60)), (4, lambda: r.randint(60, 2000)),
                                 (2, lambda: r.randint(2000, 40000)), (0.5, 131071)])
        p['refract'] = pick(r, [(3, 1), (2, 2), (3, lambda: r.randint(1, 8)), (2, lambda: r.randint(1, 64)),
                                (0.5, 64)])
    if r.random() < 0.35:
        p['vmin_exp'] = r.randint(0, 23)
    if r.random() < 0.35:
        p['vmax_exp'] = r.randint(0, 7)
    return p


def mantissa(r, sign):
    lo, hi = SIGN_RANGES[sign]
    return pick(r, [(6, lambda: r.randint(lo, hi)), (1, lo), (1, hi),
                    (2, lambda: r.randint(max(lo, -20), min(hi, 20)))])


def write_npy(path, rows, dtype):
    """A C-order 2-D .npy file (version 1.0) with dtype '<i2' or '<f4'."""
    nr, nc = len(rows), len(rows[0])
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }" % (dtype, nr, nc)
    pad = 64 - (10 + len(header) + 1) % 64
    header = header + ' ' * pad + '\n'
    code = 'h' if dtype == '<i2' else 'f'
    flat = [x for row in rows for x in row]
    with open(path, 'wb') as f:
        f.write(b'\x93NUMPY\x01\x00' + struct.pack('<H', len(header)) + header.encode('latin1'))
        f.write(struct.pack('<%d%s' % (len(flat), code), *flat))


def flow(x):
    """A YAML flow value for ints, strings, bools, lists and dicts."""
    if isinstance(x, bool):
        return 'true' if x else 'false'
    if isinstance(x, int):
        return str(x)
    if isinstance(x, str):
        return x
    if isinstance(x, list):
        return '[' + ', '.join(flow(v) for v in x) + ']'
    if isinstance(x, dict):
        return '{' + ', '.join('%s: %s' % (k, flow(v)) for k, v in x.items()) + '}'
    raise TypeError(x)


def generate(seed, steps, npy_dir=None, npy_prefix='net', chips=1):
    r = random.Random(seed)
    used = set()  # cores taken by explicit placements (chips > 1)
    pops = []
    for k in range(r.randint(1, 3)):
        pops.append({'name': 'in%d' % k, 'kind': 'input', 'size': r.randint(1, 6)})
        if chips > 1 and r.random() < 0.5:
            pops[-1]['placement'] = {'chip': r.randrange(chips)}
    next_core = r.randint(0, 20)
    for k in range(r.randint(1, 4)):
        kind = r.choice(['lif', 'ahp'])
        pop = {'name': '%s%d' % (kind, k), 'kind': kind, 'size': r.randint(1, 12)}
        pop.update(profile(r))
        if r.random() < 0.2:
            # A clean integrator: v is an exact sum of actual weights, so it can sit exactly on
            # a threshold that is a multiple of a weight (below).
            for key in ('bias_mant', 'bias_exp', 'vmin_exp', 'vmax_exp'):
                pop.pop(key, None)
            pop['decay_u'], pop['decay_v'] = 4096, 0
        if kind == 'ahp':
            pop['aux'] = profile(r, aux=True)
            pop['ahp_weight'] = pick(r, [(1, 0), (6, lambda: r.randint(-256, 255)), (1, -256), (1, 255)])
            pop['ahp_wexp'] = r.randint(-8, 7)
        place = {}
        x = r.random()
        if x < 0.35:
            place['per_core'] = r.randint(1, pop['size'])
        elif x < 0.7:
            per = r.randint(1, pop['size'])
            ncores = -(-pop['size'] // per)
            if chips > 1:
                # Anywhere on the board, without overlapping another explicit placement.
                for _ in range(20):
                    first = r.randint(0, chips * CORES_PER_CHIP - ncores)
                    span = set(range(first, first + ncores))
                    if not span & used:
                        used |= span
                        place['first_core'] = first
                        place['per_core'] = per
                        break
            elif next_core + ncores <= CORES_PER_CHIP:
                place['first_core'] = next_core
                place['per_core'] = per
                next_core += ncores + r.randint(0, 5)
        if place:
            pop['placement'] = place
        pops.append(pop)
    cx = [p for p in pops if p['kind'] != 'input']
    marked = r.random() < 0.5
    if marked:
        for p in r.sample(cx, r.randint(1, len(cx))):
            p['trace'] = True

    conns = []
    npy_files = []
    ins = [p for p in pops if p['kind'] == 'input']
    for dst in cx:
        # First a mostly excitatory drive from an input population, so that most networks
        # spike; then random connections from anywhere (recurrent ones included).
        conns.append(connection(r, r.choice(ins), dst, npy_dir, npy_prefix, len(conns), npy_files,
                                drive=r.random() < 0.8))
        for _ in range(r.randint(0, 2)):
            src = r.choice(pops)
            conns.append(connection(r, src, dst, npy_dir, npy_prefix, len(conns), npy_files))
    for _ in range(r.randint(0, 2)):  # extra recurrent or lateral connections
        conns.append(connection(r, r.choice(cx), r.choice(cx), npy_dir, npy_prefix, len(conns), npy_files))

    # Most thresholds follow the strongest excitatory synapse onto the population, so that
    # most networks spike; the rest keep the wide random draw (silent or saturated ones).
    for dst in cx:
        if r.random() < 0.7:
            strongest = 1.0
            for c in conns:
                if c['to'] != dst['name'] or c.get('to_aux'):
                    continue
                for m in synapse_mantissas(c):
                    strongest = max(strongest, m * 2.0 ** c['wexp'])
            if r.random() < 0.3 and strongest >= 1:
                # A whole multiple of one weight: v can land exactly on the threshold (strict >).
                dst['vth_mant'] = min(131071, int(strongest) * r.randint(1, 4))
            else:
                dst['vth_mant'] = min(131071, r.randint(0, int(strongest * r.uniform(0.3, 4.0)) + 1))

    inputs = []
    for p in pops:
        if p['kind'] != 'input':
            continue
        for n in range(p['size']):
            rate = pick(r, [(1, 0.0), (3, lambda: r.uniform(0.01, 0.1)), (2, lambda: r.uniform(0.1, 0.6)),
                            (0.5, 1.0)])
            ts = [t for t in range(1, steps + 1) if r.random() < rate]
            if ts and r.random() < 0.2:
                ts.append(r.choice(ts))  # a repeated step injects twice
                ts.sort()
            if ts:
                inputs.append({'population': p['name'], 'neuron': n,
                               'steps': ts if len(ts) > 1 or r.random() < 0.5 else ts[0]})

    out = ['# random_net.py --seed %d --steps %d --chips %d' % (seed, steps, chips), 'populations:']
    for p in pops:
        out.append('  - ' + flow(p))
    if conns:
        out.append('connections:')
        for c in conns:
            c.pop('_mantissas', None)
            out.append('  - ' + flow(c))
    if inputs:
        out.append('inputs:')
        for i in inputs:
            out.append('  - ' + flow(i))
    return '\n'.join(out) + '\n', npy_files


def synapse_mantissas(c):
    if 'synapses' in c:
        return [s[2] for s in c['synapses']]
    if 'weights' in c:
        return [x for row in c['weights'] for x in row]
    return c['_mantissas']


def connection(r, src, dst, npy_dir, npy_prefix, k, npy_files, drive=False):
    sign = r.choice(['split', 'mixed', 'excitatory'] if drive else list(SIGN_RANGES))
    c = {'from': src['name'], 'to': dst['name']}
    density = r.uniform(0.15, 1.0)
    pairs = [(i, j) for i in range(src['size']) for j in range(dst['size']) if r.random() < density]
    if not pairs:
        pairs = [(r.randrange(src['size']), r.randrange(dst['size']))]
    w = {}
    for ij in pairs:
        m = mantissa(r, sign)
        if drive and m < 0 and r.random() < 0.8:
            m = -m if -m <= SIGN_RANGES[sign][1] else SIGN_RANGES[sign][1]
        if m == 0:
            m = SIGN_RANGES[sign][1] or SIGN_RANGES[sign][0]
        w[ij] = m
    delay_kind = pick(r, [(3, 'none'), (3, 'one'), (3, 'each')])

    def delay():
        return pick(r, [(4, lambda: r.randint(0, 4)), (2, lambda: r.randint(0, 62)), (0.5, 62)])

    fmt = pick(r, [(5, 'synapses'), (3, 'weights'), (1 if npy_dir else 0, 'npy')])
    if fmt == 'synapses':
        syn = []
        for (i, j) in pairs:
            s = [i, j, w[(i, j)]]
            if delay_kind == 'each':
                s.append(delay())
            syn.append(s)
        c['synapses'] = syn
    else:
        rows = [[w.get((i, j), 0) for j in range(dst['size'])] for i in range(src['size'])]
        if fmt == 'weights':
            c['weights'] = rows
        else:
            name = '%s_c%d.npy' % (npy_prefix, k)
            dtype = r.choice(['<i2', '<f4'])
            write_npy(os.path.join(npy_dir, name), rows, dtype)
            npy_files.append(name)
            c['npy'] = name
            c['_mantissas'] = list(w.values())
        if delay_kind == 'each':
            c['delay'] = [delay() for _ in range(len(pairs))]
    if delay_kind == 'one':
        c['delay'] = delay()
    c['wexp'] = pick(r, [(4, lambda: r.randint(-8, 7)), (2, lambda: r.randint(-2, 3)), (1, 0), (0.5, 7),
                         (0.3, -8)])
    if sign != 'split' or r.random() < 0.5:
        c['sign_mode'] = sign
    if r.random() < 0.5:
        c['weight_bits'] = r.randint(1, 7)
    elif r.random() < 0.3:
        c['weight_bits'] = 8
    if dst['kind'] == 'ahp' and r.random() < 0.35:
        c['to_aux'] = True
    return c


def main():
    ap = argparse.ArgumentParser(description='Writes a seeded random loihi-emu network file.')
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--steps', type=int, default=300, help='input spikes fall in steps 1..T')
    ap.add_argument('--chips', type=int, default=1,
                    help='explicit placements anywhere on this many chips (run with a board)')
    ap.add_argument('--out', default=None, help='YAML file (default stdout; .npy files need --out)')
    args = ap.parse_args()
    if args.out:
        d = os.path.dirname(os.path.abspath(args.out))
        prefix = os.path.splitext(os.path.basename(args.out))[0]
        text, _ = generate(args.seed, args.steps, d, prefix, args.chips)
        with open(args.out, 'w') as f:
            f.write(text)
    else:
        text, _ = generate(args.seed, args.steps, chips=args.chips)
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
