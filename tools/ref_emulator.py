#!/usr/bin/env python3
"""Reference emulator: a second, independent implementation of loihi-emu's functional
semantics, used to check the C emulator bit for bit (tests/cli/ref_random_nets.sh).

Written from ../shared/spec/loihi-hardware.md §2-§3, docs/design.md and
docs/network-file.md only -- not from emu/ or core/*.c -- so that a misreading of the spec
in the C code shows up as a difference here instead of being copied.

    ref_emulator.py NET.yaml --steps T [--trace FILE.csv|-] [--trace-pops a,b]

writes the same CSV trace as `loihi-emu run ... --trace`: `step,population,index,u,v,spike`,
one row per step and traced neuron (its main compartment), populations in file order.
Plain Python 3 plus PyYAML (Debian python3-yaml); integers are Python's unbounded ones, so
every wrap, clamp and shift below is written out explicitly.
"""

import argparse
import ast
import os
import struct
import sys

import yaml

# --- register widths and ranges [spec §2.1, §3.1] ---
U_BITS = 24            # u wraps modulo 2^24
Q_BITS = 22            # dendritic accumulator: 21 magnitude bits + sign, wraps
V_LIMIT = (1 << 23) - 1
DECAY_ONE = 4096
VTH_SHIFT = 6
WEIGHT_SHIFT = 6
MAX_DELAY = 62

PROFILE_DEFAULTS = {
    'decay_u': 4096, 'decay_v': 0, 'bias_mant': 0, 'bias_exp': 0, 'vth_mant': 1000,
    'refract': 1, 'vmin_exp': 23, 'vmax_exp': 7,
}
PROFILE_RANGES = {
    'decay_u': (0, 4096), 'decay_v': (0, 4095), 'bias_mant': (-4096, 4095), 'bias_exp': (0, 7),
    'vth_mant': (0, 131071), 'refract': (1, 64), 'vmin_exp': (0, 23), 'vmax_exp': (0, 7),
}
SIGN_RANGES = {'split': (-256, 255), 'mixed': (-256, 254), 'excitatory': (0, 255),
               'inhibitory': (-256, 0)}


class NetError(Exception):
    pass


# --- arithmetic primitives [spec §2.2, §2.3, §3.1] ---

def wrap(x, bits):
    """Two's-complement wrap of x into `bits` bits."""
    half = 1 << (bits - 1)
    return ((x + half) % (1 << bits)) - half


def decay(x, k):
    """Sign-magnitude decay truncating toward zero: sign(x) * ((|x| * (4096 - k)) >> 12)."""
    mag = (abs(x) * (DECAY_ONE - k)) >> 12
    return -mag if x < 0 else mag


def vmax_of(p):
    return min((1 << (9 + 2 * p['vmax_exp'])) - 1, V_LIMIT)


def vmin_of(p):
    return max(-(1 << p['vmin_exp']) + 1, -V_LIMIT)


def truncate_mantissa(mant, sign_mode, weight_bits, rule='lava'):
    """The mantissa the synapse memory holds: a multiple of 2^(8 - weight_bits + is_mixed).

    rule 'lava' (Lava truncate_weights; docs/network-file.md, the default and the decided
    semantics): floor, but inhibitory weights are negated, floored and negated back, i.e.
    toward zero; the negative weights of a split connection, which sit in an inhibitory
    group, likewise.
    rule 'floor': toward minus infinity in every mode.
    rule 'zero' (Brian2Loihi's int(w / precision)): toward zero in every mode.
    'floor' and 'zero' exist to measure what a different reading would change."""
    step = 1 << (8 - weight_bits + (1 if sign_mode == 'mixed' else 0))
    if rule == 'floor':
        return (mant // step) * step
    if rule == 'zero':
        q = abs(mant) // step * step
        return -q if mant < 0 else q
    if rule == 'lava':
        if sign_mode == 'inhibitory' or (sign_mode == 'split' and mant < 0):
            return -((-mant) // step * step)
        return (mant // step) * step
    raise ValueError(rule)


def actual_weight(mant, wexp, clip=True):
    """mant * 2^(6 + wexp); for wexp < 0 the mantissa is shifted right first (floor), then
    left by 6, so actual weights are multiples of 64 [spec §3.1 'lossy shift']."""
    if wexp >= 0:
        w = mant * (1 << (WEIGHT_SHIFT + wexp))
    else:
        w = (mant >> (-wexp)) << WEIGHT_SHIFT
    if clip:  # spec §3.1 (Brian2Loihi): actual weights are clipped to +-(2^21 - 2^6)
        lim = (1 << 21) - (1 << 6)
        w = max(-lim, min(lim, w))
    return w


class Compartments:
    """State of one population's compartments of one kind (main or aux): flat lists."""

    def __init__(self, n, profile, stack_out):
        self.p = profile
        self.stack_out = stack_out
        self.u = [0] * n
        self.v = [0] * n
        self.ref = [0] * n
        self.vmin = vmin_of(profile)
        self.vmax = vmax_of(profile)
        self.bias = profile['bias_mant'] * (1 << profile['bias_exp'])
        self.vth = profile['vth_mant'] << VTH_SHIFT

    def step(self, i, q, join, stats=None):
        """One compartment update [spec §2.3]; returns 1 when it spikes."""
        p = self.p
        raw_u = decay(self.u[i], p['decay_u']) + q + join
        u = wrap(raw_u, U_BITS)
        raw_v = decay(self.v[i], p['decay_v']) + u + self.bias
        v = max(self.vmin, min(self.vmax, raw_v))
        ref = self.ref[i]
        if stats is not None:
            stats['u_wrap'] += u != raw_u
            stats['v_at_vmax'] += raw_v > self.vmax
            stats['v_at_vmin'] += raw_v < self.vmin
            stats['refractory_held'] += ref > 0 and v != 0
            stats['join_nonzero'] += join != 0
        spike = 0
        if ref > 0:
            v = 0
        elif not self.stack_out and v > self.vth:
            spike = 1
            v = 0
            ref = p['refract']
        if ref > 0:
            ref -= 1
        self.u[i], self.v[i], self.ref[i] = u, v, ref
        return spike


# --- network file ---

def _int(x, what):
    if isinstance(x, bool) or not isinstance(x, int):
        raise NetError('%s: expected an integer, found %r' % (what, x))
    return x


def _ranged(x, lo, hi, what):
    _int(x, what)
    if x < lo or x > hi:
        raise NetError('%s: %d outside %d..%d' % (what, x, lo, hi))
    return x


def _profile(d, what):
    p = dict(PROFILE_DEFAULTS)
    for k, (lo, hi) in PROFILE_RANGES.items():
        if k in d:
            p[k] = _ranged(d[k], lo, hi, '%s: %s' % (what, k))
    return p


def read_npy(path):
    """Minimal .npy reader (version 1/2, C order, integer or float little/big endian)."""
    with open(path, 'rb') as f:
        data = f.read()
    if data[:6] != b'\x93NUMPY':
        raise NetError('%s: not a .npy file' % path)
    major = data[6]
    if major == 1:
        hlen = struct.unpack('<H', data[8:10])[0]
        off = 10
    else:
        hlen = struct.unpack('<I', data[8:12])[0]
        off = 12
    header = ast.literal_eval(data[off:off + hlen].decode('latin1'))
    body = data[off + hlen:]
    descr, shape = header['descr'], tuple(header['shape'])
    if header.get('fortran_order'):
        raise NetError('%s: Fortran order not supported' % path)
    endian = '>' if descr[0] == '>' else '<'
    codes = {'f4': 'f', 'f8': 'd', 'i1': 'b', 'i2': 'h', 'i4': 'i', 'i8': 'q',
             'u1': 'B', 'u2': 'H', 'u4': 'I', 'u8': 'Q'}
    code = codes.get(descr.lstrip('<>|='))
    if code is None or len(shape) != 2:
        raise NetError('%s: unsupported dtype %s or shape %s' % (path, descr, shape))
    n = shape[0] * shape[1]
    vals = struct.unpack(endian + code * n, body[:n * struct.calcsize(code)])
    out = []
    for r in range(shape[0]):
        row = []
        for c in range(shape[1]):
            x = vals[r * shape[1] + c]
            if x != int(x):
                raise NetError('%s: value %r is not an integer mantissa' % (path, x))
            row.append(int(x))
        out.append(row)
    return shape, out


class Network:
    def __init__(self, path, trunc_rule='lava', weight_clip=True):
        with open(path) as f:
            doc = yaml.safe_load(f)
        base = os.path.dirname(os.path.abspath(path))
        self.pops = []          # dicts: name, kind, size, main, aux, ahp_weight, ahp_wexp, trace
        self.index = {}
        for k, d in enumerate(doc.get('populations') or []):
            what = 'population %d' % k
            name = d['name']
            kind = d.get('kind', 'lif')
            if kind not in ('input', 'lif', 'ahp'):
                raise NetError('%s: kind %r' % (what, kind))
            size = _ranged(d['size'], 1, 1 << 30, what + ': size')
            pop = {'name': name, 'kind': kind, 'size': size, 'trace': bool(d.get('trace', False))}
            if kind != 'input':
                pop['main'] = _profile(d, what)
            if kind == 'ahp':
                pop['aux'] = _profile(d.get('aux') or {}, what + ': aux')
                pop['ahp_weight'] = _ranged(d['ahp_weight'], -256, 255, what + ': ahp_weight')
                pop['ahp_wexp'] = _ranged(d.get('ahp_wexp', 0), -8, 7, what + ': ahp_wexp')
            if name in self.index:
                raise NetError('%s: duplicate name %r' % (what, name))
            self.index[name] = len(self.pops)
            self.pops.append(pop)

        # Synapses whose mantissa or actual weight lost bits (judging the random networks).
        self.stats = {'trunc_lossy': 0, 'trunc_lossy_negative': 0, 'shift_lossy': 0, 'delay_over_31': 0}
        # Outgoing synapses per source neuron: (dst pop, to_aux, dst index, actual weight, delay).
        self.out = {}
        for k, c in enumerate(doc.get('connections') or []):
            what = 'connection %d' % k
            sp, dp = self.index[c['from']], self.index[c['to']]
            src, dst = self.pops[sp], self.pops[dp]
            if dst['kind'] == 'input':
                raise NetError('%s: destination is an input population' % what)
            wexp = _ranged(c.get('wexp', 0), -8, 7, what + ': wexp')
            sign = c.get('sign_mode', 'split')
            if sign not in SIGN_RANGES:
                raise NetError('%s: sign_mode %r' % (what, sign))
            wbits = _ranged(c.get('weight_bits', 8), 1, 8, what + ': weight_bits')
            to_aux = bool(c.get('to_aux', False))
            if to_aux and dst['kind'] != 'ahp':
                raise NetError('%s: to_aux onto a non-AHP population' % what)
            syn = []  # (src, dst, mant, delay or None)
            if 'synapses' in c:
                for s in c['synapses']:
                    syn.append((s[0], s[1], s[2], s[3] if len(s) > 3 else None))
            else:
                if 'weights' in c:
                    rows = c['weights']
                else:
                    shape, rows = read_npy(os.path.join(base, c['npy']))
                for i, row in enumerate(rows):
                    for j, w in enumerate(row):
                        if w != 0:
                            syn.append((i, j, w, None))
            delays = c.get('delay', 0)
            if isinstance(delays, list) and len(delays) != len(syn):
                raise NetError('%s: %d delays for %d synapses' % (what, len(delays), len(syn)))
            lo, hi = SIGN_RANGES[sign]
            for n, (i, j, m, d) in enumerate(syn):
                _ranged(i, 0, src['size'] - 1, what + ': source index')
                _ranged(j, 0, dst['size'] - 1, what + ': destination index')
                _ranged(m, lo, hi, what + ': weight (sign mode %s)' % sign)
                if d is None:
                    d = delays[n] if isinstance(delays, list) else delays
                elif 'delay' in c:
                    raise NetError("%s: delays are given both per synapse and in 'delay'" % what)
                _ranged(d, 0, MAX_DELAY, what + ': delay')
                mt = truncate_mantissa(m, sign, wbits, trunc_rule)
                w = actual_weight(mt, wexp, weight_clip)
                self.stats['trunc_lossy'] += mt != m
                self.stats['trunc_lossy_negative'] += mt != m and m < 0
                self.stats['shift_lossy'] += wexp < 0 and (mt % (1 << -wexp)) != 0
                self.stats['delay_over_31'] += d > 31
                self.out.setdefault((sp, i), []).append((dp, to_aux, j, w, d))

        # The AHP self-synapse: main -> own aux, delay 0, full precision [docs/network-file.md].
        for p, pop in enumerate(self.pops):
            if pop['kind'] == 'ahp' and pop['ahp_weight'] != 0:
                w = actual_weight(pop['ahp_weight'], pop['ahp_wexp'], weight_clip)
                for i in range(pop['size']):
                    self.out.setdefault((p, i), []).append((p, True, i, w, 0))

        self.inputs = {}  # step -> list of (pop, neuron)
        for k, d in enumerate(doc.get('inputs') or []):
            what = 'input %d' % k
            p = self.index[d['population']]
            if self.pops[p]['kind'] != 'input':
                raise NetError('%s: not an input population' % what)
            n = _ranged(d['neuron'], 0, self.pops[p]['size'] - 1, what + ': neuron')
            steps = d['steps'] if isinstance(d['steps'], list) else [d['steps']]
            for t in steps:
                _ranged(t, 1, 1 << 31, what + ': step')
                self.inputs.setdefault(t, []).append((p, n))


STAT_KEYS = ('spikes', 'q_wrap', 'u_wrap', 'v_at_vmax', 'v_at_vmin', 'refractory_held',
             'join_nonzero', 'trunc_lossy', 'trunc_lossy_negative', 'shift_lossy', 'delay_over_31')


def run(net, steps, traced, rows, stats=None):
    """Runs `steps` time steps; appends the trace rows of the populations in `traced`
    (a set of indices) to `rows`; returns the number of spikes. `stats`, a dict, counts how
    often the edge cases of the arithmetic were reached (for judging the random networks)."""
    pops = net.pops
    main = {}
    aux = {}
    for p, pop in enumerate(pops):
        if pop['kind'] != 'input':
            main[p] = Compartments(pop['size'], pop['main'], stack_out=False)
        if pop['kind'] == 'ahp':
            aux[p] = Compartments(pop['size'], pop['aux'], stack_out=True)
    # Dendritic accumulators: arrival step -> {(pop, is_aux, index): sum of actual weights}.
    pending = {}

    def send(p, i, arrival):
        for (dp, to_aux, j, w, d) in net.out.get((p, i), ()):
            slot = pending.setdefault(arrival + d, {})
            key = (dp, to_aux, j)
            slot[key] = slot.get(key, 0) + w

    total = 0
    for t in range(1, steps + 1):
        # x86 spiking snip: this step's injections are integrated in step t + delay.
        for (p, n) in net.inputs.get(t, ()):
            send(p, n, t)
        acc = pending.pop(t, {})
        if stats is not None:
            stats['q_wrap'] += sum(1 for x in acc.values() if wrap(x, Q_BITS) != x)
        fired = []
        # Compartment phase: every compartment reads this step's accumulator (wrapped to
        # 22 bits); an AHP neuron's aux goes first and its new v joins the main's u.
        for p, pop in enumerate(pops):
            if pop['kind'] == 'input':
                continue
            m, a = main[p], aux.get(p)
            spikes = [0] * pop['size']
            for i in range(pop['size']):
                join = 0
                if a is not None:
                    a.step(i, wrap(acc.get((p, True, i), 0), Q_BITS), 0, stats)
                    join = a.v[i]
                if m.step(i, wrap(acc.get((p, False, i), 0), Q_BITS), join, stats):
                    spikes[i] = 1
                    fired.append((p, i))
            if p in traced:
                name = pop['name']
                for i in range(pop['size']):
                    rows.append('%d,%s,%d,%d,%d,%d' % (t, name, i, m.u[i], m.v[i], spikes[i]))
        # A spike fired in step t reaches its targets in step t + 1 + delay.
        for (p, i) in fired:
            send(p, i, t + 1)
        total += len(fired)
    if stats is not None:
        stats['spikes'] += total
        for k, x in net.stats.items():
            stats[k] += x
    return total


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('net')
    ap.add_argument('--steps', type=int, required=True)
    ap.add_argument('--trace', default=None, help="CSV file, '-' for stdout")
    ap.add_argument('--trace-pops', default=None, help='comma-separated population names')
    ap.add_argument('--trunc', choices=('floor', 'zero', 'lava'), default='lava',
                    help='weight_bits/mixed truncation rule (default lava, the decided one)')
    ap.add_argument('--stats', default=None,
                    help='append one line "key=count ..." of edge cases reached to this file')
    ap.add_argument('--no-weight-clip', dest='weight_clip', action='store_false',
                    help="do not clip actual weights to +-(2^21-64) (spec §3.1 clips; for experiments)")
    args = ap.parse_args(argv)
    try:
        net = Network(args.net, args.trunc, args.weight_clip)
        if args.trace_pops:
            names = args.trace_pops.split(',')
            for n in names:
                if n not in net.index:
                    raise NetError('--trace-pops: no population %r' % n)
            traced = {net.index[n] for n in names}
        else:
            traced = {p for p, pop in enumerate(net.pops) if pop['trace'] and pop['kind'] != 'input'}
            if not traced:
                traced = {p for p, pop in enumerate(net.pops) if pop['kind'] != 'input'}
    except (NetError, KeyError, TypeError, IndexError, OSError, yaml.YAMLError) as e:
        print('ref_emulator: %s: %s' % (args.net, e), file=sys.stderr)
        return 1
    rows = ['step,population,index,u,v,spike']
    stats = dict.fromkeys(STAT_KEYS, 0)
    spikes = run(net, args.steps, traced, rows, stats)
    if args.stats:
        with open(args.stats, 'a') as f:
            f.write(' '.join('%s=%d' % (k, stats[k]) for k in STAT_KEYS) + '\n')
    if args.trace:
        text = '\n'.join(rows) + '\n'
        if args.trace == '-':
            sys.stdout.write(text)
        else:
            with open(args.trace, 'w') as f:
                f.write(text)
    print('ref_emulator: %s: %d steps, %d spikes' % (args.net, args.steps, spikes), file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
