import { describe, expect, it } from "vitest";
import { accountState } from "./staff";

describe("スタッフ管理", () => {
  it("says what state an account is in", () => {
    const staff = { id: 2, login_id: "yamada", display_name: "山田 花子", role: "pharmacist" as const };
    expect(accountState({ staff, active: true, locked_until: null, must_change_password: false, two_factor: false })).toBe("有効");
    expect(
      accountState({ staff, active: true, locked_until: "2026-12-05T09:05:00.000Z", must_change_password: true, two_factor: true }),
    ).toBe("有効・ロック中・パスワード変更待ち・2段階認証");
    expect(accountState({ staff, active: false, locked_until: null, must_change_password: false, two_factor: false })).toBe("無効");
  });
});
