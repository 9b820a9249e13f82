#!/usr/bin/env bash
# Installs the Debian 12 packages greenbatch needs to build, test and benchmark, when missing.
# Run as root (or with sudo). Nothing is downloaded at build or run time after this.
# With --tests it also installs what only the test suite needs (a headless browser).
set -euo pipefail

packages=(
  # toolchain
  cmake g++ ninja-build pkg-config
  # libraries (design.md: LibTorch with OpenBLAS, OpenCV, CLI11, nlohmann-json, fmt, SQLite, toml++)
  libtorch-dev libopenblas0-pthread
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev libsqlite3-dev libtomlplusplus-dev libboost-math-dev
  # report figures: Vega-Lite/Vega from npm (report/web, pinned by its lock file) run by node,
  # PNG files by rsvg-convert
  nodejs librsvg2-bin
  # tests and benchmarks: GoogleTest, Google Benchmark, and torchvision (the reference the zoo
  # is checked against and the peer the benchmark compares with)
  libgtest-dev libbenchmark-dev python3-torchvision
  # serve: Boost.Beast/Asio (header-only, from Debian's Boost); its tests and benchmark drive it
  # with curl and hey and check /metrics with promtool (from the prometheus package)
  libboost-dev curl hey prometheus
  # remote: the client tests refuse a plain `python3 -m http.server`; its benchmark compares with
  # wrk (beside hey) as closed-loop peers
  python3 wrk
)

# Debian's npm, unless the installed node brings its own (a node from elsewhere conflicts with it)
command -v npm >/dev/null || packages+=(npm)

if [[ "${1:-}" == "--tests" ]]; then
  packages+=(chromium)  # the HTML report is checked in a real headless browser
  # studies on Slurm: the slurm-labelled test starts its own munged, slurmctld and slurmd on localhost
  packages+=(slurm-wlm munge)
fi

# the code style check of scripts/test.sh (scripts/format.sh --check): Debian's clang-format
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(clang-format)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all packages present"
elif [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (sudo $0) to install them" >&2
  exit 1
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The report's charting packages, exactly as report/web/package-lock.json pins them (the
# browser check's puppeteer-core too; it drives Debian's chromium and downloads no browser).
web="$(dirname "$0")/../report/web"
if [[ ! -f "$web/node_modules/.package-lock.json" || "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]]; then
  echo "install-deps: npm ci in report/web"
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix "$web" --no-audit --no-fund
fi
