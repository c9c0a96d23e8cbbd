#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Every test: the README's second quick-start command, and what .ci/run runs.
#  1. fuzz smoke runs (clang + libFuzzer, ASan, UBSan), as ctest tests;
#  2. the whole suite under AddressSanitizer and UndefinedBehaviorSanitizer;
#  3. the whole suite in the release build with warnings as errors.
# Each stage stops the script on failure; ctest's summary of the release
# build closes the output.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-deps.sh
jobs=$(nproc)

echo "== fuzz smoke (clang, libFuzzer)"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	-DDSB_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzzers >/dev/null
(cd build-fuzz && ctest --output-on-failure -L fuzz)

echo "== sanitizers (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DDSB_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -LE 'fuzz|heavy' -j"$jobs")

echo "== release build, warnings as errors"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDSB_WERROR=ON >/dev/null
cmake --build build -j"$jobs" >/dev/null
(cd build && ctest --output-on-failure -LE fuzz -j"$jobs")
