// P3 and P11 through the real app: an admin sets up the receipt computer's
// output folder; files written there appear as patients (お薬自動登録 設定済)
// and update an open patient's 今回のお薬 without a reload; a bad file is
// listed in 取込エラー (a file the import gate refuses is read again on 再試行);
// the folder going away shows レセコン接続エラー until it is
// back; after the receipt computer is "replaced", the old ID is mapped to the
// new one and the new computer's dispensing lands on the same patient.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fillAndSubmit, freshDataDir, launch, setUpFacility, shown } from "./support.mjs";

/** Writes a UTF-8 JAHIS file (temp, then rename, as receipt computers do). */
function deliver(folder, fileName, name, date, drug) {
  const text = [
    "JAHISTC08,1",
    `1,${name},1,19650707,,,,,,,タナカ イチロウ`,
    `5,${date},1`,
    "11,株式会社 工業会薬局 本店,13,4,1234567,,,,1",
    `201,1,${drug},1,錠,2,612170709,1`,
    "301,1,1日1回朝食後,14,日分,1,1,,1",
  ].join("\r\n");
  writeFileSync(join(folder, `${fileName}.tmp`), `${text}\r\n`);
  renameSync(join(folder, `${fileName}.tmp`), join(folder, fileName));
  return Date.now();
}

/** The text of the first match, read in the page (no stale elements while it redraws). */
function text(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.textContent ?? "", selector);
}

/** The day `n` days before today: `YYYYMMDD` for files, `2026年11月1日` as the screen shows it. */
function daysAgo(n) {
  const d = new Date();
  d.setDate(d.getDate() - n);
  const pad = (x) => String(x).padStart(2, "0");
  return { file: `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`, label: `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日` };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

test("folder feed: live 今回のお薬, 取込エラー, connection error, ID remap", async () => {
  const dataDir = freshDataDir();
  const folder = join(dataDir, "recept-out");
  mkdirSync(folder);
  const app = await launch(dataDir);
  try {
    const { browser } = app;
    await setUpFacility(browser);

    // 設定 → レセコン連携: this folder, patient ID from the file name.
    await (await browser.$("#open-settings")).click();
    await fillAndSubmit(browser, "#codes-form", { prefecture: "13", table: "4", code: "1234567" }, "#codes-submit");
    await browser.waitUntil(async () => (await text(browser, "#codes-message")) === "保存しました");
    await (await shown(browser, "#feed-path")).setValue(folder);
    await (await browser.$("#feed-id-preset")).selectByVisibleText("患者ID_日付など（例: 000123_20261204.txt）");
    await (await browser.$("#feed-add-submit")).click();
    await browser.waitUntil(async () => (await text(browser, "#feed-message")) === "保存しました");
    assert.match(await (await browser.$("#feed-folders")).getText(), /recept-out — JAHIS・患者ID_日付など・変更通知・取込後もそのまま/);
    // 今回のお薬 reaches 30 days back here (7 by default).
    const windowDays = await shown(browser, "#current-window");
    await windowDays.clearValue();
    await windowDays.setValue("30");
    await (await browser.$("#current-window-submit")).click();
    await browser.waitUntil(async () => (await text(browser, "#current-window-message")) === "保存しました");

    // The receipt computer writes a dispensing: the patient is there, linked.
    deliver(folder, "000123_0001.txt", "田中 一郎", daysAgo(25).file, "アムロジピン錠５ｍｇ");
    await (await browser.$("#home")).click();
    await browser.waitUntil(async () => {
      await fillAndSubmit(browser, "#search-form", { query: "タナカ" }, "#search-submit");
      return (await browser.$$("#search-results tr.patient")).length === 1;
    });
    assert.equal(await (await browser.$("#search-results .badge")).getText(), "設定済");
    await (await browser.$("#search-results tr.patient td.name")).click();
    await (await shown(browser, '[data-tab="current"]')).click();
    await browser.waitUntil(async () => (await text(browser, "#patient-body .dispensing-date")) === daysAgo(25).label);

    // New dispensings appear in 今回のお薬 without a reload: file closed → drawn.
    const latencies = [];
    for (let i = 2; i <= 21; i++) {
      const day = daysAgo(26 - i);
      const written = deliver(folder, `000123_${String(i).padStart(4, "0")}.txt`, "田中 一郎", day.file, `薬${i}錠`);
      await browser.waitUntil(
        async () => (await text(browser, "#patient-body .dispensing-date")) === day.label,
        { interval: 20, timeoutMsg: `dispensing ${i} not shown` },
      );
      const drawnAt = await browser.execute(() => performance.getEntriesByName("current-drawn")[0]?.detail?.at ?? 0);
      latencies.push(drawnAt - written);
    }
    assert.equal(await (await browser.$("#patient-message")).getText(), "レセコンから新しい調剤を取り込みました");
    console.log(
      `e2e: file delivered → 今回のお薬 drawn, ${latencies.length} files: median ${median(latencies)} ms, min ${Math.min(...latencies)} ms, max ${Math.max(...latencies)} ms (debug build)`,
    );

    // A bad file is listed in 取込エラー with the reason; the feed goes on.
    writeFileSync(join(folder, "000999_bad.txt"), "これはお薬手帳のデータではありません\r\n");
    await (await browser.$("#open-settings")).click();
    await browser.waitUntil(async () => {
      await (await browser.$("#open-settings")).click();
      return /000999_bad\.txt: /.test(await (await shown(browser, "#feed-errors")).getText());
    }, { timeout: 10_000, interval: 500 });

    // A file the import gate refuses (調剤等年月日 20261399) is listed with the
    // line, record and field; it is rewritten in place, same size and time
    // (so the feed cannot see the change), and 再試行 reads it again.
    const refusedPath = join(folder, "000777_refused.txt");
    const refusedText = (date) => [
      "JAHISTC08,1", "1,再試 花子,2,19700101,,,,,,,サイシ ハナコ", `5,${date},1`,
      "11,株式会社 工業会薬局 本店,13,4,1234567,,,,1", "201,1,再試行錠,1,錠,2,612170709,1", "301,1,1日1回朝食後,14,日分,1,1,,1", "",
    ].join("\r\n");
    writeFileSync(refusedPath, refusedText("20261399"));
    await browser.waitUntil(async () => {
      await (await browser.$("#open-settings")).click();
      return /000777_refused\.txt: /.test(await (await shown(browser, "#feed-errors")).getText());
    }, { timeout: 10_000, interval: 500 });
    assert.match(await (await browser.$("#feed-errors")).getText(), /3行目 レコード5 項目1: 調剤等年月日（5）の「調剤等年月日」は日付/);
    const { atime, mtime } = statSync(refusedPath);
    writeFileSync(refusedPath, refusedText(daysAgo(3).file));
    utimesSync(refusedPath, atime, mtime);
    const retry = await browser.$("//li[contains(., '000777_refused.txt')]//button[contains(@class, 'retry-file')]");
    await retry.click();
    await browser.waitUntil(async () => {
      await (await browser.$("#open-settings")).click();
      return !/000777_refused\.txt/.test(await (await shown(browser, "#feed-errors")).getText());
    }, { timeout: 10_000, interval: 500 });
    await (await browser.$("#home")).click();
    await browser.waitUntil(async () => {
      await fillAndSubmit(browser, "#search-form", { query: "サイシ" }, "#search-submit");
      return (await browser.$$("#search-results tr.patient")).length === 1;
    }, { timeout: 10_000, interval: 500 });
    await (await browser.$("#open-settings")).click();

    // P11: the new receipt computer numbers 田中 一郎 as 900123.
    await (await shown(browser, "#remap-old")).setValue("000123");
    await (await browser.$("#remap-new")).setValue("900123");
    await (await browser.$("#remap-submit")).click();
    await browser.waitUntil(async () => (await text(browser, "#remap-message")) === "1件のIDを付け替えました");
    deliver(folder, "900123_0001.txt", "田中 一朗", daysAgo(2).file, "新システム錠");
    await (await browser.$("#home")).click();
    await browser.waitUntil(async () => {
      await fillAndSubmit(browser, "#search-form", { query: "タナカ" }, "#search-submit");
      return (await browser.$$("#search-results tr.patient")).length >= 1;
    });
    assert.equal((await browser.$$("#search-results tr.patient")).length, 1, "still one patient");
    await (await browser.$("#search-results tr.patient td.name")).click();
    await (await shown(browser, '[data-tab="current"]')).click();
    await browser.waitUntil(async () => (await text(browser, "#patient-body .dispensing-date")) === daysAgo(2).label);

    // The share drops: レセコン接続エラー on the list, gone when it is back.
    await (await browser.$("#back-to-list")).click();
    renameSync(folder, `${folder}-away`);
    const banner = await shown(browser, "#feed-status .feed-error", 15_000).catch((e) => {
      console.log(`app log:\n${readFileSync(join(dataDir, "app.log"), "utf8")}`);
      throw e;
    });
    assert.match(await banner.getText(), /^レセコン接続エラー .*recept-out（\d+\/\d+ \d\d:\d\dから）見つかりません$/);
    renameSync(`${folder}-away`, folder);
    await browser.waitUntil(async () => (await browser.$$("#feed-status .feed-error")).length === 0, { timeout: 15_000 });
  } finally {
    await app.close();
  }
});
