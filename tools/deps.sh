#!/usr/bin/env bash
# Installs the Debian packages loihi-emu needs, only those that are missing.
set -euo pipefail
need=(build-essential cmake pkg-config libsystemc-dev libboost-dev libgtest-dev libyaml-dev zlib1g-dev libhdf5-dev
      python3 python3-yaml python3-matplotlib python3-dev python3-numpy python3-pytest python3-h5py
      clang-14 libclang-rt-14-dev          # the libFuzzer harnesses (fuzz/)
      libopenmpi-dev openmpi-bin           # MPI batch and board modes (docs/mpi.md)
      python3-torch libopenblas0-pthread)  # the RelNet trainer (tools/relnet_train); OpenBLAS: 20-40x faster torch
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "loihi-emu: installing missing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
