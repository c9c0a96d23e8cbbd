#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Set up, build, write an example capture with the fixture generator, and
# verify it: the README's first quick-start command.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null

out=${DSB_EXAMPLE_DIR:-build/example}
mkdir -p "$out"
build/dsbfixture example "$out/capture.tar.zst"
echo "== dsbinspect verify $out/capture.tar.zst"
status=0
build/dsbinspect verify "$out/capture.tar.zst" || status=$?
echo "== exit status $status (0 pass, 1 fail, 2 incomplete)"
exit "$status"
