import { describe, expect, it } from "vitest";
import type { DrugRow, IssuedPrescription } from "../shared/api";
import { sinceFor, statusOf } from "./issued";
import { toolStateView } from "./toolState";
import { orderedRows } from "./usageMap";
import { lineFor, toDraft } from "./prescribe";
import { printedText } from "./printSheet";

const issued: IssuedPrescription = {
  identifier: "OKD1",
  request_state: "answered",
  registered: true,
  outcome: "",
  created_at: "2026-12-04T01:00:00Z",
  prescription_id: "P1",
  access_code: "123456",
  issue_type: "electronic",
  patient_name: "鈴木　花子",
  patient_kana: "ｽｽﾞｷ ﾊﾅｺ",
  birth_date: "19550606",
  summary: "ハイペン錠１００ｍｇ",
  stage: null,
  sentence: null,
  pharmacy: null,
  stage_at: null,
};

describe("発行済み一覧's status", () => {
  it("offers 取消 only while 未受付", () => {
    expect(statusOf(issued)).toEqual({ label: "未受付", tone: "ok", cancellable: true });
    expect(statusOf({ ...issued, stage: "dispensing" }).cancellable).toBe(false);
    expect(statusOf({ ...issued, stage: "cancelled" }).label).toBe("取消");
  });

  it("names a request without an answer 結果不明, and a refusal 登録されず", () => {
    expect(statusOf({ ...issued, request_state: "unknown", registered: false }).label).toBe("結果不明");
    expect(statusOf({ ...issued, registered: false }).label).toBe("登録されず");
  });

  it("shows a sentence it does not know verbatim", () => {
    expect(statusOf({ ...issued, stage: "unknown", sentence: "新しい状態です。" }).label).toBe("新しい状態です。");
  });

  it("starts 本日 at local midnight and いつでも at nothing", () => {
    const now = new Date(2026, 11, 4, 15, 30);
    expect(sinceFor(1, now)).toBe(new Date(2026, 11, 4).toISOString());
    expect(sinceFor(7, now)).toBe(new Date(2026, 10, 28).toISOString());
    expect(sinceFor(0, now)).toBe("");
  });
});

describe("資格確認端末 in the header", () => {
  const status = { req_writable: true, res_readable: true, problems: [], waiting: 0, unknown: 0, last_answer_at: null };
  it("says 接続中 with what waits and what is unknown", () => {
    expect(toolStateView(status).text).toBe("資格確認端末 接続中");
    const v = toolStateView({ ...status, waiting: 1, unknown: 2 });
    expect(v).toMatchObject({ text: "資格確認端末 接続中・応答待ち 1件・結果不明 2件", state: "warn" });
  });
  it("is an error when a folder cannot be used, and asks for settings when none", () => {
    expect(toolStateView({ ...status, req_writable: false, problems: ["req フォルダー（x）に書き込めません"] }).state).toBe("error");
    expect(toolStateView("not_configured").text).toBe("資格確認端末 未設定");
  });
});

describe("用法の紐付け", () => {
  it("lists unmapped wordings first, once, then the mapped ones", () => {
    const rows = orderedRows([{ clinic_usage: "眠前", code: "C2", name: "就寝前" }, { clinic_usage: "毎食後", code: "C1", name: "1日3回" }], ["分2", "毎食後", "分2", " "]);
    expect(rows.map((r) => [r.wording, r.mapping?.code ?? null])).toEqual([["分2", null], ["毎食後", "C1"], ["眠前", "C2"]]);
  });
});

describe("処方's draft", () => {
  const row: DrugRow = {
    code: "610406387", name: "ハイペン錠１００ｍｇ", kana: "ﾊｲﾍﾟﾝ", unit: "錠", narcotic: "0", generic: "0", form: "1", changed: "20260401",
    abolished: "99999999", yakka_code: "1149032F1027", transition_until: "", generic_name_code: "1149032F1ZZZ", generic_name: "【般】エトドラク錠１００ｍｇ",
  };
  it("adds a drug by brand or by 一般名, with the master's unit", () => {
    expect(lineFor(row, false)).toMatchObject({ code_kind: "2", code: "610406387", name: "ハイペン錠１００ｍｇ", unit: "錠" });
    expect(lineFor(row, true)).toMatchObject({ code_kind: "7", code: "1149032F1ZZZ", name: "【般】エトドラク錠１００ｍｇ" });
  });
  it("sends codes and amounts only (names come from the master)", () => {
    const d = toDraft(
      { code: "", name: "鈴木", kana: "ｽｽﾞｷ", sex: "2", birth_date: "19550606" },
      { insurer_number: "06123456", symbol: "", number: "", branch: "", relation: "1" },
      [{ form: "1", usage: "毎食後", usage_code: "", quantity: "14", drugs: [{ ...lineFor(row, false), amount: "3" }] }],
    );
    expect(d.rps[0].drugs).toEqual([{ code_kind: "2", code: "610406387", amount: "3" }]);
  });
});

describe("印刷", () => {
  it("says whose 控え it is and why the service's was not used", () => {
    expect(printedText({ path: "/p.pdf", kind: "copy", from_service: true, service_note: null, open_error: null }).text).toBe(
      "処方箋控え（電子処方箋管理サービスの控え）を開きました。PDF の画面から印刷してください。",
    );
    const own = printedText({ path: "/p.pdf", kind: "copy", from_service: false, service_note: "応答なし", open_error: null });
    expect(own.kind).toBe("warning");
    expect(own.text).toContain("このアプリで作った控えです: 応答なし");
  });
});
