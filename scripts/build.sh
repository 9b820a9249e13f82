#!/usr/bin/env bash
# Configures and builds greenbatch into build/ (Release). Extra arguments go to cmake.
# With CI=true, warnings are errors. BUILD_DIR=DIR builds into DIR instead (scripts/test.sh uses
# it for the sanitizer builds).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${BUILD_DIR:-build}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON

if [[ ! -f "$dir/CMakeCache.txt" ]]; then
  cmake -S . -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DGREENBATCH_WERROR=$werror "${launcher[@]}" "$@"
else
  cmake -S . -B "$dir" -DGREENBATCH_WERROR=$werror "$@" >/dev/null
fi
cmake --build "$dir" --parallel "$(nproc)"
