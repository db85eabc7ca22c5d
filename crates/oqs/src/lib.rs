//! The folder exchange with the OQS terminal (資格確認端末).
//!
//! A request is written into the terminal's `req` folder atomically (a
//! temporary name, then a rename); its answer appears in `res` under the same
//! name with `req_` → `res_`, as `.xml` or `.zip`. The answer is matched by
//! its file name and then checked: the echoed `MedicalInstitutionCode` and
//! `ArbitraryFileIdentifier` must be ours.
//!
//! This crate never resends anything. An answer that does not come within
//! the timeout is [`OqsError::Timeout`]; the caller records the request as
//! 結果不明 and the doctor reconciles (status/search) or cancels — a second
//! registration would issue a second prescription. A late answer can still
//! be picked up with [`Exchange::find_answer`].

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use okusuri_eps::{EpsError, Response};
use serde::Serialize;
use tokio::sync::mpsc;

/// Why an exchange did not give an answer we can use. `Display` is the
/// Japanese message shown to the doctor.
#[derive(Debug, thiserror::Error)]
pub enum OqsError {
    /// The request could not be written: nothing was sent.
    #[error(
        "資格確認端末の req フォルダーに書き込めません（{folder}）: {reason}。要求は送っていません。"
    )]
    ReqUnreachable {
        /// The folder.
        folder: String,
        /// The system's reason.
        reason: String,
    },
    /// The `res` folder cannot be read.
    #[error("資格確認端末の res フォルダーを読めません（{folder}）: {reason}")]
    ResUnreachable {
        /// The folder.
        folder: String,
        /// The system's reason.
        reason: String,
    },
    /// No answer within the time allowed: the outcome is unknown.
    #[error(
        "{waited_ms} ミリ秒待ちましたが資格確認端末から応答がありません。結果不明です（自動では再送しません）。状態を確認するか、取り消してください。"
    )]
    Timeout {
        /// How long we waited.
        waited_ms: u128,
    },
    /// The answer file could not be read as an answer.
    #[error("資格確認端末の応答ファイル {file} を読めません: {source}")]
    Malformed {
        /// The file.
        file: String,
        /// Why.
        source: EpsError,
    },
    /// The answer was packed in a `.zip` that is not one XML file.
    #[error(
        "資格確認端末の応答 {file} は ZIP ですが、中身が 1 つの XML ではありません（{entries} 個）。"
    )]
    BadZip {
        /// The file.
        file: String,
        /// How many entries it had.
        entries: usize,
    },
    /// The answer is for another clinic.
    #[error(
        "応答 {file} は別の医療機関コード（{got}）あてです。この医療機関（{want}）の応答ではありません。"
    )]
    WrongInstitution {
        /// The file.
        file: String,
        /// What it says.
        got: String,
        /// What we sent.
        want: String,
    },
    /// The answer echoes another identifier.
    #[error("応答 {file} の識別子（{got}）が要求（{want}）と違います。")]
    WrongIdentifier {
        /// The file.
        file: String,
        /// What it says.
        got: String,
        /// What we sent.
        want: String,
    },
}

/// The two folders the terminal shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Folders {
    /// Where requests go.
    pub req: PathBuf,
    /// Where answers come.
    pub res: PathBuf,
}

/// The folders' state, for the tray and the screens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderState {
    /// `req` exists and a file can be created in it.
    pub req_writable: bool,
    /// `res` can be listed.
    pub res_readable: bool,
    /// What is wrong, in Japanese (empty when both are fine).
    pub problems: Vec<String>,
}

/// An answer read from `res`.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The file it came from (removed with [`Exchange::remove_answer`] once recorded).
    pub path: PathBuf,
    /// The XML bytes (unzipped).
    pub bytes: Vec<u8>,
    /// The parsed answer.
    pub response: Response,
}

/// How long an exchange may take, and how often `res` is looked at when the
/// operating system sends no events (shares do not).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Give up (結果不明) after this long.
    pub timeout: Duration,
    /// Look at `res` this often regardless of events.
    pub poll: Duration,
    /// Use OS events (`notify`) as well as polling.
    pub events: bool,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            timeout: Duration::from_secs(60),
            poll: Duration::from_millis(500),
            events: true,
        }
    }
}

/// The exchange with one terminal (answers whose header lacks the clinic
/// code or the identifier are matched by their file name alone).
#[derive(Debug, Clone)]
pub struct Exchange {
    folders: Folders,
    timing: Timing,
}

/// The answer's file names for a request file name (`…req_<id>.xml`).
pub fn answer_names(request_file: &str) -> [String; 2] {
    let stem = request_file
        .strip_suffix(".xml")
        .unwrap_or(request_file)
        .replacen("req_", "res_", 1);
    [format!("{stem}.xml"), format!("{stem}.zip")]
}

impl Exchange {
    /// An exchange through `folders`.
    pub fn new(folders: Folders, timing: Timing) -> Exchange {
        Exchange { folders, timing }
    }

    /// The folders.
    pub fn folders(&self) -> &Folders {
        &self.folders
    }

    /// Whether `req` is writable (a test file is created and removed) and
    /// `res` readable.
    pub fn check_folders(&self) -> FolderState {
        let mut problems = Vec::new();
        let probe = self.folders.req.join(".okusuri-probe.tmp");
        let req_writable = match fs::write(&probe, b"probe").and_then(|()| fs::remove_file(&probe))
        {
            Ok(()) => true,
            Err(e) => {
                problems.push(format!(
                    "req フォルダー（{}）に書き込めません: {e}",
                    self.folders.req.display()
                ));
                false
            }
        };
        let res_readable = match fs::read_dir(&self.folders.res) {
            Ok(_) => true,
            Err(e) => {
                problems.push(format!(
                    "res フォルダー（{}）を読めません: {e}",
                    self.folders.res.display()
                ));
                false
            }
        };
        FolderState {
            req_writable,
            res_readable,
            problems,
        }
    }

    /// Writes a request into `req`: a temporary name first, then a rename, so
    /// the terminal never reads half a file.
    pub fn write_request(&self, file_name: &str, bytes: &[u8]) -> Result<(), OqsError> {
        let unreachable = |e: std::io::Error| OqsError::ReqUnreachable {
            folder: self.folders.req.display().to_string(),
            reason: e.to_string(),
        };
        let tmp = self.folders.req.join(format!(".{file_name}.tmp"));
        let mut f = fs::File::create(&tmp).map_err(unreachable)?;
        f.write_all(bytes)
            .and_then(|()| f.sync_all())
            .map_err(|e| {
                let _ = fs::remove_file(&tmp);
                unreachable(e)
            })?;
        drop(f);
        fs::rename(&tmp, self.folders.req.join(file_name)).map_err(|e| {
            let _ = fs::remove_file(&tmp);
            unreachable(e)
        })
    }

    /// Looks once for the answer to `request_file`. `Ok(None)`: not there (or
    /// still being written). The answer must echo `institution` and `id`.
    pub fn find_answer(
        &self,
        request_file: &str,
        institution: &str,
        id: &str,
    ) -> Result<Option<Answer>, OqsError> {
        for name in answer_names(request_file) {
            let path = self.folders.res.join(&name);
            let bytes = match fs::read(&path) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    return Err(OqsError::ResUnreachable {
                        folder: self.folders.res.display().to_string(),
                        reason: e.to_string(),
                    });
                }
            };
            let xml = if name.ends_with(".zip") {
                match unzip_one(&bytes) {
                    Ok(Some(x)) => x,
                    Ok(None) => return Ok(None), // still being written
                    Err(entries) => {
                        return Err(OqsError::BadZip {
                            file: name,
                            entries,
                        });
                    }
                }
            } else {
                bytes
            };
            let response = match Response::parse(&xml) {
                Ok(r) => r,
                // Half written: look again later (a whole but broken file is
                // reported once it stops changing; see `wait`).
                Err(EpsError::Incomplete) => return Ok(None),
                Err(_) if xml.is_empty() => {
                    return Ok(None);
                }
                Err(source) => return Err(OqsError::Malformed { file: name, source }),
            };
            // Real answers do not always echo the clinic code (the service's
            // EPSB0052E answer does not): compare what is there.
            let got_inst = response
                .header_field("MedicalInstitutionCode")
                .unwrap_or(institution);
            if got_inst != institution {
                return Err(OqsError::WrongInstitution {
                    file: name,
                    got: got_inst.into(),
                    want: institution.into(),
                });
            }
            let got_id = response
                .header_field("ArbitraryFileIdentifier")
                .unwrap_or(id);
            if got_id != id {
                return Err(OqsError::WrongIdentifier {
                    file: name,
                    got: got_id.into(),
                    want: id.into(),
                });
            }
            return Ok(Some(Answer {
                path,
                bytes: xml,
                response,
            }));
        }
        Ok(None)
    }

    /// Waits for the answer to `request_file` (already written): woken by OS
    /// events where they work, and looking every `poll` regardless. A file
    /// that stays half written until the timeout is reported as malformed.
    pub async fn wait(
        &self,
        request_file: &str,
        institution: &str,
        id: &str,
    ) -> Result<Answer, OqsError> {
        let started = Instant::now();
        let deadline = started + self.timing.timeout;
        let (tx, mut rx) = mpsc::unbounded_channel::<()>();
        let _watcher = if self.timing.events {
            watch(&self.folders.res, tx)
        } else {
            None
        };
        loop {
            if let Some(answer) = self.find_answer(request_file, institution, id)? {
                return Ok(answer);
            }
            let now = Instant::now();
            if now >= deadline {
                // Something is there but never became whole.
                for name in answer_names(request_file) {
                    let path = self.folders.res.join(&name);
                    if let Ok(bytes) = fs::read(&path) {
                        let source = Response::parse(&bytes)
                            .err()
                            .unwrap_or(EpsError::Incomplete);
                        return Err(OqsError::Malformed { file: name, source });
                    }
                }
                return Err(OqsError::Timeout {
                    waited_ms: started.elapsed().as_millis(),
                });
            }
            let nap = self.timing.poll.min(deadline - now);
            tokio::select! {
                _ = rx.recv() => {}
                () = tokio::time::sleep(nap) => {}
            }
        }
    }

    /// The 資格確認 results the terminal wrote after reception
    /// (`OQSsiquc01res_face_*.xml`), newest first, at most `limit`, with when
    /// each was written. Read only: they belong to the reception system.
    pub fn reception_results(
        &self,
        limit: usize,
    ) -> Result<Vec<(String, std::time::SystemTime, Vec<u8>)>, OqsError> {
        let res = &self.folders.res;
        let unreachable = |e: std::io::Error| OqsError::ResUnreachable {
            folder: res.display().to_string(),
            reason: e.to_string(),
        };
        let mut found: Vec<(String, std::time::SystemTime, std::path::PathBuf)> = Vec::new();
        for entry in std::fs::read_dir(res).map_err(unreachable)?.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if !name.starts_with(okusuri_eps::qualification::FACE_PREFIX) || !name.ends_with(".xml")
            {
                continue;
            }
            let modified = entry
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            found.push((name, modified, entry.path()));
        }
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.cmp(&a.0)));
        Ok(found
            .into_iter()
            .take(limit)
            // A file removed meanwhile (taken by the reception system) is skipped.
            .filter_map(|(name, at, path)| std::fs::read(path).ok().map(|b| (name, at, b)))
            .collect())
    }

    /// Removes an answer once it is recorded.
    pub fn remove_answer(&self, answer: &Answer) -> std::io::Result<()> {
        match fs::remove_file(&answer.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

fn watch(folder: &Path, tx: mpsc::UnboundedSender<()>) -> Option<RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |_event| {
        let _ = tx.send(()); // the waiter has gone: nothing to do
    })
    .ok()?;
    match watcher.watch(folder, RecursiveMode::NonRecursive) {
        Ok(()) => Some(watcher),
        Err(e) => {
            tracing::warn!("no OS events on the res folder, polling only: {e}");
            None
        }
    }
}

/// Most bytes an unzipped answer may have (a 控え PDF is well below this).
const MAX_UNZIPPED: u64 = 64 * 1024 * 1024;

/// The one file of a zipped answer. `Ok(None)`: not a whole zip yet;
/// `Err(n)`: a whole zip with `n` entries, not exactly one.
fn unzip_one(bytes: &[u8]) -> Result<Option<Vec<u8>>, usize> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(None);
    };
    if archive.len() != 1 {
        return Err(archive.len());
    }
    let Ok(file) = archive.by_index(0) else {
        return Ok(None);
    };
    let mut out = Vec::new();
    match file.take(MAX_UNZIPPED).read_to_end(&mut out) {
        Ok(_) => Ok(Some(out)),
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reception_results_are_the_face_files_newest_first_and_stay() {
        let dir = tempfile::tempdir().unwrap();
        let (req, res) = (dir.path().join("req"), dir.path().join("res"));
        std::fs::create_dir_all(&req).unwrap();
        std::fs::create_dir_all(&res).unwrap();
        let ex = Exchange::new(
            Folders {
                req,
                res: res.clone(),
            },
            Timing::default(),
        );
        std::fs::write(res.join("OQSsiquc01res_face_0001.xml"), b"first").unwrap();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(res.join("OQSsiquc01res_face_0002.xml"), b"second").unwrap();
        std::fs::write(res.join("EPSsiPIR01res_X.xml"), b"not reception").unwrap();
        let found = ex.reception_results(10).unwrap();
        let names: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(
            names,
            ["OQSsiquc01res_face_0002.xml", "OQSsiquc01res_face_0001.xml"]
        );
        assert_eq!(found[0].2, b"second");
        assert_eq!(ex.reception_results(1).unwrap().len(), 1);
        assert!(
            res.join("OQSsiquc01res_face_0001.xml").exists(),
            "never removed"
        );
        // An unreachable res folder is named.
        let gone = Exchange::new(
            Folders {
                req: dir.path().into(),
                res: dir.path().join("nowhere"),
            },
            Timing::default(),
        );
        let e = gone.reception_results(10).unwrap_err().to_string();
        assert!(e.contains("res フォルダーを読めません"), "{e}");
    }
}
