// 発行済み一覧 (C6, C7): prescriptions issued here, newest first, with what
// the service last said of them (未受付 / 調剤中 / 調剤済 / 取消) and 結果不明
// registrations. 状態を更新 asks the service; 取消 (while 未受付) asks for a
// reason and a confirmation; a 結果不明 one offers 状態を確認 (looks for the
// late answer) and never sends it again by itself.
import type { Context } from "../shared/context";
import type { IssuedPrescription } from "../shared/api";
import { errorText, h, messageArea, mount } from "../shared/dom";
import { header } from "../shared/header";
import { printSheet } from "./printSheet";
import { epsChanged } from "./toolState";

/** The periods offered, in days (0: all). */
const PERIODS: [number, string][] = [[1, "本日"], [7, "7日間"], [30, "30日間"], [0, "すべて"]];

/** The state shown, its badge class, and whether it may be cancelled. */
export function statusOf(p: IssuedPrescription): { label: string; tone: "ok" | "warn" | "error" | "muted"; cancellable: boolean } {
  if (p.request_state === "unknown") return { label: "結果不明", tone: "warn", cancellable: false };
  if (p.request_state === "sent" || p.request_state === "intended") return { label: "応答待ち", tone: "muted", cancellable: false };
  if (p.request_state === "not_sent") return { label: "送信できず", tone: "error", cancellable: false };
  if (!p.registered) return { label: "登録されず", tone: "error", cancellable: false };
  switch (p.stage) {
    case null:
    case "not_received":
      return { label: "未受付", tone: "ok", cancellable: true };
    case "dispensing":
      return { label: "調剤中", tone: "ok", cancellable: false };
    case "dispensed":
      return { label: "調剤済", tone: "ok", cancellable: false };
    case "collected":
      return { label: "回収済", tone: "ok", cancellable: false };
    case "cancelled":
      return { label: "取消", tone: "muted", cancellable: false };
    default:
      return { label: p.sentence ?? "不明", tone: "warn", cancellable: false };
  }
}

/** The start of the period (`days` days including today, local time) as RFC 3339; empty for all. */
export function sinceFor(days: number, now = new Date()): string {
  if (days <= 0) return "";
  const start = new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1));
  return start.toISOString();
}

function when(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getMonth() + 1}/${d.getDate()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function birth(yyyymmdd: string): string {
  return /^\d{8}$/.test(yyyymmdd) ? `${yyyymmdd.slice(0, 4)}/${yyyymmdd.slice(4, 6)}/${yyyymmdd.slice(6)}` : yyyymmdd;
}

export async function renderIssued(ctx: Context): Promise<void> {
  const message = messageArea("issued-message");
  const body = h("tbody", {});
  const query = h("input", { id: "issued-query", type: "search", placeholder: "氏名・カナ・引換番号・処方箋ID", autocomplete: "off" });
  const period = h("select", { id: "issued-period", "aria-label": "期間" }, ...PERIODS.map(([d, label]) => h("option", { value: String(d) }, label)));
  const search = h("form", { id: "issued-search", class: "search" }, query, period, h("button", { type: "submit" }, "検索"));
  const reconcile = h("button", { type: "button", id: "issued-reconcile", class: "small", hidden: true }, "結果不明の状態を確認");
  const prescribe = ctx.can("prescribe") ? h("button", { type: "button", id: "issued-new", class: "primary" }, "新しい処方") : null;
  prescribe?.addEventListener("click", () => { ctx.go({ screen: "prescribe" }); });

  const load = async () => {
    try {
      const rows = await ctx.api.issuedPrescriptions(sinceFor(Number(period.value)), query.value.trim());
      reconcile.hidden = !ctx.can("prescribe") || !rows.some((r) => r.request_state === "unknown");
      if (!rows.length) {
        mount(body, h("tr", {}, h("td", { colspan: "7", class: "empty" }, "この期間に発行した処方箋はありません")));
        return;
      }
      mount(body, ...rows.map(row));
    } catch (e) {
      message.show(errorText(e));
    }
  };

  /** Runs a request for one row and shows what the service said. */
  const act = (button: HTMLButtonElement, run: () => Promise<{ succeeded: boolean; service_messages: string[] }>, done: string) => {
    button.disabled = true;
    message.clear();
    void run()
      .finally(epsChanged)
      .then((r) => {
        if (r.succeeded) message.show(done, "success");
        else message.show(`電子処方箋管理サービスの応答:\n${r.service_messages.join("\n")}`);
        return load();
      })
      .catch((e: unknown) => {
        button.disabled = false;
        message.show(errorText(e));
      });
  };

  const row = (p: IssuedPrescription): HTMLElement => {
    const s = statusOf(p);
    const actions = h("td", { class: "row-actions" });
    const pid = p.prescription_id;
    if (ctx.can("prescribe") && p.registered && pid) {
      // A cancelled prescription is final: nothing to ask or print, only to write again.
      if (p.stage !== "cancelled") {
        const refresh = h("button", { type: "button", class: "small refresh-status" }, "状態を更新");
        refresh.addEventListener("click", () => { act(refresh, () => ctx.api.epsRefresh(pid), "状態を更新しました。"); });
        const print = h("button", { type: "button", class: "small print-sheet" }, "印刷");
        print.title = p.issue_type === "electronic" ? "処方箋控えを印刷" : "処方箋を印刷";
        print.addEventListener("click", () => { printSheet(ctx, pid, print, message); });
        actions.append(refresh, print);
      }
      const again = h("button", { type: "button", class: "small do-prescription", title: "この処方を写して新しい処方を書く" }, "Do処方");
      again.addEventListener("click", () => { ctx.go({ screen: "prescribe", from: pid }); });
      actions.append(again);
      if (s.cancellable) {
        const cancel = h("button", { type: "button", class: "small danger cancel-prescription" }, "取消");
        cancel.addEventListener("click", () => {
          cancel.hidden = true;
          const reason = h("input", { type: "text", class: "cancel-reason", placeholder: "取消の理由（例: 処方内容の誤り）", "aria-label": "取消の理由" });
          const confirm = h("button", { type: "button", class: "small danger confirm-cancel" }, "取り消す");
          const back = h("button", { type: "button", class: "small" }, "やめる");
          const box = h("div", { class: "cancel-box", role: "group", "aria-label": "取消の確認" },
            h("span", {}, `${p.patient_name} さんの処方箋（引換番号 ${p.access_code ?? ""}）を取り消します。`), reason, confirm, back);
          back.addEventListener("click", () => { box.remove(); cancel.hidden = false; });
          confirm.addEventListener("click", () => {
            if (!reason.value.trim()) {
              message.show("取消の理由を入力してください。");
              reason.focus();
              return;
            }
            act(confirm, () => ctx.api.epsCancel(pid, reason.value), "取り消しました。");
          });
          actions.append(box);
          reason.focus();
        });
        actions.append(cancel);
      }
    }
    if (s.label === "結果不明" && ctx.can("prescribe")) {
      const check = h("button", { type: "button", class: "small check-unknown" }, "状態を確認");
      check.addEventListener("click", () => { reconcile.click(); });
      actions.append(check);
    }
    return h(
      "tr",
      { class: "issued", "data-identifier": p.identifier, "data-status": s.label, "data-access-code": p.access_code ?? undefined, "data-prescription-id": pid ?? undefined },
      h("td", { class: "time" }, when(p.created_at)),
      h("td", { class: "name" }, h("span", { class: "kana" }, p.patient_kana), h("span", { class: "kanji" }, p.patient_name), h("span", { class: "birth" }, birth(p.birth_date))),
      h("td", { class: "drugs", title: p.summary }, p.summary),
      h("td", { class: "method" }, p.issue_type === "electronic" ? "電子" : "紙"),
      h("td", { class: "access-code" }, p.access_code ?? "—"),
      h("td", { class: "status" }, h("span", { class: `badge ${s.tone}`, title: p.sentence ?? p.outcome }, s.label), p.pharmacy ? h("span", { class: "pharmacy" }, p.pharmacy) : null),
      actions,
    );
  };

  reconcile.addEventListener("click", () => {
    reconcile.disabled = true;
    message.clear();
    void ctx.api
      .epsReconcile()
      .finally(epsChanged)
      .then(async (found) => {
        await load();
        if (found > 0) message.show(`遅れて届いた応答を ${found}件記録しました。`, "success");
        else message.show("まだ応答がありません。資格確認端末が動いているか確認してください。同じ処方箋をもう一度発行する前に、応答が届くか薬局で受け付けられていないかを確かめてください（自動で再送はしません）。", "warning");
      })
      .catch((e: unknown) => { message.show(errorText(e)); })
      .finally(() => { reconcile.disabled = false; });
  });
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    void load();
  });
  period.addEventListener("change", () => void load());

  mount(
    ctx.main,
    header(ctx),
    h(
      "section",
      { id: "issued-list", class: "clinic-page" },
      h("div", { class: "page-title" }, h("h2", {}, "発行済み一覧"), reconcile, prescribe),
      search,
      message.el,
      h(
        "div",
        { class: "list-area" },
        h(
          "table",
          { id: "issued-table", class: "clinic-table" },
          h("thead", {}, h("tr", {}, ...["発行", "患者", "薬", "方法", "引換番号", "状態", ""].map((c) => h("th", { scope: "col" }, c)))),
          body,
        ),
      ),
    ),
  );
  await load();
}
