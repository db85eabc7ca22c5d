// 取込 (admins): JAHIS files chosen here are imported into the store.
import type { Context } from "../shared/context";
import { errorText, filePicker, h, messageArea, mount } from "../shared/dom";
import { header } from "../shared/header";

export function renderImport(ctx: Context): void {
  const message = messageArea("import-error");
  const results = h("ul", { id: "import-results" });
  const input = h("input", { type: "file", id: "import-files", name: "files", multiple: true, accept: ".txt,.dat,.csv,text/plain" });
  const form = h(
    "form",
    { id: "import-form", class: "card" },
    h("h2", {}, "お薬手帳データの取込"),
    h("p", {}, "JAHIS形式のファイル（CP932またはUTF-8）を選んでください。同じ調剤は二重に登録されません。"),
    filePicker(input, "ファイルを選ぶ（複数可）"),
    message.el,
    h("button", { type: "submit", id: "import-submit" }, "取り込む"),
    results,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    results.replaceChildren();
    const files = [...(input.files ?? [])];
    if (!files.length) {
      message.show("ファイルを選んでください。");
      return;
    }
    void (async () => {
      for (const file of files) {
        try {
          const limit = ctx.status.import_max_bytes;
          if (file.size > limit) {
            const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
            throw new Error(`${file.name}: 取り込みませんでした: ファイルが大きすぎます（${mb(file.size)}、上限${mb(limit)}）。`);
          }
          const bytes = Array.from(new Uint8Array(await file.arrayBuffer()));
          const s = await ctx.api.importJahis(file.name, bytes);
          const line = `${file.name}: 調剤 ${s.dispensings_added}件を追加（${s.dispensings_skipped}件は登録済み）、薬品 ${s.drugs_added}行`;
          const open = h("button", { type: "button", class: "small open-imported", "data-patient-id": String(s.patient_id) }, "患者を開く");
          open.addEventListener("click", () => { ctx.go({ screen: "patient", patientId: s.patient_id }); });
          results.append(h("li", { class: "import-ok" }, line, " ", open));
        } catch (e) {
          results.append(h("li", { class: "import-error message" }, errorText(e)));
        }
      }
    })();
  });
  mount(ctx.main, header(ctx), form);
}
