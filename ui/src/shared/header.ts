// The header of signed-in screens: facility name, who is signed in, and the
// account menu (パスワード変更, 取込 / スタッフ管理 / 設定 for admins, ログアウト).
import type { Context } from "./context";
import { h } from "./dom";
import { touchNotice } from "../pharmacy/touchNotice";

/** The header; with `touchNotice` (default) a card touched here is announced under it. */
export function header(ctx: Context, options: { touchNotice?: boolean } = {}): HTMLElement {
  const staff = ctx.status.staff;
  const signOut = h("button", { type: "button", id: "signout", class: "link" }, "ログアウト");
  signOut.addEventListener("click", () => {
    void ctx.api
      .signOut()
      .catch(() => undefined)
      .finally(() => { ctx.go({ screen: "signIn" }); });
  });
  const password = h("button", { type: "button", id: "open-password", class: "link" }, "パスワード変更");
  password.addEventListener("click", () => { ctx.go({ screen: "passwordChange" }); });
  const staffButton =
    ctx.can("manage_staff") ? h("button", { type: "button", id: "open-staff", class: "link" }, "スタッフ管理") : null;
  staffButton?.addEventListener("click", () => { ctx.go({ screen: "staff" }); });
  const importButton =
    ctx.can("import_files") ? h("button", { type: "button", id: "open-import", class: "link" }, "取込") : null;
  importButton?.addEventListener("click", () => { ctx.go({ screen: "import" }); });
  const settingsButton =
    ctx.can("change_settings") ? h("button", { type: "button", id: "open-settings", class: "link" }, "設定") : null;
  settingsButton?.addEventListener("click", () => { ctx.go({ screen: "settings" }); });
  const issue = h("button", { type: "button", id: "open-issue", class: "link" }, "新規発行");
  issue.addEventListener("click", () => { ctx.go({ screen: "issueCard" }); });
  const notebook = h("button", { type: "button", id: "open-notebook", class: "link" }, "他社手帳");
  notebook.addEventListener("click", () => { ctx.go({ screen: "otherNotebook" }); });
  const home = h("button", { type: "button", id: "home", class: "title" }, ctx.status.facility?.name ?? "");
  home.addEventListener("click", () => { ctx.go({ screen: "patientList" }); });
  return h(
    "header",
    { class: "app-header" },
    h("h1", { id: "facility-name" }, home),
    h(
      "nav",
      { class: "account" },
      h("span", { id: "staff-name" }, staff ? `${staff.display_name} さん` : ""),
      issue,
      notebook,
      importButton,
      staffButton,
      settingsButton,
      password,
      signOut,
    ),
    options.touchNotice === false ? null : touchNotice(ctx),
  );
}
