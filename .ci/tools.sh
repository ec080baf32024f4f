#!/usr/bin/env bash
# Installs whatever is missing for building and testing, and nothing that is already there.
# Safe to run again; CI and newcomers start from a bare machine.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="$HOME/.cargo/bin:$PATH"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# rust-toolchain.toml pins the release. Where rustup has no toolchain of that name but its stable
# is that very release (these machines cannot download one), stable answers to the name too: a
# link beside it, as rustup names its own toolchains.
pinned_rust=$(sed -n 's/^channel = "\(.*\)"$/\1/p' rust-toolchain.toml)
if ! RUSTUP_TOOLCHAIN=stable rustup toolchain list | grep -q "^$pinned_rust-"; then
  stable_root=$(RUSTUP_TOOLCHAIN=stable rustc --print sysroot)
  host=$(RUSTUP_TOOLCHAIN=stable rustc -vV | sed -n 's/^host: //p')
  if [ "$(RUSTUP_TOOLCHAIN=stable rustc --version | awk '{print $2}')" = "$pinned_rust" ]; then
    say "the installed stable is Rust $pinned_rust: naming it so"
    ln -s "$stable_root" "$(dirname "$stable_root")/$pinned_rust-$host"
  fi
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || { say "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown; }
# rust-src: the shipped widget rebuilds the standard library for size (Makefile, build).
for component in rustfmt clippy rust-src; do
  rustup component list --installed | grep -q "^$component" \
    || { say "adding $component"; rustup component add "$component"; }
done

# The shipped widget's size flags (Makefile, build) exist since Rust 1.92; say so plainly rather
# than fail deep inside the build.
RUSTC_BOOTSTRAP=1 rustc -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none \
  --print cfg --target wasm32-unknown-unknown >/dev/null 2>&1 || {
  echo "$(rustc --version) does not know -Cpanic=immediate-abort: building the widget needs Rust 1.92 or newer (rustup update stable)" >&2
  exit 1
}

# `cargo install --locked` with the lock in .ci/locks/ when there is one: the published lock of
# wasm-bindgen-cli 0.2.130 names webpki-roots 1.0.11, which the registry these machines reach
# does not serve, so ours is the published one with that crate at 1.0.10 (nothing else moved).
# The crate's own sha256 is checked against the registry index's before it is built.
install_locked() {
  local name=$1 version=$2 lock=".ci/locks/$1-$2.lock"
  if [ ! -f "$lock" ]; then
    cargo install "$name" --version "$version" --locked --force
    return
  fi
  local dir want got
  dir=$(mktemp -d)
  curl -sfL -o "$dir/crate" "https://static.crates.io/crates/$name/$name-$version.crate"
  want=$(curl -sfL "https://index.crates.io/$(echo "$name" | cut -c1-2)/$(echo "$name" | cut -c3-4)/$name" \
    | grep "\"vers\": *\"$version\"" | sed -n 's/.*"cksum": *"\([0-9a-f]*\)".*/\1/p')
  got=$(sha256sum "$dir/crate" | awk '{print $1}')
  [ -n "$want" ] && [ "$want" = "$got" ] \
    || { echo "$name $version: the downloaded crate's sha256 $got is not the index's ($want)" >&2; exit 1; }
  tar xzf "$dir/crate" -C "$dir"
  cp "$lock" "$dir/$name-$version/Cargo.lock"
  cargo install --locked --force --path "$dir/$name-$version"
  rm -rf "$dir"
}

# wasm-bindgen-cli must match the wasm-bindgen version Cargo.lock pins, exactly.
pinned=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$pinned" ]; then
  say "installing wasm-bindgen-cli $pinned"
  install_locked wasm-bindgen-cli "$pinned"
fi
# wasm-pack at the version this build was made with, from its own lock file: no fallback, so a
# failure says so rather than installing something else.
WASM_PACK_VERSION=0.15.1
[ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" = "$WASM_PACK_VERSION" ] \
  || { say "installing wasm-pack $WASM_PACK_VERSION"; cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force; }

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Chromium and ChromeDriver"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium chromium-driver
fi

# Firefox and WebKit (Safari's engine) run the browser and end-to-end tests beside Chromium
# (README, Every shopper's browser): Debian's Firefox ESR, WebKitGTK's WebDriver, which brings
# its MiniBrowser, and Xvfb, the display MiniBrowser draws on since it has no headless mode.
missing=()
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null || missing+=(xvfb)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}"
fi
# PostgreSQL 15, Debian's: the contract suite runs a second time on it and the replica tests run
# three servers on one database (README, PostgreSQL). Tests start their own throwaway cluster;
# the service the package may start is not used.
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  say "installing PostgreSQL 15"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql
fi
# Found on PATH (~/.cargo/bin is on it) by wasm-pack's test runner and by tests/e2e alike.
command -v geckodriver >/dev/null || { say "installing geckodriver"; cargo install geckodriver --version 0.37.1 --locked; }

# binaryen from npm: Debian's wasm-opt is too old for current wasm-bindgen output. terser
# minifies the glue JavaScript; axe-core checks accessibility in the end-to-end tests; MailDev is
# the real SMTP server the email tests send to, and `make demo`'s mailbox. Their versions, and
# every package under them, are the ones .ci/npm/package-lock.json pins: `npm ci` installs that
# tree exactly, and again whenever the lock changes.
if [ ! -d target/tools/node_modules ] || ! cmp -s .ci/npm/package-lock.json target/tools/package-lock.json; then
  say "installing binaryen (wasm-opt), terser, axe-core and MailDev from npm (npm ci)"
  command -v npm >/dev/null || { as_root apt-get update -qq; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm; }
  mkdir -p target/tools
  cp .ci/npm/package.json .ci/npm/package-lock.json target/tools/
  npm ci --prefix target/tools --no-audit --no-fund --silent
fi
