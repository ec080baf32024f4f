#!/usr/bin/env bash
# Builds the widget of another commit for `make bench BENCH_BASE=REV`: a clone at REV in
# target/bench-base/src, built with its own `make build` and target folder, so the bench can load
# its www beside this build's in the same run. Prints the www folder.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: .ci/bench-base.sh REV}
commit=$(git rev-parse --verify "$rev^{commit}")
base=target/bench-base
if [ "$(cat "$base/commit" 2>/dev/null)" != "$commit" ]; then
  rm -rf "$base"
  mkdir -p "$base"
  git clone --quiet --no-checkout . "$base/src"
  git -C "$base/src" checkout --quiet --detach "$commit"
  CARGO_TARGET_DIR="$PWD/$base/target" make -C "$base/src" build >&2
  echo "$commit" > "$base/commit"
fi
echo "$PWD/$base/src/www"
