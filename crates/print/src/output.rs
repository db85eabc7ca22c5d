//! Where printed PDFs go and how they are shown: a `print` folder in the
//! data folder (patient data stays where the rest of it is protected),
//! emptied of PDFs older than a day each time, opened in the system's PDF
//! viewer (or the program named by [`VIEWER_ENV`]) for the user to print.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::NaiveDateTime;

use crate::PrintError;

/// Environment variable naming the program that opens printed PDFs (the
/// PDF is its only argument); unset, the system's default viewer.
pub const VIEWER_ENV: &str = "OKUSURI_PDF_VIEWER";
/// How long a printed PDF is kept.
const KEEP: Duration = Duration::from_secs(24 * 60 * 60);

/// Saves `pdf` as `<dir>/print/<prefix>-YYYYMMDD-hhmmss.pdf` (never
/// replacing a file), first removing PDFs there older than a day.
pub fn save_pdf(
    dir: &Path,
    prefix: &str,
    pdf: &[u8],
    made_at: NaiveDateTime,
) -> Result<PathBuf, PrintError> {
    let folder = dir.join("print");
    let failed = |e: std::io::Error| PrintError::Save(folder.display().to_string(), e.to_string());
    create_private_dir(&folder).map_err(failed)?;
    remove_old(&folder, SystemTime::now());
    let stamp = made_at.format("%Y%m%d-%H%M%S");
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{prefix}-{stamp}.pdf")
        } else {
            format!("{prefix}-{stamp}-{n}.pdf")
        };
        let path = folder.join(name);
        // create_new: a PDF printed in the same second is never replaced.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600); // patient data: the owner's only
        }
        match options.open(&path) {
            Ok(mut file) => {
                use std::io::Write;
                if let Err(e) = file.write_all(pdf).and_then(|()| file.sync_all()) {
                    let _ = std::fs::remove_file(&path);
                    return Err(failed(e));
                }
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(failed(e)),
        }
    }
    Err(failed(std::io::Error::other(
        "同じ名前のファイルが多すぎます",
    )))
}

/// Creates the print folder readable only by this user (0700 on Unix).
fn create_private_dir(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(folder)
}

/// Removes every printed PDF of the data folder `dir` (at start and at exit:
/// a printed PDF is needed only until it is printed).
pub fn remove_all_printed(dir: &Path) {
    remove_old(&dir.join("print"), SystemTime::now() + KEEP + KEEP);
}

/// Removes printed PDFs older than a day from the data folder `dir` (the
/// app does so every hour while it runs, and at every print).
pub fn remove_old_printed(dir: &Path) {
    remove_old(&dir.join("print"), SystemTime::now());
}

/// Removes PDFs last changed more than a day before `now` (best effort: a
/// file a viewer still holds open on Windows is left for next time).
fn remove_old(folder: &Path, now: SystemTime) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|age| age > KEEP);
        if old && path.extension().is_some_and(|e| e == "pdf") {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Opens the PDF in the viewer (see [`VIEWER_ENV`]) without waiting for it.
pub fn open_pdf(path: &Path) -> Result<(), PrintError> {
    open_with(path, std::env::var_os(VIEWER_ENV))
}

fn open_with(path: &Path, viewer: Option<std::ffi::OsString>) -> Result<(), PrintError> {
    let opened = match viewer.filter(|v| !v.is_empty()) {
        Some(viewer) => std::process::Command::new(viewer)
            .arg(path)
            .spawn()
            .map(drop),
        None => open::that_detached(path),
    };
    opened.map_err(|e| PrintError::Open(path.display().to_string(), e.to_string()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn pdfs_of_the_same_second_get_their_own_files() {
        let tmp = tempfile::tempdir().unwrap();
        let t = at("2026-12-03 10:15:00");
        let a = save_pdf(tmp.path(), "qr", b"%PDF-a", t).unwrap();
        let b = save_pdf(tmp.path(), "qr", b"%PDF-b", t).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.file_name().unwrap(), "qr-20261203-101500.pdf");
        assert_eq!(std::fs::read(&a).unwrap(), b"%PDF-a");
        assert_eq!(std::fs::read(&b).unwrap(), b"%PDF-b");
    }

    #[test]
    fn old_pdfs_are_removed_and_other_files_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("print");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("old.pdf"), b"x").unwrap();
        std::fs::write(folder.join("note.txt"), b"x").unwrap();
        remove_old(&folder, SystemTime::now() + KEEP + Duration::from_secs(60));
        assert!(!folder.join("old.pdf").exists());
        assert!(folder.join("note.txt").exists());
        // A fresh one stays.
        std::fs::write(folder.join("new.pdf"), b"x").unwrap();
        remove_old(&folder, SystemTime::now());
        assert!(folder.join("new.pdf").exists());
    }

    #[test]
    fn all_printed_pdfs_go_at_start_and_exit_and_are_the_owners_only() {
        let tmp = tempfile::tempdir().unwrap();
        let pdf = save_pdf(tmp.path(), "qr", b"%PDF", at("2026-12-03 10:15:00")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&pdf), 0o600);
            assert_eq!(mode(pdf.parent().unwrap()), 0o700);
        }
        remove_old_printed(tmp.path());
        assert!(pdf.exists(), "a fresh one stays during the day");
        remove_all_printed(tmp.path());
        assert!(!pdf.exists());
        remove_all_printed(&tmp.path().join("nothing-here"));
    }

    #[test]
    fn a_viewer_that_cannot_start_says_where_the_pdf_is() {
        let tmp = tempfile::tempdir().unwrap();
        let pdf = save_pdf(tmp.path(), "qr", b"%PDF", at("2026-12-03 10:15:00")).unwrap();
        let err = open_with(&pdf, Some("/nonexistent/pdf-viewer".into())).unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with("PDFを開けませんでした（"), "{message}");
        assert!(
            message.ends_with(&format!("保存先: {}", pdf.display())),
            "{message}"
        );
        assert!(pdf.exists(), "the PDF stays for printing by hand");
        assert!(open_with(&pdf, Some("true".into())).is_ok());
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("not-a-folder");
        std::fs::write(&file, b"x").unwrap();
        let err = save_pdf(&file, "qr", b"%PDF", at("2026-12-03 10:15:00")).unwrap_err();
        assert!(err.to_string().starts_with("PDFを保存できません"), "{err}");
    }
}
