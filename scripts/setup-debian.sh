#!/usr/bin/env bash
# Installs what Okusuri Desk needs to build, run and test on Debian 12.
# Idempotent: fast when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # building the Tauri app
  build-essential pkg-config curl wget file libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev
  # Node for the UI (skipped below when node is already installed)
  # the screens are Japanese: Noto Sans CJK JP (the CSS names the Windows UI
  # fonts first, then Noto; IPAexGothic is the last fallback)
  fonts-noto-cjk fonts-ipaexfont-gothic
  # end-to-end tests: the real app in WebKit under Xvfb
  webkit2gtk-driver xvfb xauth dbus dbus-x11 sqlite3 xclip
  # reading our QR codes back with an independent decoder; PDF pages to images
  zbar-tools poppler-utils
  # screenshots of the whole window for docs/screens (xwd, then PNG)
  x11-apps netpbm
  # the card reader: PC/SC (pcscd, the library to build against) and the
  # vsmartcard virtual reader our tests put a virtual FeliCa card on
  pcscd libpcsclite-dev pcsc-tools vsmartcard-vpcd
  # running a test as an unprivileged user (setpriv)
  util-linux
  # keeping the Windows build compiling
  gcc-mingw-w64-x86-64
  # 電子処方箋 signatures: SoftHSM2 as the PKCS#11 token the tests make,
  # pkcs11-tool (opensc) and p11-kit to load it, xmlsec1 as the independent
  # verifier, xmllint (libxml2-utils) to check our exclusive C14N
  softhsm2 opensc p11-kit xmlsec1 libxml2-utils
  # secrets in the OS key store: GNOME Keyring (Secret Service) for the tests,
  # libdbus to build the Secret Service client
  gnome-keyring libdbus-1-dev
  # the tray test: a stand-in StatusNotifierWatcher (python3-gi), closing the
  # window as a window manager would (python3-xlib), window state (x11-utils)
  python3-gi python3-xlib x11-utils
  # the Windows installer: wixl/msibuild/msiinfo (msitools) build and read the
  # MSI, wine installs it in the tests, minisign checks the updater signature
  msitools wixl wine wine64 minisign
  # a real network mount for the data-folder refusal: sshfs (FUSE) served by
  # an unprivileged sshd on 127.0.0.1 (tests/share/network-mount-test.sh)
  sshfs openssh-server
  # several PCs (issue 17): the pharmacy's server; the store's tests start a
  # cluster of their own with initdb/pg_ctl (as user postgres under root)
  postgresql
)
TAURI_DRIVER_VERSION=2.1.0
SQLX_CLI_VERSION=0.9.0
CARGO_DENY_VERSION=0.20.2

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
command -v node >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "setup: Rust is missing. Install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi
rustup component add rustfmt clippy >/dev/null 2>&1 || true
rustup target list --installed | grep -q x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if ! "$cargo_bin/tauri-driver" --help >/dev/null 2>&1; then
  cargo install tauri-driver --version "$TAURI_DRIVER_VERSION" --locked
fi
if ! "$cargo_bin/cargo-deny" --version 2>/dev/null | grep -q "$CARGO_DENY_VERSION"; then
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
fi
if ! "$cargo_bin/sqlx" --version 2>/dev/null | grep -q "$SQLX_CLI_VERSION"; then
  cargo install sqlx-cli --version "$SQLX_CLI_VERSION" --locked --no-default-features --features sqlite,rustls
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm ci rejects lock files that list other platforms' optional packages without
  # versions (as npm writes them with omit-lockfile-registry-resolved); install
  # honours the lock all the same.
  npm install --no-audit --no-fund
fi
echo "setup: done"
