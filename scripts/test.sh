#!/usr/bin/env bash
# README command (b): installs what is missing, builds, and runs the whole test suite
# (labels unit, e2e and slow; gpu tests only where a GPU and a CUDA LibTorch exist).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --tests
scripts/build.sh
cd build
ctest --output-on-failure --parallel "$(nproc)" --label-exclude gpu --timeout 900
