import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { signedInStatus, testContext } from "../shared/testContext";
import { renderImport } from "./import";

afterEach(() => { clearMocks(); });

describe("取込", () => {
  it("refuses a file over the limit before reading or sending it", async () => {
    const sent: string[] = [];
    mockIPC((cmd) => { sent.push(cmd); });
    const { ctx } = testContext({ status: { ...signedInStatus({}, ["import_files"]), import_max_bytes: 1024 } });
    renderImport(ctx);
    const input = ctx.main.querySelector<HTMLInputElement>("#import-files")!;
    const big = new File([new Uint8Array(2048)], "big.txt");
    Object.defineProperty(input, "files", { value: [big] });
    ctx.main.querySelector<HTMLFormElement>("#import-form")!.requestSubmit();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ctx.main.querySelector("#import-results")?.textContent).toBe(
      "big.txt: 取り込みませんでした: ファイルが大きすぎます（0.0 MB、上限0.0 MB）。",
    );
    expect(sent).not.toContain("import_jahis");
  });
});
