// What every screen gets: the API, what is known about the app and the
// session, where to draw, typed navigation, and clean-up on leaving. Owned by
// no screen: the router (shared/router.ts) makes the one instance.
import type { Api, AppStatus, Permission, Staff } from "./api";
import type { TouchClaims } from "../pharmacy/reader";

/** Where the app can go, with what the screen needs to open. */
export type Route =
  /** `notice`: why sign-in is asked again (the session ended). */
  | { screen: "signIn"; notice?: string }
  | { screen: "patientList" }
  | { screen: "passwordChange" }
  /** 2段階認証: turning two-factor sign-in on or off for oneself. */
  | { screen: "twoFactor" }
  /** 監査ログ (administrators). */
  | { screen: "audit" }
  /** The idle lock; `resume`: the screen drawn again once unlocked. */
  | { screen: "lock"; resume: Route }
  | { screen: "staff" }
  /** `openLink`: お薬自動登録設定 opens by itself (right after 新規発行);
   * `notice`: what just happened, shown as a success (発行しました). */
  | { screen: "patient"; patientId: number; openLink?: boolean; notice?: string }
  | { screen: "import" }
  | { screen: "settings" }
  /** `idm`: the unknown card just touched, used without a second touch. */
  | { screen: "issueCard"; idm?: string }
  | { screen: "otherNotebook" }
  /** ヘルプ・サポート at `page` (a file of docs/help/ without `.md`). */
  | { screen: "help"; page: string }
  /** お知らせ. */
  | { screen: "notices" }
  /** 処方 (clinics): a new prescription; `from`: an issued one's 処方箋ID to start from (Do処方). */
  | { screen: "prescribe"; from?: string }
  /** 発行済み一覧 (clinics). */
  | { screen: "issued" }
  /** 用法の紐付け (clinics, C8); `unmapped`: usages a prescription needs mapped, shown first. */
  | { screen: "usageMap"; unmapped?: string[] };

/** The name of a screen. */
export type Screen = Route["screen"];

export interface Context {
  api: Api;
  status: AppStatus;
  /** Where the screen draws. */
  main: HTMLElement;
  /** Called after a successful sign-in or setup. */
  signedIn: (staff: Staff) => void;
  /** Leaves the current screen (running its clean-up) and opens `route`. */
  go: (route: Route) => void;
  /** Registers clean-up (stop listening, clear a timer) for when the screen is left. */
  onLeave: (cleanup: () => void) => void;
  /** True when the signed-in staff member may do `permission` (from `app_status`). */
  can: (permission: Permission) => boolean;
  /** Which card touches a waiting screen (新規発行, 再発行) has taken. */
  touchClaims: TouchClaims;
  /** Locks the window now (画面をロック), coming back to this screen once unlocked. */
  lock: () => void;
}

/** The first screen after sign-in: 発行済み一覧 at a clinic, 患者リスト at a pharmacy. */
export function homeRoute(status: AppStatus): Route {
  // A password an administrator reset is changed before anything else.
  if (status.must_change_password) return { screen: "passwordChange" };
  return status.facility?.kind === "clinic" ? { screen: "issued" } : { screen: "patientList" };
}
