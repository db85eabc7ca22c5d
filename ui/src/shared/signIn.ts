// Sign-in (ログイン): facility ID, staff ID, password. The facility ID is
// remembered on this PC; a demo data folder fills in its demo account.
import type { Context } from "./context";
import { ApiError } from "./api";
import { errorText, field, h, inputRow, messageArea, mount } from "./dom";

/** Where this PC remembers the last facility ID signed in with. */
export const FACILITY_ID_KEY = "okusuri.facilityId";

function fill(form: HTMLFormElement, name: string, value: string | null | undefined): void {
  const input = form.elements.namedItem(name);
  if (input instanceof HTMLInputElement && value) input.value = value;
}

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
    h(
      "div",
      { class: "row", id: "signin-code-row", hidden: true },
      h("label", { for: "f-code" }, "2段階認証のコード"),
      h("input", { id: "f-code", name: "code", type: "text", inputmode: "numeric", autocomplete: "one-time-code", placeholder: "6桁の数字（または回復コード）" }),
    ),
    message.el,
    h("button", { type: "submit", id: "signin-submit" }, "ログイン"),
  );
  const submit = form.querySelector("button");
  const codeRow = form.querySelector<HTMLElement>("#signin-code-row");
  const codeInput = form.querySelector<HTMLInputElement>("#f-code");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    if (submit) submit.disabled = true;
    const facilityId = field(form, "facility_code");
    const code = codeRow && !codeRow.hidden && codeInput ? codeInput.value : null;
    void ctx.api
      .signIn(facilityId, field(form, "login_id"), field(form, "password"), code)
      .then((staff) => {
        localStorage.setItem(FACILITY_ID_KEY, facilityId);
        ctx.signedIn(staff);
      })
      .catch((e: unknown) => {
        message.show(errorText(e));
        // The password was right: the code from the authenticator app comes next.
        if (e instanceof ApiError && e.code === "auth.second_factor" && codeRow && codeInput) {
          codeRow.hidden = false;
          codeInput.value = "";
          codeInput.focus();
          return;
        }
        if (codeInput) codeInput.value = "";
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
  const demo = ctx.status.demo;
  fill(form, "facility_code", demo?.facility_id ?? localStorage.getItem(FACILITY_ID_KEY));
  fill(form, "login_id", demo?.staff_id);
  fill(form, "password", demo?.password);
  // The first empty field takes the cursor (the button, when all are filled).
  const empty = [...form.querySelectorAll("input")].find((input) => !input.value);
  (empty ?? submit)?.focus();
}
