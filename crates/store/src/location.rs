//! Where the data may live: a local disk, in folders only this user can
//! read. SQLite's write-ahead log needs shared memory and file locks that a
//! network file system does not give across machines, so a data folder on a
//! share (a UNC path, an SMB/NFS mount, a mapped network drive) is refused.

use std::path::{Component, Path, PathBuf};

/// File systems that are reached over the network (Linux `mountinfo` names).
const NETWORK_FS: &[&str] = &[
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "afs",
    "ceph",
    "glusterfs",
    "lustre",
    "gpfs",
    "ncpfs",
    "davfs",
    "9p",
    "fuse.sshfs",
    "fuse.glusterfs",
    "fuse.davfs2",
    "fuse.rclone",
    "fuse.s3fs",
];

/// Says why `path` is on a network share (`Some("NFS")`, …), or `None` for
/// a local disk. A path that cannot be looked up counts as local here (it
/// fails later with its own message).
pub fn network_share(path: &Path) -> Option<String> {
    if is_unc(path) {
        return Some("UNC パス（\\\\サーバー\\共有）".into());
    }
    platform::network_share(path)
}

/// A Windows UNC path (`\\server\share`, `\\?\UNC\server\share`), on any
/// platform (a path typed into settings is looked at before it is used).
fn is_unc(path: &Path) -> bool {
    let text = path.to_string_lossy();
    let upper = text.to_uppercase();
    if upper.starts_with(r"\\?\UNC\") {
        return true;
    }
    let device = upper.starts_with(r"\\?\") || upper.starts_with(r"\\.\");
    !device && (text.starts_with(r"\\") || (cfg!(windows) && text.starts_with("//")))
}

/// The file system type of the mount holding `path`, from the text of
/// `/proc/self/mountinfo` (see proc(5)): the longest mount point that
/// contains the path.
pub fn mount_fs_type(mountinfo: &str, path: &Path) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for line in mountinfo.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(dash) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let (Some(point), Some(fs)) = (fields.get(4), fields.get(dash + 1)) else {
            continue;
        };
        let point = PathBuf::from(unescape(point));
        if path.starts_with(&point) {
            let depth = point.components().count();
            if best.as_ref().is_none_or(|(d, _)| depth >= *d) {
                best = Some((depth, (*fs).to_string()));
            }
        }
    }
    best.map(|(_, fs)| fs)
}

/// Undoes mountinfo's octal escapes (`\040` is a space).
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && let Some(code) = field
                .get(i + 1..i + 4)
                .and_then(|o| u8::from_str_radix(o, 8).ok())
        {
            out.push(code);
            i += 4;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether a mountinfo file system type is a network one.
pub fn is_network_fs(fs: &str) -> bool {
    NETWORK_FS.contains(&fs) || fs.starts_with("nfs")
}

/// The nearest existing folder of `path` (itself, or a parent), made absolute.
fn nearest_existing(path: &Path) -> Option<PathBuf> {
    let mut current = Some(path);
    while let Some(p) = current {
        if let Ok(real) = std::fs::canonicalize(p) {
            return Some(real);
        }
        current = p
            .parent()
            .filter(|parent| parent.components().next().is_some());
    }
    std::env::current_dir().ok().filter(|_| {
        path.components()
            .next()
            .is_some_and(|c| !matches!(c, Component::RootDir | Component::Prefix(_)))
    })
}

#[cfg(target_os = "linux")]
mod platform {
    use std::path::Path;

    pub fn network_share(path: &Path) -> Option<String> {
        let real = super::nearest_existing(path)?;
        let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
        let fs = super::mount_fs_type(&mountinfo, &real)?;
        super::is_network_fs(&fs).then(|| format!("{fs} のネットワークドライブ"))
    }
}

#[cfg(windows)]
mod platform {
    use std::path::Path;

    /// A mapped network drive (`Z:\…`) resolves to its UNC path
    /// (`\\?\UNC\server\share\…`): the session's drive letters are
    /// not the file's real name.
    pub fn network_share(path: &Path) -> Option<String> {
        let real = super::nearest_existing(path)?;
        super::is_unc(&real).then(|| "ネットワークドライブ".to_string())
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
mod platform {
    use std::path::Path;

    pub fn network_share(_path: &Path) -> Option<String> {
        None
    }
}

/// Creates `path` and its missing parents readable only by this user
/// (0700 on Unix; on Windows the folder inherits the user profile's ACL,
/// which is the user's own under `%LOCALAPPDATA%`).
pub fn create_private_dir_all(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// Makes an existing file or folder readable only by this user (Unix:
/// 0600 for files, 0700 for folders; nothing to do on Windows, see
/// [`create_private_dir_all`]). A file that does not exist is not an error.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mode = if meta.is_dir() { 0o700 } else { 0o600 };
        if meta.permissions().mode() & 0o777 != mode {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A slice of a real mountinfo (Debian with an NFS and a CIFS mount).
    const MOUNTINFO: &str = "\
22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw,errors=remount-ro
25 22 0:23 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
40 22 0:35 / /srv/pharmacy rw,relatime shared:20 - nfs4 server:/export rw,vers=4.2
41 40 254:2 / /srv/pharmacy/local rw,relatime shared:21 - ext4 /dev/vdb1 rw
42 22 0:36 / /mnt/レセコン\\040共有 rw,relatime shared:22 - cifs //recepta/out rw,vers=3.1.1
43 22 0:37 / /home/staff/sshfs rw,nosuid shared:23 - fuse.sshfs host:/ rw,user_id=0
";

    #[test]
    fn the_mount_holding_a_path_is_found_by_the_longest_mount_point() {
        let fs = |p: &str| mount_fs_type(MOUNTINFO, Path::new(p)).unwrap();
        assert_eq!(fs("/var/lib/okusuri"), "ext4");
        assert_eq!(fs("/srv/pharmacy/data"), "nfs4");
        assert_eq!(
            fs("/srv/pharmacy/local/data"),
            "ext4",
            "a local disk mounted inside"
        );
        assert_eq!(fs("/srv/pharmacyx"), "ext4", "by path components, not text");
        assert_eq!(fs("/mnt/レセコン 共有/データ"), "cifs");
        assert_eq!(fs("/home/staff/sshfs/x"), "fuse.sshfs");
        for network in ["nfs4", "cifs", "fuse.sshfs", "smb3"] {
            assert!(is_network_fs(network), "{network}");
        }
        for local in ["ext4", "xfs", "btrfs", "tmpfs", "overlay", "ntfs3", "vfat"] {
            assert!(!is_network_fs(local), "{local}");
        }
    }

    #[test]
    fn unc_paths_are_shares_on_every_platform() {
        for unc in [
            r"\\nas\okusuri",
            r"\\?\UNC\nas\okusuri\data",
            r"\\192.168.1.5\共有",
        ] {
            assert!(network_share(Path::new(unc)).is_some(), "{unc}");
        }
        for local in [
            r"\\?\C:\ProgramData\Okusuri",
            r"\\.\pipe\x",
            "/var/lib/okusuri",
        ] {
            assert!(!is_unc(Path::new(local)), "{local}");
        }
    }

    #[test]
    fn a_local_temporary_folder_is_local() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(network_share(dir.path()), None);
        assert_eq!(network_share(&dir.path().join("not/yet/made")), None);
    }

    #[cfg(unix)]
    #[test]
    fn private_folders_and_files_are_the_owners_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a/b");
        create_private_dir_all(&data).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        let file = data.join("f");
        std::fs::write(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        make_private(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        make_private(&data.join("missing")).unwrap();
    }
}
