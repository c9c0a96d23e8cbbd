#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Set up, build, install dsbinspect into a prefix of your own (default
# ~/.local: bin/dsbinspect, its man page and bash and zsh completions), write
# an example capture with the fixture generator, and verify it with the
# installed program: the README's first quick-start command.
#
#   DSB_PREFIX=DIR      install there instead of ~/.local
#   DSB_EXAMPLE_DIR=DIR write the example capture there (default build/example)
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=${DSB_PREFIX:-$HOME/.local}

scripts/setup-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
cmake --install build --prefix "$prefix" >/dev/null
echo "== installed $prefix/bin/dsbinspect (man page: $prefix/share/man/man1/dsbinspect.1;"
echo "   completions: $prefix/share/bash-completion/completions, $prefix/share/zsh/site-functions)"

out=${DSB_EXAMPLE_DIR:-build/example}
mkdir -p "$out"
build/dsbfixture example "$out/capture.tar.zst"
echo "== dsbinspect verify $out/capture.tar.zst"
status=0
"$prefix/bin/dsbinspect" verify "$out/capture.tar.zst" || status=$?
echo "== exit status $status (0 pass, 1 fail, 2 incomplete)"

case ":$PATH:" in
*":$prefix/bin:"*)
    echo "== dsbinspect is on your PATH: try 'dsbinspect --help', 'man dsbinspect'" ;;
*)
    echo "== $prefix/bin is not on your PATH: add it (for bash, then open a new shell):"
    echo "     echo 'export PATH=\"$prefix/bin:\$PATH\"' >> ~/.bashrc"
    echo "   or run it from the build tree: build/dsbinspect --help" ;;
esac
exit "$status"
