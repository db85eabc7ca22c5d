#!/usr/bin/env bash
# Packs a staged payload into the MSI: wixl (msitools) builds wix/okusuri-desk.wxs,
# then msibuild writes the Japanese strings wixl 0.101 cannot (database
# codepage 932; ../shared/specs/desktop.md §1.2).
#   scripts/msi-package.sh STAGE VERSION OUT.msi
# STAGE holds okusuri-desk.exe, WebView2Loader.dll, icon.ico,
# licenses/IPA_Font_License_Agreement_v1.0.txt and, optionally,
# MicrosoftEdgeWebview2Setup.exe (then the MSI installs a missing WebView2
# runtime; without it the MSI refuses to install where the runtime is missing).
# WXS=<file> builds another template (the tests use a derived one).
set -euo pipefail
stage=${1:?STAGE}; version=${2:?VERSION}; out=${3:?OUT.msi}
root="$(cd "$(dirname "$0")/.." && pwd)"
wxs=${WXS:-$root/wix/okusuri-desk.wxs}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "msi-package: VERSION must be x.y.z (MSI ProductVersion), got '$version'" >&2; exit 2; }
for f in okusuri-desk.exe WebView2Loader.dll icon.ico licenses/IPA_Font_License_Agreement_v1.0.txt; do
  [ -f "$stage/$f" ] || { echo "msi-package: $stage/$f is missing" >&2; exit 2; }
done
webview2=0
[ -f "$stage/MicrosoftEdgeWebview2Setup.exe" ] && webview2=1

# wixl resolves Source paths against the template's folder and refuses absolute
# ones: build from a copy of the template inside the stage, with Src=".".
out=$(realpath -m "$out")
cp "$wxs" "$stage/.okusuri-desk.wxs"
(cd "$stage" && wixl -a x64 -D Version="$version" -D Src=. -D WebView2="$webview2" -o "$out" .okusuri-desk.wxs 2> >(grep -v -e "has no property named 'Secure'" -e '^$' >&2))
rm -f "$stage/.okusuri-desk.wxs"

# The Japanese strings (UTF-8 here; msibuild stores them in codepage 932).
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '\r\n\r\n932\t_ForceCodepage\r\n' > "$tmp/_ForceCodepage.idt"
msibuild "$out" -i "$tmp/_ForceCodepage.idt"
q() { msibuild "$out" -q "$1"; }
q "UPDATE \`Property\` SET \`Value\` = 'おくすりデスク' WHERE \`Property\` = 'ProductName'"
q "UPDATE \`Property\` SET \`Value\` = 'おくすりデスク' WHERE \`Property\` = 'Manufacturer'"
q "UPDATE \`Shortcut\` SET \`Name\` = 'おくすりデスク' WHERE \`Shortcut\` = 'StartMenuShortcut'"
q "UPDATE \`Directory\` SET \`DefaultDir\` = 'OKUSURI|おくすりデスク' WHERE \`Directory\` = 'AppMenuDir'"
q "UPDATE \`LaunchCondition\` SET \`Description\` = 'より新しいバージョンのおくすりデスクがインストールされています。このインストーラーでは古いバージョンに戻せません。' WHERE \`Condition\` = 'NOT WIX_DOWNGRADE_DETECTED'"
if [ "$webview2" = 0 ]; then
  q "UPDATE \`LaunchCondition\` SET \`Description\` = 'おくすりデスクには Microsoft Edge WebView2 ランタイムが必要です。ランタイムをインストールしてから、もう一度このインストーラーを実行してください。' WHERE \`Condition\` = 'Installed OR WVRTINSTALLED OR WVRTINSTALLEDUSER'"
fi
# wixl 0.101 ignores Secure="yes": the updater's properties must reach the server side.
q "UPDATE \`Property\` SET \`Value\` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;AUTOLAUNCHAPP;LAUNCHAPPARGS' WHERE \`Property\` = 'SecureCustomProperties'"
echo "msi-package: $out ($(du -h "$out" | cut -f1), WebView2 bootstrapper: $([ "$webview2" = 1 ] && echo included || echo 'not included: refuses without the runtime'))"
