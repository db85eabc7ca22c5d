#!/usr/bin/env bash
# Starts the built app on a local demo data folder (./demo-data unless
# OKUSURI_DATA_DIR says otherwise), made by `okusuri demo` on first start:
# デモ薬局 with 32 sample patients dated relative to that day. Sign in with
# one press (施設ID DEMO001, スタッフID yakuzaishi, パスワード okusuri-demo-2026).
# `npm run demo:reset` makes it again for today.
set -euo pipefail
cd "$(dirname "$0")/.."
export OKUSURI_DATA_DIR="${OKUSURI_DATA_DIR:-$PWD/demo-data}"
if [ ! -e "$OKUSURI_DATA_DIR/okusuri.db" ]; then
  target/debug/okusuri --data-dir "$OKUSURI_DATA_DIR" demo
fi
echo "Okusuri Desk: data folder $OKUSURI_DATA_DIR"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: starting under Xvfb (nothing will be visible)." >&2
  exec xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- target/debug/okusuri-desk
fi
exec target/debug/okusuri-desk
