// パスワード変更: the signed-in staff member's own password.
import type { Context } from "./context";
import { errorText, field, h, inputRow, messageArea, mount } from "./dom";
import { header } from "./header";

/** The rule, as the staff member reads it before choosing. */
export const PASSWORD_RULE = "13文字以上で、英字・数字・記号のうち2種類以上を混ぜてください（2段階認証を使う人は8文字以上）。よく使われる語や並び、自分のIDや名前は使えません。";

export function renderPasswordChange(ctx: Context): void {
  const forced = ctx.status.must_change_password;
  const message = messageArea("password-error");
  const done = h("p", { id: "password-done", class: "notice", role: "status" });
  const form = h(
    "form",
    { id: "password-form", class: "card" },
    h("h2", {}, "パスワード変更"),
    forced ? h("p", { id: "password-forced", class: "notice" }, "管理者がパスワードをリセットしました。続けるには、新しいパスワードに変更してください。") : null,
    h("p", { class: "field-note" }, PASSWORD_RULE),
    inputRow(forced ? "現在のパスワード（管理者から伝えられたもの）" : "現在のパスワード", "current", "password", { required: true }),
    inputRow("新しいパスワード", "next", "password", { required: true }),
    inputRow("新しいパスワード（確認）", "confirm", "password", { required: true }),
    message.el,
    done,
    h("button", { type: "submit", id: "password-submit" }, "変更する"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    done.textContent = "";
    if (field(form, "next") !== field(form, "confirm")) {
      message.show("確認用のパスワードが一致しません。");
      return;
    }
    void ctx.api
      .changePassword(field(form, "current"), field(form, "next"))
      .then(() => {
        form.reset();
        done.textContent = "パスワードを変更しました。";
        // The reset is done: on to the first screen, with the full permissions.
        if (forced && ctx.status.staff) ctx.signedIn(ctx.status.staff);
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  if (forced) {
    const out = h("button", { type: "button", id: "password-sign-out", class: "secondary" }, "ログアウト");
    out.addEventListener("click", () => {
      void ctx.api.signOut().catch(() => undefined).finally(() => { ctx.go({ screen: "signIn" }); });
    });
    form.append(out);
    mount(ctx.main, form);
  } else {
    mount(ctx.main, header(ctx), form);
  }
}
