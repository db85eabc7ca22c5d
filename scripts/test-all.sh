#!/usr/bin/env bash
# Every check and test, fastest first: what CI runs (through `npm test`).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }
start=$(date +%s)

step "rustfmt";            cargo fmt --all --check
step "TypeScript";         npm run --silent typecheck
step "ESLint";             npm run --silent lint
step "UI unit tests";      npm run --silent test:ui
step "clippy";             cargo clippy --workspace --all-targets -- -D warnings
step "licences and bans";  cargo deny --offline check licenses bans
step "Rust tests";         cargo test --workspace
step ".sqlx is current";   npm run --silent sqlx:check
step "Windows build";      cargo check --target x86_64-pc-windows-gnu -p okusuri-desk
step "release ignores test overrides"; cargo test --release -q -p okusuri-update
step "MSI template (wixl + wine)"; bash tests/msi/template-test.sh
step "the real MSI (cross-built exe under wine)"; bash scripts/test-msi-real.sh
step "the Windows build's data at rest (CLI under wine)"; bash tests/msi/cli-under-wine.sh
step "app build";          npm run --silent app:build
step "e2e helpers";        cargo build -p okusuri -p okusuri-vcard -p okusuri-oqs-sim && cargo build -p okusuri-app --example sql
step "network mount refused"; bash tests/share/network-mount-test.sh
step "end-to-end tests";   bash scripts/e2e.sh

printf '\nall checks passed in %ss\n' "$(( $(date +%s) - start ))"
