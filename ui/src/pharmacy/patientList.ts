// 患者リスト (P1): patients who presented their notebook, by day, newest first.
import type { Context } from "../shared/context";
import type { PatientListDay, PatientSummary } from "../shared/api";
import { errorText, h, mount } from "../shared/dom";
import { feedStatusArea } from "./feedStatus";
import { header } from "../shared/header";
import { markDrawn } from "../shared/timing";
import { readerArea } from "./reader";

const COLUMNS = ["表示日時", "氏名 (カナ)", "性別", "生年月日 (年齢)", "お薬自動登録"];
const REFRESH_MS = 60_000;


/** The table body rows of one day. */
export function dayRows(day: PatientListDay): HTMLTableRowElement[] {
  const heading = h(
    "tr",
    { class: "day", "data-date": day.date },
    h("th", { colspan: String(COLUMNS.length), scope: "rowgroup" }, day.label),
  );
  if (day.patients.length === 0) {
    return [heading, h("tr", { class: "empty" }, h("td", { colspan: String(COLUMNS.length) }, "患者様はいません"))];
  }
  const rows = day.patients.map((p) =>
    h(
      "tr",
      { class: "patient", "data-patient-id": String(p.patient_id) },
      h("td", { class: "time" }, p.time),
      h("td", { class: "name" }, h("span", { class: "kana" }, p.kana), " ", h("span", { class: "kanji" }, p.name)),
      h("td", {}, p.sex),
      h("td", {}, p.birth),
      h(
        "td",
        {},
        h(
          "span",
          { class: p.auto_registration ? "badge set" : "badge unset" },
          p.auto_registration ? "設定済" : "未設定",
        ),
      ),
    ),
  );
  return [heading, ...rows];
}

/** The whole list table. */
export function listTable(days: PatientListDay[]): HTMLTableElement {
  return h(
    "table",
    { id: "patient-list", class: "patient-list" },
    h("thead", {}, h("tr", {}, ...COLUMNS.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...days.flatMap(dayRows)),
  );
}

/** Search results: one row per patient. */
export function searchTable(found: PatientSummary[]): HTMLElement {
  if (!found.length) return h("p", { id: "search-empty", class: "empty" }, "該当する患者様はいません");
  return h(
    "table",
    { id: "search-results", class: "patient-list" },
    h("thead", {}, h("tr", {}, ...["氏名 (カナ)", "性別", "生年月日 (年齢)", "お薬自動登録"].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      ...found.map((p) =>
        h(
          "tr",
          { class: "patient", "data-patient-id": String(p.id) },
          h("td", { class: "name" }, h("span", { class: "kana" }, p.kana), " ", h("span", { class: "kanji" }, p.name)),
          h("td", {}, p.sex),
          h("td", {}, p.birth),
          h("td", {}, h("span", { class: p.auto_registration ? "badge set" : "badge unset" }, p.auto_registration ? "設定済" : "未設定")),
        ),
      ),
    ),
  );
}

export async function renderPatientList(ctx: Context): Promise<void> {
  const listArea = h("div", { class: "list-area" }, h("p", { class: "loading" }, "読み込み中…"));
  // A click on any patient row opens the patient.
  listArea.addEventListener("click", (event) => {
    const row = (event.target as HTMLElement).closest<HTMLElement>("tr.patient");
    const id = row?.dataset.patientId;
    if (id) ctx.go({ screen: "patient", patientId: Number(id) });
  });
  const query = h("input", { id: "search-query", name: "query", type: "search", placeholder: "カナ・漢字・生年月日（例: 19800101）", autocomplete: "off" });
  const search = h("form", { id: "search-form", class: "search" }, query, h("button", { type: "submit", id: "search-submit" }, "検索"));
  const issueHere = h("button", { type: "button", id: "issue-for-card", class: "small", hidden: true }, "このカードで新規発行");
  // The unknown card last touched here: 新規発行 issues to it without a second touch.
  let unknownIdm: string | null = null;
  issueHere.addEventListener("click", () => { ctx.go(unknownIdm ? { screen: "issueCard", idm: unknownIdm } : { screen: "issueCard" }); },
  );
  const reader = readerArea(
    ctx,
    (patientId, detectedAt) => {
      // A touch shows today's list with the patient on top.
      unknownIdm = null;
      issueHere.hidden = true;
      query.value = "";
      void load().then(() => {
        markDrawn("visit-drawn", { detectedAt, patientId });
      });
    },
    (idm) => {
      unknownIdm = idm;
      issueHere.hidden = false;
    },
  );
  reader.append(issueHere);
  mount(
    ctx.main,
    // The list shows touches itself (the reader area, the row on top).
    header(ctx, { touchNotice: false }),
    feedStatusArea(ctx),
    h("section", { class: "patients" }, search, listArea),
  );
  // The reader switch sits in the footer, below the list, never over a row.
  const bar = h("div", { class: "bottom-bar" }, reader);
  const slot = document.getElementById("footer-start");
  if (slot) slot.replaceChildren(bar);
  else ctx.main.append(bar);
  ctx.onLeave(() => { bar.remove(); });

  search.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = query.value.trim();
    if (!text) {
      void load();
      return;
    }
    void ctx.api
      .searchPatients(text)
      .then((found) => { mount(listArea, searchTable(found)); })
      .catch((e: unknown) => { mount(listArea, h("p", { class: "message", role: "alert" }, errorText(e))); });
  });
  const load = async () => {
    if (query.value.trim()) return; // showing search results
    try {
      const asked = performance.now();
      const days = await ctx.api.patientList();
      mount(listArea, listTable(days));
      // Asked → rows in the document (the table is laid out on the next frame).
      requestAnimationFrame(() => {
        markDrawn("list-drawn", { ms: performance.now() - asked, rows: days.reduce((n, d) => n + d.patients.length, 0) });
      });
    } catch (e) {
      mount(listArea, h("p", { class: "message", role: "alert" }, errorText(e)));
    }
  };
  // Keeps 本日 right across midnight; stops when the list is left.
  const refreshTimer = setInterval(() => void load(), REFRESH_MS);
  ctx.onLeave(() => { clearInterval(refreshTimer); });
  await load();
}
