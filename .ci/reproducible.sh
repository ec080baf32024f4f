#!/usr/bin/env bash
# Builds the widget a second time from a fresh clone of HEAD, in a folder of its own with its
# own target directory, and compares its two .wasm (the full and the badge-only build) with this
# tree's byte for byte (sha256). Two builds of one commit must ship the same bytes, wherever they
# were made.
set -euo pipefail
cd "$(dirname "$0")/.."
wasms=(www/pkg/backorder_widget_bg.wasm www/pkg/badge/backorder_widget_badge_bg.wasm)
for wasm in "${wasms[@]}"; do
  [ -f "$wasm" ] || { echo "reproducible: build first ($wasm is missing)" >&2; exit 1; }
done
if [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock Makefile .ci www/element.js)" ]; then
  echo "reproducible: the tree has uncommitted changes to what the widget is built from; commit them first" >&2
  exit 1
fi
again=$(mktemp -d)
trap 'rm -rf "$again"' EXIT
git clone --quiet . "$again/clone"
make --no-print-directory -C "$again/clone" build >"$again/build.log" 2>&1 \
  || { cat "$again/build.log" >&2; echo "reproducible: the second build failed" >&2; exit 1; }
for wasm in "${wasms[@]}"; do
  here=$(sha256sum "$wasm" | cut -d' ' -f1)
  there=$(sha256sum "$again/clone/$wasm" | cut -d' ' -f1)
  if [ "$here" != "$there" ]; then
    echo "reproducible: two builds of $(git rev-parse --short HEAD) differ: $wasm is $here here, $there in a fresh clone" >&2
    exit 1
  fi
  echo "reproducible: $wasm is $here in both builds"
done
