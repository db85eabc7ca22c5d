import { describe, expect, it } from "vitest";
import { api, type CounterEvent } from "../shared/api";
import { testContext } from "../shared/testContext";
import { nextTouch } from "./reader";
import { touchNotice } from "./touchNotice";

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A context whose counter events the test sends; records where it goes. */
function fakeContext() {
  const handlers: ((event: CounterEvent) => void)[] = [];
  const fake = {
    ...api,
    onCounter: (handler: (event: CounterEvent) => void) => {
      handlers.push(handler);
      return Promise.resolve(() => {
        handlers.splice(handlers.indexOf(handler), 1);
      });
    },
  };
  const { ctx, went } = testContext({ api: fake });
  const send = (event: CounterEvent) => { [...handlers].forEach((handle) => { handle(event); }); };
  return { ctx, went, send };
}

describe("card touched on another screen", () => {
  it("announces the patient received, with 開く", async () => {
    const { ctx, went, send } = fakeContext();
    const el = touchNotice(ctx);
    await flush();
    expect(el.hidden).toBe(true);
    send({ kind: "touch", touch: { kind: "patient", patient_id: 4, name: "山田 太郎" }, detected_at: 0 });
    expect(el.hidden).toBe(false);
    expect(el.querySelector("#touch-notice-text")?.textContent).toBe("山田 太郎 様が受付されました（本日の患者リストに追加しました）。");
    el.querySelector<HTMLButtonElement>("#touch-notice-action")?.click();
    expect(went).toEqual([{ screen: "patient", patientId: 4 }]);
  });

  it("offers 新規発行 for an unknown card and says a replaced card is disabled", async () => {
    const { ctx, went, send } = fakeContext();
    const el = touchNotice(ctx);
    await flush();
    send({ kind: "touch", touch: { kind: "unknown", idm: "0123456789ABCDEF" }, detected_at: 0 });
    expect(el.querySelector("#touch-notice-text")?.textContent).toBe("未登録のカードです。");
    el.querySelector<HTMLButtonElement>("#touch-notice-action")?.click();
    // The unknown card goes with the route: no second touch, no module global.
    expect(went).toEqual([{ screen: "issueCard", idm: "0123456789ABCDEF" }]);
    send({ kind: "touch", touch: { kind: "disabled", idm: "0123456789ABCDEF", name: "山田 太郎" }, detected_at: 0 });
    expect(el.querySelector("#touch-notice-text")?.textContent).toContain("再発行により使えなくなっています");
    expect(el.querySelector<HTMLButtonElement>("#touch-notice-action")?.hidden).toBe(true);
  });

  it("stays quiet while a screen waits for a card (再発行), then speaks again", async () => {
    const { ctx, send } = fakeContext();
    const el = touchNotice(ctx);
    await flush();
    const waiting = nextTouch(ctx);
    await flush();
    send({ kind: "touch", touch: { kind: "unknown", idm: "0123456789ABCDEF" }, detected_at: 10 });
    expect(await waiting.touch).toEqual({ kind: "unknown", idm: "0123456789ABCDEF" });
    expect(el.hidden).toBe(true);
    send({ kind: "touch", touch: { kind: "patient", patient_id: 4, name: "山田 太郎" }, detected_at: 11 });
    expect(el.hidden).toBe(false);
    // A cancelled wait does not keep the notices quiet.
    el.querySelector<HTMLButtonElement>(".close")?.click();
    expect(el.hidden).toBe(true);
    const cancelled = nextTouch(ctx);
    cancelled.cancel();
    expect(await cancelled.touch).toBeNull();
    send({ kind: "touch", touch: { kind: "patient", patient_id: 5, name: "鈴木 花子" }, detected_at: 12 });
    expect(el.hidden).toBe(false);
  });

  it("stays quiet when the waiting screen heard the touch first", async () => {
    const { ctx, send } = fakeContext();
    const waiting = nextTouch(ctx);
    await flush();
    const el = touchNotice(ctx); // listens after the waiting screen
    await flush();
    send({ kind: "touch", touch: { kind: "unknown", idm: "0123456789ABCDEF" }, detected_at: 20 });
    expect(await waiting.touch).not.toBeNull();
    expect(el.hidden).toBe(true);
  });
});

describe("several touches", () => {
  it("stack newest first, at most three, each closed on its own", async () => {
    const { ctx, send } = fakeContext();
    const el = touchNotice(ctx);
    await flush();
    for (const [i, name] of ["一", "二", "三", "四"].entries()) {
      send({ kind: "touch", touch: { kind: "patient", patient_id: i, name: `患者 ${name}` }, detected_at: 30 + i });
    }
    const texts = [...el.querySelectorAll(".touch-item .text")].map((t) => t.textContent);
    expect(texts).toHaveLength(3);
    expect(texts[0]).toContain("患者 四");
    expect(texts[2]).toContain("患者 二");
    expect(el.querySelectorAll("#touch-notice-text")).toHaveLength(1);
    for (const close of el.querySelectorAll<HTMLButtonElement>(".close")) close.click();
    expect(el.hidden).toBe(true);
  });

  it("makes an unknown card as large as a patient's name, with このカードで新規発行", async () => {
    const { ctx, send } = fakeContext();
    const el = touchNotice(ctx);
    await flush();
    send({ kind: "touch", touch: { kind: "unknown", idm: "0123456789ABCDEF" }, detected_at: 40 });
    expect(el.querySelector(".touch-item.unknown #touch-notice-action")?.textContent).toBe("このカードで新規発行");
  });
});
