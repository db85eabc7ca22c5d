// Through the real app: an admin sets the facility codes in 設定, imports
// two records of one person (a long history and a misspelt one), pages
// through the long history, merges the records, undoes the merge, and
// withdraws an allergy with a reason. The access log holds it all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, fillAndSubmit, freshDataDir, launch, setUpFacility, shown, sql } from "./support.mjs";

/** A UTF-8 JAHIS file of one patient with `count` dispensings, newest on `newest`. */
function jahisFile(dir, fileName, name, count, newest) {
  const lines = ["JAHISTC08,1", `1,${name},1,19700505,,,,,,,サトウ イチロウ`];
  const day = new Date(`${newest}T00:00:00Z`);
  for (let i = 0; i < count; i++) {
    const date = day.toISOString().slice(0, 10).replaceAll("-", "");
    lines.push(
      `5,${date},1`,
      "11,株式会社 工業会薬局 本店,13,4,1234567,,,,1",
      "51,医療法人 工業会病院,13,1,1234567,1",
      `201,1,アムロジピン錠${i + 1}mg,1,錠,2,612170709,1`,
      "301,1,1日1回朝食後,14,日分,1,1,,1",
    );
    day.setUTCDate(day.getUTCDate() - 7);
  }
  const path = join(dir, fileName);
  writeFileSync(path, `${lines.join("\r\n")}\r\n`);
  return path;
}

async function search(browser, query) {
  await fillAndSubmit(browser, "#search-form", { query }, "#search-submit");
  await browser.waitUntil(async () => (await browser.$$("#search-results tr.patient")).length > 0);
  return browser.$$("#search-results tr.patient td.name .kanji").map((e) => e.getText());
}

async function messageIs(browser, selector, expected) {
  let said = "";
  await browser
    .waitUntil(async () => (said = await (await browser.$(selector)).getText()) === expected)
    .catch(() => {
      throw new Error(`${selector} said "${said}", expected "${expected}"`);
    });
}

test("settings, paging, merge and undo, withdraw: all audited", async () => {
  const dataDir = freshDataDir();
  const long = jahisFile(dataDir, "long.txt", "佐藤 一郎", 45, "2026-11-01");
  const misspelt = jahisFile(dataDir, "misspelt.txt", "佐藤 一朗", 1, "2026-11-15");
  const app = await launch(dataDir);
  try {
    const { browser } = app;
    await setUpFacility(browser);

    // 設定: a wrong code is refused with the rule; the right one is saved.
    await (await browser.$("#open-settings")).click();
    await shown(browser, "#codes-form");
    await fillAndSubmit(browser, "#codes-form", { prefecture: "13", table: "4", code: "12345" }, "#codes-submit");
    await messageIs(
      browser,
      "#codes-message",
      "都道府県は01～47、点数表は1（医科）・3（歯科）・4（調剤）、医療機関等コードは7桁の数字で指定してください。",
    );
    await fillAndSubmit(browser, "#codes-form", { prefecture: "13", table: "4", code: "1234567" }, "#codes-submit");
    await messageIs(browser, "#codes-message", "保存しました");
    assert.equal(await (await shown(browser, "#remap-none")).getText(), "レセコンのIDと紐づいた患者はまだいません");

    // 取込 both files.
    await (await browser.$("#open-import")).click();
    const input = await shown(browser, "#import-files");
    await input.addValue(long);
    await (await browser.$("#import-submit")).click();
    await browser.waitUntil(async () => /調剤 45件を追加/.test(await (await browser.$("#import-results")).getText()));
    await input.addValue(misspelt);
    await (await browser.$("#import-submit")).click();
    await browser.waitUntil(async () => /調剤 1件を追加/.test(await (await browser.$("#import-results")).getText()));

    // Two records; open the long one and page through all 45 dispensings.
    await (await browser.$("#home")).click();
    assert.deepEqual((await search(browser, "サトウ")).sort(), ["佐藤 一朗", "佐藤 一郎"]);
    for (const row of await browser.$$("#search-results tr.patient td.name")) {
      if ((await (await row.$(".kanji")).getText()) === "佐藤 一郎") {
        await row.click();
        break;
      }
    }
    await shown(browser, "#history-list .dispensing");
    assert.equal((await browser.$$("#history-list .dispensing")).length, 20, "one page");
    for (let pages = 2; pages <= 3; pages++) {
      const more = await browser.$("#history-more");
      if (await more.isDisplayed()) await more.click();
      await browser.waitUntil(async () => (await browser.$$("#history-list .dispensing")).length >= Math.min(45, pages * 20));
    }
    assert.equal((await browser.$$("#history-list .dispensing")).length, 45);
    assert.equal(await (await browser.$("#history-more")).isDisplayed(), false, "no more pages");
    const dates = await browser.$$("#history-list .dispensing-date").map((e) => e.getText());
    assert.equal(dates[0], "2026年11月1日");
    assert.equal(dates[44], "2025年12月28日");

    // 統合: the misspelt record into this one.
    await (await browser.$('[data-tab="merge"]')).click();
    await shown(browser, "#merge-search");
    await (await browser.$("#merge-search")).setValue("サトウ");
    await (await browser.$("#merge-search-form button")).click();
    await (await shown(browser, ".pick-merge")).click();
    await (await shown(browser, "#merge-reason")).setValue("同一人物（氏名の誤入力）");
    await (await browser.$("#merge-submit")).click();
    await messageIs(browser, "#patient-message", "佐藤 一朗 の記録をこの患者に統合しました");
    await browser.waitUntil(async () => /佐藤 一朗/.test(await (await browser.$("#merge-list")).getText()));
    // The merged dispensing is now the newest of this patient.
    await (await browser.$('[data-tab="history"]')).click();
    await browser.waitUntil(async () => (await (await browser.$("#history-list .dispensing-date")).getText()) === "2026年11月15日");
    await (await browser.$("#back-to-list")).click();
    assert.deepEqual(await search(browser, "サトウ"), ["佐藤 一郎"]);

    // Undo it, with a reason; both records are found again.
    await (await browser.$("#search-results tr.patient td.name")).click();
    await (await shown(browser, '[data-tab="merge"]')).click();
    await (await shown(browser, ".undo-merge")).click();
    await (await shown(browser, ".undo-reason")).setValue("別人と判明");
    await (await browser.$(".undo-confirm")).click();
    await messageIs(browser, "#patient-message", "統合を元に戻しました");
    await shown(browser, ".merge.undone .merge-undone");

    // からだの情報: add an allergy, withdraw it with a reason; it stays, struck through.
    await (await browser.$('[data-tab="body"]')).click();
    await (await shown(browser, "#note-text")).setValue("ペニシリン");
    await (await browser.$("#note-submit")).click();
    await (await shown(browser, ".note .withdraw")).click();
    await (await shown(browser, ".withdraw-reason")).setValue("別の患者の情報");
    await (await browser.$(".withdraw-confirm")).click();
    await browser.waitUntil(async () => (await browser.$$(".note.withdrawn")).length === 1);
    assert.equal(await (await browser.$(".note.withdrawn .note-withdrawn")).getText(), "取消: 別の患者の情報");
    assert.equal(await (await browser.$(".note.withdrawn .note-text")).getText(), "ペニシリン");

    await (await browser.$("#back-to-list")).click();
    assert.deepEqual((await search(browser, "サトウ")).sort(), ["佐藤 一朗", "佐藤 一郎"]);
  } finally {
    await app.close();
  }

  const events = sql(dataDir, "SELECT event FROM access_log ORDER BY id").split("\n");
  for (const event of ["settings_changed", "jahis_imported", "patients_merged", "patient_merge_undone", "patient_note_withdrawn"]) {
    assert.ok(events.includes(event), `${event} in the access log: ${events.join(",")}`);
  }
  const verify = execFileSync(CLI, ["--data-dir", dataDir, "audit", "verify"], { encoding: "utf8" });
  assert.match(verify, /変更・削除は見つかりません/);
});
