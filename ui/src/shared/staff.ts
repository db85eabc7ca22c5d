// スタッフ管理 (admins): every staff member with what an administrator may
// change — role, active or not, a temporary password, a lost phone's
// two-factor sign-in — and adding a staff member.
import type { Context } from "./context";
import { ROLE_LABELS, type Role, type StaffAccount } from "./api";
import { errorText, field, h, inputRow, messageArea, mount } from "./dom";
import { header } from "./header";
import { PASSWORD_RULE } from "./passwordChange";

const ROLES = Object.entries(ROLE_LABELS) as [Role, string][];

/** What a row says about the account's state. */
export function accountState(a: StaffAccount): string {
  const parts: string[] = [a.active ? "有効" : "無効"];
  if (a.locked_until) parts.push("ロック中");
  if (a.must_change_password) parts.push("パスワード変更待ち");
  if (a.two_factor) parts.push("2段階認証");
  return parts.join("・");
}

function accountRow(ctx: Context, a: StaffAccount, reload: () => Promise<void>, message: ReturnType<typeof messageArea>): HTMLElement {
  const self = ctx.status.staff?.id === a.staff.id;
  const done = (text: string) => () => { message.show(text, "success"); return reload(); };
  const fail = (e: unknown) => { message.show(errorText(e)); };
  const role = h(
    "select",
    { class: "staff-role", "aria-label": `${a.staff.display_name} の権限`, disabled: self || !a.active },
    ...ROLES.map(([value, label]) => h("option", { value, selected: value === a.staff.role }, label)),
  );
  role.addEventListener("change", () => {
    message.clear();
    void ctx.api.setStaffRole(a.staff.id, role.value as Role).then(done(`${a.staff.display_name} さんの権限を${ROLE_LABELS[role.value as Role]}にしました。`)).catch(fail);
  });
  const toggle = h("button", { type: "button", class: "small staff-active", disabled: self }, a.active ? "無効にする" : "有効にする");
  toggle.addEventListener("click", () => {
    message.clear();
    void ctx.api.setStaffActive(a.staff.id, !a.active).then(done(`${a.staff.display_name} さんを${a.active ? "無効" : "有効"}にしました。`)).catch(fail);
  });
  const reset = h("button", { type: "button", class: "small staff-reset", disabled: !a.active }, "パスワードをリセット");
  reset.addEventListener("click", () => {
    const temporary = h("input", { type: "password", class: "staff-temporary", placeholder: "仮のパスワード", autocomplete: "new-password" });
    const ok = h("button", { type: "button", class: "small staff-reset-confirm" }, "設定");
    ok.addEventListener("click", () => {
      message.clear();
      void ctx.api
        .resetPassword(a.staff.id, temporary.value)
        .then(done(`${a.staff.display_name} さんに仮のパスワードを設定しました。次のログインで変更してもらいます。`))
        .catch(fail);
    });
    reset.replaceWith(temporary, ok);
    temporary.focus();
  });
  const twoFactor = a.two_factor ? h("button", { type: "button", class: "small staff-two-factor-off" }, "2段階認証を解除") : null;
  twoFactor?.addEventListener("click", () => {
    message.clear();
    void ctx.api.resetTwoFactor(a.staff.id).then(done(`${a.staff.display_name} さんの2段階認証を解除しました。`)).catch(fail);
  });
  return h(
    "tr",
    { "data-staff-id": String(a.staff.id), class: a.active ? "" : "inactive" },
    h("td", {}, a.staff.login_id),
    h("td", {}, a.staff.display_name, self ? "（自分）" : ""),
    h("td", {}, role),
    h("td", { class: "staff-state" }, accountState(a)),
    h("td", {}, h("div", { class: "staff-actions" }, toggle, reset, twoFactor)),
  );
}

export async function renderStaff(ctx: Context): Promise<void> {
  const listArea = h("div", { class: "table-scroll" });
  const listMessage = messageArea("staff-list-message");
  const message = messageArea("staff-error");
  const form = h(
    "form",
    { id: "staff-form", class: "card" },
    h("h2", {}, "スタッフを追加"),
    inputRow("スタッフID", "login_id", "text", { required: true, maxlength: "32" }),
    inputRow("氏名", "display_name", "text", { required: true }),
    h(
      "div",
      { class: "row" },
      h("label", { for: "f-role" }, "権限"),
      h("select", { id: "f-role", name: "role" }, ...ROLES.map(([value, label]) => h("option", { value, selected: value === "pharmacist" }, label))),
    ),
    inputRow("初期パスワード", "password", "password", { required: true }),
    h("p", { class: "field-note" }, PASSWORD_RULE),
    message.el,
    h("button", { type: "submit", id: "staff-submit" }, "追加する"),
  );
  const load = async (): Promise<void> => {
    try {
      const accounts = await ctx.api.staffAccounts();
      mount(
        listArea,
        h(
          "table",
          { id: "staff-list" },
          h("thead", {}, h("tr", {}, h("th", {}, "スタッフID"), h("th", {}, "氏名"), h("th", {}, "権限"), h("th", {}, "状態"), h("th", {}, "操作"))),
          h("tbody", {}, ...accounts.map((a) => accountRow(ctx, a, load, listMessage))),
        ),
      );
    } catch (e) {
      listMessage.show(errorText(e));
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    void ctx.api
      .addStaff({
        login_id: field(form, "login_id"),
        display_name: field(form, "display_name"),
        role: field(form, "role") as Role,
        password: field(form, "password"),
      })
      .then(() => {
        form.reset();
        return load();
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  mount(ctx.main, header(ctx), h("section", { class: "card staff-admin" }, h("h2", {}, "スタッフ管理"), listMessage.el, listArea), form);
  await load();
}
