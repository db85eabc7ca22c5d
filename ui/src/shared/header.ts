// The header of signed-in screens, named as in the seed: the facility, then
// 患者リスト, カード発行, 他社手帳閲覧, 取込 and 設定 (administrators) — at a
// clinic 発行済み一覧, 処方, 用法の紐付け, 設定 and the 資格確認端末 state — and
// アカウント設定 (the staff member's name: パスワード変更, スタッフ管理 for
// administrators, ログアウト). Card touches are announced under it.
import type { Context, Route } from "./context";
import { h } from "./dom";
import { touchNotice } from "../pharmacy/touchNotice";
import { helpPageFor } from "./help";
import { recentNotices, unreadCount } from "./notices";
import { homeRoute } from "./context";
import { EPS_CHANGED, toolStateChip } from "../clinic/toolState";

/** A header button that opens `route`; `current` marks the screen shown. */
function navButton(ctx: Context, id: string, label: string, route: Route): HTMLButtonElement {
  const current = document.body.dataset.screen === route.screen;
  const b = h("button", { type: "button", id, class: current ? "nav current" : "nav" }, label);
  if (current) b.setAttribute("aria-current", "page");
  b.addEventListener("click", () => { ctx.go(route); });
  return b;
}

/** アカウント設定: a menu under the staff member's name (Esc or a click elsewhere closes it: router). */
function accountMenu(ctx: Context): HTMLElement {
  const staff = ctx.status.staff;
  const signOut = h("button", { type: "button", id: "signout", class: "menu-item" }, "ログアウト");
  signOut.addEventListener("click", () => {
    void ctx.api
      .signOut()
      .catch(() => undefined)
      .finally(() => { ctx.go({ screen: "signIn" }); });
  });
  const item = (id: string, label: string, route: Route) => {
    const b = h("button", { type: "button", id, class: "menu-item" }, label);
    b.addEventListener("click", () => { ctx.go(route); });
    return b;
  };
  const lockNow = h("button", { type: "button", id: "lock-now", class: "menu-item" }, "画面をロック");
  lockNow.addEventListener("click", () => { ctx.lock(); });
  const menu = h(
    "details",
    { id: "account-menu", class: "account-menu menu-holder" },
    h("summary", { id: "staff-name", title: "アカウント設定" }, staff ? `${staff.display_name} さん` : "アカウント設定"),
    h(
      "div",
      { class: "menu", role: "menu" },
      h("div", { class: "menu-title" }, "アカウント設定"),
      item("open-password", "パスワード変更", { screen: "passwordChange" }),
      item("open-two-factor", "2段階認証", { screen: "twoFactor" }),
      lockNow,
      ctx.can("manage_staff") ? item("open-staff", "スタッフ管理", { screen: "staff" }) : null,
      ctx.can("read_audit_log") ? item("open-audit", "監査ログ", { screen: "audit" }) : null,
      signOut,
    ),
  );
  return menu;
}

/** お知らせ, with the number not yet read on this PC. */
function noticesButton(ctx: Context): HTMLElement {
  const badge = h("span", { id: "notices-unread", class: "unread-badge", hidden: true });
  const button = navButton(ctx, "open-notices", "お知らせ", { screen: "notices" });
  button.append(badge);
  if (document.body.dataset.screen !== "notices") {
    void recentNotices(ctx.api)
      .then((notices) => {
        const n = unreadCount(notices);
        badge.textContent = String(n);
        badge.hidden = n === 0;
        button.setAttribute("aria-label", n ? `お知らせ（未読 ${n}件）` : "お知らせ");
      })
      .catch(() => undefined);
  }
  return button;
}

/** The time of an RFC 3339 instant on this PC, as HH:MM — with M/D before it when not today. */
export function hhmm(iso: string, now = new Date()): string {
  const d = new Date(iso);
  const time = `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  return d.toDateString() === now.toDateString() ? time : `${d.getMonth() + 1}/${d.getDate()} ${time}`;
}

/**
 * 医師認証 (doctors only): whether the doctor may sign 電子処方箋 now, and
 * until when — marked （推定） when the time is our estimate (remote signature).
 */
export function doctorAuthChip(ctx: Context): HTMLElement | null {
  if (!ctx.can("prescribe")) return null;
  const chip = h("span", { id: "doctor-auth", class: "doctor-auth off", title: "電子処方箋の署名に使う医師の認証" }, "医師認証なし");
  const refresh = () => {
    void ctx.api
      .doctorAuth()
      .then((auth) => {
        if (!auth) {
          chip.className = "doctor-auth off";
          chip.textContent = "医師認証なし";
          return;
        }
        chip.className = "doctor-auth on";
        chip.textContent = `医師認証 ${hhmm(auth.expires_at)}まで${auth.expiry_is_estimate ? "（推定）" : ""}`;
        chip.title = auth.subject ? `${auth.subject}（${hhmm(auth.authenticated_at)} に認証）` : `${hhmm(auth.authenticated_at)} に認証`;
      })
      .catch(() => undefined);
  };
  refresh();
  // After an issue (the doctor may just have authenticated), look again.
  document.addEventListener(EPS_CHANGED, refresh);
  ctx.onLeave(() => { document.removeEventListener(EPS_CHANGED, refresh); });
  return chip;
}

/** ？ ヘルプ: the help page of the screen shown. */
function helpButton(ctx: Context): HTMLElement {
  const b = h("button", { type: "button", id: "open-help", class: "nav help", title: "ヘルプ・サポート" }, "？ ヘルプ");
  b.addEventListener("click", () => { ctx.go({ screen: "help", page: helpPageFor(document.body.dataset.screen) }); });
  return b;
}

/** The screens of a pharmacy (the counter) or of a clinic (電子処方箋). */
function screenButtons(ctx: Context): (HTMLElement | null)[] {
  if (ctx.status.facility?.kind === "clinic") {
    return [
      navButton(ctx, "open-issued", "発行済み一覧", { screen: "issued" }),
      ctx.can("prescribe") ? navButton(ctx, "open-prescribe", "処方", { screen: "prescribe" }) : null,
      ctx.can("prescribe") ? navButton(ctx, "open-usage", "用法の紐付け", { screen: "usageMap" }) : null,
    ];
  }
  return [
    navButton(ctx, "open-list", "患者リスト", { screen: "patientList" }),
    navButton(ctx, "open-issue", "カード発行", { screen: "issueCard" }),
    navButton(ctx, "open-notebook", "他社手帳閲覧", { screen: "otherNotebook" }),
    ctx.can("import_files") ? navButton(ctx, "open-import", "取込", { screen: "import" }) : null,
  ];
}

/** The header; with `touchNotice` (default, pharmacies) a card touched here is announced under it. */
export function header(ctx: Context, options: { touchNotice?: boolean } = {}): HTMLElement {
  const clinic = ctx.status.facility?.kind === "clinic";
  const home = h("button", { type: "button", id: "home", class: "title" }, ctx.status.facility?.name ?? "");
  home.addEventListener("click", () => { ctx.go(homeRoute(ctx.status)); });
  const bar = h(
    "header",
    { class: "app-header" },
    h("h1", { id: "facility-name" }, home),
    h(
      "nav",
      { class: "account", "aria-label": "メニュー" },
      ...screenButtons(ctx),
      ctx.can("change_settings") ? navButton(ctx, "open-settings", "設定", { screen: "settings" }) : null,
      clinic ? toolStateChip(ctx) : null,
      doctorAuthChip(ctx),
      noticesButton(ctx),
      helpButton(ctx),
      accountMenu(ctx),
    ),
  );
  const notices = options.touchNotice === false || clinic ? null : touchNotice(ctx);
  return h("div", { class: "app-top" }, bar, notices);
}
