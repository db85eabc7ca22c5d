#!/usr/bin/env bash
# The MSI template (wix/okusuri-desk.wxs) with a small stand-in payload:
# built by scripts/msi-package.sh exactly as a release is (wixl + msibuild),
# read back with msiinfo/msiextract, then installed under wine:
#   install 1.0.0 → upgrade to 1.1.0 exactly as the updater calls msiexec
#   (/passive AUTOLAUNCHAPP=True LAUNCHAPPARGS=…) → data kept, the file only
#   1.0.0 had gone, the new version relaunched → downgrade refused →
#   uninstall, data kept; and the variant without the WebView2 bootstrapper
#   refuses to install where the runtime is missing.
# What wine cannot show (UAC, Restart Manager, the real WebView2) is in
# wix/README.md's Windows check-list.
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d /tmp/okusuri-msi-XXXXXX)
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$work"' EXIT
passed=0; failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
check() { local name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name"; fi; }
expect_eq() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (expected '$3', got '$2')"; fi; }

# --- the payloads: two versions of a stand-in exe, a fake WebView2 bootstrapper
stage() { # stage DIR VERSION [bootstrapper]
  local dir=$1 version=$2
  mkdir -p "$dir/licenses"
  x86_64-w64-mingw32-gcc -O1 -s -DAPP_VERSION="\"$version\"" -o "$dir/okusuri-desk.exe" "$root/tests/msi/dummy-app.c"
  echo "stand-in loader" > "$dir/WebView2Loader.dll"
  cp "$root/icons/icon.ico" "$dir/icon.ico"
  cp "$root/crates/print/fonts/IPA_Font_License_Agreement_v1.0.txt" "$dir/licenses/"
  if [ "${3:-}" = bootstrapper ]; then
    x86_64-w64-mingw32-gcc -O1 -s -o "$dir/MicrosoftEdgeWebview2Setup.exe" "$root/tests/msi/fake-webview2-setup.c"
  fi
}
stage "$work/v1" 1.0.0 bootstrapper
stage "$work/v2" 1.1.0 bootstrapper
stage "$work/plain" 1.1.0
echo "only in 1.0.0" > "$work/v1/old-only.txt"
# 1.0.0 has one more file, so the upgrade must remove it (a derived template, test only).
python3 - "$root/wix/okusuri-desk.wxs" "$work/v1.wxs" <<'PY'
import sys
s = open(sys.argv[1], encoding="utf-8").read()
comp = '      <Component Id="OldOnly" Guid="9D1E0C52-2B7A-4C55-9A53-2E7F1C0B6A11" Win64="yes">\n        <File Id="OldOnly" Name="old-only.txt" Source="$(var.Src)/old-only.txt" KeyPath="yes"/>\n      </Component>\n'
anchor = '    </DirectoryRef>\n\n    <DirectoryRef Id="LicensesDir">'
assert anchor in s and '<ComponentRef Id="MainExe"/>' in s
s = s.replace(anchor, comp + anchor, 1).replace('<ComponentRef Id="MainExe"/>', '<ComponentRef Id="MainExe"/>\n      <ComponentRef Id="OldOnly"/>', 1)
open(sys.argv[2], "w", encoding="utf-8").write(s)
PY

pack() { "$root/scripts/msi-package.sh" "$@" >/dev/null || { echo "not ok - msi-package $*"; exit 1; }; }
WXS="$work/v1.wxs" pack "$work/v1" 1.0.0 "$work/okusuri-desk_1.0.0.msi"
pack "$work/v2" 1.1.0 "$work/okusuri-desk_1.1.0.msi"
pack "$work/plain" 1.1.0 "$work/plain_1.1.0.msi"
ok "wixl + msibuild built 1.0.0, 1.1.0 and the variant without the bootstrapper"

# --- the tables
msi="$work/okusuri-desk_1.1.0.msi"
table() { msiinfo export "$1" "$2" | tr -d '\r'; }
prop() { table "$msi" Property | awk -F'\t' -v k="$1" '$1 == k { print $2 }'; }
expect_eq "ProductName is Japanese (codepage 932 written by msibuild)" "$(prop ProductName)" "おくすりデスク"
expect_eq "per-machine (ALLUSERS=1)" "$(prop ALLUSERS)" "1"
expect_eq "ProductLanguage 1041" "$(prop ProductLanguage)" "1041"
expect_eq "ProductVersion" "$(prop ProductVersion)" "1.1.0"
expect_eq "the fixed UpgradeCode" "$(prop UpgradeCode)" "{3C21E78F-3D46-47B5-B94B-F1E0418701F9}"
expect_eq "the updater's properties are secure" "$(prop SecureCustomProperties)" "WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;AUTOLAUNCHAPP;LAUNCHAPPARGS"
expect_eq "two Upgrade rows (upgrade and downgrade detection)" "$(table "$msi" Upgrade | tail -n +4 | wc -l)" "2"
check "the downgrade refusal is in Japanese" grep -q "NOT WIX_DOWNGRADE_DETECTED.より新しいバージョンのおくすりデスク" <(table "$msi" LaunchCondition)
seq() { table "$msi" InstallExecuteSequence | awk -F'\t' -v a="$1" '$1 == a { print $3 }'; }
expect_eq "RemoveExistingProducts pinned at 1401" "$(seq RemoveExistingProducts)" "1401"
expect_eq "InvokeBootstrapper at 6590" "$(seq InvokeBootstrapper)" "6590"
expect_eq "LaunchApplication after InstallFinalize (6601)" "$(seq LaunchApplication)" "6601"
ca() { table "$msi" CustomAction | awk -F'\t' -v a="$1" '$1 == a { print $2 "|" $3 "|" $4 }'; }
expect_eq "LaunchApplication runs the exe with LAUNCHAPPARGS" "$(ca LaunchApplication)" "210|MainExe|[LAUNCHAPPARGS]"
expect_eq "the bootstrapper runs silently, deferred, as the system" "$(ca InvokeBootstrapper)" "3090|WebView2Setup|/silent /install"
comp_attr() { table "$msi" Component | awk -F'\t' -v c="$1" '$1 == c { print $4 }'; }
expect_eq "the exe's component is 64-bit" "$(comp_attr MainExe)" "256"
table "$msi" Registry | grep OkusuriDesk | sed 's/^/# /'
check "the event source OkusuriDesk is registered (the audit head's copy)" grep -qP 'EventLog\\Application\\OkusuriDesk\tEventMessageFile\t\[WindowsFolder\]Microsoft\.NET\\Framework64\\v4\.0\.30319\\EventLogMessages\.dll\t' <(table "$msi" Registry)
check "WebView2Loader.dll is in the File table" grep -qP "^WebView2Loader\tWebView2Loader\tWebView2Loader.dll\t" <(table "$msi" File)
expect_eq "the MSI header (what the updater checks before msiexec)" "$(head -c 8 "$msi" | od -An -tx1 | tr -d ' \n')" "d0cf11e0a1b11ae1"
check "without the bootstrapper: a Japanese refusal when WebView2 is missing" \
  grep -q "Installed OR WVRTINSTALLED OR WVRTINSTALLEDUSER.おくすりデスクには Microsoft Edge WebView2 ランタイムが必要です" <(table "$work/plain_1.1.0.msi" LaunchCondition)
check "without the bootstrapper: no bootstrapper action" bash -c "! msiinfo export '$work/plain_1.1.0.msi' CustomAction | grep -q InvokeBootstrapper"
mkdir -p "$work/extract"
(cd "$work/extract" && msiextract "$msi" >/dev/null)
expect_eq "msiextract: the payload" "$(cd "$work/extract" && find . -type f | sort | tr '\n' ' ')" \
  "./Okusuri Desk/MicrosoftEdgeWebview2Setup.exe ./Okusuri Desk/WebView2Loader.dll ./Okusuri Desk/licenses/IPA_Font_License_Agreement_v1.0.txt ./Okusuri Desk/okusuri-desk.exe "

# --- wine: install → upgrade as the updater does → downgrade refused → uninstall
export WINEPREFIX="$work/wpfx" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
unset DISPLAY
wine wineboot --init >/dev/null 2>&1; wineserver -w
C="$WINEPREFIX/drive_c"
APPDIR="$C/Program Files/Okusuri Desk"
DATA="$C/ProgramData/Okusuri Desk"
msiexec() { wine msiexec "$@" >/dev/null 2>&1; local rc=$?; wineserver -w; return $rc; }
installed_version() { wine "$APPDIR/okusuri-desk.exe" --version 2>/dev/null | tr -d '\r'; }

msiexec /i "$work/okusuri-desk_1.0.0.msi" /qn; expect_eq "install 1.0.0 (/qn) exits 0" "$?" "0"
check "the exe is installed" test -f "$APPDIR/okusuri-desk.exe"
expect_eq "the WebView2 bootstrapper ran once, silently" "$(tr -d '\r' < "$C/webview2-setup.txt" 2>/dev/null)" "/silent /install"
lnk=$(find "$WINEPREFIX" -name 'おくすりデスク.lnk' | head -1)
check "a Start menu shortcut with the Japanese name" test -n "$lnk"
check "the event source is in the registry after install" grep -qi 'EventLog\\\\Application\\\\OkusuriDesk\]' "$WINEPREFIX/system.reg"
check "Apps & features shows おくすりデスク" grep -q 'DisplayName"="\\x304a\\x304f\\x3059\\x308a\\x30c7\\x30b9\\x30af"' "$WINEPREFIX/system.reg"
wine "$APPDIR/okusuri-desk.exe" write >/dev/null 2>&1; wineserver -w
echo "user file" > "$APPDIR/user-settings.ini"
check "the app wrote its data in ProgramData" test -f "$DATA/okusuri.db"

: > "$C/app-runs.txt"
msi_w=$(wine winepath -w "$work/okusuri-desk_1.1.0.msi" 2>/dev/null | tr -d '\r')
# Exactly what tauri-plugin-updater 2.14.1 runs (installMode passive, restart after install).
msiexec /i "$msi_w" /passive /promptrestart AUTOLAUNCHAPP=True LAUNCHAPPARGS=--updated
expect_eq "the updater's upgrade to 1.1.0 (/passive) exits 0" "$?" "0"
expect_eq "the exe is now 1.1.0" "$(installed_version)" "Okusuri Desk 1.1.0"
check "the file only 1.0.0 had is gone" test ! -e "$APPDIR/old-only.txt"
check "a user file in the install folder is kept" test -f "$APPDIR/user-settings.ini"
check "the data in ProgramData is kept" grep -q "patient data" "$DATA/okusuri.db"
check "the installer relaunched 1.1.0 with LAUNCHAPPARGS" grep -qx "1.1.0 --updated" <(tr -d '\r' < "$C/app-runs.txt")
arp=$(wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null | tr -d '\r' | grep -c 'DisplayVersion.*1\.')
expect_eq "one Apps & features entry" "$arp" "1"
check "  … and it is 1.1.0" bash -c "wine reg query 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall' /s 2>/dev/null | grep -q 'DisplayVersion.*1\\.1\\.0'"

msiexec /i "$work/okusuri-desk_1.0.0.msi" /qn; rc=$?
expect_eq "the downgrade to 1.0.0 is refused (1603; 8 bits: 67)" "$rc" "67"
expect_eq "still 1.1.0 after the refused downgrade" "$(installed_version)" "Okusuri Desk 1.1.0"

msiexec /x "$work/okusuri-desk_1.1.0.msi" /qn; expect_eq "uninstall exits 0" "$?" "0"
check "the exe is removed" test ! -e "$APPDIR/okusuri-desk.exe"
check "the shortcut is removed" test ! -e "$lnk"
check "the data in ProgramData is kept after uninstall" test -f "$DATA/okusuri.db"

# Without the bootstrapper: refused while WebView2 is missing, installed once it is there.
msiexec /i "$work/plain_1.1.0.msi" /qn; expect_eq "no WebView2 runtime: install refused (67)" "$?" "67"
check "  … and nothing installed" test ! -e "$APPDIR/okusuri-desk.exe"
wine reg add 'HKLM\SOFTWARE\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}' /v pv /t REG_SZ /d 131.0.2903.70 /f /reg:32 >/dev/null 2>&1
wineserver -w
msiexec /i "$work/plain_1.1.0.msi" /qn; expect_eq "with the runtime present it installs" "$?" "0"
expect_eq "  … 1.1.0" "$(installed_version)" "Okusuri Desk 1.1.0"
msiexec /x "$work/plain_1.1.0.msi" /qn; expect_eq "  … and uninstalls" "$?" "0"

echo
echo "msi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
