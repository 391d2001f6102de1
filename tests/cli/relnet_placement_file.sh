#!/usr/bin/env bash
# `loihi-emu relnet --placement FILE`: a run with the example placement file, and the errors of
# bad placement files (file, line and field).
# usage: relnet_placement_file.sh <loihi-emu> <source dir>
set -u
source "$(dirname "$0")/relnet.bash"

# --- the example placement file: the generated weights' cores (the mapping sizes them by
# nonzero synapses, which trained weights have fewer of), its path as placement
ex=$src/models/relnet/placement-example.yaml
"$bin" relnet --data "$data" --weights generated --sentences 2 --stories 1 --placement "$ex" --json "$tmp/f.json" >/dev/null 2>"$tmp/err" ||
  bad "relnet --placement $ex: exit $?: $(cat "$tmp/err")"
row=$(grep '"sentences": 2,' "$tmp/f.json" 2>/dev/null)
[ "$(field cores "$row")" = 124 ] || bad "placement file: cores $(field cores "$row"), expected 124"
[ "$(field placement "$row")" = "\"$ex\"" ] || bad "placement file: placement $(field placement "$row")"
[ "$(field row "$row")" = '"comparison"' ] || bad "placement file: row $(field row "$row"), expected comparison"

# --- placement-file errors: file, line and field; a missing file is status 4
printf 'rules:\n  - populations: "f1"\n    chip: 40\n' >"$tmp/chip.yaml"
expect 1 "$tmp/chip.yaml:2: rule 'f1': chip 40 is not on board 'nahuku32' (chips 0..31)" \
  --data "$data" --sentences 2 --stories 1 --placement "$tmp/chip.yaml"
printf 'rules:\n  - populations: "agg"\n    chip: 21\n  - populations: "g.*.l9"\n    chip: 3\n' >"$tmp/none.yaml"
expect 1 "$tmp/none.yaml:4: rule 'g.\*.l9' matches no population of the network" \
  --data "$data" --sentences 2 --stories 1 --placement "$tmp/none.yaml"
printf 'rules:\n  - populations: "agg"\n    neurons_per_core: 19\n' >"$tmp/prov.yaml"
expect 1 "$tmp/prov.yaml:2: rules\[0\]: a cap needs its provenance" \
  --data "$data" --sentences 2 --stories 1 --placement "$tmp/prov.yaml"
expect 4 "$tmp/absent.yaml: cannot open" --data "$data" --sentences 2 --stories 1 --placement "$tmp/absent.yaml"

[ $fail -eq 0 ] && echo ok
exit $fail
