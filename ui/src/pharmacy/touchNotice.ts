// A card touched while staff are on another screen than the patient list
// (P1): the visit is recorded there and then, and this line under the header
// says so — or says the card is unknown or replaced — with the way on.
import type { Context } from "../shared/context";
import type { Touch } from "../shared/api";
import { h } from "../shared/dom";
import { touchMessage } from "./reader";

/** What the line says for a touch, and its button (label, what it does). */
export function noticeFor(ctx: Context, touch: Touch): { text: string; action: [string, () => void] | null } {
  switch (touch.kind) {
    case "patient":
      return {
        text: `${touch.name} 様が受付されました（本日の患者リストに追加しました）。`,
        action: ["開く", () => { ctx.go({ screen: "patient", patientId: touch.patient_id }); }],
      };
    case "unknown":
      return {
        text: "未登録のカードです。",
        action: [
          "このカードで新規発行",
          () => { ctx.go({ screen: "issueCard", idm: touch.idm }); },
        ],
      };
    case "disabled":
      return { text: touchMessage(touch) ?? "", action: null };
  }
}

/** The line (hidden until a card is touched); stops listening when the screen is left. */
export function touchNotice(ctx: Context): HTMLElement {
  const text = h("span", { id: "touch-notice-text" });
  const button = h("button", { type: "button", id: "touch-notice-action", class: "small" });
  const close = h("button", { type: "button", id: "touch-notice-close", class: "small", "aria-label": "閉じる" }, "×");
  const el = h("div", { id: "touch-notice", class: "touch-notice", role: "status", hidden: true }, text, button, close);
  close.addEventListener("click", () => (el.hidden = true));
  let act: (() => void) | null = null;
  button.addEventListener("click", () => act?.());
  void ctx.api
    .onCounter((event) => {
      // A screen waiting for a card (新規発行, 再発行) handles the touch itself.
      if (event.kind !== "touch" || ctx.touchClaims.isClaimed(event.detected_at)) return;
      const notice = noticeFor(ctx, event.touch);
      text.textContent = notice.text;
      act = notice.action?.[1] ?? null;
      button.textContent = notice.action?.[0] ?? "";
      button.hidden = notice.action === null;
      el.hidden = false;
    })
    .then((unlisten) => { ctx.onLeave(unlisten); })
    .catch(() => undefined);
  return el;
}
