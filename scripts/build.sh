#!/usr/bin/env bash
# Configures and builds greenbatch into build/ (Release). Extra arguments go to cmake.
# With CI=true, warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON

if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DGREENBATCH_WERROR=$werror "${launcher[@]}" "$@"
else
  cmake -S . -B build -DGREENBATCH_WERROR=$werror "$@" >/dev/null
fi
cmake --build build --parallel "$(nproc)"
