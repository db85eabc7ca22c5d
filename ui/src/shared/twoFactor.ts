// 2段階認証: the signed-in staff member turns two-factor sign-in on (a QR
// code for an authenticator app, shown once, confirmed by a first code; then
// ten recovery codes, shown once) or off (with their password).
import type { Context } from "./context";
import { errorText, h, messageArea, mount } from "./dom";
import { header } from "./header";

export function renderTwoFactor(ctx: Context): void {
  const message = messageArea("two-factor-message");
  const body = h("div", {});
  const card = h("section", { id: "two-factor", class: "card" }, h("h2", {}, "2段階認証"), body, message.el);
  mount(ctx.main, header(ctx), card);
  const on = ctx.status.two_factor;

  if (on) {
    const password = h("input", { id: "two-factor-password", type: "password", autocomplete: "current-password" });
    const stop = h("button", { type: "button", id: "two-factor-stop", class: "secondary" }, "2段階認証をやめる");
    stop.addEventListener("click", () => {
      message.clear();
      void ctx.api
        .stopTwoFactor(password.value)
        .then(() => { message.show("2段階認証をやめました。次回からパスワードだけでログインします（パスワードは13文字以上が必要です）。", "success"); })
        .catch((e: unknown) => { message.show(errorText(e)); });
    });
    mount(
      body,
      h("p", {}, "このスタッフIDは、パスワードと認証アプリのコードでログインしています。"),
      h("div", { class: "inline-form" }, h("label", { for: "two-factor-password" }, "パスワード"), password, stop),
    );
    return;
  }

  const start = h("button", { type: "button", id: "two-factor-start", class: "primary" }, "2段階認証を設定する");
  mount(
    body,
    h("p", {}, "ログインのとき、パスワードに加えてスマートフォンの認証アプリ（Google Authenticator、Microsoft Authenticator など）に表示される6桁のコードを入力します。設定すると、パスワードは8文字以上でよくなります。"),
    start,
  );
  start.addEventListener("click", () => {
    message.clear();
    void ctx.api
      .startTwoFactor()
      .then((offer) => {
        const code = h("input", { id: "two-factor-code", type: "text", inputmode: "numeric", autocomplete: "one-time-code", placeholder: "6桁の数字" });
        const confirm = h("button", { type: "button", id: "two-factor-confirm", class: "primary" }, "確認して設定");
        confirm.addEventListener("click", () => {
          message.clear();
          void ctx.api
            .confirmTwoFactor(code.value)
            .then((codes) => {
              mount(
                body,
                h("p", { class: "notice", role: "status" }, "2段階認証を設定しました。次のログインから、認証アプリのコードも入力します。"),
                h("p", {}, "スマートフォンをなくしたときの回復コードです。1つにつき1回使えます。印刷するか書き写して、安全な場所に保管してください（この画面を閉じると二度と表示されません）。"),
                h("ol", { id: "two-factor-recovery", class: "recovery-codes" }, ...codes.map((c) => h("li", {}, h("code", {}, c)))),
              );
              ctx.status = { ...ctx.status, two_factor: true };
            })
            .catch((e: unknown) => { message.show(errorText(e)); });
        });
        mount(
          body,
          h("p", {}, "1. 認証アプリでこのQRコードを読み取ってください（読み取れないときは、下のキーを手で入力します）。"),
          h("img", { id: "two-factor-qr", src: offer.qr, alt: "2段階認証の設定用QRコード", width: "220", height: "220" }),
          h("p", {}, "キー: ", h("code", { id: "two-factor-secret" }, offer.secret.replace(/(.{4})/g, "$1 ").trim())),
          h("p", {}, "2. アプリに表示された6桁のコードを入力してください。"),
          h("div", { class: "inline-form" }, code, confirm),
        );
        code.focus();
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
}
