// 監査ログ (administrators): who did what, when, on which PC, to which
// patient — filtered by staff ID, patient, kind and date, newest first, 100
// at a time; the rows asked for can be written to a CSV file (itself logged).
import type { Context } from "./context";
import type { AuditQuery, AuditRow } from "./api";
import { errorText, h, messageArea, mount } from "./dom";
import { header } from "./header";

/** A stored UTC time as the local `YYYY-MM-DD HH:MM:SS`. */
export function localTime(at: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function row(r: AuditRow): HTMLElement {
  return h(
    "tr",
    { "data-id": String(r.id) },
    h("td", { class: "audit-at" }, localTime(r.at)),
    h("td", {}, r.event),
    h("td", {}, r.staff_name ? `${r.staff_name}（${r.login_id}）` : r.login_id),
    h("td", {}, r.pc_name),
    h("td", {}, r.patient_id === null ? "" : `${r.patient_name ?? ""}（${r.patient_id}）`),
    h("td", { class: "audit-detail" }, r.detail ?? ""),
  );
}

export async function renderAudit(ctx: Context): Promise<void> {
  const message = messageArea("audit-message");
  const login = h("input", { id: "audit-login", type: "text", placeholder: "スタッフID", autocomplete: "off" });
  const patient = h("input", { id: "audit-patient", type: "number", min: "1", placeholder: "患者番号" });
  const kind = h("select", { id: "audit-event" }, h("option", { value: "" }, "すべての種類"));
  const from = h("input", { id: "audit-from", type: "date" });
  const to = h("input", { id: "audit-to", type: "date" });
  const body = h("tbody", {});
  const more = h("button", { type: "button", id: "audit-more", class: "secondary", hidden: true }, "さらに表示");
  const exportButton = h("button", { type: "button", id: "audit-export" }, "CSVに書き出す");
  const form = h(
    "form",
    { id: "audit-filter", class: "inline-form audit-filter" },
    login, patient, kind,
    h("label", { for: "audit-from" }, "期間"), from, h("span", {}, "〜"), to,
    h("button", { type: "submit", id: "audit-search", class: "primary" }, "表示"),
    exportButton,
  );
  const query = (): AuditQuery => ({
    login_id: login.value.trim() || undefined,
    patient_id: patient.value ? Number(patient.value) : undefined,
    event: kind.value || undefined,
    from_date: from.value || undefined,
    to_date: to.value || undefined,
  });
  let last: number | undefined;
  const load = (append: boolean) => {
    message.clear();
    void ctx.api
      .auditLog(query(), append ? (last ?? null) : null)
      .then((rows) => {
        if (!append) body.replaceChildren();
        if (!append && rows.length === 0) body.append(h("tr", { class: "empty" }, h("td", { colspan: "6" }, "該当する記録はありません")));
        body.append(...rows.map(row));
        last = rows.at(-1)?.id ?? last;
        more.hidden = rows.length < 100;
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load(false);
  });
  more.addEventListener("click", () => { load(true); });
  exportButton.addEventListener("click", () => {
    message.clear();
    void ctx.api
      .exportAuditLog(query())
      .then(([path, count]) => { message.show(`${count}件を書き出しました: ${path}`, "success"); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  mount(
    ctx.main,
    header(ctx),
    h(
      "section",
      { class: "audit-page" },
      h("h2", {}, "監査ログ"),
      h("p", { class: "field-note" }, "誰が、いつ、どのPCで、どの患者様の情報を開いたり変えたりしたかの記録です。記録は追加だけで、変更・削除はできません（okusuri audit verify で確かめられます）。"),
      form,
      message.el,
      h(
        "div",
        { class: "table-scroll" },
        h(
          "table",
          { id: "audit-list" },
          h("thead", {}, h("tr", {}, h("th", {}, "日時"), h("th", {}, "種類"), h("th", {}, "スタッフ"), h("th", {}, "PC"), h("th", {}, "患者様"), h("th", {}, "詳細"))),
          body,
        ),
      ),
      more,
    ),
  );
  try {
    const kinds = await ctx.api.auditKinds();
    kind.append(...kinds.map((k) => h("option", { value: k.event }, k.label)));
  } catch (e) {
    message.show(errorText(e));
  }
  load(false);
}
