import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import type { MergeRecord, PatientSummary, Permission } from "../shared/api";
import type { Context } from "../shared/context";
import { signedInStatus, testContext } from "../shared/testContext";
import { canMerge, mergeTab } from "./merge";

afterEach(() => { clearMocks(); });

const patient: PatientSummary = {
  id: 1,
  name: "鈴木 太郎",
  kana: "スズキ タロウ",
  sex: "男性",
  birth_date: "1958-03-03",
  birth: "1958年03月03日 (68歳)",
  auto_registration: false,
  merged_into: null,
};

const merge: MergeRecord = {
  id: 9,
  kept_id: 1,
  merged_id: 2,
  merged_name: "鈴木 太朗",
  merged_kana: "",
  reason: "同一人物",
  staff: "薬剤 花子",
  merged_at: "2026-11-22T01:00:00.000Z",
  undone_at: null,
  moved: 5,
};

function context(permissions: Permission[]): Context {
  return testContext({ status: signedInStatus({ role: "pharmacist" }, permissions) }).ctx;
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe("統合 tab", () => {
  it("is offered when the session may merge (the app's permission table decides)", () => {
    expect(canMerge(context(["view_patients", "merge_patients"]))).toBe(true);
    expect(canMerge(context(["view_patients"]))).toBe(false);
  });

  it("lists merges, searches other records, and sends merge and undo with a reason", async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    mockIPC((cmd, args) => {
      calls.push({ cmd, args });
      if (cmd === "patient_merges") return [merge];
      if (cmd === "search_patients") return [patient, { ...patient, id: 3, name: "鈴木 太朗" }];
      if (cmd === "merge_patients") return 10;
      return null;
    });
    const body = document.createElement("section");
    const shown: string[] = [];
    await mergeTab(context(["merge_patients"]), patient, body, (t) => shown.push(t));
    expect(body.querySelector(".merge-name")?.textContent).toBe("鈴木 太朗（カナなし）");
    expect(body.querySelector(".merge-meta")?.textContent).toBe("2026-11-22 01:00・薬剤 花子・5件移動");

    body.querySelector<HTMLInputElement>("#merge-search")!.value = "スズキ";
    body.querySelector<HTMLFormElement>("#merge-search-form")!.requestSubmit();
    await flush();
    const picks = body.querySelectorAll<HTMLButtonElement>(".pick-merge");
    expect(picks.length).toBe(1); // the open patient is not offered
    picks[0].click();
    expect(body.querySelector("#merge-confirm .merge-warning")?.textContent).toContain("「鈴木 太朗（1958年03月03日 (68歳)）」の記録");
    body.querySelector<HTMLInputElement>("#merge-reason")!.value = "同一人物";
    body.querySelector<HTMLButtonElement>("#merge-submit")!.click();
    await flush();
    expect(calls).toContainEqual({ cmd: "merge_patients", args: { keptId: 1, mergedId: 3, reason: "同一人物" } });
    expect(shown).toContain("鈴木 太朗 の記録をこの患者に統合しました");

    await flush();
    body.querySelector<HTMLButtonElement>(".undo-merge")!.click();
    body.querySelector<HTMLInputElement>(".undo-reason")!.value = "別人";
    body.querySelector<HTMLButtonElement>(".undo-confirm")!.click();
    await flush();
    expect(calls).toContainEqual({ cmd: "undo_merge", args: { mergeId: 9, reason: "別人" } });
  });

  it("shows the store's refusal as it is", async () => {
    mockIPC((cmd) => {
      if (cmd === "patient_merges") return [merge];
      if (cmd === "undo_merge") throw "統合後に、この患者がさらに別の患者に統合されています。先にそちらの統合を取り消してください。";
      return null;
    });
    const body = document.createElement("section");
    const shown: string[] = [];
    await mergeTab(context(["merge_patients"]), patient, body, (t) => shown.push(t));
    body.querySelector<HTMLButtonElement>(".undo-merge")!.click();
    body.querySelector<HTMLButtonElement>(".undo-confirm")!.click();
    await flush();
    expect(shown).toEqual(["統合後に、この患者がさらに別の患者に統合されています。先にそちらの統合を取り消してください。"]);
  });
});
