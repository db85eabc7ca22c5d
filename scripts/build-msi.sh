#!/usr/bin/env bash
# Builds the Windows release of Okusuri Desk on Linux: the exe cross-built for
# x86_64-pc-windows-gnu, the MSI (wixl + msibuild), its updater signature and
# the updater manifest. See wix/README.md ("Building a release").
#
#   scripts/build-msi.sh VERSION
#
# Out: dist/VERSION/okusuri-desk_VERSION_x64_ja-JP.msi, .msi.sig, latest.json.
# Environment:
#   TAURI_SIGNING_PRIVATE_KEY_PATH   the release's minisign secret key (never in the repo),
#   TAURI_SIGNING_PRIVATE_KEY_PASSWORD  its password; the public key is read from
#                                    "$TAURI_SIGNING_PRIVATE_KEY_PATH.pub" or OKUSURI_UPDATE_PUBKEY.
#                                    Without a key a THROWAWAY test key is made (loudly): an app
#                                    built so only trusts updates signed by that throwaway key.
#   OKUSURI_RELEASE_BASE_URL         where the MSI will be published (in latest.json).
#   OKUSURI_WEBVIEW2_BOOTSTRAPPER    MicrosoftEdgeWebview2Setup.exe to embed (default
#                                    wix/MicrosoftEdgeWebview2Setup.exe if present); without it
#                                    the MSI refuses to install where WebView2 is missing.
#   OKUSURI_MSI_SKIP_BUILD=1         reuse the exe already built (tests of this script).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
version=${1:?usage: scripts/build-msi.sh VERSION}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "build-msi: VERSION must be x.y.z, got '$version'" >&2; exit 2; }
target=x86_64-pc-windows-gnu
profile=release-msi
exe_dir="target/$target/$profile"
out="dist/$version"
name="okusuri-desk_${version}_x64_ja-JP.msi"
base_url=${OKUSURI_RELEASE_BASE_URL:-https://updates.example.invalid/okusuri-desk}
mkdir -p "$out"
say() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

# 1. The signing key, and the public key the exe will trust.
say "signing key"
if [ -n "${TAURI_SIGNING_PRIVATE_KEY_PATH:-}" ]; then
  key=$TAURI_SIGNING_PRIVATE_KEY_PATH
  pubkey=${OKUSURI_UPDATE_PUBKEY:-$(cat "$key.pub" 2>/dev/null || true)}
  [ -n "$pubkey" ] || { echo "build-msi: no public key: put it in $key.pub or OKUSURI_UPDATE_PUBKEY" >&2; exit 2; }
else
  key="$out/THROWAWAY-test-signing.key"
  rm -f "$key" "$key.pub"
  npx tauri signer generate -w "$key" -p "" --ci >/dev/null
  export TAURI_SIGNING_PRIVATE_KEY_PASSWORD=""
  pubkey=$(cat "$key.pub")
  cat >&2 <<EOF

  ############################################################################
  #  NO RELEASE KEY (TAURI_SIGNING_PRIVATE_KEY_PATH is not set).             #
  #  A THROWAWAY key was made: $key
  #  This build trusts only updates signed with that key. It is a TEST       #
  #  build: do not publish it.                                               #
  ############################################################################

EOF
fi

# 2. The exe: the UI, then the Windows build with this version and public key.
if [ "${OKUSURI_MSI_SKIP_BUILD:-}" != 1 ]; then
  say "UI"
  npm run --silent ui:build
  say "okusuri-desk.exe ($target, profile $profile)"
  TAURI_CONFIG=$(printf '{"version":"%s","plugins":{"updater":{"pubkey":"%s"}}}' "$version" "$pubkey") \
    cargo build --profile "$profile" --target "$target" -p okusuri-desk --features tauri/custom-protocol
fi
exe="$exe_dir/okusuri-desk.exe"
[ -f "$exe" ] || { echo "build-msi: $exe is missing" >&2; exit 2; }
grep -qa "$pubkey" "$exe" || { echo "build-msi: $exe does not carry the signing key's public key (built with another key?)" >&2; exit 1; }

# 3. Its DLL imports: Windows' own and WebView2Loader.dll only (no mingw runtime DLLs).
say "DLL imports"
imports=$(x86_64-w64-mingw32-objdump -p "$exe" | awk '/DLL Name:/ { print $3 }' | sort -u)
echo "$imports" | tr '\n' ' '; echo
bad=$(echo "$imports" | grep -Eiv '^(api-ms-win-[a-z0-9-]+|kernel32|user32|gdi32|advapi32|shell32|ole32|oleaut32|comctl32|comdlg32|uxtheme|dwmapi|shlwapi|ws2_32|userenv|bcrypt|bcryptprimitives|crypt32|ncrypt|secur32|ntdll|msvcrt|ucrtbase|version|winspool\.drv|propsys|dbghelp|iphlpapi|winhttp|winmm|imm32|setupapi|cfgmgr32|hid|winscard|msimg32|powrprof|dwrite|d2d1|uiautomationcore|oleacc|rpcrt4|combase|ktmw32|webview2loader)\.dll$' || true)
[ -z "$bad" ] || { echo "build-msi: unexpected DLL imports (would be missing on a clean Windows): $bad" >&2; exit 1; }

# 4. The payload, with the bundle type stamped as tauri-bundler does (the
#    updater then looks up windows-x86_64-msi first).
say "payload"
stage=$(mktemp -d); trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/licenses"
python3 - "$exe" "$stage/okusuri-desk.exe" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
old, new = b"__TAURI_BUNDLE_TYPE_VAR_UNK", b"__TAURI_BUNDLE_TYPE_VAR_MSI"
if old not in data:
    sys.exit("build-msi: the bundle type marker is not in the exe")
open(sys.argv[2], "wb").write(data.replace(old, new, 1))
PY
cp "$exe_dir/WebView2Loader.dll" "$stage/"
cp icons/icon.ico "$stage/"
cp crates/print/fonts/IPA_Font_License_Agreement_v1.0.txt "$stage/licenses/"
bootstrapper=${OKUSURI_WEBVIEW2_BOOTSTRAPPER:-wix/MicrosoftEdgeWebview2Setup.exe}
if [ -f "$bootstrapper" ]; then cp "$bootstrapper" "$stage/MicrosoftEdgeWebview2Setup.exe"; fi

# 5. The MSI.
say "MSI"
scripts/msi-package.sh "$stage" "$version" "$out/$name"

# 6. The updater's signature (the version signed in), checked with minisign itself.
say "updater signature"
npx tauri signer sign -f "$key" --app-version "$version" "$out/$name" >/dev/null
check=$(mktemp -d)
base64 -d <<<"$pubkey" > "$check/key.pub"
base64 -d < "$out/$name.sig" > "$check/file.minisig"
minisign -V -q -p "$check/key.pub" -x "$check/file.minisig" -m "$out/$name" \
  || { echo "build-msi: the signature does not verify with the public key the exe trusts" >&2; exit 1; }
grep -q "version:$version" "$check/file.minisig" || { echo "build-msi: the signature lacks version:$version" >&2; exit 1; }
rm -rf "$check"

# 7. The manifest; a release needs its CHANGELOG section (a throwaway build may use [Unreleased]).
say "latest.json"
allow=()
[ -z "${TAURI_SIGNING_PRIVATE_KEY_PATH:-}" ] && allow=(--allow-unreleased)
cargo run -q -p okusuri -- release manifest --version "$version" --url "$base_url/$name" \
  --signature "$out/$name.sig" --changelog CHANGELOG.md "${allow[@]}" -o "$out/latest.json"

size=$(stat -c %s "$out/$name")
printf '\nbuild-msi: %s — %s bytes (%s MB); exe %s MB; in %ss\n' "$out/$name" "$size" \
  "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')" \
  "$(awk -v s="$(stat -c %s "$exe")" 'BEGIN { printf "%.1f", s / 1048576 }')" "$(( $(date +%s) - started ))"
