// パスワード変更: the signed-in staff member's own password.
import type { Context } from "./context";
import { errorText, field, h, inputRow, messageArea, mount } from "./dom";
import { header } from "./header";

export function renderPasswordChange(ctx: Context): void {
  const message = messageArea("password-error");
  const done = h("p", { id: "password-done", class: "notice", role: "status" });
  const form = h(
    "form",
    { id: "password-form", class: "card" },
    h("h2", {}, "パスワード変更"),
    inputRow("現在のパスワード", "current", "password", { required: true }),
    inputRow("新しいパスワード（8文字以上）", "next", "password", { required: true }),
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
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  mount(ctx.main, header(ctx), form);
}
