#!/usr/bin/env bash
# Runs the end-to-end tests against the built app (npm run app:build), under
# Xvfb and a D-Bus session unless a display is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- bash "$0" "$@"
fi
export WEBKIT_DISABLE_COMPOSITING_MODE=1
# The OS key store the app keeps its keys in (the access log's): GNOME
# Keyring on this session's bus, unlocked, its files in a fresh folder.
if [ -z "${OKUSURI_E2E_KEYRING_UP:-}" ] && command -v gnome-keyring-daemon >/dev/null; then
  keyring_home=$(mktemp -d)
  XDG_DATA_HOME="$keyring_home" sh -c "printf 'e2e-keyring' | gnome-keyring-daemon --unlock --components=secrets" >/dev/null
  export OKUSURI_E2E_KEYRING_UP=1
fi
# Each test has 5 minutes; the whole run 25. A stuck driver cannot hold CI.
timeout 1500 node --test --test-concurrency=1 --test-timeout=300000 --test-force-exit \
  --test-reporter=spec tests/e2e/*.test.mjs
