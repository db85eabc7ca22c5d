#!/usr/bin/env bash
# A data folder on a real network mount is refused (issue 16 §3): an sshfs
# mount (FUSE, over TCP to an sshd of our own on 127.0.0.1) holds the folder;
# `okusuri db migrate` must refuse it with the message staff see and write
# nothing there. SMB and NFS kernel mounts cannot be made in this container
# (no kernel modules); they are found the same way (/proc/self/mountinfo),
# with a recorded mountinfo in the store's unit tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
okusuri=${OKUSURI_CLI:-target/debug/okusuri}
work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
cleanup() {
  fusermount -u "$work/mnt" 2>/dev/null || umount "$work/mnt" 2>/dev/null || true
  [ -f "$work/sshd.pid" ] && kill "$(cat "$work/sshd.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/remote" "$work/mnt"
ssh-keygen -q -t ed25519 -N '' -f "$work/id"
ssh-keygen -q -t ed25519 -N '' -f "$work/host"
cat > "$work/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host
AuthorizedKeysFile $work/id.pub
PidFile $work/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
CONF
[ "$(id -u)" -eq 0 ] && mkdir -p /run/sshd
/usr/sbin/sshd -f "$work/sshd_config"
for _ in $(seq 50); do
  sshfs -p "$port" -o "IdentityFile=$work/id,StrictHostKeyChecking=no,UserKnownHostsFile=/dev/null,LogLevel=ERROR" \
    "$(id -un)@127.0.0.1:$work/remote" "$work/mnt" 2>/dev/null && break
  sleep 0.1
done
fstype=$(awk -v m="$work/mnt" '$5 == m { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }' /proc/self/mountinfo)
[ "$fstype" = "fuse.sshfs" ] || { echo "network-mount-test: the sshfs mount is not there (got '$fstype')" >&2; exit 1; }
echo "# $work/mnt is mounted as $fstype"

set +e
out=$("$okusuri" --data-dir "$work/mnt" db migrate 2>&1); rc=$?
set -e
echo "# okusuri db migrate on the mount: exit $rc"
echo "$out" | sed 's/^/#   /'
fail=0
[ "$rc" -eq 1 ] || { echo "not ok - the command was not refused"; fail=1; }
echo "$out" | grep -q "ネットワーク上の共有フォルダ（fuse.sshfs" || { echo "not ok - the message does not name the share"; fail=1; }
echo "$out" | grep -q "ローカルディスク" || { echo "not ok - the message does not name the safe alternative"; fail=1; }
[ -z "$(ls -A "$work/remote")" ] || { echo "not ok - something was written on the share: $(ls -A "$work/remote")"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok - a data folder on a real network mount (sshfs) is refused and nothing is written there"
exit "$fail"
