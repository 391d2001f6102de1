#!/usr/bin/env bash
# A behaviour fingerprint for refactors: every output the program writes for the examples on
# several boards and network modes, sMNIST on all 10,000 images, the authors' sample in packet
# mode and a Pohoiki Springs ledger. Run it with the binary before and after a change and
# compare the folders (cmp): a refactor must leave every file byte-identical.
#   tools/fingerprint.sh BIN OUTDIR      (about a minute)
set -u
bin=${1:?usage: tools/fingerprint.sh BIN OUTDIR}; out=${2:?usage: tools/fingerprint.sh BIN OUTDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
for ex in three_neurons ahp_pair npy_layer; do
  for b in "" kapoho-bay nahuku32 2x2; do
    for noc in load packet; do
      tag=$ex-${b:-none}-$noc
      if [ -z "$b" ]; then
        "$bin" run "$src/models/examples/$ex.yaml" --steps 200 --trace "$out/$tag.csv" >"$out/$tag.out" 2>"$out/$tag.err"
      else
        "$bin" run "$src/models/examples/$ex.yaml" --steps 200 --board "$b" --noc "$noc" --trace "$out/$tag.csv" \
          --report "$out/$tag.json" >"$out/$tag.out" 2>"$out/$tag.err"
      fi
      echo "rc=$?" >>"$out/$tag.err"
    done
  done
done
"$bin" smnist --images 10000 --predictions "$out/smnist_pred.csv" --json "$out/smnist.json" >"$out/smnist.out" 2>/dev/null
"$bin" smnist --sample authors --predictions "$out/authors_pred.csv" --json "$out/authors.json" --noc packet \
  >"$out/authors.out" 2>/dev/null
"$bin" smnist --images 300 --board pohoiki-springs --ledger --json "$out/smnist_pohoiki.json" \
  >"$out/smnist_pohoiki.out" 2>/dev/null
echo "fingerprint: $(ls "$out" | wc -l) files in $out"
