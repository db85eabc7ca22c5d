// The one typed wrapper around Tauri's `invoke`: every command the shell
// offers, with its argument and result types. Errors are rejected as
// `ApiError` carrying the Japanese message to show and a stable `code` to
// branch on (the Rust `okusuri_app::AppError`).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

export type Role = "admin" | "pharmacist" | "doctor" | "clerk";

export interface Facility {
  code: string;
  name: string;
}

export interface Staff {
  id: number;
  login_id: string;
  display_name: string;
  role: Role;
}

/** Stable error codes (`okusuri_app::ErrorCode`); `unknown` for anything else. */
export type ErrorCode =
  | "auth.required"
  | "auth.forbidden"
  | "auth.failed"
  | "auth.locked"
  | "db.busy"
  | "db.damaged"
  | "db.unavailable"
  | "db.failed"
  | "input.invalid"
  | "not_found"
  | "conflict"
  | "io.failed"
  | "setup.required"
  | "unknown";

/** A failed command as the shell sends it. */
export interface AppErrorPayload {
  code: ErrorCode;
  message: string;
  detail?: string;
}

/** What a role may do (`okusuri_app::Permission`): the UI shows what the session may use. */
export type Permission =
  | "view_patients"
  | "edit_notes"
  | "issue_cards"
  | "print_qr"
  | "take_in_notebook"
  | "merge_patients"
  | "import_files"
  | "change_settings"
  | "remap_ids"
  | "manage_staff";

export interface AppStatus {
  version: string;
  startup_error: AppErrorPayload | null;
  facility: Facility | null;
  staff: Staff | null;
  /** What the signed-in staff member may do (empty when signed out). */
  permissions: Permission[];
  last_backup: string | null;
}

export interface FacilitySetup {
  facility_code: string;
  facility_name: string;
  admin_login_id: string;
  admin_name: string;
  password: string;
}

export interface NewStaff {
  login_id: string;
  display_name: string;
  role: Role;
  password: string;
}

export interface PatientListRow {
  patient_id: number;
  time: string;
  kana: string;
  name: string;
  sex: string;
  birth: string;
  auto_registration: boolean;
}

export interface PatientListDay {
  date: string;
  label: string;
  patients: PatientListRow[];
}

export interface PatientSummary {
  id: number;
  name: string;
  kana: string;
  sex: string;
  birth_date: string | null;
  birth: string;
  auto_registration: boolean;
  /** The patient this record was merged into, if it was. */
  merged_into: number | null;
}

export interface MergeRecord {
  id: number;
  kept_id: number;
  merged_id: number;
  merged_name: string;
  merged_kana: string;
  reason: string;
  staff: string | null;
  merged_at: string;
  undone_at: string | null;
  moved: number;
}

export interface FacilityCodes {
  prefecture: string;
  table: string;
  code: string;
}

export interface RemapSummary {
  changed: number;
  already_done: number;
}

export interface FolderStatus {
  folder: string;
  connected: boolean;
  since: string | null;
  reason: string | null;
  last_import: string | null;
}

export type FeedFormat = { kind: "jahis" } | { kind: "nsips"; profile: string };

export interface FolderConfig {
  path: string;
  format: FeedFormat;
  after: "leave" | "move_to_processed";
  mode: "events" | "polling";
  rescan_secs: number;
  settle_ms: number;
  source: string;
  id_from_file_name: string | null;
  backlog_days: number;
}

export interface FeedErrorEntry {
  folder: string;
  name: string;
  error: string;
  at: string;
}

export type FeedEvent =
  | { kind: "imported"; folder: string; file: string; patient_id: number; dispensings_added: number }
  | { kind: "failed"; folder: string; file: string; reason: string }
  | ({ kind: "status" } & FolderStatus);

export interface ReaderStatus {
  on: boolean;
  wanted: boolean;
  reader: string | null;
  message: string | null;
  readers: string[];
}

export type Touch =
  | { kind: "patient"; patient_id: number; name: string }
  | { kind: "unknown"; idm: string }
  | { kind: "disabled"; idm: string; name: string };

export type CounterEvent =
  | { kind: "touch"; touch: Touch; detected_at: number }
  | { kind: "unreadable"; message: string }
  | { kind: "reader"; status: ReaderStatus }
  | { kind: "error"; message: string };

export interface NewPatient {
  name: string;
  kana: string;
  sex: number;
  birth_date: string;
  phone: string | null;
}

export type ConsentMethod = "screen" | "paper";

export interface NotebookPreview {
  name: string | null;
  kana: string | null;
  birth_date: string | null;
  dispensings: HistoryDispensing[];
  otc: string[];
  issues: string[];
}

/** What 印刷 of 患者用QRコード made (P8). */
export interface PrintedQr {
  /** The PDF in the data folder's print/. */
  path: string;
  /** QR codes (pages) in it. */
  symbols: number;
  /** Deviations from the JAHIS format the data carries (still readable). */
  warnings: string[];
  /** Why the PDF viewer did not open, if it did not. */
  open_error: string | null;
}

export interface LinkCandidate {
  patient_id: number;
  name: string;
  kana: string;
  sex: string;
  birth: string;
  external_ids: string;
  last_dispensed: string | null;
  score: number;
}

export type HistoryFilter = "all" | "other" | "this";

export interface Cursor {
  date: string;
  id: number;
}

export interface Note {
  record: number;
  label: string;
  text: string;
}

export interface HistoryDrug {
  id: number;
  name: string;
  usage_line: string;
  taking: boolean;
  remaining: string | null;
  notes: Note[];
  copy_text: string;
}

export interface HistoryRp {
  rp_no: number | null;
  doctor: string | null;
  usage_name: string | null;
  form: number | null;
  drugs: HistoryDrug[];
  notes: Note[];
}

export interface HistoryDispensing {
  id: number;
  date: string | null;
  date_label: string;
  place: string | null;
  this_facility: boolean;
  prescriber: string | null;
  pharmacist: string | null;
  rps: HistoryRp[];
  notes: Note[];
  copy_text: string;
}

export interface HistoryPage {
  dispensings: HistoryDispensing[];
  next: Cursor | null;
}

export interface OtcEntry {
  id: number;
  name: string | null;
  start_on: string | null;
  end_on: string | null;
  components: string | null;
}

export type BodyKind = "allergy" | "side_effect" | "past_illness" | "other";

export interface PatientNoteEntry {
  id: number;
  kind: BodyKind | "memo";
  text: string;
  source: "facility" | "import";
  author: string | null;
  created_at: string;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
}

export interface ImportSummary {
  patient_id: number;
  patient_created: boolean;
  dispensings_added: number;
  dispensings_skipped: number;
  drugs_added: number;
  otc_added: number;
  notes_added: number;
}

/** Japanese labels of body-information kinds. */
export const BODY_LABELS: Record<BodyKind, string> = {
  allergy: "アレルギー歴",
  side_effect: "副作用歴",
  past_illness: "既往歴",
  other: "その他",
};

/** A command failed; `message` is the Japanese text for the user, `code` what kind of failure. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  constructor(message: string, code: ErrorCode = "unknown", detail?: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.detail = detail;
  }
}

function isPayload(e: unknown): e is AppErrorPayload {
  return typeof e === "object" && e !== null && typeof (e as AppErrorPayload).code === "string" &&
    typeof (e as AppErrorPayload).message === "string";
}

/** The error a rejected command means, whatever shape it came in. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (isPayload(e)) return new ApiError(e.message, e.code, e.detail);
  if (typeof e === "string") return new ApiError(e);
  if (e instanceof Error) return new ApiError(e.message);
  return new ApiError("予期しないエラーが発生しました。");
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

/**
 * `inner` with every command that fails with `auth.required` (the session is
 * gone: signed out elsewhere, the app restarted) also reported to `signedOut`.
 */
export function guardSession(inner: Api, signedOut: (error: ApiError) => void): Api {
  const guarded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(inner)) {
    if (typeof value !== "function") {
      guarded[name] = value;
      continue;
    }
    const command = value as (...args: unknown[]) => unknown;
    guarded[name] = (...args: unknown[]) => {
      const result = command(...args);
      if (!(result instanceof Promise)) return result;
      return result.catch((e: unknown) => {
        const error = toApiError(e);
        if (error.code === "auth.required") signedOut(error);
        throw error;
      });
    };
  }
  return guarded as Api;
}

/** Japanese labels of the staff roles, in the order offered. */
export const ROLE_LABELS: Record<Role, string> = {
  admin: "管理者",
  pharmacist: "薬剤師",
  doctor: "医師",
  clerk: "事務",
};

export const api = {
  appStatus: () => call<AppStatus>("app_status"),
  setUpFacility: (setup: FacilitySetup) => call<Staff>("set_up_facility", { setup }),
  signIn: (facilityCode: string, loginId: string, password: string) =>
    call<Staff>("sign_in", { facilityCode, loginId, password }),
  signOut: () => call<null>("sign_out"),
  changePassword: (current: string, next: string) =>
    call<null>("change_password", { current, new: next }),
  addStaff: (staff: NewStaff) => call<Staff>("add_staff", { staff }),
  listStaff: () => call<Staff[]>("list_staff"),
  patientList: () => call<PatientListDay[]>("patient_list"),
  searchPatients: (query: string) => call<PatientSummary[]>("search_patients", { query }),
  openPatient: (patientId: number) => call<PatientSummary>("open_patient", { patientId }),
  patientHistory: (patientId: number, filter: HistoryFilter, after: Cursor | null) =>
    call<HistoryPage>("patient_history", { patientId, filter, after }),
  patientOtc: (patientId: number) => call<OtcEntry[]>("patient_otc", { patientId }),
  patientNotes: (patientId: number) => call<PatientNoteEntry[]>("patient_notes", { patientId }),
  addPatientNote: (patientId: number, kind: BodyKind | null, text: string) =>
    call<number>("add_patient_note", { patientId, kind, text }),
  withdrawPatientNote: (patientId: number, kind: string, id: number, reason: string) =>
    call<null>("withdraw_patient_note", { patientId, kind, id, reason }),
  importJahis: (fileName: string, bytes: number[]) => call<ImportSummary>("import_jahis", { fileName, bytes }),
  patientMerges: (patientId: number) => call<MergeRecord[]>("patient_merges", { patientId }),
  mergePatients: (keptId: number, mergedId: number, reason: string) =>
    call<number>("merge_patients", { keptId, mergedId, reason }),
  undoMerge: (mergeId: number, reason: string) => call<null>("undo_merge", { mergeId, reason }),
  facilityCodes: () => call<FacilityCodes | null>("facility_codes"),
  setFacilityCodes: (codes: FacilityCodes) => call<null>("set_facility_codes", { codes }),
  externalIdSources: () => call<string[]>("external_id_sources"),
  remapExternalId: (source: string, old: string, next: string) =>
    call<RemapSummary>("remap_external_id", { source, old, new: next }),
  remapExternalIdsCsv: (source: string, bytes: number[]) =>
    call<RemapSummary>("remap_external_ids_csv", { source, bytes }),
  feedStatus: () => call<FolderStatus[]>("feed_status"),
  feedFolders: () => call<FolderConfig[]>("feed_folders"),
  setFeedFolders: (folders: FolderConfig[]) => call<null>("set_feed_folders", { folders }),
  feedErrors: () => call<FeedErrorEntry[]>("feed_errors"),
  retryFeedFile: (folder: string, name: string) => call<boolean>("retry_feed_file", { folder, name }),
  readerStatus: () => call<ReaderStatus>("reader_status"),
  setReaderOn: (on: boolean) => call<ReaderStatus>("set_reader_on", { on }),
  chooseReader: (name: string) => call<ReaderStatus>("choose_reader", { name }),
  issueCard: (patient: NewPatient, consent: ConsentMethod, idm: string) =>
    call<number>("issue_card", { patient, consent, idm }),
  reissueCard: (patientId: number, idm: string) => call<null>("reissue_card", { patientId, idm }),
  previewOtherNotebook: (bytes: number[]) => call<NotebookPreview>("preview_other_notebook", { bytes }),
  importOtherNotebook: (patientId: number, bytes: number[]) =>
    call<ImportSummary>("import_other_notebook", { patientId, bytes }),
  printPatientQr: (patientId: number, dispensingIds: number[]) =>
    call<PrintedQr>("print_patient_qr", { patientId, dispensingIds }),
  linkCandidates: (patientId: number) => call<LinkCandidate[]>("link_candidates", { patientId }),
  linkReceiptRecord: (patientId: number, recordId: number) =>
    call<number>("link_receipt_record", { patientId, recordId }),
  /** Calls `handler` for every card-reader event until the returned function is called. */
  onCounter: (handler: (event: CounterEvent) => void): Promise<UnlistenFn> =>
    listen<CounterEvent>("counter", (e) => { handler(e.payload); }),
  /** Calls `handler` for every feed event until the returned function is called. */
  onFeed: (handler: (event: FeedEvent) => void): Promise<UnlistenFn> =>
    listen<FeedEvent>("feed", (e) => { handler(e.payload); }),
};

export type Api = typeof api;
