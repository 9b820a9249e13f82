#!/usr/bin/env bash
# README command (a): installs what is missing, builds, and runs the main job: the quick study
# (examples/study-quick.toml) into results/quick.db (rerun to resume), then writes its report.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh
mkdir -p results
build/src/greenbatch study examples/study-quick.toml --db results/quick.db
build/src/greenbatch export --db results/quick.db --table trials --format csv --out results/quick-trials.csv
build/src/greenbatch report --db results/quick.db --out results/quick-report
echo "quickstart: open results/quick-report/report.html (summary: results/quick-report/report.md)"
