// A bad database file: the window explains it, and the file is left as it was.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshDataDir, launch, shown, workspaceVersion } from "./support.mjs";

test("a corrupt database shows the message naming the file and is kept", async () => {
  const dataDir = freshDataDir();
  const file = join(dataDir, "okusuri.db");
  const garbage = Buffer.from("これはデータベースではありません\n".repeat(300), "utf8");
  writeFileSync(file, garbage);
  const app = await launch(dataDir);
  try {
    const { browser } = app;
    const error = await shown(browser, "#startup-error");
    const text = await error.getText();
    assert.match(text, /データベースファイルが壊れています/);
    assert.ok(text.includes(file), text);
    assert.match(text, /バックアップから復元/);
    assert.equal(await browser.$$("form").length, 0, "no sign-in over a broken database");
    assert.equal(await (await browser.$("#app-version")).getText(), `バージョン ${workspaceVersion()}`);
  } finally {
    await app.close();
  }
  assert.deepEqual(readFileSync(file), garbage, "the file is untouched");
});

test("a named data folder that is missing is reported, not created", async () => {
  const dataDir = join(freshDataDir(), "unmounted-share");
  const app = await launch(dataDir);
  try {
    const text = await (await shown(app.browser, "#startup-error")).getText();
    assert.match(text, /データフォルダが見つかりません/);
    assert.ok(text.includes(dataDir), text);
  } finally {
    await app.close();
  }
});
