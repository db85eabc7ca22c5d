import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { api, ApiError, guardSession } from "./api";
import { errorText } from "./dom";

afterEach(() => { clearMocks(); });

describe("api wrapper", () => {
  it("sends sign-in arguments under the names the Rust command takes", async () => {
    const seen: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      seen.push({ cmd, args });
      return { id: 1, login_id: "admin", display_name: "管理 太郎", role: "admin" };
    });
    const staff = await api.signIn("PH0001", "admin", "secret-pass-2026");
    expect(staff.display_name).toBe("管理 太郎");
    expect(seen).toEqual([
      { cmd: "sign_in", args: { facilityCode: "PH0001", loginId: "admin", password: "secret-pass-2026", code: null } },
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
      kind: "pharmacy" as const,
    };
    await api.setUpFacility(setup);
    await api.changePassword("old-pass-2026", "new-pass-2027");
    expect(seen[0]).toEqual({ cmd: "set_up_facility", args: { setup } });
    expect(seen[1]).toEqual({ cmd: "change_password", args: { current: "old-pass-2026", new: "new-pass-2027" } });
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

describe("errors as {code, message}", () => {
  const families: [string, string][] = [
    ["auth.required", "ログインしてください。"],
    ["auth.forbidden", "取込は管理者だけが行えます。"],
    ["auth.failed", "施設ID、スタッフID、パスワードのいずれかが正しくありません。"],
    ["auth.locked", "このスタッフIDはロックされています。"],
    ["db.busy", "データベースが他のプログラムで使用中です"],
    ["db.damaged", "データベースファイルが壊れています"],
    ["db.unavailable", "データベースファイルを開けません"],
    ["db.failed", "データベースの処理に失敗しました"],
    ["input.invalid", "理由を入力してください。"],
    ["not_found", "患者が見つかりません。"],
    ["conflict", "このカードはすでに使われています"],
    ["io.failed", "PDFを保存できません"],
    ["setup.required", "初期設定が済んでいません。"],
  ];
  for (const [code, message] of families) {
    it(`keeps the code ${code} to branch on and the message to show`, async () => {
      mockIPC(() => {
        throw { code, message, detail: "for the administrator" };
      });
      const error = await api.patientList().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe(code);
      expect((error as ApiError).message).toBe(message);
      expect((error as ApiError).detail).toBe("for the administrator");
      expect(errorText(error)).toBe(message);
    });
  }

  it("sends staff to sign in when the session is gone, and only then", async () => {
    mockIPC(() => {
      throw { code: "auth.required", message: "ログインしてください。" };
    });
    const signedOut: string[] = [];
    const guarded = guardSession(api, (e) => signedOut.push(e.message));
    await guarded.patientList().catch(() => undefined);
    expect(signedOut).toEqual(["ログインしてください。"]);
    mockIPC(() => {
      throw { code: "auth.forbidden", message: "取込は管理者だけが行えます。" };
    });
    const refused = await guarded.importJahis("a.txt", []).catch((e: unknown) => e);
    expect((refused as ApiError).code).toBe("auth.forbidden");
    expect(signedOut).toHaveLength(1);
  });
});
