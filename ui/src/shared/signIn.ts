// Sign-in (ログイン): facility ID, staff ID, password.
import type { Context } from "./context";
import { errorText, field, h, inputRow, messageArea, mount } from "./dom";

export function renderSignIn(ctx: Context, notice = ""): void {
  const message = messageArea("signin-error");
  const form = h(
    "form",
    { id: "signin-form", class: "card" },
    h("h1", {}, "ログイン"),
    h("p", { class: "facility-name" }, ctx.status.facility?.name ?? ""),
    notice ? h("p", { id: "signin-notice", class: "notice" }, notice) : null,
    inputRow("施設ID", "facility_code", "text", { required: true }),
    inputRow("スタッフID", "login_id", "text", { required: true }),
    inputRow("パスワード", "password", "password", { required: true }),
    message.el,
    h("button", { type: "submit", id: "signin-submit" }, "ログイン"),
  );
  const submit = form.querySelector("button");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    if (submit) submit.disabled = true;
    void ctx.api
      .signIn(field(form, "facility_code"), field(form, "login_id"), field(form, "password"))
      .then((staff) => { ctx.signedIn(staff); })
      .catch((e: unknown) => {
        message.show(errorText(e));
        const password = form.elements.namedItem("password");
        if (password instanceof HTMLInputElement) {
          password.value = "";
          password.focus();
        }
      })
      .finally(() => {
        if (submit) submit.disabled = false;
      });
  });
  mount(ctx.main, form);
  const first = form.querySelector("input");
  first?.focus();
}
