// The patient screen's 統合 tab: records merged into this patient (with
// 元に戻す), and merging another record of the same person into this one.
import type { Context } from "../shared/context";
import type { MergeRecord, PatientSummary } from "../shared/api";
import { errorText, h, mount, type MessageKind } from "../shared/dom";

/** Whether this session may merge (the permission table is the app's; checked again there). */
export function canMerge(ctx: Context): boolean {
  return ctx.can("merge_patients");
}

function mergeRow(ctx: Context, m: MergeRecord, redraw: () => void, show: (text: string, kind?: MessageKind) => void): HTMLElement {
  const undone = m.undone_at !== null;
  const li = h(
    "li",
    { class: undone ? "merge undone" : "merge", "data-merge-id": String(m.id) },
    h("span", { class: "merge-name" }, `${m.merged_name}（${m.merged_kana || "カナなし"}）`),
    h("span", { class: "merge-meta" }, `${m.merged_at.slice(0, 16).replace("T", " ")}・${m.staff ?? ""}・${m.moved}件移動`),
    h("span", { class: "merge-reason" }, `理由: ${m.reason}`),
    undone ? h("span", { class: "merge-undone" }, "取消済み") : null,
  );
  if (!undone) {
    const undo = h("button", { type: "button", class: "small undo-merge" }, "元に戻す");
    undo.addEventListener("click", () => {
      const reason = h("input", { type: "text", class: "undo-reason", placeholder: "元に戻す理由" });
      const ok = h("button", { type: "button", class: "small undo-confirm" }, "元に戻す");
      ok.addEventListener("click", () => {
        void ctx.api
          .undoMerge(m.id, reason.value)
          .then(() => {
            show("統合を元に戻しました", "success");
            redraw();
          })
          .catch((e: unknown) => { show(errorText(e)); });
      });
      undo.replaceWith(reason, ok);
      reason.focus();
    });
    li.append(undo);
  }
  return li;
}

/** Draws the 統合 tab into `body`. */
export async function mergeTab(
  ctx: Context,
  patient: PatientSummary,
  body: HTMLElement,
  show: (text: string, kind?: MessageKind) => void,
): Promise<void> {
  const redraw = () => void mergeTab(ctx, patient, body, show);
  let merges: MergeRecord[];
  try {
    merges = await ctx.api.patientMerges(patient.id);
  } catch (e) {
    show(errorText(e));
    return;
  }
  const query = h("input", { type: "search", id: "merge-search", placeholder: "統合する記録をカナ・漢字・生年月日で検索", autocomplete: "off" });
  const results = h("ul", { id: "merge-candidates", class: "candidates" });
  const confirm = h("div", { id: "merge-confirm" });
  const search = h("form", { class: "search", id: "merge-search-form" }, query, h("button", { type: "submit" }, "検索"));
  search.addEventListener("submit", (event) => {
    event.preventDefault();
    confirm.replaceChildren();
    void ctx.api
      .searchPatients(query.value)
      .then((found) => {
        const others = found.filter((p) => p.id !== patient.id);
        if (!others.length) {
          mount(results, h("li", { class: "empty" }, "該当する別の記録はありません"));
          return;
        }
        mount(
          results,
          ...others.map((p) => {
            const pick = h("button", { type: "button", class: "small pick-merge", "data-patient-id": String(p.id) }, "選択");
            pick.addEventListener("click", () => { confirmMerge(p); });
            return h("li", {}, `${p.name}（${p.kana}） ${p.sex} ${p.birth} `, pick);
          }),
        );
      })
      .catch((e: unknown) => { show(errorText(e)); });
  });

  function confirmMerge(other: PatientSummary): void {
    const reason = h("input", { type: "text", id: "merge-reason", placeholder: "統合の理由（例: 同一人物、カード再発行）" });
    const ok = h("button", { type: "button", id: "merge-submit" }, "統合する");
    ok.addEventListener("click", () => {
      void ctx.api
        .mergePatients(patient.id, other.id, reason.value)
        .then(() => {
          show(`${other.name} の記録をこの患者に統合しました`, "success");
          redraw();
        })
        .catch((e: unknown) => { show(errorText(e)); });
    });
    mount(
      confirm,
      h(
        "p",
        { class: "merge-warning" },
        `「${other.name}（${other.birth}）」の記録（お薬履歴・からだの情報・メモ・来局・レセコンID）を、「${patient.name}（${patient.birth}）」に移します。後から元に戻せます。`,
      ),
      h("div", { class: "inline-form" }, reason, ok),
    );
    reason.focus();
  }

  mount(
    body,
    h("h3", {}, "この患者に統合された記録"),
    merges.length
      ? h("ul", { id: "merge-list", class: "notes" }, ...merges.map((m) => mergeRow(ctx, m, redraw, show)))
      : h("p", { class: "empty" }, "統合された記録はありません"),
    h("h3", {}, "同じ人の別の記録を統合"),
    search,
    results,
    confirm,
  );
}
