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
 * The password must be changed before anything else (reset by an administrator).
 */
must_change_password: boolean, 
/**
 * The staff member signed in with a second factor.
 */
two_factor: boolean, 
/**
 * Minutes without input before the window locks.
 */
idle_lock_minutes: number, 
/**
 * The window is locked now.
 */
locked: boolean, 
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
 * The password must be changed before anything else (reset by an administrator).
 */
must_change_password: boolean, 
/**
 * The staff member signed in with a second factor.
 */
two_factor: boolean, 
/**
 * Minutes without input before the window locks.
 */
idle_lock_minutes: number, 
/**
 * The window is locked now.
 */
locked: boolean, 
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

export type BackupSettings = { 
/**
 * The default folder (`backups` in the data folder).
 */
folder: string, 
/**
 * When the last backup was made there (local `YYYY-MM-DD HH:MM`).
 */
last: string | null, 
/**
 * The second folder, if set.
 */
second_folder: string | null, 
/**
 * When a backup last reached the second folder.
 */
second_last: string | null, 
/**
 * Whether the database and its backups are encrypted (SQLCipher, the
 * key in the OS key store).
 */
encrypted: boolean, };

export type BackupResult = { 
/**
 * The new backup file.
 */
file: string, 
/**
 * The copy in the second folder, when one is set.
 */
second_file: string | null, 
/**
 * Why the copy to the second folder failed, if it did.
 */
second_error: string | null, };

export type TwoFactorOffer = { 
/**
 * The secret in base32 (to type into an app by hand).
 */
secret: string, 
/**
 * The `otpauth://` address as a QR code (`data:image/svg+xml;base64,…`).
 */
qr: string, };

export type StaffAccount = { 
/**
 * Who.
 */
staff: Staff, 
/**
 * Can sign in (not deactivated).
 */
active: boolean, 
/**
 * Locked after five failures until this time (UTC RFC 3339), if now locked.
 */
locked_until: string | null, 
/**
 * Must change the password at the next sign-in.
 */
must_change_password: boolean, 
/**
 * Signs in with a second factor.
 */
two_factor: boolean, };

export type AuditRow = { 
/**
 * Row number (increasing).
 */
id: number, 
/**
 * When (UTC RFC 3339).
 */
at: string, 
/**
 * The event's stable name.
 */
event: string, 
/**
 * The staff ID as entered.
 */
login_id: string, 
/**
 * The staff member's name, when the row names one.
 */
staff_name: string | null, 
/**
 * The PC.
 */
pc_name: string, 
/**
 * The patient's record number, if any.
 */
patient_id: number | null, 
/**
 * The patient's name, if any.
 */
patient_name: string | null, 
/**
 * Extra facts.
 */
detail: string | null, };

export type AuditQuery = { 
/**
 * The staff ID as entered.
 */
login_id?: string, 
/**
 * The patient's record number.
 */
patient_id?: number, 
/**
 * The event's stable name.
 */
event?: string, 
/**
 * From this local date (`YYYY-MM-DD`), inclusive.
 */
from_date?: string, 
/**
 * To this local date (`YYYY-MM-DD`), inclusive.
 */
to_date?: string, };

export type AuditKind = { 
/**
 * The stable name.
 */
event: string, 
/**
 * What 監査ログ calls it.
 */
label: string, };

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

export type SignSettingsView = { 
/**
 * The method, if chosen.
 */
method: SignMethod | null, 
/**
 * The HPKI card's PKCS#11 module (a file path).
 */
module: string, 
/**
 * The token's label (empty: the first card present).
 */
token_label: string, 
/**
 * The remote platform's authentication URL.
 */
remote_url: string, 
/**
 * Hours an authentication lasts (1–24).
 */
auth_hours: number, };

export type ClientCertView = { 
/**
 * Subject (RFC 4514).
 */
subject: string, 
/**
 * Issuer (RFC 4514).
 */
issuer: string, 
/**
 * Valid until (UTC RFC 3339).
 */
not_after: string, 
/**
 * Days left (negative: expired).
 */
days_left: number, 
/**
 * A warning within 30 days of expiry (or after).
 */
warning: string | null, };

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

export type Draft = { 
/**
 * The patient.
 */
patient: DraftPatient, 
/**
 * The insurance.
 */
insurance: DraftInsurance, 
/**
 * The RPs.
 */
rps: Array<DraftRp>, };

export type DraftPatient = { 
/**
 * 患者コード (the clinic's own number; may be empty).
 */
code: string, 
/**
 * 氏名 (漢字).
 */
name: string, 
/**
 * カナ氏名.
 */
kana: string, 
/**
 * 性別: `1` 男, `2` 女.
 */
sex: string, 
/**
 * 生年月日 (YYYYMMDD).
 */
birth_date: string, };

export type DraftInsurance = { 
/**
 * 保険者番号.
 */
insurer_number: string, 
/**
 * 記号.
 */
symbol: string, 
/**
 * 番号.
 */
number: string, 
/**
 * 枝番.
 */
branch: string, 
/**
 * `1` 被保険者, `2` 被扶養者.
 */
relation: string, };

export type DraftRp = { 
/**
 * 剤形区分: `1` 内服, `2` 頓服, `3` 外用.
 */
form: string, 
/**
 * The clinic's usage wording (mapped to a standard code, C8).
 */
usage: string, 
/**
 * A standard usage code already given (a taken-in prescription); empty: from the mapping.
 */
usage_code: string, 
/**
 * 日数 (内服) or 回数 (頓服, 外用).
 */
quantity: string, 
/**
 * The drugs.
 */
drugs: Array<DraftDrug>, };

export type DraftDrug = { 
/**
 * `2` レセプト電算コード (9 digits), `3` 薬価基準コード, `7` 一般名コード.
 */
code_kind: string, 
/**
 * The code in that kind.
 */
code: string, 
/**
 * 用量 in the master's unit (`3`, `1.5`).
 */
amount: string, };

export type ProblemView = { 
/**
 * True when it blocks sending.
 */
blocking: boolean, 
/**
 * The sentence, in Japanese.
 */
text: string, };

export type Review = { 
/**
 * The RPs as they will be sent.
 */
rps: Array<ReviewRp>, 
/**
 * Errors (blocking) and warnings.
 */
problems: Array<ProblemView>, 
/**
 * Clinic usages in this prescription without a standard code (fix on 用法の紐付け).
 */
unmapped_usages: Array<string>, 
/**
 * True when nothing blocks sending.
 */
ready: boolean, };

export type ReviewRp = { 
/**
 * RP番号.
 */
number: string, 
/**
 * 剤形 and 日数/回数 (`内服 14日分`).
 */
form: string, 
/**
 * The standard usage code sent (empty while unmapped).
 */
usage_code: string, 
/**
 * The usage name sent.
 */
usage_name: string, 
/**
 * The drugs.
 */
drugs: Array<ReviewDrug>, };

export type ReviewDrug = { 
/**
 * The code kind in words (レセプト電算 / 薬価基準 / 一般名).
 */
code_kind: string, 
/**
 * The code.
 */
code: string, 
/**
 * The exact name sent.
 */
name: string, 
/**
 * 用量 (`3`).
 */
amount: string, 
/**
 * The 薬価基準 unit (`錠`).
 */
unit: string, };

export type CheckResult = { 
/**
 * The review it was sent after (a blocked review is never sent).
 */
review: Review, 
/**
 * True when the check was sent and answered.
 */
sent: boolean, 
/**
 * True when the service accepted the request.
 */
succeeded: boolean, 
/**
 * The service's codes and messages, verbatim.
 */
service_messages: Array<string>, 
/**
 * What it found (empty: nothing).
 */
findings: Array<CheckFinding>, };

export type CheckFinding = { 
/**
 * 分類 (重複 / 併用禁忌 …), as the service says it.
 */
category: string, 
/**
 * 成分.
 */
ingredient: string, 
/**
 * The service's message, verbatim.
 */
message: string, 
/**
 * 今回の薬.
 */
this_drug: string, 
/**
 * 過去の薬 (empty when hidden for want of consent).
 */
past_drug: string, 
/**
 * When the past drug was given (YYYYMMDD).
 */
past_date: string, 
/**
 * Where: 医療機関 or 薬局 (empty when hidden).
 */
past_place: string, };

export type IssueMethod = "electronic" | "paper";

export type IssueResult = { 
/**
 * True when the service registered it.
 */
registered: boolean, 
/**
 * 処方箋ID.
 */
prescription_id: string, 
/**
 * 引換番号 (given to the patient).
 */
access_code: string, 
/**
 * The service's codes and messages, verbatim.
 */
service_messages: Array<string>, 
/**
 * The request's identifier (its journal entry).
 */
identifier: string, };

export type StatusResult = { 
/**
 * True when the service accepted the request.
 */
succeeded: boolean, 
/**
 * The service's codes and messages, verbatim.
 */
service_messages: Array<string>, 
/**
 * The prescription as 発行済み一覧 now shows it.
 */
prescription: IssuedPrescription | null, };

export type ReceptionPatient = { 
/**
 * The result file's name.
 */
file: string, 
/**
 * When it was confirmed (yyyyMMddHHmmss), or empty.
 */
confirmed_at: string, 
/**
 * The patient and insurance as a draft (no RPs); `None` when the file cannot be read.
 */
draft: Draft | null, 
/**
 * What the patient chose at reception, if the result says.
 */
issue_method: IssueMethod | null, 
/**
 * Why the file cannot be read, if it cannot.
 */
problem: string | null, };

export type IssuedPrescription = { 
/**
 * The registration's `ArbitraryFileIdentifier`.
 */
identifier: string, 
/**
 * Where the registration request is (`answered`, `unknown` = 結果不明, …).
 */
request_state: string, 
/**
 * True when the service registered it.
 */
registered: boolean, 
/**
 * The service's codes and messages when it refused (or why it is unknown).
 */
outcome: string, 
/**
 * When it was sent (UTC RFC 3339).
 */
created_at: string, 
/**
 * 処方箋ID.
 */
prescription_id: string | null, 
/**
 * 引換番号.
 */
access_code: string | null, 
/**
 * `electronic` or `paper`.
 */
issue_type: string, 
/**
 * 患者漢字氏名.
 */
patient_name: string, 
/**
 * 患者カナ氏名.
 */
patient_kana: string, 
/**
 * 生年月日 (YYYYMMDD).
 */
birth_date: string, 
/**
 * The drugs, one line.
 */
summary: string, 
/**
 * The service's last reported state (`not_received`, `dispensing`, …), if asked.
 */
stage: string | null, 
/**
 * The service's sentence, verbatim.
 */
sentence: string | null, 
/**
 * 受付薬局.
 */
pharmacy: string | null, 
/**
 * When the state was reported.
 */
stage_at: string | null, };

export type PrintedSheet = { 
/**
 * Where the PDF is.
 */
path: string, 
/**
 * `copy` (控え) or `paper` (処方箋).
 */
kind: string, 
/**
 * True when the PDF is the service's own 控え.
 */
from_service: boolean, 
/**
 * Why the service's 控え was not used, when it was asked for and not used.
 */
service_note: string | null, 
/**
 * Why the viewer did not open, if it did not (the PDF is saved).
 */
open_error: string | null, };

export type UsageMapping = { 
/**
 * The clinic's wording.
 */
clinic_usage: string, 
/**
 * The standard code.
 */
code: string, 
/**
 * The standard name (empty when the code is no longer in the usage master).
 */
name: string, };

export type DrugRow = { 
/**
 * 医薬品コード (レセプト電算, 9 digits).
 */
code: string, 
/**
 * 漢字名称, exactly as sent on a prescription.
 */
name: string, 
/**
 * カナ名称 (half-width).
 */
kana: string, 
/**
 * 単位 (the 薬価基準 unit).
 */
unit: string, 
/**
 * 麻薬・毒薬・覚醒剤原料・向精神薬 (0 none, 1 麻薬, 2 毒薬, 3 覚醒剤原料, 5 向精神薬).
 */
narcotic: string, 
/**
 * 後発品 (0 / 1).
 */
generic: string, 
/**
 * 剤形 (1 内用, 3 注射, 6 外用).
 */
form: string, 
/**
 * 変更年月日 (YYYYMMDD).
 */
changed: string, 
/**
 * 廃止年月日 (YYYYMMDD; 99999999 when current).
 */
abolished: string, 
/**
 * 薬価基準収載医薬品コード (12).
 */
yakka_code: string, 
/**
 * 経過措置年月日 (YYYYMMDD; 0 or empty when none).
 */
transition_until: string, 
/**
 * 一般名コード (12).
 */
generic_name_code: string, 
/**
 * 一般名処方の標準的な記載.
 */
generic_name: string, };

export type UsageRow = { 
/**
 * The 16-character code.
 */
code: string, 
/**
 * Its name.
 */
name: string, };

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

export type ErrorCode = "auth.required" | "auth.forbidden" | "auth.failed" | "auth.locked" | "auth.second_factor" | "auth.password_change" | "session.locked" | "db.busy" | "db.damaged" | "db.unavailable" | "db.failed" | "input.invalid" | "import.refused" | "not_found" | "conflict" | "io.failed" | "setup.required" | "eps.unreachable" | "eps.unknown" | "eps.not_configured" | "update.unreachable" | "update.refused" | "sign.failed" | "sign.auth_required";

export type Permission = "view_patients" | "edit_notes" | "withdraw_body_info" | "issue_cards" | "print_qr" | "take_in_notebook" | "merge_patients" | "import_files" | "change_settings" | "remap_ids" | "manage_staff" | "prescribe" | "read_audit_log";

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
status: ReaderStatus, } | { "kind": "touched_while_locked" } | { "kind": "error", 
/**
 * Why, in Japanese.
 */
message: string, };

export type QuitRequest = { 
/**
 * Requests written to the terminal and still waiting for an answer.
 */
waiting: number, };

export type DownloadEvent = { "event": "started", "data": { 
/**
 * Bytes to come (`Content-Length`), if known.
 */
contentLength: number | null, } } | { "event": "progress", "data": { 
/**
 * Bytes in this chunk.
 */
chunkLength: number, } } | { "event": "finished" };

export type Offer = { 
/**
 * The version installed now.
 */
current_version: string, 
/**
 * The version offered.
 */
version: string, 
/**
 * Release notes (the version's CHANGELOG section), plain text.
 */
notes: string | null, 
/**
 * When it was published (RFC 3339), if the manifest says.
 */
date: string | null, };

export type UpdateSettings = { 
/**
 * Off for sites whose IT installs updates centrally (the MSI by GPO).
 */
enabled: boolean, 
/**
 * The manifest address (`https://…/latest.json`; `{{current_version}}`,
 * `{{target}}`, `{{arch}}` and `{{bundle_type}}` are filled in). Empty: none set.
 */
endpoint: string, 
/**
 * Hours between two checks (the first is at start).
 */
interval_hours: number, };

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
 * Dispensings of an earlier version of the same source replaced by
 * this one (see [`ImportSource::supersedes`]).
 */
dispensings_replaced: number, 
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
