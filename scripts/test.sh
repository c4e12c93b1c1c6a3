#!/bin/sh
# Runs the whole test suite the way CI does: installs what is missing, builds a normal and an
# ASan+UBSan configuration, and runs every CTest test in both.  Exit status is non-zero if
# anything fails.  Build trees: build/ and build-asan/ (override with FLOWSIM_BUILD_DIR,
# FLOWSIM_ASAN_DIR).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/scripts/install-deps.sh"

jobs=$(nproc 2>/dev/null || echo 2)
build=${FLOWSIM_BUILD_DIR:-build}
asan=${FLOWSIM_ASAN_DIR:-build-asan}

# The kernel reference test (tests/kernel, label kernel: a qemu VM with Debian's 6.1 kernel,
# about a minute and a half) runs once, in the release pass; the sanitizer build does not
# register it, and -LE kernel below keeps it that way.
echo "== release build ($build)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs"
ctest --test-dir "$build" --output-on-failure -j "$jobs"
# The kernel test's side-by-side timelines (real kernel | shim | simulator), kept in the log.
report="$build/tests/kernel/work/report.txt"
if [ -f "$report" ]; then
	echo "== kernel reference test report ($report)"
	cat "$report"
fi

echo "== sanitizer build ($asan: ASan + UBSan)"
cmake -S . -B "$asan" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFLOWSIM_SANITIZE=ON >/dev/null
cmake --build "$asan" -j "$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir "$asan" --output-on-failure -j "$jobs" -LE kernel
