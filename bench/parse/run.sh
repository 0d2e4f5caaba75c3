#!/bin/sh
# bench/parse/run.sh - generate >= 50 MB of spec project from the corpus and
# measure load + parse + check throughput and peak memory.
#
# Use an optimised build: meson setup build-release -Dbuildtype=release
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build-release}
[ -f "$BUILD/build.ninja" ] || meson setup "$BUILD" -Dbuildtype=release >/dev/null
ninja -C "$BUILD" bench/parse/bench-parse >/dev/null
[ -f bench/parse/data/specc.yaml ] ||
	python3 bench/parse/gen.py --mb "${MB:-50}" tests/corpus/openai-model-spec-2025-09-12/model_spec.md bench/parse/data
"$BUILD/bench/parse/bench-parse" bench/parse/data "${RUNS:-5}"
