// 他社手帳閲覧 (P9): another pharmacy's notebook, typed in by a 2D scanner
// (several QR codes one after another), pasted, or chosen as a file; shown
// read-only like お薬履歴 and marked 他社手帳, with any problems in the data.
// "取り込む" stores it on the patient chosen, after confirmation.
import type { Context } from "../shared/context";
import type { NotebookPreview, PatientSummary } from "../shared/api";
import { errorText, filePicker, h, messageArea, mount } from "../shared/dom";
import { header } from "../shared/header";
import { dispensingCard } from "./patient";

/** The read-only view of a notebook. */
export function notebookView(preview: NotebookPreview): HTMLElement {
  const who = [preview.name, preview.kana ? `（${preview.kana}）` : null, preview.birth_date].filter(Boolean).join(" ");
  const cards = preview.dispensings.map((d) => {
    const card = dispensingCard(d, () => undefined);
    card.querySelectorAll("button.copy-dispensing, button.copy-drug").forEach((b) => { b.remove(); });
    card.querySelector("header")?.append(h("span", { class: "badge other-notebook" }, "他社手帳"));
    return card;
  });
  return h(
    "section",
    { id: "notebook-view" },
    h("h3", { id: "notebook-patient" }, who || "患者情報なし"),
    preview.refused ? h("p", { id: "notebook-refused", class: "message" }, `このデータは取り込めません（表示のみ）。${preview.refused}`) : "",
    preview.issues.length
      ? h("ul", { id: "notebook-issues", class: "message" }, ...preview.issues.map((i) => h("li", {}, i)))
      : "",
    ...(cards.length ? cards : [h("p", { class: "empty" }, "調剤の記録はありません")]),
    preview.otc.length ? h("p", { id: "notebook-otc" }, `市販薬: ${preview.otc.join("、")}`) : "",
  );
}

export function renderOtherNotebook(ctx: Context): void {
  const message = messageArea("notebook-message");
  const text = h("textarea", { id: "notebook-text", rows: "6", placeholder: "ここでQRコードを読み取ってください（複数枚は続けて）。貼り付けもできます。" });
  const file = h("input", { type: "file", id: "notebook-file", accept: ".txt,.dat,text/plain" });
  const show = h("button", { type: "button", id: "notebook-show" }, "表示");
  const view = h("div", { id: "notebook-area" });
  let bytes: number[] | null = null;
  const read = async (): Promise<number[]> => {
    const chosen = file.files?.[0];
    if (chosen && chosen.size > ctx.status.import_max_bytes) {
      throw new Error(`ファイルが大きすぎます（上限${(ctx.status.import_max_bytes / 1048576).toFixed(1)} MB）。`);
    }
    if (chosen) return Array.from(new Uint8Array(await chosen.arrayBuffer()));
    return Array.from(new TextEncoder().encode(text.value));
  };
  show.addEventListener("click", () => {
    message.clear();
    void read()
      .then(async (data) => {
        if (!data.length) throw new Error("QRコードを読み取るか、ファイルを選んでください。");
        const preview = await ctx.api.previewOtherNotebook(data);
        bytes = data;
        const may = ctx.can("take_in_notebook");
        mount(
          view,
          notebookView(preview),
          preview.refused ? "" : may ? takeIn(preview) : h("p", { id: "notebook-take-in-refused", class: "field-note" }, "取り込みは薬剤師・医師・管理者が行います（設定 → スタッフ で事務にも許可できます）。"),
        );
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });

  function takeIn(preview: NotebookPreview): HTMLElement {
    const query = h("input", { type: "search", id: "notebook-search", placeholder: "取り込む患者をカナ・漢字・生年月日で検索", autocomplete: "off" });
    query.value = preview.kana ?? preview.name ?? "";
    const results = h("ul", { id: "notebook-candidates", class: "candidates" });
    const form = h("form", { class: "search", id: "notebook-search-form" }, query, h("button", { type: "submit" }, "検索"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void ctx.api
        .searchPatients(query.value)
        .then((found) => { mount(results, ...(found.length ? found.map(row) : [h("li", { class: "empty" }, "該当する患者様はいません")])); })
        .catch((e: unknown) => { message.show(errorText(e)); });
    });
    const row = (p: PatientSummary) => {
      const pick = h("button", { type: "button", class: "small take-in", "data-patient-id": String(p.id) }, "この患者に取り込む");
      pick.addEventListener("click", () => {
        const ok = h("button", { type: "button", id: "notebook-confirm" }, "取り込む");
        ok.addEventListener("click", () => {
          if (!bytes) return;
          void ctx.api
            .importOtherNotebook(p.id, bytes)
            .then((s) => { message.show(`${p.name} 様に取り込みました（調剤 ${s.dispensings_added}件追加、${s.dispensings_skipped}件は登録済み）`); })
            .catch((e: unknown) => { message.show(errorText(e)); });
        });
        pick.replaceWith(h("span", { class: "merge-warning" }, `${p.name}（${p.birth}）様のお薬履歴に追加します。 `), ok);
      });
      return h("li", {}, `${p.name}（${p.kana}） ${p.sex} ${p.birth} `, pick);
    };
    return h("section", { id: "notebook-take-in", class: "card" }, h("h3", {}, "取り込む"), form, results);
  }

  mount(
    ctx.main,
    header(ctx),
    h(
      "section",
      { class: "patients" },
      h("h2", {}, "他社手帳の閲覧"),
      text,
      h("div", { class: "inline-form" }, filePicker(file, "ファイルから読む"), show),
      message.el,
      view,
    ),
  );
  text.focus();
}
