import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { doctorAuthChip, hhmm } from "./header";
import { api } from "./api";
import { epsChanged } from "../clinic/toolState";
import type { Context } from "./context";
import type { Permission } from "./bindings";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function ctx(permissions: Permission[]): Context {
  return { api, can: (p: Permission) => permissions.includes(p), onLeave: () => undefined } as unknown as Context;
}

afterEach(() => { clearMocks(); });

describe("医師認証 in the header", () => {
  it("is not shown to staff who do not prescribe", () => {
    mockIPC(() => null);
    expect(doctorAuthChip(ctx(["view_patients"]))).toBeNull();
  });

  it("says 医師認証なし until the doctor authenticates", async () => {
    mockIPC(() => null);
    const chip = doctorAuthChip(ctx(["prescribe"]))!;
    await settle();
    expect(chip.textContent).toBe("医師認証なし");
    expect(chip.className).toContain("off");
  });

  it("shows until when, marked （推定） for an estimated expiry", async () => {
    const today = new Date();
    const expires = new Date(today.getFullYear(), today.getMonth(), today.getDate(), 23, 30).toISOString();
    mockIPC((cmd) =>
      cmd === "doctor_auth"
        ? { method: "remote", subject: "", authenticated_at: new Date(2026, 11, 4, 12, 30).toISOString(), expires_at: expires, expiry_is_estimate: true }
        : null,
    );
    const chip = doctorAuthChip(ctx(["prescribe"]))!;
    await settle();
    expect(chip.textContent).toBe("医師認証 23:30まで（推定）");
    expect(chip.className).toContain("on");
    // Signed out elsewhere: the next change (an issue, a saved setting) shows it.
    mockIPC((cmd) => (cmd === "doctor_auth" ? null : null));
    epsChanged();
    await settle();
    expect(chip.textContent).toBe("医師認証なし");
  });

  it("names the day of a time that is not today", () => {
    const now = new Date(2026, 11, 4, 20, 0);
    expect(hhmm(new Date(2026, 11, 4, 6, 5).toISOString(), now)).toBe("06:05");
    expect(hhmm(new Date(2026, 11, 5, 14, 0).toISOString(), now)).toBe("12/5 14:00");
  });
});
