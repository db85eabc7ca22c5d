import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { api, ApiError } from "./api";

afterEach(() => clearMocks());

describe("api wrapper", () => {
  it("sends sign-in arguments under the names the Rust command takes", async () => {
    const seen: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      return { id: 1, login_id: "admin", display_name: "管理 太郎", role: "admin" };
    });
    const staff = await api.signIn("PH0001", "admin", "secret-pass");
    expect(staff.display_name).toBe("管理 太郎");
    expect(seen).toEqual([
      { cmd: "sign_in", args: { facilityCode: "PH0001", loginId: "admin", password: "secret-pass" } },
    ]);
  });

  it("wraps setup and new staff in the argument the commands expect", async () => {
    const seen: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      return null;
    });
    const setup = {
      facility_code: "PH1",
      facility_name: "薬局",
      admin_login_id: "a",
      admin_name: "管理",
      password: "12345678",
    };
    await api.setUpFacility(setup);
    await api.changePassword("old-pass-1", "new-pass-2");
    expect(seen[0]).toEqual({ cmd: "set_up_facility", args: { setup } });
    expect(seen[1]).toEqual({ cmd: "change_password", args: { current: "old-pass-1", new: "new-pass-2" } });
  });

  it("turns a rejected command into an ApiError with the Japanese message", async () => {
    mockIPC(() => {
      throw "施設ID、スタッフID、パスワードのいずれかが正しくありません。";
    });
    const error = await api.signIn("X", "y", "z").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe("施設ID、スタッフID、パスワードのいずれかが正しくありません。");
  });
});
