// A card touched while staff are on another screen than the patient list
// (P1): the visit is recorded there and then, and a notice under the header
// says so — or says the card is unknown or replaced — with the way on. The
// notices sit in the page's flow (they never cover a control) and stack,
// newest first, when several patients touch.
import type { Context } from "../shared/context";
import type { Touch } from "../shared/api";
import { h } from "../shared/dom";
import { touchMessage } from "./reader";

/** Most notices shown at once; older ones give way. */
export const MAX_NOTICES = 3;

/** What the notice says for a touch, its kind, and its button (label, what it does). */
export function noticeFor(
  ctx: Context,
  touch: Touch,
): { text: string; kind: Touch["kind"]; action: [string, () => void] | null } {
  switch (touch.kind) {
    case "patient":
      return {
        kind: touch.kind,
        text: `${touch.name} 様が受付されました（本日の患者リストに追加しました）。`,
        action: ["開く", () => { ctx.go({ screen: "patient", patientId: touch.patient_id }); }],
      };
    case "unknown":
      return {
        kind: touch.kind,
        text: "未登録のカードです。",
        action: ["このカードで新規発行", () => { ctx.go({ screen: "issueCard", idm: touch.idm }); }],
      };
    case "disabled":
      return { kind: touch.kind, text: touchMessage(touch) ?? "", action: null };
  }
}

/** The notices (hidden while there are none); stops listening when the screen is left. */
export function touchNotice(ctx: Context): HTMLElement {
  const el = h("div", { id: "touch-notice", class: "touch-notices", role: "status", "aria-live": "polite", hidden: true });
  const add = (touch: Touch) => {
    const notice = noticeFor(ctx, touch);
    // The newest notice carries the ids (one of each on the page).
    for (const old of el.querySelectorAll("[id]")) old.removeAttribute("id");
    const button = h("button", { type: "button", id: "touch-notice-action" }, notice.action?.[0] ?? "");
    button.hidden = notice.action === null;
    button.addEventListener("click", () => notice.action?.[1]());
    const close = h("button", { type: "button", class: "close", "aria-label": "閉じる" }, "×");
    const item = h(
      "div",
      { class: `touch-item ${notice.kind}` },
      h("span", { id: "touch-notice-text", class: "text" }, notice.text),
      button,
      close,
    );
    close.addEventListener("click", () => {
      item.remove();
      el.hidden = el.childElementCount === 0;
    });
    el.prepend(item);
    while (el.childElementCount > MAX_NOTICES) el.lastElementChild?.remove();
    el.hidden = false;
  };
  void ctx.api
    .onCounter((event) => {
      // A screen waiting for a card (新規発行, 再発行) handles the touch itself.
      if (event.kind !== "touch" || ctx.touchClaims.isClaimed(event.detected_at)) return;
      add(event.touch);
    })
    .then((unlisten) => { ctx.onLeave(unlisten); })
    .catch(() => undefined);
  return el;
}
