// The one typed wrapper around Tauri's `invoke`: every command the shell
// offers, with its argument and result types. Errors are rejected as
// `ApiError` carrying the Japanese message to show.
import { invoke } from "@tauri-apps/api/core";

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

export interface AppStatus {
  version: string;
  startup_error: string | null;
  facility: Facility | null;
  staff: Staff | null;
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

/** A command failed; `message` is the Japanese text for the user. */
export class ApiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ApiError";
  }
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    const message =
      typeof e === "string" ? e : e instanceof Error ? e.message : "予期しないエラーが発生しました。";
    throw new ApiError(message);
  }
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
  signOut: () => call<void>("sign_out"),
  changePassword: (current: string, next: string) =>
    call<void>("change_password", { current, new: next }),
  addStaff: (staff: NewStaff) => call<Staff>("add_staff", { staff }),
  listStaff: () => call<Staff[]>("list_staff"),
  patientList: () => call<PatientListDay[]>("patient_list"),
};

export type Api = typeof api;
