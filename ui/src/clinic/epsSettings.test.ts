import { describe, expect, it } from "vitest";
import { linkResult } from "./epsSettings";

const base = { req_writable: true, res_readable: true, problems: [], waiting: 0, unknown: 0, last_answer_at: null };

describe("初期化's result", () => {
  it("says done only when both folders work", () => {
    expect(linkResult(base)).toEqual({ text: "初期化を完了しました（req・res フォルダーを確認しました）", ok: true });
  });

  it("lists every folder problem and claims nothing", () => {
    const r = linkResult({ ...base, req_writable: false, problems: ["req フォルダー（/x）に書き込めません: 権限がありません"] });
    expect(r.ok).toBe(false);
    expect(r.text).toBe("req フォルダー（/x）に書き込めません: 権限がありません");
  });
});
