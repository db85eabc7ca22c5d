// The idle lock: after the minutes 設定 says without input the window locks
// (no patient data shown; commands refused) until the same staff member
// enters their password — or someone else signs in, which signs the first
// out. Input is reported to the app at most every 30 s so the session stays
// open while someone works.
import type { Context, Route } from "./context";
import { errorText, h, messageArea, mount } from "./dom";

/** How often input is reported at most. */
const ALIVE_EVERY_MS = 30_000;
/** What counts as input. */
const INPUT_EVENTS = ["keydown", "mousedown", "mousemove", "wheel", "touchstart"] as const;

/** The lock screen: who locked it, the password, another staff member. */
export function renderLock(ctx: Context, resume: Route): void {
  const message = messageArea("lock-error");
  const password = h("input", { id: "lock-password", type: "password", autocomplete: "current-password", required: true });
  const form = h(
    "form",
    { id: "lock-form", class: "card" },
    h("h1", {}, "画面をロックしました"),
    h("p", {}, `${ctx.status.staff?.display_name ?? ""} さんのパスワードを入力すると、元の画面に戻ります。`),
    h("div", { class: "row" }, h("label", { for: "lock-password" }, "パスワード"), password),
    message.el,
    h("button", { type: "submit", id: "lock-submit", class: "primary" }, "ロック解除"),
  );
  const other = h("button", { type: "button", id: "lock-other", class: "secondary" }, "別のスタッフでログイン");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    void ctx.api
      .unlockSession(password.value)
      .then(() => {
        ctx.status = { ...ctx.status, locked: false };
        ctx.go(resume);
      })
      .catch((e: unknown) => {
        password.value = "";
        message.show(errorText(e));
        password.focus();
      });
  });
  other.addEventListener("click", () => {
    void ctx.api.signOut().catch(() => undefined).finally(() => { ctx.go({ screen: "signIn" }); });
  });
  form.append(other);
  // Dialogs drawn over the screen (update, quit) stay out of sight too.
  for (const sheet of document.querySelectorAll(".sheet")) sheet.remove();
  mount(ctx.main, form);
  password.focus();
}

/**
 * Watches input while someone is signed in: reports it (throttled), and
 * after `minutes` without any, locks the window and calls `onLock`.
 * Returns a function that stops watching.
 */
export function watchIdle(ctx: Context, minutes: number, onLock: () => void): () => void {
  let lastAlive = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const lock = () => {
    stop();
    void ctx.api.lockSession("idle").catch(() => undefined).finally(onLock);
  };
  const input = () => {
    clearTimeout(timer);
    timer = setTimeout(lock, minutes * 60_000);
    const now = Date.now();
    if (now - lastAlive >= ALIVE_EVERY_MS) {
      lastAlive = now;
      void ctx.api.sessionAlive().catch(() => undefined);
    }
  };
  const stop = () => {
    clearTimeout(timer);
    for (const name of INPUT_EVENTS) document.removeEventListener(name, input, true);
  };
  for (const name of INPUT_EVENTS) document.addEventListener(name, input, { capture: true, passive: true });
  timer = setTimeout(lock, minutes * 60_000);
  return stop;
}
