import { afterEach, describe, expect, it } from "vitest";
import { api, type CounterEvent, type ReaderStatus } from "../shared/api";
import { testContext } from "../shared/testContext";
import { READER_ON_KEY, readerArea, readerState, touchMessage } from "./reader";

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A reader area whose commands are recorded; the reader starts OFF. */
async function area(): Promise<boolean[]> {
  const asked: boolean[] = [];
  const off: ReaderStatus = { on: false, wanted: false, reader: null, message: null, readers: [] };
  let handler: ((event: CounterEvent) => void) | null = null;
  const fake = {
    ...api,
    onCounter: (handle: (event: CounterEvent) => void) => {
      handler = handle;
      return Promise.resolve(() => undefined);
    },
    readerStatus: () => Promise.resolve(off),
    // As the shell does: the new state arrives as a `reader` event.
    setReaderOn: (on: boolean) => {
      asked.push(on);
      const status = { ...off, wanted: on };
      handler?.({ kind: "reader", status });
      return Promise.resolve(status);
    },
  };
  const { ctx } = testContext({ api: fake });
  const el = readerArea(ctx, () => undefined, () => undefined);
  await flush();
  await flush();
  el.querySelector<HTMLButtonElement>("#reader-switch")?.click();
  await flush();
  return asked;
}

afterEach(() => { localStorage.clear(); });

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

describe("the reader switch on this PC", () => {
  it("comes up ON again when it was ON last time, and remembers OFF", async () => {
    expect(await area()).toEqual([true]); // nothing remembered: staff switch it on
    expect(localStorage.getItem(READER_ON_KEY)).toBe("1");
    // Next start (or sign-in): asked for at once; the click then turns it off.
    expect(await area()).toEqual([true, false]);
    expect(localStorage.getItem(READER_ON_KEY)).toBe("0");
    expect(await area()).toEqual([true]);
  });
});
