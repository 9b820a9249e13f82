#!/usr/bin/env bash
# README command (a): installs what is missing, builds, and runs the main job: the quick study
# (examples/study-quick.toml) into results/quick.db (rerun to resume), then exports its trials.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh
mkdir -p results
build/src/greenbatch study examples/study-quick.toml --db results/quick.db
build/src/greenbatch export --db results/quick.db --table trials --format csv --out results/quick-trials.csv
echo "quickstart: results in results/quick.db (SQLite) and results/quick-trials.csv"
