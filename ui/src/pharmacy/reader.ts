// The card reader area bottom-left of the patient list (P2): the ON/OFF
// switch, the reader's state, and what a touch found.
import type { Context } from "../shared/context";
import type { CounterEvent, ReaderStatus, Touch } from "../shared/api";
import { errorText, h } from "../shared/dom";

/** The message for a touch that did not find a patient (or `null`). */
export function touchMessage(touch: Touch): string | null {
  switch (touch.kind) {
    case "patient":
      return null;
    case "unknown":
      return "未登録のカードです。「新規発行」から患者様を登録してください。";
    case "disabled":
      return `このカードは再発行により使えなくなっています（${touch.name} 様）。新しいカードをタッチしてください。`;
  }
}

/** Draws the switch for a state. */
export function readerState(status: ReaderStatus): { label: string; on: boolean; detail: string } {
  if (status.on) return { label: "ON", on: true, detail: status.reader ?? "" };
  return { label: "OFF", on: false, detail: status.message ?? (status.wanted ? "" : "カードを読むときは ON にしてください") };
}

/** Where this PC remembers that staff want the reader ON. */
export const READER_ON_KEY = "okusuri.readerOn";

/**
 * The reader area. `onVisit` is called when a registered card is touched
 * (the list reloads), `onUnknown` with the IDm of an unknown card.
 */
export function readerArea(
  ctx: Context,
  onVisit: (patientId: number, detectedAt: number) => void,
  onUnknown: (idm: string) => void,
): HTMLElement {
  const toggle = h("button", { type: "button", id: "reader-switch", class: "reader-state off", role: "switch", "aria-checked": "false" }, "OFF");
  const detail = h("span", { id: "reader-detail", class: "reader-detail" });
  const message = h("span", { id: "reader-message", class: "message", role: "alert" });
  let status: ReaderStatus = { on: false, wanted: false, reader: null, message: null, readers: [] };
  const draw = () => {
    const s = readerState(status);
    toggle.textContent = s.label;
    toggle.className = s.on ? "reader-state on" : "reader-state off";
    toggle.setAttribute("aria-checked", String(s.on));
    detail.textContent = s.detail;
  };
  toggle.addEventListener("click", () => {
    message.textContent = "";
    // The new state arrives as `reader` events (in order); the command's own
    // answer may be older than an event already drawn, so it is not used.
    const wanted = !status.wanted;
    // Remembered on this PC: the switch comes up ON again after a restart.
    localStorage.setItem(READER_ON_KEY, wanted ? "1" : "0");
    void ctx.api
      .setReaderOn(wanted)
      .catch((e: unknown) => (message.textContent = errorText(e)));
  });
  let heard = false;
  const handle = (event: CounterEvent) => {
    switch (event.kind) {
      case "reader":
        heard = true;
        status = event.status;
        draw();
        return;
      case "touch": {
        message.textContent = touchMessage(event.touch) ?? "";
        if (event.touch.kind === "patient") onVisit(event.touch.patient_id, event.detected_at);
        if (event.touch.kind === "unknown") onUnknown(event.touch.idm);
        return;
      }
      case "unreadable":
      case "error":
        message.textContent = event.message;
        return;
    }
  };
  // Listen first, then ask for the state (an event newer than the answer wins).
  void ctx.api
    .onCounter(handle)
    .then((unlisten) => {
      ctx.onLeave(unlisten);
      return ctx.api.readerStatus();
    })
    .then((s) => {
      if (!heard) {
        status = s;
        draw();
      }
      // ON last time on this PC: ask for it again (sign-out switched it off;
      // without a reader the status says OFF and why).
      if (!s.wanted && localStorage.getItem(READER_ON_KEY) === "1") {
        return ctx.api.setReaderOn(true).then(() => undefined);
      }
      return undefined;
    })
    .catch((e: unknown) => (message.textContent = errorText(e)));
  draw();
  return h("div", { id: "reader-status", class: "reader" }, h("span", { class: "reader-label" }, "カードリーダー"), toggle, detail, message);
}

/**
 * Which card touches a screen waiting for a card (新規発行, 再発行) has taken,
 * so the notice on other screens stays quiet — whichever listener hears the
 * touch first. One instance per window, in the context.
 */
export class TouchClaims {
  private waiting = 0;
  private lastClaimed: number | null = null;

  /** True when a waiting screen takes this touch (`detectedAt` of its event). */
  isClaimed(detectedAt: number): boolean {
    return this.waiting > 0 || detectedAt === this.lastClaimed;
  }

  /** A screen starts waiting. */
  wait(): void {
    this.waiting += 1;
  }

  /** A screen stops waiting, having taken the touch `detectedAt` (or none). */
  done(detectedAt: number | null): void {
    this.waiting -= 1;
    if (detectedAt !== null) this.lastClaimed = detectedAt;
  }
}

/** Waits for the next card touched (any kind) and returns what it found; resolves `null` on `cancel`. */
export function nextTouch(ctx: Context): { touch: Promise<Touch | null>; cancel: () => void } {
  let cancel: () => void = () => undefined;
  ctx.touchClaims.wait();
  let done = false;
  let claimed: number | null = null;
  const touch = new Promise<Touch | null>((settle) => {
    const resolve = (value: Touch | null) => {
      if (!done) {
        done = true;
        ctx.touchClaims.done(claimed);
      }
      settle(value);
    };
    let unlisten: (() => void) | null = null;
    cancel = () => {
      unlisten?.();
      resolve(null);
    };
    void ctx.api
      .onCounter((event) => {
        if (event.kind !== "touch") return;
        unlisten?.();
        claimed = event.detected_at;
        resolve(event.touch);
      })
      .then((u) => {
        unlisten = u;
        ctx.onLeave(u);
      })
      .catch(() => { resolve(null); });
  });
  return { touch, cancel };
}
