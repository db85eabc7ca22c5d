#!/usr/bin/env bash
# Regenerates .sqlx/ (the compile-time query data) from a database built from
# the migrations; with --check, fails if the committed .sqlx/ is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export DATABASE_URL="sqlite://$tmp/prepare.db"
sqlx database create
sqlx migrate run --source crates/store/migrations
SQLX_OFFLINE=false cargo sqlx prepare --workspace "$@" -- --all-targets
