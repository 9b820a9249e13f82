#!/usr/bin/env bash
# README command (b): installs what is missing, builds, and runs the whole test suite
# (labels unit, e2e and slow; gpu tests only where a GPU and a CUDA LibTorch exist), then the
# sanitizer suites and the code style check. Exits non-zero if any of them failed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --tests
scripts/build.sh
failed=()
(cd build && ctest --output-on-failure --parallel "$(nproc)" --label-exclude gpu --timeout 900) || failed+=("test suite")

# The torch-free unit tests (greenbatch_tests) under ASan+UBSan and under ThreadSanitizer (which
# covers the live trial, the sampler and the queue), each in its own build directory. Where a test
# loads the LibTorch plugin it loads build/'s, uninstrumented like libtorch itself, instead of
# compiling torch again; everything else is instrumented. Warnings are not errors there: GCC's
# flow warnings give false positives on instrumented code; the Release build above checks them.
export TSAN_OPTIONS="suppressions=$PWD/tests/tsan_suppressions.txt ${TSAN_OPTIONS:-}"
for sanitizers in address,undefined thread; do
  dir=build-${sanitizers//,/-}
  if BUILD_DIR=$dir scripts/build.sh -DGREENBATCH_SANITIZE=$sanitizers -DGREENBATCH_BENCH=OFF -DGREENBATCH_WERROR=OFF \
       -DGREENBATCH_TORCH_PLUGIN="$PWD/build/src/libgreenbatch_torch.so"; then
    (cd "$dir" && ctest --output-on-failure --parallel "$(nproc)" --label-exclude "gpu|slow" --timeout 900) ||
      failed+=("$sanitizers suite")
  else
    failed+=("$sanitizers build")
  fi
done

scripts/format.sh --check || failed+=("format check")

if ((${#failed[@]})); then
  printf 'test.sh: failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "test.sh: all passed"
