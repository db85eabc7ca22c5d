// 患者リスト (P1): patients who presented their notebook, by day, newest first.
import type { Context } from "../app";
import type { PatientListDay } from "../api";
import { h, mount } from "../dom";
import { header } from "./header";

const COLUMNS = ["表示日時", "氏名 (カナ)", "性別", "生年月日 (年齢)", "お薬自動登録"];
const REFRESH_MS = 60_000;

let refreshTimer: ReturnType<typeof setInterval> | undefined;

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

export async function renderPatientList(ctx: Context): Promise<void> {
  const listArea = h("div", { class: "list-area" }, h("p", { class: "loading" }, "読み込み中…"));
  const reader = h(
    "div",
    { id: "reader-status", class: "reader" },
    h("span", { class: "reader-label" }, "カードリーダー"),
    h("span", { class: "reader-state off" }, "未接続"),
  );
  mount(ctx.main, header(ctx), h("section", { class: "patients" }, listArea), h("div", { class: "bottom-bar" }, reader));

  const load = async () => {
    try {
      const days = await ctx.api.patientList();
      mount(listArea, listTable(days));
    } catch (e) {
      mount(listArea, h("p", { class: "message", role: "alert" }, e instanceof Error ? e.message : String(e)));
    }
  };
  if (refreshTimer) clearInterval(refreshTimer);
  // Keeps 本日 right across midnight; later issues push new rows as events.
  refreshTimer = setInterval(() => {
    if (document.body.dataset.screen === "patientList") void load();
  }, REFRESH_MS);
  await load();
}
