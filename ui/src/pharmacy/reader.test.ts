import { describe, expect, it } from "vitest";
import { readerState, touchMessage } from "./reader";

describe("card reader area", () => {
  it("says what an unknown or disabled card is, nothing for a patient", () => {
    expect(touchMessage({ kind: "patient", patient_id: 1, name: "山田 太郎" })).toBeNull();
    expect(touchMessage({ kind: "unknown", idm: "0123456789ABCDEF" })).toBe(
      "未登録のカードです。「新規発行」から患者様を登録してください。",
    );
    expect(touchMessage({ kind: "disabled", idm: "0123456789ABCDEF", name: "山田 太郎" })).toBe(
      "このカードは再発行により使えなくなっています（山田 太郎 様）。新しいカードをタッチしてください。",
    );
  });

  it("shows ON with the reader, OFF with the reason it turned itself off", () => {
    expect(readerState({ on: true, wanted: true, reader: "Sony RC-S380", message: null, readers: [] })).toEqual({
      label: "ON",
      on: true,
      detail: "Sony RC-S380",
    });
    expect(
      readerState({ on: false, wanted: true, reader: null, message: "カードリーダーが接続されていません。", readers: [] }),
    ).toEqual({ label: "OFF", on: false, detail: "カードリーダーが接続されていません。" });
    expect(readerState({ on: false, wanted: false, reader: null, message: null, readers: [] }).detail).toBe(
      "カードを読むときは ON にしてください",
    );
  });
});
