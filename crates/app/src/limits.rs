//! Page sizes and limits of the screens, named once.

/// Dispensings per page of お薬履歴.
pub const HISTORY_PAGE: i64 = 20;
/// Most patients a search returns.
pub const SEARCH_LIMIT: i64 = 100;
/// Most patients the command line lists (`okusuri patients`).
pub const LIST_LIMIT: i64 = 1000;
/// Days on the patient list: today and the six before it.
pub const LIST_DAYS: u32 = 7;
/// How far back レセコンからの候補 look for the feed's records.
pub const LINK_CANDIDATE_DAYS: i64 = 30;
/// Rows of 取込エラー shown.
pub const FEED_ERRORS_SHOWN: i64 = 500;
/// Files read and imported per transaction by a bulk import.
pub const IMPORT_BATCH: usize = 200;
/// Drugs shown for one master search.
pub const MASTER_SEARCH_ROWS: i64 = 50;
/// Standard usages offered for one clinic usage.
pub const USAGE_CANDIDATES: usize = 20;
/// Rows of 発行済み一覧.
pub const ISSUED_ROWS: i64 = 200;
