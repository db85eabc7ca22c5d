import { describe, expect, it } from "vitest";
import { notebookView } from "./otherNotebook";

describe("他社手帳", () => {
  it("draws the notebook read-only, marked, with its problems", () => {
    const view = notebookView({
      name: "山田 太郎",
      kana: "ヤマダ タロウ",
      birth_date: "1980-01-01",
      otc: ["イブA錠"],
      issues: ["3行目: 医薬品コードがありません"],
      refused: null,
      dispensings: [
        {
          id: -3,
          date: "2026-03-12",
          date_label: "2026年3月12日",
          place: "よその薬局",
          this_facility: false,
          prescriber: null,
          pharmacist: null,
          notes: [],
          copy_text: "x",
          warnings: [],
          rps: [{ rp_no: 1, doctor: null, usage_name: null, form: 1, notes: [], drugs: [{ id: -1, name: "ノルバスク錠", usage_line: "1日1錠 3日分", taking: true, remaining: "1錠", notes: [], copy_text: "y" }] }],
        },
      ],
    });
    expect(view.querySelector("#notebook-patient")?.textContent).toBe("山田 太郎 （ヤマダ タロウ） 1980-01-01");
    expect(view.querySelector(".dispensing .badge.other-notebook")?.textContent).toBe("他社手帳");
    expect(view.querySelector("button.copy-dispensing, button.copy-drug")).toBeNull();
    expect(view.querySelector("#notebook-issues")?.textContent).toBe("3行目: 医薬品コードがありません");
    expect(view.querySelector("#notebook-otc")?.textContent).toBe("市販薬: イブA錠");
    expect(view.querySelector("#notebook-refused")).toBeNull();
  });

  it("says why data the import gate refuses cannot be taken in", () => {
    const view = notebookView({
      name: "山田 太郎", kana: null, birth_date: null, otc: [], issues: [], dispensings: [],
      refused: "取り込みませんでした: 2行目 レコード1 項目2: 患者情報（1）の「性別」が空です。",
    });
    expect(view.querySelector("#notebook-refused")?.textContent).toBe(
      "このデータは取り込めません（表示のみ）。取り込みませんでした: 2行目 レコード1 項目2: 患者情報（1）の「性別」が空です。",
    );
  });
});
