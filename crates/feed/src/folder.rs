//! One watched folder: what is in it, what is ready, and importing it.
//!
//! A file is identified by its name in the folder; the ledger (in the store)
//! keeps its size, modification time and content hash. A file is looked at
//! again only when its size or modification time changes, and imported again
//! only when its content changed (a rewritten file with one more dispensing
//! adds that one: dispensings are idempotent in the store). A failed file is
//! retried only when it changes.
//!
//! # When is a file complete?
//! - When the OS reports it closed after writing, or renamed into the folder
//!   (writers that use temp-then-rename): at once.
//! - Otherwise when it has not been modified for the settle time (polling
//!   mode, network shares, writers whose close is not reported).
//!
//! Names starting with `.` or `~`, or ending in `.tmp`, `.part`, `.partial`
//! or `~`, are temp files and never read. Subfolders are not read.
//!
//! Why one long module: listing, readiness, reading, importing and the ledger
//! update of a folder share one state (what was seen, when, with which hash);
//! the pure parts (profiles, configuration, the watch loop) are elsewhere.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use okusuri_domain::gate::{Admitted, Gate};
use okusuri_jahis::model::Institution;
use okusuri_store::{FeedFile, FeedFileStatus, ImportItem, ImportSource, Store};
use regex::{Regex, RegexBuilder};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::FeedError;
use crate::config::{AfterImport, FolderConfig, Format};
use crate::profile::Profile;

/// How the access log names the feed's imports.
pub const FEED_ACTOR: &str = "レセコン連携";
/// Files read and imported per transaction.
const BATCH: usize = 200;

/// Something the UI (and the tray) should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeedEvent {
    /// A file's dispensings were stored.
    Imported {
        /// The watched folder.
        folder: String,
        /// The file's name.
        file: String,
        /// The patient they were stored on.
        patient_id: i64,
        /// Dispensings added (0 when all were stored before).
        dispensings_added: usize,
    },
    /// A file could not be imported (it is listed in 取込エラー).
    Failed {
        /// The watched folder.
        folder: String,
        /// The file's name.
        file: String,
        /// Why, in Japanese.
        reason: String,
    },
    /// The folder's state changed.
    Status(FolderStatus),
}

/// A folder's state: connected, or the レセコン接続エラー with since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FolderStatus {
    /// The watched folder.
    pub folder: String,
    /// True while the folder can be read.
    pub connected: bool,
    /// Since when it cannot be read (UTC RFC 3339).
    pub since: Option<String>,
    /// Why it cannot be read, in Japanese.
    pub reason: Option<String>,
    /// When the last file was imported.
    pub last_import: Option<String>,
}

/// A file as seen in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    size: i64,
    mtime_ns: i64,
    modified: SystemTime,
    /// The name is not valid text (shown with U+FFFD) and is never read.
    bad_name: bool,
}

/// Whether a name is a temp file that is never read.
pub fn is_temp_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.starts_with('~')
        || name.ends_with('~')
        || [".tmp", ".part", ".partial", ".crdownload"]
            .iter()
            .any(|s| lower.ends_with(s))
}

/// The file's size and time; `None` for anything but a regular file — a
/// symbolic link is not followed (it could point anywhere on the PC).
fn stat(path: &Path) -> std::io::Result<Option<Seen>> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Ok(None);
    }
    let modified = meta.modified().unwrap_or(UNIX_EPOCH);
    let mtime_ns = modified
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    Ok(Some(Seen {
        size: i64::try_from(meta.len()).unwrap_or(i64::MAX),
        mtime_ns,
        modified,
        bad_name: false,
    }))
}

/// The Japanese reason for an I/O failure on a file or folder.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "見つかりません".into(),
        std::io::ErrorKind::PermissionDenied => "アクセスが拒否されました".into(),
        std::io::ErrorKind::TimedOut => "応答がありません（タイムアウト）".into(),
        _ => e.to_string(),
    }
}

fn now_text(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A file read and parsed, ready to import.
struct Loaded {
    name: String,
    seen: Seen,
    hash: String,
    parsed: Result<Vec<(Admitted, ImportSource)>, String>,
    /// The file went away between listing and reading (renamed or moved):
    /// not an error; under a new name it is seen again.
    gone: bool,
}

/// One watched folder and what the feed knows of it.
pub struct FolderFeed {
    config: FolderConfig,
    key: String,
    store: Store,
    profile: Option<std::sync::Arc<Profile>>,
    id_pattern: Option<Regex>,
    known: HashMap<String, FeedFile>,
    /// Files changed but not complete yet, with when they were last seen changing.
    pending: HashMap<String, Seen>,
    first_setup: bool,
    status: FolderStatus,
}

/// The longest file-name pattern taken (a real one is a few dozen characters).
pub const MAX_ID_PATTERN_CHARS: usize = 200;
/// The most memory a compiled file-name pattern may take: a pattern that
/// would need more (e.g. `(a{1000}){1000}`) is refused, not compiled.
const ID_PATTERN_SIZE_LIMIT: usize = 256 * 1024;

/// Compiles the pattern that takes a patient ID out of a file name: a
/// regular expression with a group `id`, at most [`MAX_ID_PATTERN_CHARS`]
/// long and small once compiled.
pub fn id_pattern(pattern: &str) -> Result<Regex, FeedError> {
    if pattern.chars().count() > MAX_ID_PATTERN_CHARS {
        return Err(FeedError::Config(format!(
            "ファイル名からIDを取り出す正規表現が長すぎます（{MAX_ID_PATTERN_CHARS}文字まで）。"
        )));
    }
    let re = RegexBuilder::new(pattern)
        .size_limit(ID_PATTERN_SIZE_LIMIT)
        .dfa_size_limit(ID_PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| {
            FeedError::Config(format!(
                "ファイル名からIDを取り出す正規表現が正しくありません: {pattern}（{e}）"
            ))
        })?;
    if !re.capture_names().any(|n| n == Some("id")) {
        return Err(FeedError::Config(format!(
            "ファイル名からIDを取り出す正規表現に (?P<id>…) がありません: {pattern}"
        )));
    }
    Ok(re)
}

/// The patient ID a file name carries under the pattern, if it matches.
pub fn id_from_name<'a>(pattern: &Regex, name: &'a str) -> Option<&'a str> {
    pattern
        .captures(name)
        .and_then(|c| c.name("id"))
        .map(|m| m.as_str())
}

/// Loads a folder's profile and file-name pattern, as [`FolderFeed::open`] will.
fn prepare(config: &FolderConfig) -> Result<(Option<Profile>, Option<Regex>), FeedError> {
    let profile = match &config.format {
        Format::Jahis => None,
        Format::Nsips { profile } => Some(Profile::load(profile)?),
    };
    let id_pattern = config
        .id_from_file_name
        .as_deref()
        .map(id_pattern)
        .transpose()?;
    Ok((profile, id_pattern))
}

/// Checks a folder's settings (its profile loads, its pattern compiles).
pub fn check_config(config: &FolderConfig) -> Result<(), String> {
    prepare(config).map(|_| ()).map_err(|e| e.to_string())
}

impl FolderFeed {
    /// Prepares a folder: loads its profile (NSIPS) and what the ledger knows.
    pub async fn open(config: FolderConfig, store: Store) -> Result<FolderFeed, FeedError> {
        let (profile, id_pattern) = prepare(&config)?;
        let profile = profile.map(std::sync::Arc::new);
        let key = config.key();
        let known: HashMap<String, FeedFile> = store
            .feed_files(&key)
            .await?
            .into_iter()
            .map(|f| (f.name.clone(), f))
            .collect();
        Ok(FolderFeed {
            first_setup: known.is_empty(),
            status: FolderStatus {
                folder: key.clone(),
                connected: true,
                since: None,
                reason: None,
                last_import: None,
            },
            config,
            key,
            store,
            profile,
            id_pattern,
            known,
            pending: HashMap::new(),
        })
    }

    /// The folder's settings.
    pub fn config(&self) -> &FolderConfig {
        &self.config
    }

    /// The folder's current state.
    pub fn status(&self) -> &FolderStatus {
        &self.status
    }

    /// True while changed files wait to become complete.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// When the earliest pending file will have settled.
    pub fn next_settle(&self) -> Option<Instant> {
        let settle = self.config.settle();
        self.pending
            .values()
            .map(|s| {
                let age = SystemTime::now()
                    .duration_since(s.modified)
                    .unwrap_or(Duration::ZERO);
                Instant::now() + settle.saturating_sub(age)
            })
            .min()
    }

    /// Marks the folder unreachable (keeping the first time it failed).
    fn unreachable(&mut self, reason: String, now: DateTime<Utc>) -> Option<FeedEvent> {
        if !self.status.connected && self.status.reason.as_deref() == Some(reason.as_str()) {
            return None;
        }
        if self.status.connected {
            self.status.since = Some(now_text(now));
        }
        tracing::warn!(folder = %self.key, %reason, "receipt-computer folder unreachable");
        self.status.connected = false;
        self.status.reason = Some(reason);
        Some(FeedEvent::Status(self.status.clone()))
    }

    fn reachable(&mut self) -> Option<FeedEvent> {
        if self.status.connected {
            return None;
        }
        tracing::info!(folder = %self.key, "receipt-computer folder reachable again");
        self.status.connected = true;
        self.status.since = None;
        self.status.reason = None;
        Some(FeedEvent::Status(self.status.clone()))
    }

    /// Checks that the folder can be read; returns the state change, if any.
    pub fn check_folder(&mut self, now: DateTime<Utc>) -> (bool, Option<FeedEvent>) {
        match std::fs::read_dir(&self.config.path) {
            Ok(_) => (true, self.reachable()),
            Err(e) => (false, self.unreachable(io_reason(&e), now)),
        }
    }

    /// Reads the whole folder and imports every complete, new or changed file.
    pub async fn full_scan(&mut self, now: DateTime<Utc>) -> Result<Vec<FeedEvent>, FeedError> {
        let path = self.config.path.clone();
        let listed = tokio::task::spawn_blocking(move || list(&path))
            .await
            .map_err(|e| FeedError::Config(e.to_string()))?;
        let entries = match listed {
            Ok(entries) => entries,
            Err(e) => return Ok(self.unreachable(io_reason(&e), now).into_iter().collect()),
        };
        let mut events: Vec<FeedEvent> = self.reachable().into_iter().collect();
        let mut old = Vec::new();
        let backlog = Duration::from_secs(u64::from(self.config.backlog_days) * 86_400);
        let mut changed = Vec::new();
        for (name, seen) in entries {
            if self.unchanged(&name, &seen) {
                continue;
            }
            let age = SystemTime::now()
                .duration_since(seen.modified)
                .unwrap_or(Duration::ZERO);
            if self.first_setup && age > backlog {
                old.push(FeedFile {
                    name,
                    size: seen.size,
                    mtime_ns: seen.mtime_ns,
                    hash: String::new(),
                    status: FeedFileStatus::SkippedOld,
                    error: None,
                    dispensings: 0,
                });
                continue;
            }
            changed.push((name, seen));
        }
        if !old.is_empty() {
            self.store
                .record_feed_files(
                    &okusuri_store::Actor::system(FEED_ACTOR),
                    &self.key,
                    &old,
                    now,
                )
                .await?;
            for f in old {
                self.known.insert(f.name.clone(), f);
            }
        }
        self.first_setup = false;
        events.extend(self.consider(changed, &HashSet::new(), now).await?);
        Ok(events)
    }

    /// Looks at the named files (from OS events); `closed` ones are complete.
    pub async fn names(
        &mut self,
        names: HashSet<String>,
        closed: &HashSet<String>,
        now: DateTime<Utc>,
    ) -> Result<Vec<FeedEvent>, FeedError> {
        let mut changed = Vec::new();
        for name in names {
            if is_temp_name(&name) {
                continue;
            }
            match stat(&self.config.path.join(&name)) {
                Ok(Some(seen)) if !self.unchanged(&name, &seen) => changed.push((name, seen)),
                Ok(_) => {}
                Err(_) => {
                    self.pending.remove(&name); // gone again (moved away, renamed)
                }
            }
        }
        self.consider(changed, closed, now).await
    }

    /// 再試行: forgets what was known of the file and reads it again now
    /// (nothing happens when it is no longer in the folder).
    pub async fn retry(
        &mut self,
        name: String,
        now: DateTime<Utc>,
    ) -> Result<Vec<FeedEvent>, FeedError> {
        self.known.remove(&name);
        self.pending.remove(&name);
        match stat(&self.config.path.join(&name)) {
            Ok(Some(seen)) => {
                let closed = HashSet::from([name.clone()]);
                self.consider(vec![(name, seen)], &closed, now).await
            }
            _ => Ok(Vec::new()),
        }
    }

    /// Re-checks the files waiting to settle.
    pub async fn settle_pending(
        &mut self,
        now: DateTime<Utc>,
    ) -> Result<Vec<FeedEvent>, FeedError> {
        let names: HashSet<String> = self.pending.keys().cloned().collect();
        self.names(names, &HashSet::new(), now).await
    }

    fn unchanged(&self, name: &str, seen: &Seen) -> bool {
        self.known
            .get(name)
            .is_some_and(|k| k.size == seen.size && k.mtime_ns == seen.mtime_ns)
    }

    /// Splits changed files into complete ones (imported now) and pending ones.
    async fn consider(
        &mut self,
        changed: Vec<(String, Seen)>,
        closed: &HashSet<String>,
        now: DateTime<Utc>,
    ) -> Result<Vec<FeedEvent>, FeedError> {
        let settle = self.config.settle();
        let mut ready = Vec::new();
        for (name, seen) in changed {
            let age = SystemTime::now()
                .duration_since(seen.modified)
                .unwrap_or(Duration::ZERO);
            // A file with an unreadable name is never read: no need to wait.
            if closed.contains(&name) || age >= settle || seen.bad_name {
                self.pending.remove(&name);
                ready.push((name, seen));
            } else {
                self.pending.insert(name, seen);
            }
        }
        let mut events = Vec::new();
        for chunk in ready.chunks(BATCH) {
            events.extend(self.import(chunk.to_vec(), now).await?);
        }
        Ok(events)
    }

    /// Reads, parses and imports a batch of complete files in one transaction.
    async fn import(
        &mut self,
        files: Vec<(String, Seen)>,
        now: DateTime<Utc>,
    ) -> Result<Vec<FeedEvent>, FeedError> {
        let folder = self.config.path.clone();
        let today = now.with_timezone(&chrono::Local).date_naive();
        let reader = Reader {
            profile: self.profile.clone(),
            id_pattern: self.id_pattern.clone(),
            source: self.config.source.clone(),
            gate: Gate::new(today, self.store.import_max_bytes().await?),
            here: self.this_facility().await?,
        };
        let known_hashes: HashMap<String, String> = files
            .iter()
            .filter_map(|(n, _)| self.known.get(n).map(|k| (n.clone(), k.hash.clone())))
            .collect();
        let loaded = tokio::task::spawn_blocking(move || {
            files
                .into_iter()
                .map(|(name, seen)| reader.load(&folder, name, seen, &known_hashes))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| FeedError::Config(e.to_string()))?;

        // The admitted documents move out of `loaded` (no copies): each
        // file's outcome starts as admitted-or-refused and collects its
        // import results.
        let mut loaded = loaded;
        loaded.retain(|f| !f.gone);
        let mut outcome: Vec<Result<(Vec<i64>, usize), String>> = Vec::with_capacity(loaded.len());
        let mut docs: Vec<(usize, Admitted, ImportSource)> = Vec::new();
        for (i, file) in loaded.iter_mut().enumerate() {
            match std::mem::replace(&mut file.parsed, Ok(Vec::new())) {
                Err(reason) => outcome.push(Err(reason)),
                Ok(parsed) => {
                    outcome.push(Ok((Vec::new(), 0)));
                    docs.extend(parsed.into_iter().map(|(doc, source)| (i, doc, source)));
                }
            }
        }
        let items: Vec<ImportItem> = docs
            .iter()
            .map(|(_, doc, source)| ImportItem { doc, source })
            .collect();
        let actor = okusuri_store::Actor::system(FEED_ACTOR);
        let results = self.store.import_batch(&actor, &items, now).await?;
        for ((i, _, _), result) in docs.iter().zip(results) {
            let slot = &mut outcome[*i];
            match (slot.as_mut(), result) {
                (Ok((patients, added)), Ok(summary)) => {
                    patients.push(summary.patient_id);
                    *added += summary.dispensings_added;
                }
                (Ok(_), Err(e)) => *slot = Err(e.to_string()),
                (Err(_), _) => {}
            }
        }

        let mut ledger = Vec::with_capacity(loaded.len());
        let mut events = Vec::new();
        for (file, result) in loaded.into_iter().zip(outcome) {
            let (status, error, dispensings) = match &result {
                Ok((patients, added)) => {
                    for patient_id in patients {
                        events.push(FeedEvent::Imported {
                            folder: self.key.clone(),
                            file: file.name.clone(),
                            patient_id: *patient_id,
                            dispensings_added: *added,
                        });
                    }
                    (FeedFileStatus::Imported, None, *added as i64)
                }
                Err(reason) => {
                    events.push(FeedEvent::Failed {
                        folder: self.key.clone(),
                        file: file.name.clone(),
                        reason: reason.clone(),
                    });
                    (FeedFileStatus::Error, Some(reason.clone()), 0)
                }
            };
            ledger.push(FeedFile {
                name: file.name.clone(),
                size: file.seen.size,
                mtime_ns: file.seen.mtime_ns,
                hash: file.hash.clone(),
                status,
                error,
                dispensings,
            });
        }
        self.store
            .record_feed_files(
                &okusuri_store::Actor::system(FEED_ACTOR),
                &self.key,
                &ledger,
                now,
            )
            .await?;
        if ledger.iter().any(|f| f.status == FeedFileStatus::Imported) {
            self.status.last_import = Some(now_text(now));
        }
        for f in ledger {
            if f.status == FeedFileStatus::Imported
                && self.config.after == AfterImport::MoveToProcessed
                && let Err(e) = move_to_processed(&self.config.path, &f.name, now)
            {
                // File names can carry patient numbers: the log names a hash.
                tracing::warn!(file = %log_name(&f.name), "could not move to processed: {e}");
            }
            self.known.insert(f.name.clone(), f);
        }
        Ok(events)
    }

    /// This facility as an institution record, for dispensings read through a profile.
    async fn this_facility(&self) -> Result<Option<Institution>, FeedError> {
        if self.profile.is_none() {
            return Ok(None);
        }
        let codes = self.store.facility_codes().await?;
        let name = self.store.facility().await.ok().flatten().map(|f| f.name);
        Ok(Some(Institution {
            name,
            prefecture: codes.as_ref().map(|c| c.prefecture.clone()),
            table: codes.as_ref().map(|c| c.table.clone()),
            code: codes.map(|c| c.code),
            ..Institution::default()
        }))
    }
}

/// The files of a folder (not subfolders, not temp names) with their stat.
fn list(folder: &Path) -> std::io::Result<Vec<(String, Seen)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        let (name, bad_name) = match entry.file_name().into_string() {
            Ok(name) => (name, false),
            // Listed (so that 取込エラー shows it), never read.
            Err(raw) => (raw.to_string_lossy().into_owned(), true),
        };
        if is_temp_name(&name) {
            continue;
        }
        if let Ok(Some(seen)) = stat(&entry.path()) {
            out.push((name, Seen { bad_name, ..seen }));
        }
    }
    Ok(out)
}

/// Reads files off the async threads and passes them through the import gate.
struct Reader {
    profile: Option<std::sync::Arc<Profile>>,
    id_pattern: Option<Regex>,
    source: String,
    gate: Gate,
    /// This facility, for dispensings read through a profile.
    here: Option<Institution>,
}

impl Reader {
    fn load(
        &self,
        folder: &Path,
        name: String,
        seen: Seen,
        known_hashes: &HashMap<String, String>,
    ) -> Loaded {
        if seen.bad_name {
            return Loaded {
                name,
                seen,
                hash: String::new(),
                parsed: Err("ファイル名に文字として読めないバイトがあるため読みません（ファイル名を半角英数字に変えてください）。".into()),
                gone: false,
            };
        }
        let bytes = match read_at_most(&folder.join(&name), &self.gate) {
            Ok(b) => b,
            Err(reason) => {
                let gone = std::fs::symlink_metadata(folder.join(&name))
                    .is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
                return Loaded {
                    name,
                    seen,
                    hash: String::new(),
                    parsed: Err(reason),
                    gone,
                };
            }
        };
        let hash = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        if known_hashes.get(&name) == Some(&hash) {
            // Touched but not changed: nothing new to import.
            return Loaded {
                name,
                seen,
                hash,
                parsed: Ok(Vec::new()),
                gone: false,
            };
        }
        // A file that reads well but whose last line has no line end yet may
        // be a partial write: held back (and retried when it changes). A file
        // that does not read keeps its own, more precise message.
        let parsed = match self.parse(&name, &bytes) {
            Ok(_) if !ends_with_line_end(&bytes) => Err(INCOMPLETE.into()),
            other => other,
        };
        Loaded {
            name,
            seen,
            hash,
            parsed,
            gone: false,
        }
    }

    fn parse(&self, name: &str, bytes: &[u8]) -> Result<Vec<(Admitted, ImportSource)>, String> {
        let label = format!("feed:{name}");
        match &self.profile {
            Some(profile) => {
                if bytes.is_empty() {
                    return Err("ファイルが空です。".into());
                }
                let mut out = Vec::new();
                for mut p in profile.read(bytes).map_err(|e| e.to_string())? {
                    // The receipt computer's own dispensings are this facility's.
                    for d in &mut p.doc.dispensings {
                        d.dispensed_at = d.dispensed_at.take().or_else(|| self.here.clone());
                    }
                    let admitted = self
                        .gate
                        .built(&p.doc)
                        .map_err(|e| format!("患者番号{}: {e}", p.patient_id))?;
                    let source = ImportSource {
                        supersedes: true,
                        label: label.clone(),
                        external_id: Some((self.source.clone(), p.patient_id)),
                    };
                    out.push((admitted, source));
                }
                Ok(out)
            }
            None => {
                let admitted = self.gate.file(bytes).map_err(|e| e.to_string())?;
                let external_id = self
                    .id_pattern
                    .as_ref()
                    .and_then(|re| id_from_name(re, name))
                    .map(|id| (self.source.clone(), id.to_string()));
                Ok(vec![(
                    admitted,
                    ImportSource {
                        supersedes: true,
                        label,
                        external_id,
                    },
                )])
            }
        }
    }
}

/// How logs name a file of the receipt-computer folder: the first 12 hex
/// digits of SHA-256 of its name (names can carry patient numbers; the
/// ledger and 取込エラー show the name to staff).
pub fn log_name(name: &str) -> String {
    Sha256::digest(name.as_bytes())
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Why a file whose last line has no line end is not imported yet.
pub const INCOMPLETE: &str = "最後の行が途中で終わっています（書き込み中か、途中で切れたファイルです）。行末まで書かれると自動で取り込みます。";

/// Whether the file's last line is complete: it ends with a line end (CR or
/// LF; for UTF-16 with a BOM, the last code unit). An empty file counts as
/// complete (the gate reports it as empty).
pub fn ends_with_line_end(bytes: &[u8]) -> bool {
    let is_end = |unit: u16| unit == 0x0A || unit == 0x0D;
    match bytes {
        [] => true,
        [0xFF, 0xFE, .., lo, hi] if bytes.len().is_multiple_of(2) => {
            is_end(u16::from_le_bytes([*lo, *hi]))
        }
        [0xFE, 0xFF, .., hi, lo] if bytes.len().is_multiple_of(2) => {
            is_end(u16::from_be_bytes([*hi, *lo]))
        }
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => false,
        [.., last] => is_end(u16::from(*last)),
    }
}

/// Reads a file if it is within the gate's size limit: refused by its size
/// before any byte is read, and read no further than the limit (a file that
/// grows past it while being read is refused too).
pub fn read_at_most(path: &Path, gate: &Gate) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| format!("ファイルを読めません（{}）。", io_reason(&e));
    // Looked at before opening: opening a FIFO would wait for a writer, and
    // a symbolic link could point anywhere.
    if !std::fs::symlink_metadata(path)
        .map_err(unreadable)?
        .is_file()
    {
        return Err("通常のファイルではありません（フォルダ、シンボリックリンクや特殊ファイルは読みません）。".into());
    }
    let file = open_no_follow(path).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    gate.check_size(meta.len()).map_err(|e| e.to_string())?;
    let limit = gate.max_bytes();
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    gate.check_size(bytes.len() as u64)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Opens a file for reading without following a symbolic link put in its
/// place since it was looked at (Unix; on Windows the look before opening
/// is what stands).
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Moves an imported file to `processed/YYYY-MM-DD/` (local date), never
/// overwriting: a name taken there gets `-2`, `-3`, … before its extension.
fn move_to_processed(folder: &Path, name: &str, now: DateTime<Utc>) -> std::io::Result<PathBuf> {
    let day = now
        .with_timezone(&chrono::Local)
        .format("%Y-%m-%d")
        .to_string();
    let dir = folder.join("processed").join(day);
    std::fs::create_dir_all(&dir)?;
    let mut target = dir.join(name);
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), format!(".{e}")),
        None => (name.to_string(), String::new()),
    };
    let mut n = 2;
    while target.exists() {
        target = dir.join(format!("{stem}-{n}{ext}"));
        n += 1;
    }
    std::fs::rename(folder.join(name), &target)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_or_huge_file_name_pattern_is_refused_with_a_message() {
        let long = format!("(?P<id>{})", "a".repeat(MAX_ID_PATTERN_CHARS));
        let e = id_pattern(&long).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("長すぎます"), "{e}");
        // Short, but enormous once compiled.
        let e = id_pattern("(?P<id>(\\w{100}){100})")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(e.contains("正規表現が正しくありません"), "{e}");
        assert!(id_pattern("^(?P<id>\\d+)_").is_ok());
    }

    #[test]
    fn a_last_line_is_complete_only_with_its_line_end() {
        assert!(ends_with_line_end(b""));
        assert!(ends_with_line_end(b"1,a\r\n"));
        assert!(ends_with_line_end(b"1,a\n"));
        assert!(ends_with_line_end(b"1,a\r"));
        assert!(!ends_with_line_end(b"1,a"));
        let utf16le = |t: &str| {
            let mut b = vec![0xFF, 0xFE];
            t.encode_utf16().for_each(|u| b.extend(u.to_le_bytes()));
            b
        };
        let utf16be = |t: &str| {
            let mut b = vec![0xFE, 0xFF];
            t.encode_utf16().for_each(|u| b.extend(u.to_be_bytes()));
            b
        };
        assert!(ends_with_line_end(&utf16le("1,薬\r\n")));
        assert!(!ends_with_line_end(&utf16le("1,薬")));
        // U+0D0A's last byte is 0x0D (CR): not a line end in UTF-16.
        assert!(!ends_with_line_end(&utf16le("1,\u{0D0A}")));
        assert!(ends_with_line_end(&utf16be("1,薬\n")));
        assert!(!ends_with_line_end(&utf16be("1,薬")));
        let mut odd = utf16le("1,a\r\n");
        odd.push(0x0A); // half a code unit
        assert!(!ends_with_line_end(&odd));
    }

    #[test]
    fn temp_names_are_never_read() {
        for name in [
            ".hidden",
            "~lock",
            "a.txt~",
            "a.TMP",
            "x.part",
            "y.partial",
            "z.crdownload",
        ] {
            assert!(is_temp_name(name), "{name}");
        }
        for name in [
            "000123_20261122.txt",
            "rx.dat",
            "tmp.txt",
            "partial_list.csv",
        ] {
            assert!(!is_temp_name(name), "{name}");
        }
    }
}
