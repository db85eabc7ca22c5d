import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { HistoryDispensing, PatientSummary } from "../shared/api";
import type { Context } from "../shared/context";
import { testContext } from "../shared/testContext";
import { patientQrPanel, printedMessage } from "./patientQr";

afterEach(() => { clearMocks(); });

const patient: PatientSummary = {
  id: 1,
  name: "鈴木 太郎",
  kana: "スズキ タロウ",
  sex: "男性",
  birth_date: "1958-03-03",
  birth: "1958年03月03日 (68歳)",
  auto_registration: false,
  merged_into: null,
};

function dispensing(id: number, date: string): HistoryDispensing {
  return {
    id,
    date,
    date_label: date,
    place: "さくら薬局",
    this_facility: true,
    prescriber: null,
    pharmacist: null,
    notes: [],
    copy_text: "",
    warnings: [],
    rps: [{ rp_no: 1, doctor: null, usage_name: null, form: 1, notes: [], drugs: [{ id: id * 10, name: `薬${id}`, usage_line: "", taking: false, remaining: null, notes: [], copy_text: "" }] }],
  };
}

function context(): Context {
  return testContext().ctx;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("患者用QRコード", () => {
  it("offers the dispensings with the latest chosen, pages on, and prints the chosen ones", async () => {
    const calls: { cmd: string; args: Record<string, unknown> }[] = [];
    mockIPC((cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args: a });
      if (cmd === "patient_history" && a.after === null) {
        return { dispensings: [dispensing(7, "2026-12-01"), dispensing(5, "2026-11-01")], next: { date: "2026-11-01", id: 5 } };
      }
      if (cmd === "patient_history") return { dispensings: [dispensing(2, "2026-10-01")], next: null };
      if (cmd === "print_patient_qr") {
        return { path: "/data/print/qr-1.pdf", symbols: 2, warnings: ["用量がありません"], open_error: null };
      }
      throw new Error(`unexpected ${cmd}`);
    });
    const body = document.createElement("section");
    const shown: string[] = [];
    await patientQrPanel(context(), patient, body, (t) => shown.push(t));
    const boxes = () => [...body.querySelectorAll<HTMLInputElement>("input.qr-choice")];
    expect(boxes().map((b) => [b.value, b.checked])).toEqual([["7", true], ["5", false]]);

    body.querySelector<HTMLButtonElement>("#qr-more")?.click();
    await flush();
    expect(boxes().map((b) => b.value)).toEqual(["7", "5", "2"]);
    expect(body.querySelector<HTMLButtonElement>("#qr-more")?.hidden).toBe(true);

    boxes()[2].checked = true;
    body.querySelector<HTMLButtonElement>("#print-qr-go")?.click();
    await flush();
    const print = calls.find((c) => c.cmd === "print_patient_qr");
    expect(print?.args).toMatchObject({ patientId: 1, dispensingIds: [7, 2] });
    expect(shown.at(-1)).toBe("QRコード2枚のPDFを作りました。開いた画面から印刷してください。");
    expect(body.querySelector("#qr-warnings")?.textContent).toBe("注意: 用量がありません");
  });

  it("asks for a choice before printing nothing", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "patient_history") return { dispensings: [dispensing(7, "2026-12-01")], next: null };
      throw new Error(`unexpected ${cmd}`);
    });
    const body = document.createElement("section");
    const shown: string[] = [];
    await patientQrPanel(context(), patient, body, (t) => shown.push(t));
    const box = body.querySelector<HTMLInputElement>("input.qr-choice");
    if (box) box.checked = false;
    body.querySelector<HTMLButtonElement>("#print-qr-go")?.click();
    await flush();
    expect(shown.at(-1)).toBe("QRコードにする調剤を1つ以上選んでください。");
    expect(calls).not.toContain("print_patient_qr");
  });

  it("says where the PDF is when the viewer could not open it", () => {
    expect(
      printedMessage({ path: "/d/print/qr.pdf", symbols: 1, dispensings: 1, warnings: [], open_error: "PDFを開けませんでした（no viewer）。保存先: /d/print/qr.pdf" }),
    ).toBe("QRコード1枚のPDFを作りました。PDFを開けませんでした（no viewer）。保存先: /d/print/qr.pdf");
  });
});
