#!/usr/bin/env bash
# The real Windows release under wine: builds it with scripts/build-msi.sh
# (a throwaway signing key unless one is set), then installs the MSI with the
# WebView2 runtime marked present, runs `okusuri-desk.exe --version` (handled
# before Tauri starts: proves the exe loads and every DLL import resolves),
# checks the manifest, and uninstalls. Wine cannot open the window (no
# WebView2 there); what only Windows shows is in wix/README.md.
#   scripts/test-msi-real.sh [VERSION]      (default: the workspace version)
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version=${1:-$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)}
bash scripts/build-msi.sh "$version" || { echo "not ok - build-msi.sh $version"; exit 1; }
msi="dist/$version/okusuri-desk_${version}_x64_ja-JP.msi"
passed=0; failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$3', got '$2')"; fi; }

size=$(stat -c %s "$msi")
echo "# MSI size: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }') MB; goal ≤ 15 MB)"
json="dist/$version/latest.json"
expect_eq "latest.json offers $version" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$json")" "$version"
expect_eq "latest.json carries the .sig for both Windows keys" \
  "$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); s=open(sys.argv[2]).read().strip(); print(all(m["platforms"][k]["signature"]==s for k in ("windows-x86_64-msi","windows-x86_64")))' "$json" "$msi.sig")" "True"

work=$(mktemp -d /tmp/okusuri-msi-real-XXXXXX)
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$work"' EXIT
export WINEPREFIX="$work/wpfx" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
unset DISPLAY
wine wineboot --init >/dev/null 2>&1; wineserver -w
# Wine 8.0 lacks bcryptprimitives.dll (Rust's std imports ProcessPrng from it;
# every Windows 10+ has it): a stand-in goes into the prefix, never into the MSI.
x86_64-w64-mingw32-gcc -shared -O1 -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  tests/msi/wine-bcryptprimitives.c -lbcrypt
wine reg add 'HKLM\SOFTWARE\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' /v pv /t REG_SZ /d 131.0.2903.70 /f /reg:32 >/dev/null 2>&1
wineserver -w
APPDIR="$WINEPREFIX/drive_c/Program Files/Okusuri Desk"
wine msiexec /i "$msi" /qn >/dev/null 2>&1; rc=$?; wineserver -w
expect_eq "the real MSI installs (/qn)" "$rc" "0"
expect_eq "WebView2Loader.dll beside the exe" "$(ls "$APPDIR")" "$(printf 'WebView2Loader.dll\nlicenses\nokusuri-desk.exe')"
t0=$(date +%s%N)
shown=$(wine "$APPDIR/okusuri-desk.exe" --version 2>/dev/null | tr -d '\r')
echo "# okusuri-desk.exe --version under wine: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
expect_eq "okusuri-desk.exe --version runs under wine (the exe loads, its DLLs resolve)" "$shown" "Okusuri Desk $version"
wine msiexec /x "$msi" /qn >/dev/null 2>&1; rc=$?; wineserver -w
expect_eq "and uninstalls" "$rc" "0"
expect_eq "nothing left in Program Files" "$(ls "$APPDIR" 2>/dev/null)" ""
echo
echo "msi-real: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
