import { describe, expect, it } from "vitest";
import type { Api, DownloadEvent, Offer } from "./api";
import { ApiError } from "./api";
import { showUpdateDialog } from "./update";

const offer: Offer = { current_version: "0.1.0", version: "0.2.0", notes: "### Fixed\n- 印刷の不具合", date: "2026-12-04T01:00:00Z" };
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** An Api whose update commands record calls; `download` plays `events` then resolves or rejects. */
function fakeApi(events: DownloadEvent[], failure?: ApiError) {
  const calls: string[] = [];
  const api = {
    updateLater: (version: string) => { calls.push(`later ${version}`); return Promise.resolve(null); },
    updateInstall: () => { calls.push("install"); return Promise.resolve(null); },
    updateDownload: (onEvent: (e: DownloadEvent) => void) => {
      calls.push("download");
      for (const e of events) onEvent(e);
      return failure ? Promise.reject(failure) : Promise.resolve(null);
    },
  } as unknown as Api;
  return { api, calls };
}

describe("the update dialog", () => {
  it("shows both versions and the notes; 後で puts the version aside and closes", async () => {
    document.body.innerHTML = "";
    const { api, calls } = fakeApi([]);
    showUpdateDialog(api, offer, 0);
    expect(document.querySelector("#update-title")?.textContent).toBe("新しいおくすりデスクがリリースされています。更新しますか？");
    expect(document.querySelector("#update-versions")?.textContent).toContain("現在の版 0.1.0 → 新しい版 0.2.0");
    expect(document.querySelector("#update-notes h3")?.textContent).toBe("Fixed");
    expect(document.querySelector("#update-notes li")?.textContent).toBe("印刷の不具合");
    document.querySelector<HTMLButtonElement>("#update-later")?.click();
    await settle();
    expect(calls).toEqual(["later 0.2.0"]);
    expect(document.querySelector("#update-dialog")).toBeNull();
  });

  it("今すぐ更新 fills the progress bar from the chunks, says it is ready, then installs", async () => {
    document.body.innerHTML = "";
    const { api, calls } = fakeApi([
      { event: "started", data: { contentLength: 4 * 1024 * 1024 } },
      { event: "progress", data: { chunkLength: 1024 * 1024 } },
    ]);
    const progress = () => document.querySelector<HTMLProgressElement>("#update-progress");
    showUpdateDialog(api, offer, 0);
    expect(progress()?.hidden).toBe(true);
    document.querySelector<HTMLButtonElement>("#update-now")?.click();
    expect(progress()?.hidden).toBe(false);
    await settle();
    expect(progress()?.value).toBe(100);
    expect(document.querySelector("#update-message")?.textContent).toBe(
      "新しいおくすりデスクに更新する準備が完了しました。おくすりデスクを終了します。",
    );
    await settle();
    expect(calls).toEqual(["download", "install"]);
  });

  it("shows a partial percentage while chunks arrive", () => {
    document.body.innerHTML = "";
    const { api } = fakeApi([]);
    api.updateDownload = (onEvent) => {
      onEvent({ event: "started", data: { contentLength: 4 * 1024 * 1024 } });
      onEvent({ event: "progress", data: { chunkLength: 1024 * 1024 } });
      return new Promise(() => undefined);
    };
    showUpdateDialog(api, offer, 0);
    document.querySelector<HTMLButtonElement>("#update-now")?.click();
    expect(document.querySelector<HTMLProgressElement>("#update-progress")?.value).toBe(25);
    expect(document.querySelector("#update-progress-text")?.textContent).toBe("ダウンロード中 25%（1.0 / 4.0 MB）");
    expect(document.querySelector<HTMLButtonElement>("#update-later")?.disabled).toBe(true);
  });

  it("a refused download shows why, installs nothing and can be closed", async () => {
    document.body.innerHTML = "";
    const refused = new ApiError("更新ファイルの署名を確認できませんでした。更新は行われません。", "update.refused");
    const { api, calls } = fakeApi([{ event: "started", data: { contentLength: 10 } }, { event: "finished" }], refused);
    showUpdateDialog(api, offer, 0);
    document.querySelector<HTMLButtonElement>("#update-now")?.click();
    await settle();
    await settle();
    expect(document.querySelector("#update-message")?.textContent).toBe(refused.message);
    expect(calls).toEqual(["download"]);
    const close = document.querySelector<HTMLButtonElement>("#update-later");
    expect(close?.textContent).toBe("閉じる");
    expect(close?.disabled).toBe(false);
  });
});
