#!/usr/bin/env bash
# The Windows build's data at rest under wine (issue 16): the command line
# cross-built for Windows (the same store, SQLCipher with its vendored
# OpenSSL, Credential Manager through keyring's Windows backend, the event
# log through winsafe) encrypts a database, keys and verifies its access log,
# writes the head to the event log (wine traces ReportEventW), backs up and
# exports the keys. The window itself needs WebView2 and is not run here.
set -uo pipefail
cd "$(dirname "$0")/../.."
SQLX_OFFLINE=true cargo build -q --target x86_64-pc-windows-gnu -p okusuri || exit 1
exe=target/x86_64-pc-windows-gnu/debug/okusuri.exe
work=$(mktemp -d /tmp/okusuri-wine-cli-XXXXXX)
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$work"' EXIT
export WINEPREFIX="$work/wpfx" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
export OKUSURI_PASSWORD=first-pass-2026
unset DISPLAY
wine wineboot --init >/dev/null 2>&1; wineserver -w
# Wine 8.0 lacks bcryptprimitives.dll (see scripts/test-msi-real.sh).
x86_64-w64-mingw32-gcc -shared -O1 -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  tests/msi/wine-bcryptprimitives.c -lbcrypt

passed=0; failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
has() { if grep -qF -- "$3" <<<"$2"; then ok "$1"; else not_ok "$1"; echo "$2" | sed 's/^/#   /'; fi; }

mkdir -p "$work/data"
data="Z:${work//\//\\}\\data"
run() { timeout 120 wine "$exe" --data-dir "$data" "$@" 2>&1 | tr -d '\r'; }

has "setup" "$(run setup --facility-id PH0001 --facility-name 'さくら薬局' --admin-id admin --admin-name '管理 太郎')" "初期設定が完了しました"
has "db key encrypts the database" "$(run db key)" "データベースは暗号化されています"
head=$(head -c 15 "$work/data/okusuri.db")
if [ "$head" != "SQLite format 3" ] && [ -s "$work/data/okusuri.db" ]; then ok "the file is not plain SQLite"; else not_ok "the file is not plain SQLite"; fi
has "db info opens it with the key from Credential Manager" "$(run db info)" "（暗号化）"
has "the backup is written" "$(run db backup)" "バックアップを作成しました"
has "  … and its head went to the event log" "$(WINEDEBUG=-all,+eventlog run db backup)" "ReportEventW L\"okusuri audit head id="
has "audit verify holds" "$(run audit verify)" "変更・削除は見つかりません"
has "the keys are exported" "$(run db key --export "Z:${work//\//\\}\\keys.txt")" "鍵を書き出しました"
has "  … both of them" "$(cat "$work/keys.txt")" "database-key "
echo
echo "wine cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
