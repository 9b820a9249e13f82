#!/usr/bin/env bash
# Formats the C++ sources (src, include, tests, bench) with clang-format and .clang-format.
#   scripts/format.sh          rewrites the files in place
#   scripts/format.sh --check  changes nothing; lists the files that are not formatted, exits 1 if any
# Uses clang-format-14 (Debian 12's) when present, else clang-format; other versions format a
# little differently, so the check names the version it ran.
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: scripts/format.sh [--check]" >&2; exit 2 ;;
esac

tool=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z "$tool" ]]; then
  echo "format.sh: clang-format not found; install it with: apt-get install clang-format" >&2
  exit 2
fi

mapfile -t files < <(git ls-files -- 'src/*.cpp' 'src/*.h' 'include/*.h' 'tests/*.cpp' 'tests/*.h' \
                                     'bench/*.cpp' 'bench/*.h')
if ! $check; then
  printf '%s\0' "${files[@]}" | xargs -0 -n 50 "$tool" -i --style=file
  exit 0
fi

# One run over every file; clang-format names each place that it would change.
mapfile -t unformatted < <(printf '%s\0' "${files[@]}" |
  xargs -0 -n 50 "$tool" --style=file --dry-run 2>&1 |
  sed -n 's/^\(.*\):[0-9]*:[0-9]*: warning: code should be clang-formatted.*/\1/p' | sort -u)
if ((${#unformatted[@]})); then
  echo "Not formatted ($("$tool" --version | head -n 1)); run scripts/format.sh:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "All ${#files[@]} files formatted ($("$tool" --version | head -n 1))."
