#!/usr/bin/env bash
# Starts the built app on a local demo data folder (./demo-data unless
# OKUSURI_DATA_DIR says otherwise). The first start asks for 初期設定.
set -euo pipefail
cd "$(dirname "$0")/.."
export OKUSURI_DATA_DIR="${OKUSURI_DATA_DIR:-$PWD/demo-data}"
mkdir -p "$OKUSURI_DATA_DIR"
echo "Okusuri Desk: data folder $OKUSURI_DATA_DIR"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: starting under Xvfb (nothing will be visible)." >&2
  exec xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- target/debug/okusuri-desk
fi
exec target/debug/okusuri-desk
