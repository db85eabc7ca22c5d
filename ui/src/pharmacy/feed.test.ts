import { describe, expect, it } from "vitest";
import { feedBanner } from "./feedStatus";
import { newFolder } from "./feedSettings";

describe("レセコン連携", () => {
  it("shows a connection error per unreachable folder, none when connected", () => {
    const since = new Date(2026, 10, 22, 9, 5).toISOString();
    const banners = feedBanner([
      { folder: "/mnt/recept", connected: false, since, reason: "見つかりません", last_import: null },
      { folder: "/srv/ok", connected: true, since: null, reason: null, last_import: null },
    ]);
    expect(banners.length).toBe(1);
    expect(banners[0].textContent).toBe("レセコン接続エラー /mnt/recept（11/22 09:05から）見つかりません");
  });

  it("builds a folder's settings: JAHIS by default, NSIPS with a profile, polling for shares", () => {
    expect(newFolder(" /srv/in ", "", false, false, "")).toMatchObject({
      path: "/srv/in",
      format: { kind: "jahis" },
      mode: "events",
      after: "leave",
      id_from_file_name: null,
    });
    expect(newFolder("/mnt/r", "/etc/p.toml", true, true, "^(?P<id>\\d+)_")).toMatchObject({
      format: { kind: "nsips", profile: "/etc/p.toml" },
      mode: "polling",
      rescan_secs: 10,
      after: "move_to_processed",
      id_from_file_name: "^(?P<id>\\d+)_",
    });
  });
});

describe("the file-name patterns of 設定 → レセコン連携", () => {
  it("tries a pattern on a sample name as typed", async () => {
    const { ID_PRESETS, tryPattern } = await import("./feedSettings");
    const [, idFirst] = ID_PRESETS[1];
    expect(tryPattern(idFirst, "000123_20261204.txt")).toBe("患者ID: 000123");
    expect(tryPattern(ID_PRESETS[2][1], "20261204_000456.txt")).toBe("患者ID: 000456");
    expect(tryPattern(idFirst, "report.txt")).toBe("このファイル名からは患者IDを取り出せません。");
    expect(tryPattern("", "x.txt")).toBe("患者IDは取り出しません。");
    expect(tryPattern("(?P<id>", "x.txt")).toBe("正規表現として読めません。");
  });
});
