// The one typed wrapper around Tauri's `invoke`: every command the shell
// offers, with its argument and result types. Errors are rejected as
// `ApiError` carrying the Japanese message to show and a stable `code` to
// branch on (the Rust `okusuri_app::AppError`).
import { Channel, invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

// The types that cross IPC are generated from the Rust types (bindings.ts,
// checked by src-tauri/tests/bindings.rs): they cannot drift from the commands.
import type {
  AppError,
  BodyKind,
  ConsentMethod,
  CounterEvent,
  CurrentDispensing,
  DownloadEvent,
  Cursor,
  DoctorAuthInfo,
  EpsSettingsView,
  EpsStatus,
  ErrorCode as AppErrorCode,
  MasterImport,
  MasterKind,
  OperationView,
  Notice,
  Offer,
  FacilityCodes,
  FacilitySetup,
  FeedError,
  FeedEvent,
  FolderConfig,
  FolderStatus,
  Format,
  HistoryFilter,
  HistoryPage,
  ImportSummary,
  LinkCandidate,
  MergeRecord,
  NewPatient,
  NewStaff,
  NotebookPreview,
  OtcEntry,
  PatientListDay,
  PatientNoteEntry,
  PatientSummary,
  PrintedQr,
  ReaderStatus,
  RemapSummary,
  Staff,
  Role,
  AppStatus,
  ClientCertView,
  QuitRequest,
  PrintedSheet,
  ReceptionPatient,
  SignSettingsView,
  CheckResult,
  Draft,
  DrugRow,
  IssueMethod,
  IssueResult,
  IssuedPrescription,
  ProblemView,
  Review,
  StatusResult,
  UsageMapping,
  UsageRow,
  UpdateSettings,
  BackupSettings,
  BackupResult,
  StaffAccount,
  TwoFactorOffer,
  AuditKind,
  AuditQuery,
  AuditRow,
} from "./bindings";

export type {
  AuditKind,
  AuditQuery,
  AuditRow,
  StaffAccount,
  TwoFactorOffer,
  BackupSettings,
  BackupResult,
  ClientCertView,
  DownloadEvent,
  Offer,
  UpdateSettings,
  PrintedSheet,
  ReceptionPatient,
  SignSettingsView,
  CheckFinding,
  CheckResult,
  Draft,
  DraftDrug,
  DraftRp,
  DrugRow,
  IssueMethod,
  IssueResult,
  IssuedPrescription,
  ProblemView,
  Review,
  ReviewRp,
  StatusResult,
  UsageMapping,
  UsageRow,
  AppStatus,
  DoctorAuthInfo,
  EpsSettingsView,
  EpsStatus,
  MasterImport,
  MasterKind,
  OperationView,
  Notice,
  BodyKind,
  ConsentMethod,
  CounterEvent,
  CurrentDispensing,
  Cursor,
  Facility,
  FacilityCodes,
  FacilitySetup,
  FeedEvent,
  FolderConfig,
  FolderStatus,
  HistoryDispensing,
  HistoryDrug,
  HistoryFilter,
  HistoryPage,
  HistoryRp,
  ImportSummary,
  LinkCandidate,
  MergeRecord,
  NewPatient,
  NewStaff,
  Note,
  NotebookPreview,
  OtcEntry,
  PatientListDay,
  PatientListRow,
  PatientNoteEntry,
  PatientSummary,
  Permission,
  PrintedQr,
  ReaderStatus,
  RemapSummary,
  Role,
  Staff,
  Touch,
} from "./bindings";

/** The stable error codes of the app, and `unknown` for anything else. */
export type ErrorCode = AppErrorCode | "unknown";
/** A failed command as the shell sends it. */
export type AppErrorPayload = AppError;
/** A row of 取込エラー. */
export type FeedErrorEntry = FeedError;
/** What a watched folder's files are. */
export type FeedFormat = Format;

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
        if (error.code === "auth.required" || error.code === "auth.password_change" || error.code === "session.locked") signedOut(error);
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
  notices: () => call<Notice[]>("notices"),
  doctorAuth: () => call<DoctorAuthInfo | null>("doctor_auth"),
  authenticateHpki: (pin: string) => call<DoctorAuthInfo>("authenticate_hpki", { pin }),
  doctorSignOut: () => call<null>("doctor_sign_out"),
  hpkiPinWarning: () => call<string | null>("hpki_pin_warning"),
  signSettings: () => call<SignSettingsView>("sign_settings"),
  setSignSettings: (settings: SignSettingsView) => call<null>("set_sign_settings", { settings }),
  epsSettings: () => call<EpsSettingsView>("eps_settings"),
  setEpsSettings: (institution: string, req: string, res: string, operationsFile: string, timeoutSeconds: number) =>
    call<EpsStatus>("set_eps_settings", { institution, req, res, operationsFile, timeoutSeconds }),
  epsStatus: () => call<EpsStatus>("eps_status"),
  epsOperations: () => call<OperationView[]>("eps_operations"),
  importMaster: (kind: MasterKind, fileName: string, bytes: number[]) =>
    call<number>("import_master", { kind, fileName, bytes }),
  masterImports: () => call<MasterImport[]>("master_imports"),
  importClientCert: (bytes: number[], password: string) => call<ClientCertView>("import_client_cert", { bytes, password }),
  clientCert: () => call<ClientCertView | null>("client_cert"),
  searchDrugMaster: (query: string) => call<DrugRow[]>("search_drug_master", { query }),
  usageMappings: () => call<UsageMapping[]>("usage_mappings"),
  usageCandidates: (wording: string) => call<UsageRow[]>("usage_candidates", { wording }),
  mapUsage: (wording: string, code: string) => call<null>("map_usage", { wording, code }),
  epsReview: (draft: Draft) => call<Review>("eps_review", { draft }),
  epsCheck: (draft: Draft, includeOwn: boolean, oralConsent: boolean) =>
    call<CheckResult>("eps_check", { draft, includeOwn, oralConsent }),
  epsIssue: (draft: Draft, method: IssueMethod, reason: string) =>
    call<IssueResult>("eps_issue", { draft, method, reason }),
  takeInPrescription: (bytes: number[]) => call<[Draft, ProblemView[]]>("take_in_prescription", { bytes }),
  issuedPrescriptions: (since: string, query: string) =>
    call<IssuedPrescription[]>("issued_prescriptions", { since, query }),
  epsRefresh: (prescriptionId: string) => call<StatusResult>("eps_refresh", { prescriptionId }),
  epsCancel: (prescriptionId: string, reason: string) =>
    call<StatusResult>("eps_cancel", { prescriptionId, reason }),
  epsReconcile: () => call<number>("eps_reconcile"),
  printPrescription: (prescriptionId: string) => call<PrintedSheet>("print_prescription", { prescriptionId }),
  receptionPatients: () => call<ReceptionPatient[]>("reception_patients"),
  draftFromIssued: (prescriptionId: string) => call<Draft>("draft_from_issued", { prescriptionId }),
  setUpFacility: (setup: FacilitySetup) => call<Staff>("set_up_facility", { setup }),
  signIn: (facilityCode: string, loginId: string, password: string, code: string | null = null) =>
    call<Staff>("sign_in", { facilityCode, loginId, password, code }),
  signOut: () => call<null>("sign_out"),
  changePassword: (current: string, next: string) =>
    call<null>("change_password", { current, new: next }),
  addStaff: (staff: NewStaff) => call<Staff>("add_staff", { staff }),
  listStaff: () => call<Staff[]>("list_staff"),
  staffAccounts: () => call<StaffAccount[]>("staff_accounts"),
  setStaffActive: (staffId: number, active: boolean) => call<null>("set_staff_active", { staffId, active }),
  setStaffRole: (staffId: number, role: Role) => call<null>("set_staff_role", { staffId, role }),
  resetPassword: (staffId: number, temporary: string) => call<null>("reset_password", { staffId, temporary }),
  resetTwoFactor: (staffId: number) => call<null>("reset_two_factor", { staffId }),
  startTwoFactor: () => call<TwoFactorOffer>("start_two_factor"),
  confirmTwoFactor: (code: string) => call<string[]>("confirm_two_factor", { code }),
  stopTwoFactor: (password: string) => call<null>("stop_two_factor", { password }),
  clerksTakeIn: () => call<boolean>("clerks_take_in"),
  sessionAlive: () => call<null>("session_alive"),
  auditKinds: () => call<AuditKind[]>("audit_kinds"),
  auditLog: (query: AuditQuery, before: number | null) => call<AuditRow[]>("audit_log", { query, before }),
  exportAuditLog: (query: AuditQuery) => call<[string, number]>("export_audit_log", { query }),
  lockSession: (reason: string) => call<null>("lock_session", { reason }),
  unlockSession: (password: string) => call<null>("unlock_session", { password }),
  idleLockMinutes: () => call<number>("idle_lock_minutes"),
  setIdleLockMinutes: (minutes: number) => call<null>("set_idle_lock_minutes", { minutes }),
  setClerksTakeIn: (allowed: boolean) => call<null>("set_clerks_take_in", { allowed }),
  patientList: () => call<PatientListDay[]>("patient_list"),
  searchPatients: (query: string) => call<PatientSummary[]>("search_patients", { query }),
  openPatient: (patientId: number) => call<PatientSummary>("open_patient", { patientId }),
  patientHistory: (patientId: number, filter: HistoryFilter, after: Cursor | null) =>
    call<HistoryPage>("patient_history", { patientId, filter, after }),
  patientCurrent: (patientId: number) => call<CurrentDispensing>("patient_current", { patientId }),
  currentWindowDays: () => call<number>("current_window_days"),
  setCurrentWindowDays: (days: number) => call<null>("set_current_window_days", { days }),
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
  issueCardToPatient: (patientId: number, consent: ConsentMethod, idm: string) =>
    call<null>("issue_card_to_patient", { patientId, consent, idm }),
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
  updateOffer: () => call<Offer | null>("update_offer"),
  updateCheck: () => call<Offer | null>("update_check"),
  /** Downloads the offered update; `onEvent` sees Started, each chunk, Finished. */
  updateDownload: (onEvent: (event: DownloadEvent) => void) => {
    const channel = new Channel<DownloadEvent>();
    channel.onmessage = onEvent;
    return call<null>("update_download", { onEvent: channel });
  },
  updateInstall: () => call<null>("update_install"),
  updateLater: (version: string) => call<null>("update_later", { version }),
  updateSettings: () => call<UpdateSettings>("update_settings"),
  setUpdateSettings: (settings: UpdateSettings) => call<null>("set_update_settings", { settings }),
  backupSettings: () => call<BackupSettings>("backup_settings"),
  setSecondBackupDir: (folder: string) => call<BackupResult | null>("set_second_backup_dir", { folder }),
  backupNow: () => call<BackupResult>("backup_now"),
  exportKeys: (folder: string) => call<string>("export_keys", { folder }),
  /** Calls `handler` when the scheduled check finds an update. */
  onUpdateAvailable: (handler: (offer: Offer) => void): Promise<UnlistenFn> =>
    listen<Offer>("update-available", (e) => { handler(e.payload); }),
  quitApp: () => call<null>("quit_app"),
  /** Calls `handler` when the tray's 終了 needs a confirmation. */
  onQuitRequested: (handler: (request: QuitRequest) => void): Promise<UnlistenFn> =>
    listen<QuitRequest>("quit-requested", (e) => { handler(e.payload); }),
  /** Calls `handler` for every feed event until the returned function is called. */
  onFeed: (handler: (event: FeedEvent) => void): Promise<UnlistenFn> =>
    listen<FeedEvent>("feed", (e) => { handler(e.payload); }),
};

export type Api = typeof api;
