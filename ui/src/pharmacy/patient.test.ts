import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { api, type HistoryDispensing } from "../shared/api";
import { dispensingCard } from "./patient";

afterEach(() => { clearMocks(); });

const dispensing: HistoryDispensing = {
  id: 42,
  date: "2026-03-12",
  date_label: "2026年3月12日",
  place: "工業会薬局 本店",
  this_facility: true,
  prescriber: "工業会病院",
  pharmacist: "工業会 次郎",
  notes: [{ record: 501, label: "備考", text: "初回" }],
  copy_text: "all drugs",
  warnings: [],
  rps: [
    {
      rp_no: 1,
      doctor: "工業会 太郎（内科）",
      usage_name: "毎食後服用",
      form: 1,
      notes: [{ record: 391, label: "処方服薬注意", text: "眠気に注意" }],
      drugs: [
        { id: 1, name: "ノルバスク錠", usage_line: "1日1錠 3日分", taking: true, remaining: "1錠", notes: [{ record: 281, label: "補足", text: "朝1錠" }], copy_text: "drug 1" },
        { id: 2, name: "リンデロン軟膏", usage_line: "10g", taking: false, remaining: null, notes: [], copy_text: "drug 2" },
      ],
    },
  ],
};

describe("dispensing card", () => {
  it("shows the mark, the estimate or nothing, and details on demand", () => {
    const card = dispensingCard(dispensing, () => undefined);
    const drugs = card.querySelectorAll(".drug");
    expect(drugs[0].querySelector(".badge.taking")?.textContent).toBe("服薬期間中");
    expect(drugs[0].querySelector(".drug-remaining .value")?.textContent).toBe("1錠");
    expect(drugs[1].querySelector(".badge")).toBeNull();
    expect(drugs[1].querySelector(".drug-remaining .value")?.textContent).toBe("");
    const details = drugs[0].querySelector<HTMLElement>(".drug-notes")!;
    expect(details.hidden).toBe(true);
    drugs[0].querySelector<HTMLButtonElement>(".toggle-details")!.click();
    expect(details.hidden).toBe(false);
    expect(details.textContent).toBe("補足朝1錠処方服薬注意眠気に注意");
    // The RP's notes are on demand too, under each of its drugs.
    expect(drugs[1].querySelector(".drug-notes")?.textContent).toBe("処方服薬注意眠気に注意");
    expect(card.querySelector(".rp-notes")).toBeNull();
    expect(card.querySelector(".dispensing-notes")?.textContent).toBe("備考初回");
  });

  it("names the RP's 用法 once and its one doctor in the heading", () => {
    const card = dispensingCard(dispensing, () => undefined);
    expect(card.querySelectorAll(".rp-usage-name")).toHaveLength(1);
    expect(card.querySelector(".rp-usage-name")?.textContent).toBe("毎食後服用");
    expect(card.querySelector("header .dispensing-doctor")?.textContent).toBe("医師: 工業会 太郎（内科）");
    expect(card.querySelector(".rp-doctor")).toBeNull();
    // Two doctors: each RP names its own.
    const second = { ...dispensing.rps[0], rp_no: 2, doctor: "佐藤 三郎（皮膚科）", usage_name: "患部に塗布" };
    const two = dispensingCard({ ...dispensing, rps: [dispensing.rps[0], second] }, () => undefined);
    expect(two.querySelector("header .dispensing-doctor")).toBeNull();
    expect([...two.querySelectorAll(".rp-doctor")].map((e) => e.textContent)).toEqual([
      "医師: 工業会 太郎（内科）",
      "医師: 佐藤 三郎（皮膚科）",
    ]);
  });

  it("marks data the import gate warned about with ⚠ and its messages", () => {
    expect(dispensingCard(dispensing, () => undefined).querySelector(".import-warning")).toBeNull();
    const warned = { ...dispensing, warnings: ["7行目 レコード5: 調剤に調剤－医療機関等（11）がありません。", "9行目 レコード201: x"] };
    const card = dispensingCard(warned, () => undefined);
    const mark = card.querySelector<HTMLButtonElement>("header .import-warning")!;
    expect(mark.textContent).toBe("⚠");
    expect(mark.title).toBe(warned.warnings.join("\n"));
    const list = card.querySelector<HTMLElement>(".import-warnings")!;
    expect(list.hidden).toBe(true);
    mark.click();
    expect(list.hidden).toBe(false);
    expect([...list.querySelectorAll("li")].map((li) => li.textContent)).toEqual(warned.warnings);
  });

  it("copies the whole dispensing or one drug", () => {
    const copied: string[] = [];
    const card = dispensingCard(dispensing, (text) => copied.push(text));
    card.querySelector<HTMLButtonElement>(".copy-dispensing")!.click();
    card.querySelectorAll<HTMLButtonElement>(".copy-drug")[1].click();
    expect(copied).toEqual(["all drugs", "drug 2"]);
  });

  it("sends the history arguments under the names the commands take", async () => {
    const seen: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      return cmd === "patient_history" ? { dispensings: [], next: null } : "";
    });
    await api.patientHistory(7, "other", { date: "2026-01-01", id: 3 });
    await api.withdrawPatientNote(7, "allergy", 5, "誤入力");
    expect(seen).toEqual([
      { cmd: "patient_history", args: { patientId: 7, filter: "other", after: { date: "2026-01-01", id: 3 } } },
      { cmd: "withdraw_patient_note", args: { patientId: 7, kind: "allergy", id: 5, reason: "誤入力" } },
    ]);
  });
});
