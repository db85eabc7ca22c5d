// 資格確認端末 in the header (C2): whether the OQS terminal's folders can be
// used, requests waiting for an answer, 結果不明 ones (a click opens
// 発行済み一覧, where 状態を確認 is), and when the last answer came.
import type { Context } from "../shared/context";
import type { EpsStatus } from "../shared/api";
import { ApiError } from "../shared/api";
import { h } from "../shared/dom";

/** How often the chip asks again while a screen shows it. */
const REFRESH_MS = 60_000;

/** The chip's text, its state (ok / warn / error) and its tooltip. */
export function toolStateView(status: EpsStatus | "not_configured"): { text: string; state: "ok" | "warn" | "error"; title: string } {
  if (status === "not_configured") {
    return { text: "資格確認端末 未設定", state: "warn", title: "設定 → 電子処方箋 で資格確認端末の req・res フォルダーを設定してください。" };
  }
  const last = status.last_answer_at ? `最後の応答 ${new Date(status.last_answer_at).toLocaleString("ja-JP")}` : "応答はまだありません";
  if (status.problems.length) {
    return { text: "資格確認端末 接続できません", state: "error", title: `${status.problems.join("\n")}\n${last}` };
  }
  const parts = ["資格確認端末 接続中"];
  if (status.waiting > 0) parts.push(`応答待ち ${status.waiting}件`);
  if (status.unknown > 0) parts.push(`結果不明 ${status.unknown}件`);
  return { text: parts.join("・"), state: status.unknown > 0 ? "warn" : "ok", title: last };
}

/** The event that asks the chip to look again (settings saved, a request sent). */
export const EPS_CHANGED = "okusuri:eps-changed";

/** Says the link's state may have changed: the chip asks again at once. */
export function epsChanged(): void {
  document.dispatchEvent(new Event(EPS_CHANGED));
}

/** The chip; it refreshes itself until the screen is left. */
export function toolStateChip(ctx: Context): HTMLElement {
  const chip = h("button", { type: "button", id: "oqs-state", class: "tool-state" }, "資格確認端末 …");
  chip.addEventListener("click", () => { ctx.go({ screen: "issued" }); });
  const refresh = () => {
    void ctx.api
      .epsStatus()
      .then((s) => s as EpsStatus | "not_configured")
      .catch((e: unknown) => (e instanceof ApiError && e.code === "eps.not_configured" ? "not_configured" : null))
      .then((s) => {
        if (!s) return;
        const v = toolStateView(s);
        chip.textContent = v.text;
        chip.dataset.state = v.state;
        chip.title = v.title;
      });
  };
  refresh();
  const timer = setInterval(refresh, REFRESH_MS);
  document.addEventListener(EPS_CHANGED, refresh);
  ctx.onLeave(() => {
    clearInterval(timer);
    document.removeEventListener(EPS_CHANGED, refresh);
  });
  return chip;
}
