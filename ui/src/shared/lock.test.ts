import { afterEach, describe, expect, it, vi } from "vitest";
import { renderLock, watchIdle } from "./lock";
import { testContext } from "./testContext";
import { ApiError, type Api } from "./api";

afterEach(() => { vi.useRealTimers(); });

function fakeApi(calls: string[], unlock: (password: string) => Promise<null> = () => Promise.resolve(null)): Api {
  return {
    sessionAlive: () => { calls.push("alive"); return Promise.resolve(null); },
    lockSession: (reason: string) => { calls.push(`lock:${reason}`); return Promise.resolve(null); },
    unlockSession: (password: string) => { calls.push(`unlock:${password}`); return unlock(password); },
    signOut: () => { calls.push("signOut"); return Promise.resolve(null); },
  } as unknown as Api;
}

describe("idle lock", () => {
  it("locks after the minutes without input; input keeps it open and is reported at most every 30 s", async () => {
    vi.useFakeTimers();
    const calls: string[] = [];
    const { ctx } = testContext({ api: fakeApi(calls) });
    let locked = 0;
    const stop = watchIdle(ctx, 1, () => { locked++; });
    vi.advanceTimersByTime(50_000);
    document.dispatchEvent(new KeyboardEvent("keydown"));
    document.dispatchEvent(new MouseEvent("mousemove"));
    vi.advanceTimersByTime(50_000);
    expect(locked).toBe(0);
    expect(calls).toEqual(["alive"]);
    vi.advanceTimersByTime(11_000);
    await vi.runAllTimersAsync();
    expect(calls).toEqual(["alive", "lock:idle"]);
    expect(locked).toBe(1);
    // Stopped: input no longer counts.
    document.dispatchEvent(new KeyboardEvent("keydown"));
    expect(calls).toEqual(["alive", "lock:idle"]);
    stop();
  });

  it("shows no patient data, unlocks with the password back to the screen, or lets another staff member in", async () => {
    const calls: string[] = [];
    const { ctx, went } = testContext({
      api: fakeApi(calls, (p) => (p === "right" ? Promise.resolve(null) : Promise.reject(new ApiError("パスワードが違います", "auth.failed")))),
    });
    ctx.main.append(document.createElement("table"));
    document.body.append(Object.assign(document.createElement("div"), { className: "sheet" }));
    renderLock(ctx, { screen: "patient", patientId: 7 });
    expect(ctx.main.querySelector("table")).toBeNull();
    expect(document.querySelector(".sheet")).toBeNull();
    expect(ctx.main.textContent).toContain("画面をロックしました");
    const password = ctx.main.querySelector<HTMLInputElement>("#lock-password")!;
    const form = ctx.main.querySelector<HTMLFormElement>("#lock-form")!;
    password.value = "wrong";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => { expect(ctx.main.querySelector("#lock-error")?.textContent).toBe("パスワードが違います"); });
    expect(password.value).toBe("");
    expect(went).toEqual([]);
    password.value = "right";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await vi.waitFor(() => { expect(went).toEqual([{ screen: "patient", patientId: 7 }]); });
    ctx.main.querySelector<HTMLButtonElement>("#lock-other")!.click();
    await vi.waitFor(() => { expect(went.at(-1)).toEqual({ screen: "signIn" }); });
    expect(calls).toEqual(["unlock:wrong", "unlock:right", "signOut"]);
  });
});
