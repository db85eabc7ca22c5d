// 他社手帳 (P9) through the real app: two QR codes of another pharmacy's
// notebook read by a scanner one after another (out of order, 911 style)
// are shown read-only, marked 他社手帳, then taken in onto the patient.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, cliAsAdmin, freshDataDir, launch, setUpFacility, shown, sql } from "./support.mjs";

const FIXTURES = join(ROOT, "crates/jahis/tests/fixtures");

function text(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.textContent ?? "", selector);
}

test("another pharmacy's notebook: scanned, shown, taken in", async () => {
  const dataDir = freshDataDir();
  // Each symbol as the scanner types it: its data, then Enter.
  const scanned = ["v26-split-part-2.txt", "v26-split-part-1.txt"]
    .map((f) => `${readFileSync(join(FIXTURES, f), "utf8")}\n`)
    .join("");
  const app = await launch(dataDir);
  try {
    const { browser } = app;
    await setUpFacility(browser);
    cliAsAdmin(dataDir, ["import", join(FIXTURES, "v26-example-11.txt")]);
    await (await browser.$("#open-notebook")).click();
    // What the scanner types: both symbols, the second one first.
    await browser.execute((value) => {
      const area = document.getElementById("notebook-text");
      if (area) area.value = value;
    }, scanned);
    await (await browser.$("#notebook-show")).click();
    await shown(browser, "#notebook-view .dispensing");
    assert.equal(await text(browser, "#notebook-patient"), "鈴木 太郎 1958-03-03");
    const marks = await browser.$$("#notebook-view .badge.other-notebook");
    assert.ok(marks.length >= 1);
    assert.equal((await browser.$$("#notebook-view .copy-dispensing")).length, 0, "read-only");

    // 取り込む onto 鈴木 太郎, after confirming.
    await (await browser.$("#notebook-search")).setValue("鈴木");
    await (await browser.$("#notebook-search-form button")).click();
    await (await shown(browser, ".take-in")).click();
    await (await shown(browser, "#notebook-confirm")).click();
    await browser.waitUntil(async () => /^鈴木 太郎 様に取り込みました（調剤 \d+件追加、\d+件は登録済み）$/.test(await text(browser, "#notebook-message")));
  } finally {
    await app.close();
  }
  const events = sql(dataDir, "SELECT detail FROM access_log WHERE event = 'jahis_imported'");
  assert.match(events, /^他社手帳: \d+ added, \d+ skipped$/m);
});
