// Generated from the Rust types by src-tauri/tests/bindings.rs (ts-rs): do not edit.
// Regenerate: UPDATE_BINDINGS=1 cargo test -p okusuri-desk --test bindings

export type AppStatus = { 
/**
 * The app version shown in the window.
 */
version: string, 
/**
 * Why the database could not be opened, if it could not.
 */
startup_error: AppError | null, 
/**
 * The facility, `None` before first-run setup.
 */
facility: Facility | null, 
/**
 * The signed-in staff member.
 */
staff: Staff | null, 
/**
 * What the signed-in staff member may do.
 */
permissions: Array<Permission>, 
/**
 * When the last backup was made (local time, `YYYY-MM-DD HH:MM`).
 */
last_backup: string | null, 
/**
 * The largest file 取込 and 他社手帳 take, in bytes (the window refuses
 * a larger one before reading it).
 */
import_max_bytes: number, 
/**
 * The demo accounts when this database was made by `okusuri demo`
 * (the window shows a デモデータ band and fills in the sign-in form).
 */
demo: DemoAccount | null, };

export type Status = { 
/**
 * The facility, `None` before first-run setup.
 */
facility: Facility | null, 
/**
 * The signed-in staff member.
 */
staff: Staff | null, 
/**
 * What the signed-in staff member may do.
 */
permissions: Array<Permission>, 
/**
 * When the last backup was made (local time, `YYYY-MM-DD HH:MM`).
 */
last_backup: string | null, 
/**
 * The largest file 取込 and 他社手帳 take, in bytes (the window refuses
 * a larger one before reading it).
 */
import_max_bytes: number, 
/**
 * The demo accounts when this database was made by `okusuri demo`
 * (the window shows a デモデータ band and fills in the sign-in form).
 */
demo: DemoAccount | null, };

export type DemoAccount = { 
/**
 * 施設ID.
 */
facility_id: string, 
/**
 * スタッフID.
 */
staff_id: string, 
/**
 * パスワード (the demo's, printed in the README).
 */
password: string, };

export type Notice = { 
/**
 * Stable while the notice says the same thing (read/unread is kept by it).
 */
id: string, 
/**
 * How much it matters.
 */
kind: NoticeKind, 
/**
 * The heading.
 */
title: string, 
/**
 * What to do.
 */
text: string, 
/**
 * When it happened (local `YYYY-MM-DD HH:MM`), if it has a moment.
 */
at: string | null, };

export type DoctorAuthInfo = { 
/**
 * How.
 */
method: SignMethod, 
/**
 * The signing certificate's subject (card), or empty (remote).
 */
subject: string, 
/**
 * When the doctor authenticated (UTC RFC 3339).
 */
authenticated_at: string, 
/**
 * Until when (UTC RFC 3339).
 */
expires_at: string, 
/**
 * True when `expires_at` is our estimate, not a time the platform reported.
 */
expiry_is_estimate: boolean, };

export type SignMethod = "hpki" | "remote";

export type EpsSettingsView = { 
/**
 * 医療機関コード.
 */
institution: string, 
/**
 * The `req` folder.
 */
req: string, 
/**
 * The `res` folder.
 */
res: string, 
/**
 * Seconds to wait for an answer.
 */
timeout_seconds: number, 
/**
 * A site's corrected operation table, if one is used.
 */
operations_file: string, };

export type EpsStatus = { 
/**
 * `req` exists and a file can be created in it.
 */
req_writable: boolean, 
/**
 * `res` can be listed.
 */
res_readable: boolean, 
/**
 * What is wrong with the folders, in Japanese (empty when both are fine).
 */
problems: Array<string>, 
/**
 * Requests written and waiting for their answer.
 */
waiting: number, 
/**
 * Requests whose outcome is unknown (結果不明).
 */
unknown: number, 
/**
 * When the last answer came (UTC RFC 3339).
 */
last_answer_at: string | null, };

export type OperationView = { 
/**
 * Its key (`register`, …).
 */
key: string, 
/**
 * What it is, in Japanese.
 */
label: string, 
/**
 * The file-name prefix (`EPSsiPIR01`), or `None` while the name is unknown.
 */
prefix: string | null, 
/**
 * Whether the name is verified from public sources.
 */
verified: boolean, 
/**
 * Where the name comes from.
 */
source: string, };

export type MasterKind = "drug" | "generic_name" | "usage";

export type MasterImport = { 
/**
 * Which master.
 */
master: string, 
/**
 * Rows imported.
 */
rows: number, 
/**
 * The file's name.
 */
source_name: string, 
/**
 * When (UTC RFC 3339).
 */
imported_at: string, };

export type NoticeKind = "info" | "warning" | "error";

export type CurrentDispensing = { 
/**
 * The dispensing of this visit, if there is one.
 */
dispensing: HistoryDispensing | null, 
/**
 * Otherwise the date of this facility's newest dispensing, if any.
 */
newest_label: string | null, 
/**
 * How many days back "this visit" reaches (設定).
 */
window_days: number, };

export type AppError = { 
/**
 * What kind of failure.
 */
code: ErrorCode, 
/**
 * The Japanese text to show.
 */
message: string, 
/**
 * Extra facts for the administrator, if any.
 */
detail?: string, };

export type ErrorCode = "auth.required" | "auth.forbidden" | "auth.failed" | "auth.locked" | "db.busy" | "db.damaged" | "db.unavailable" | "db.failed" | "input.invalid" | "import.refused" | "not_found" | "conflict" | "io.failed" | "setup.required" | "eps.unreachable" | "eps.unknown" | "eps.not_configured" | "sign.failed" | "sign.auth_required";

export type Permission = "view_patients" | "edit_notes" | "issue_cards" | "print_qr" | "take_in_notebook" | "merge_patients" | "import_files" | "change_settings" | "remap_ids" | "manage_staff" | "prescribe";

export type PrintedQr = { 
/**
 * The PDF.
 */
path: string, 
/**
 * QR codes (pages) in it.
 */
symbols: number, 
/**
 * Dispensings in it.
 */
dispensings: number, 
/**
 * Deviations from the format the data carries (still readable).
 */
warnings: Array<string>, 
/**
 * Why the viewer did not open, if it did not (the PDF is saved).
 */
open_error: string | null, };

export type ReaderStatus = { 
/**
 * The switch: ON while a reader is watched.
 */
on: boolean, 
/**
 * The user wants it ON (it may be OFF for a reason).
 */
wanted: boolean, 
/**
 * The reader watched.
 */
reader: string | null, 
/**
 * Why it is OFF, in Japanese.
 */
message: string | null, 
/**
 * Every reader connected.
 */
readers: Array<string>, };

export type CounterEvent = { "kind": "touch", 
/**
 * What the touch found.
 */
touch: Touch, 
/**
 * When the reader service reported the card (ms since the epoch),
 * so the window can tell how long its part took.
 */
detected_at: number, } | { "kind": "unreadable", 
/**
 * Why, in Japanese.
 */
message: string, } | { "kind": "reader", 
/**
 * The new state.
 */
status: ReaderStatus, } | { "kind": "error", 
/**
 * Why, in Japanese.
 */
message: string, };

export type Facility = { 
/**
 * The facility ID typed at sign-in.
 */
code: string, 
/**
 * The name shown in the header.
 */
name: string, 
/**
 * 薬局 or 診療所 (chosen at 初期設定).
 */
kind: FacilityKind, };

export type FacilityKind = "pharmacy" | "clinic";

export type Staff = { 
/**
 * Row ID.
 */
id: number, 
/**
 * The staff ID typed at sign-in.
 */
login_id: string, 
/**
 * The name shown on screen and in the log.
 */
display_name: string, 
/**
 * What they may do.
 */
role: Role, };

export type Role = "admin" | "pharmacist" | "doctor" | "clerk";

export type FacilitySetup = { 
/**
 * The facility ID staff will type at sign-in.
 */
facility_code: string, 
/**
 * The facility's name.
 */
facility_name: string, 
/**
 * The administrator's staff ID.
 */
admin_login_id: string, 
/**
 * The administrator's name.
 */
admin_name: string, 
/**
 * The administrator's password.
 */
password: string, 
/**
 * 薬局 or 診療所 (a pharmacy when not given).
 */
kind: FacilityKind, };

export type NewStaff = { 
/**
 * Their staff ID.
 */
login_id: string, 
/**
 * Their name.
 */
display_name: string, 
/**
 * Their role.
 */
role: Role, 
/**
 * Their first password.
 */
password: string, };

export type PatientListDay = { 
/**
 * The local date, `YYYY-MM-DD`.
 */
date: string, 
/**
 * `本日` for today, else e.g. `7月3日 (木)`.
 */
label: string, 
/**
 * The day's patients, latest arrival first (empty: 患者様はいません).
 */
patients: Array<PatientListRow>, };

export type PatientListRow = { 
/**
 * The patient's ID, for opening their history.
 */
patient_id: number, 
/**
 * 表示日時: local time of the latest visit that day, `HH:MM`.
 */
time: string, 
/**
 * カナ氏名.
 */
kana: string, 
/**
 * 漢字氏名.
 */
name: string, 
/**
 * 性別: 男性 / 女性 / 不明.
 */
sex: string, 
/**
 * 生年月日 (年齢), e.g. `1990年01月01日 (31歳)`, or `不明`.
 */
birth: string, 
/**
 * お薬自動登録: linked to a receipt-computer patient ID (設定済).
 */
auto_registration: boolean, };

export type PatientSummary = { 
/**
 * Their ID.
 */
id: number, 
/**
 * 漢字氏名.
 */
name: string, 
/**
 * カナ氏名.
 */
kana: string, 
/**
 * 男性 / 女性 / 不明.
 */
sex: string, 
/**
 * ISO birth date, if known.
 */
birth_date: string | null, 
/**
 * `1990年01月01日 (31歳)`.
 */
birth: string, 
/**
 * Linked to a receipt-computer patient ID (お薬自動登録 設定済).
 */
auto_registration: boolean, 
/**
 * The patient this record was merged into, if it was.
 */
merged_into: number | null, };

export type MergeRecord = { 
/**
 * The merge's ID (what undo takes).
 */
id: number, 
/**
 * The patient kept.
 */
kept_id: number, 
/**
 * The patient merged into it.
 */
merged_id: number, 
/**
 * The merged patient's name and kana, for the list.
 */
merged_name: string, 
/**
 * The merged patient's kana.
 */
merged_kana: string, 
/**
 * Why staff merged them.
 */
reason: string, 
/**
 * Who merged them.
 */
staff: string | null, 
/**
 * When (UTC RFC 3339).
 */
merged_at: string, 
/**
 * When it was undone, if it was.
 */
undone_at: string | null, 
/**
 * Rows moved onto the kept patient.
 */
moved: number, };

export type Cursor = { 
/**
 * Its date (`''` when unknown).
 */
date: string, 
/**
 * Its ID.
 */
id: number, };

export type HistoryPage = { 
/**
 * Dispensings, newest first.
 */
dispensings: Array<HistoryDispensing>, 
/**
 * Where the next page starts, if there is one.
 */
next: Cursor | null, };

export type HistoryFilter = "all" | "other" | "this";

export type OtcEntry = { 
/**
 * Its ID.
 */
id: number, 
/**
 * 薬品名称.
 */
name: string | null, 
/**
 * 服用開始日.
 */
start_on: string | null, 
/**
 * 服用終了日.
 */
end_on: string | null, 
/**
 * 成分名, joined with "、".
 */
components: string | null, };

export type PatientNoteEntry = { 
/**
 * Its ID.
 */
id: number, 
/**
 * `allergy`, `side_effect`, `past_illness`, `other`, or `memo`.
 */
kind: BodyKind | "memo", 
/**
 * The text.
 */
text: string, 
/**
 * `facility` (entered here) or `import` (from the patient's notebook).
 */
source: string, 
/**
 * Who entered it here, if anyone.
 */
author: string | null, 
/**
 * When it was stored (UTC RFC 3339).
 */
created_at: string, 
/**
 * When it was withdrawn, if it was.
 */
withdrawn_at: string | null, 
/**
 * Why it was withdrawn.
 */
withdrawn_reason: string | null, };

export type BodyKind = "allergy" | "side_effect" | "past_illness" | "other";

export type ImportSummary = { 
/**
 * The patient the document was stored on.
 */
patient_id: number, 
/**
 * True when the patient was created by this import.
 */
patient_created: boolean, 
/**
 * Dispensings stored.
 */
dispensings_added: number, 
/**
 * Dispensings already stored (skipped).
 */
dispensings_skipped: number, 
/**
 * Drug lines (records 201) stored.
 */
drugs_added: number, 
/**
 * OTC uses stored.
 */
otc_added: number, 
/**
 * Body information and memos stored.
 */
notes_added: number, };

export type FacilityCodes = { 
/**
 * 都道府県 (01–47).
 */
prefecture: string, 
/**
 * 点数表 (4 for a pharmacy).
 */
table: string, 
/**
 * 7-digit 医療機関等コード.
 */
code: string, };

export type RemapSummary = { 
/**
 * IDs changed.
 */
changed: number, 
/**
 * Pairs already applied by an earlier run.
 */
already_done: number, };

export type FeedError = { 
/**
 * The watched folder.
 */
folder: string, 
/**
 * The file's name.
 */
name: string, 
/**
 * The reason, in Japanese.
 */
error: string, 
/**
 * When it failed (UTC RFC 3339).
 */
at: string, };

export type LinkCandidate = { 
/**
 * The record's patient ID.
 */
patient_id: number, 
/**
 * 漢字氏名.
 */
name: string, 
/**
 * カナ氏名.
 */
kana: string, 
/**
 * 男性 / 女性 / 不明.
 */
sex: string, 
/**
 * `1980年01月01日 (46歳)`.
 */
birth: string, 
/**
 * The receipt computer's patient IDs, joined with "、".
 */
external_ids: string, 
/**
 * The newest dispensing's date, if any.
 */
last_dispensed: string | null, 
/**
 * How well it matches: birth date (4), sex (2), kana (1).
 */
score: number, };

export type NewPatient = { 
/**
 * 漢字氏名.
 */
name: string, 
/**
 * カナ氏名.
 */
kana: string, 
/**
 * 1 male, 2 female (ISO 5218).
 */
sex: number, 
/**
 * YYYY-MM-DD.
 */
birth_date: string, 
/**
 * Optional phone number.
 */
phone: string | null, };

export type ConsentMethod = "screen" | "paper";

export type Touch = { "kind": "patient", 
/**
 * The patient.
 */
patient_id: number, 
/**
 * Their name, for the message.
 */
name: string, } | { "kind": "unknown", 
/**
 * The card's IDm.
 */
idm: string, } | { "kind": "disabled", 
/**
 * The card's IDm.
 */
idm: string, 
/**
 * Whose card it was.
 */
name: string, };

export type HistoryDispensing = { 
/**
 * Its ID (negative for a notebook that is not stored).
 */
id: number, 
/**
 * ISO date, `None` when unknown.
 */
date: string | null, 
/**
 * `2023年4月25日`, or `日付不明`.
 */
date_label: string, 
/**
 * Where it was dispensed.
 */
place: string | null, 
/**
 * True when dispensed at this facility.
 */
this_facility: boolean, 
/**
 * The prescribing institution.
 */
prescriber: string | null, 
/**
 * The pharmacist.
 */
pharmacist: string | null, 
/**
 * Its RPs.
 */
rps: Array<HistoryRp>, 
/**
 * 401 服用注意, 411 提供情報, 421 残薬確認, 501 備考, 601 患者等記入.
 */
notes: Array<Note>, 
/**
 * What コピー puts on the clipboard for the whole prescription (P5).
 */
copy_text: string, 
/**
 * What the import gate warned about in its data (shown as ⚠).
 */
warnings: Array<string>, };

export type HistoryRp = { 
/**
 * RP番号.
 */
rp_no: number | null, 
/**
 * The prescribing doctor and department: `山田 一郎（内科）`.
 */
doctor: string | null, 
/**
 * 用法名称.
 */
usage_name: string | null, 
/**
 * 剤形.
 */
form: number | null, 
/**
 * Its drugs.
 */
drugs: Array<HistoryDrug>, 
/**
 * 311 用法の補足 and 391 処方服薬注意.
 */
notes: Array<Note>, };

export type HistoryDrug = { 
/**
 * Its ID (negative for a notebook that is not stored).
 */
id: number, 
/**
 * 薬品名称.
 */
name: string, 
/**
 * 用法・用量 (see [`medication::usage_line`]).
 */
usage_line: string, 
/**
 * 281 補足 and 291 服薬注意.
 */
notes: Array<Note>, 
/**
 * What コピー puts on the clipboard for this drug alone (P5).
 */
copy_text: string, 
/**
 * 服薬期間中.
 */
taking: boolean, 
/**
 * 残量(目安), e.g. `6錠`; `None` shows "—".
 */
remaining: string | null, };

export type Note = { 
/**
 * The JAHIS record number.
 */
record: number, 
/**
 * 補足, 服薬注意, 用法の補足, 処方服薬注意, 服用注意, 提供情報, 残薬確認, 備考, 患者等記入.
 */
label: string, 
/**
 * The text.
 */
text: string, };

export type Supply = { 
/**
 * 服薬期間中.
 */
taking: boolean, 
/**
 * 残量(目安), e.g. `6錠`; `None` shows "—".
 */
remaining: string | null, };

export type NotebookPreview = { 
/**
 * 漢字氏名 (as written in the notebook).
 */
name: string | null, 
/**
 * カナ氏名.
 */
kana: string | null, 
/**
 * ISO birth date.
 */
birth_date: string | null, 
/**
 * Dispensings, newest first.
 */
dispensings: Array<HistoryDispensing>, 
/**
 * 市販薬 names.
 */
otc: Array<string>, 
/**
 * What is wrong with the data, one line each (`3行目: …`).
 */
issues: Array<string>, 
/**
 * Why it cannot be taken in (the import gate's refusal), if it cannot.
 */
refused: string | null, };

export type FolderConfig = { 
/**
 * The folder (local, a mounted share, or a UNC path on Windows).
 */
path: string, 
/**
 * What its files are.
 */
format: Format, 
/**
 * What happens to a file after import.
 */
after: AfterImport, 
/**
 * How changes are noticed.
 */
mode: WatchMode, 
/**
 * Seconds between rescans (the only mechanism in polling mode).
 */
rescan_secs: number, 
/**
 * A file is taken as complete when it has not changed for this long
 * (polling mode, or when the OS reports no close-after-write).
 */
settle_ms: number, 
/**
 * The source name of the patient IDs this folder carries (e.g. `recept`):
 * the receipt computer's patient ID becomes the patient's external ID.
 */
source: string, 
/**
 * For JAHIS files, which carry no patient ID: a regular expression over
 * the file name whose group `id` is the receipt computer's patient ID
 * (e.g. `^(?P<id>\d+)_`).
 */
id_from_file_name: string | null, 
/**
 * On first setup, files older than this many days are not imported.
 */
backlog_days: number, };

export type Format = { "kind": "jahis" } | { "kind": "nsips", 
/**
 * The profile file.
 */
profile: string, };

export type AfterImport = "leave" | "move_to_processed";

export type WatchMode = "events" | "polling";

export type FolderStatus = { 
/**
 * The watched folder.
 */
folder: string, 
/**
 * True while the folder can be read.
 */
connected: boolean, 
/**
 * Since when it cannot be read (UTC RFC 3339).
 */
since: string | null, 
/**
 * Why it cannot be read, in Japanese.
 */
reason: string | null, 
/**
 * When the last file was imported.
 */
last_import: string | null, };

export type FeedEvent = { "kind": "imported", 
/**
 * The watched folder.
 */
folder: string, 
/**
 * The file's name.
 */
file: string, 
/**
 * The patient they were stored on.
 */
patient_id: number, 
/**
 * Dispensings added (0 when all were stored before).
 */
dispensings_added: number, } | { "kind": "failed", 
/**
 * The watched folder.
 */
folder: string, 
/**
 * The file's name.
 */
file: string, 
/**
 * Why, in Japanese.
 */
reason: string, } | { "kind": "status" } & FolderStatus;
