#!/usr/bin/env bash
# README command (a): installs what is missing, builds, and runs the main job: an offline profile
# of the five models of the batching study at a few batch sizes, written to results/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh
mkdir -p results
models=$(build/src/greenbatch models --study-preset --names)
build/src/greenbatch profile --model "$models" --batch-sizes 1,4,16 \
  --min-seconds 1 --min-batches 3 --warmup-batches 1 --out results/quick-profile.csv
echo "quickstart: results in results/quick-profile.csv"
