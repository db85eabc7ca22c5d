// First run (初期設定): the facility ID and the first administrator.
import type { Context } from "./context";
import { FACILITY_ID_KEY } from "./signIn";
import { errorText, field, h, inputRow, messageArea, mount } from "./dom";

export function renderSetup(ctx: Context): void {
  const message = messageArea("setup-error");
  const form = h(
    "form",
    { id: "setup-form", class: "card" },
    h("h1", {}, "初期設定"),
    h("p", {}, "この端末で使う施設と、最初の管理者を登録します。"),
    inputRow("施設ID", "facility_code", "text", { required: true, maxlength: "32" }),
    inputRow("施設名", "facility_name", "text", { required: true }),
    h(
      "div",
      { class: "row" },
      h("label", { for: "f-kind" }, "施設の種類"),
      h(
        "select",
        { id: "f-kind", name: "kind" },
        h("option", { value: "pharmacy" }, "薬局"),
        h("option", { value: "clinic" }, "診療所（電子処方箋を発行する）"),
      ),
    ),
    inputRow("管理者のスタッフID", "admin_login_id", "text", { required: true, maxlength: "32" }),
    inputRow("管理者の氏名", "admin_name", "text", { required: true }),
    inputRow("パスワード（8文字以上）", "password", "password", { required: true }),
    inputRow("パスワード（確認）", "password_confirm", "password", { required: true }),
    message.el,
    h("button", { type: "submit", id: "setup-submit" }, "登録する"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    if (field(form, "password") !== field(form, "password_confirm")) {
      message.show("確認用のパスワードが一致しません。");
      return;
    }
    void ctx.api
      .setUpFacility({
        facility_code: field(form, "facility_code"),
        facility_name: field(form, "facility_name"),
        admin_login_id: field(form, "admin_login_id"),
        admin_name: field(form, "admin_name"),
        password: field(form, "password"),
        kind: field(form, "kind") === "clinic" ? "clinic" : "pharmacy",
      })
      .then((admin) => {
        ctx.status = {
          ...ctx.status,
          facility: {
            code: field(form, "facility_code").trim(),
            name: field(form, "facility_name").trim(),
            kind: field(form, "kind") === "clinic" ? "clinic" : "pharmacy",
          },
        };
        // This PC's 施設ID, for the sign-in form from now on.
        localStorage.setItem(FACILITY_ID_KEY, field(form, "facility_code").trim());
        ctx.signedIn(admin);
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  mount(ctx.main, form);
}
