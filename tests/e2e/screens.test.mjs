// Every pharmacy screen on the demo data folder at 1366×768, as a pharmacist
// meets it: one press of ログイン, then each screen is saved as a PNG (under
// docs/screens/ with UPDATE_SCREENS=1) and checked for what makes a screen hard to use — horizontal
// scroll, text under 14 px, a fixed bar over a row, a notice over a control.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, execSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT, freshDataDir, launch, layoutProblems, plainSqliteReads, shown, sql } from "./support.mjs";

/**
 * A demo patient's birth date in 和暦 (昭和) as staff type it: the demo makes
 * it from today in Japan (age in years, then days more), so the test must too.
 */
function demoBirthShowa(years, days) {
  const jst = new Date(Date.now() + 9 * 3600 * 1000);
  const birth = new Date(Date.UTC(jst.getUTCFullYear() - years, jst.getUTCMonth(), jst.getUTCDate()) - days * 86400 * 1000);
  return `S${birth.getUTCFullYear() - 1925}.${birth.getUTCMonth() + 1}.${birth.getUTCDate()}`;
}

// docs/screens/ is rewritten only when asked (UPDATE_SCREENS=1): a test run leaves the tree clean.
const SCREENS = process.env.UPDATE_SCREENS ? join(ROOT, "docs/screens") : mkdtempSync(join(tmpdir(), "okusuri-screens-"));

/** Saves the window as docs/screens/NAME.png and fails on a layout problem, at the top and at the end of the page. */
async function screen(browser, name) {
  await browser.execute(() => document.fonts.ready);
  // The X screen, as a person sees it (WebDriver's own screenshot can hang in WebKitGTK).
  execSync(`xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng > "${join(SCREENS, `${name}.png`)}"`);
  const atTop = await browser.execute(layoutProblems);
  const scrollAll = (end) => {
    for (const el of [document.scrollingElement, ...document.querySelectorAll("main, main *")]) {
      if (el && el.scrollHeight > el.clientHeight) el.scrollTop = end ? el.scrollHeight : 0;
    }
  };
  await browser.execute(scrollAll, true);
  const atEnd = await browser.execute(layoutProblems);
  await browser.execute(scrollAll, false);
  assert.deepEqual([...new Set([...atTop, ...atEnd])], [], `${name}: layout problems`);
}

test("every pharmacy screen reads well at 1366×768 on the demo data", async () => {
  mkdirSync(SCREENS, { recursive: true });
  const dir = freshDataDir();
  execFileSync(CLI, ["--data-dir", dir, "demo"], { encoding: "utf8" });
  const app = await launch(dir);
  const { browser } = app;
  try {
    const size = await browser.execute(() => [innerWidth, innerHeight]);
    assert.ok(size[0] >= 1280, `window width ${size[0]}`);

    // One press of ログイン: the demo account is filled in.
    await shown(browser, "#signin-form");
    await shown(browser, "#demo-band");
    await screen(browser, "01-signin");
    await (await browser.$("#signin-submit")).click();
    await shown(browser, "#patient-list");
    const rows = await browser.$$("#patient-list tr.patient");
    assert.ok(rows.length >= 10, `${rows.length} rows`);
    await screen(browser, "02-patient-list");

    // A long-term patient: the history grid.
    const opened = performance.now();
    await (await browser.$("//tr[contains(@class,'patient')]//span[text()='佐藤 一郎']")).click();
    await shown(browser, ".dispensing .rp");
    const ms = await browser.execute(() => performance.getEntriesByName("history-drawn")[0]?.detail?.ms ?? -1);
    console.log(`e2e: demo patient with two years of history: opened → grid drawn ${ms.toFixed(0)} ms in the app, ${(performance.now() - opened).toFixed(0)} ms with WebDriver's click (debug build)`);
    await screen(browser, "03-history");

    await (await browser.$("button.tab[data-tab='current']")).click();
    await shown(browser, "#patient-body .dispensing, #patient-body .empty");
    await screen(browser, "04-current");

    await (await browser.$("button.tab[data-tab='body']")).click();
    await shown(browser, "#patient-body .notes, #patient-body .empty");
    await screen(browser, "05-body");

    // カード発行: 新規 offers the person already on file (no duplicate).
    await (await browser.$("#open-issue")).click();
    await screen(browser, "06-card-choice");
    await (await shown(browser, "#issue-new")).click();
    for (const [name, value] of Object.entries({ name: "春茂 拓哉", kana: "はるも たくや" })) {
      await (await browser.$(`#issue-form [name="${name}"]`)).setValue(value);
    }
    assert.equal(await (await browser.$('#issue-form [name="kana"]')).getValue(), "ハルモ タクヤ");
    await (await browser.$('#issue-form [name="birth_date"]')).setValue(demoBirthShowa(72, 40));
    await shown(browser, "#existing .issue-existing");
    await screen(browser, "07-card-new");
    await (await browser.$("#existing .issue-existing")).click();
    await shown(browser, "#terms");
    await screen(browser, "08-card-terms");

    await (await browser.$("#open-notebook")).click();
    await shown(browser, "#notebook-text, #otherNotebook, textarea");
    await screen(browser, "09-other-notebook");

    // 会員設定 on the patient screen; Esc closes it.
    await (await browser.$("#open-list")).click();
    await (await shown(browser, "//tr[contains(@class,'patient')]//span[text()='佐藤 一郎']")).click();
    await (await shown(browser, "#member-menu > summary")).click();
    await shown(browser, "#print-qr");
    await screen(browser, "13-member-menu");
    await browser.keys("Escape");
    await browser.waitUntil(async () => (await (await browser.$("#member-menu")).getAttribute("open")) === null);

    // お知らせ (the demo says it is one) and ヘルプ for the screen shown.
    assert.ok(Number(await (await shown(browser, "#notices-unread")).getText()) >= 1, "the demo notice is unread");
    await (await browser.$("#open-notices")).click();
    await shown(browser, "#notices .notice-item");
    await screen(browser, "14-notices");
    await (await browser.$("#open-list")).click();
    await shown(browser, "#patient-list");
    assert.equal(await (await browser.$("#notices-unread")).isDisplayed(), false, "read on this PC");
    await (await browser.$("#open-help")).click();
    await shown(browser, "#help-content h1");
    assert.equal(await (await browser.$("#help-content h1")).getText(), "患者リスト");
    await screen(browser, "15-help");

    // The administrator's screens.
    await (await browser.$("#account-menu > summary")).click();
    await shown(browser, "#signout");
    await screen(browser, "10-account-menu");
    await (await shown(browser, "#signout")).click();
    await shown(browser, "#signin-form");
    const login = await browser.$('#signin-form [name="login_id"]');
    await login.clearValue();
    await login.setValue("kanri");
    await (await browser.$("#signin-submit")).click();
    await shown(browser, "#patient-list");
    await (await browser.$("#open-settings")).click();
    await shown(browser, ".settings");
    // A pharmacy's 設定 has no 電子処方箋 section (that is a clinic's).
    assert.equal((await browser.$$("#settings-eps")).length, 0);
    await screen(browser, "11-settings");
    // The backup and staff sections (second folder, 今すぐバックアップ, idle lock minutes).
    await browser.execute(() => document.getElementById("settings-backup")?.scrollIntoView({ block: "start" }));
    await shown(browser, "#backup-second");
    // The demo database was plain (made by the CLI): the app encrypted it at start.
    assert.match(await (await browser.$("#backup-encryption")).getText(), /暗号化されています/);
    assert.equal(plainSqliteReads(dir), false, "the stock sqlite3 cannot read the converted demo database");
    // 鍵を書き出す: the keys into a folder standing in for a USB stick, logged.
    const stick = mkdtempSync(join(tmpdir(), "okusuri-usb-"));
    await (await browser.$("#keys-folder")).setValue(stick);
    await (await browser.$("#keys-export")).click();
    await browser.waitUntil(async () => (await (await browser.$("#backup-message")).getText()).includes("鍵を書き出しました"));
    const [keyFile] = readdirSync(stick);
    assert.match(readFileSync(join(stick, keyFile), "utf8"), /^okusuri-desk keys v2\ndatabase-id \w+\ndatabase-key \S+\naudit-key \S+\n$/);
    assert.equal((statSync(join(stick, keyFile)).mode & 0o777).toString(8), "600");
    assert.match(sql(dir, "SELECT detail FROM access_log WHERE event = 'keys_exported'"), /database key and access-log key exported to okusuri-keys-/);
    await browser.execute(() => document.getElementById("settings-backup")?.scrollIntoView({ block: "start" }));
    await screen(browser, "32-settings-backup-staff");
    await (await browser.$("#open-import")).click();
    await shown(browser, "#import-form, form");
    await screen(browser, "12-import");
    await (await browser.$("#account-menu > summary")).click();
    await (await shown(browser, "#open-staff")).click();
    await shown(browser, "#staff-list");
    await screen(browser, "17-staff");
    await (await browser.$("#account-menu > summary")).click();
    await (await shown(browser, "#open-audit")).click();
    await shown(browser, "#audit-list tbody tr[data-id]");
    await screen(browser, "31-audit");
    await (await browser.$("#account-menu > summary")).click();
    await (await shown(browser, "#open-password")).click();
    await shown(browser, "form");
    await screen(browser, "18-password");
    await (await browser.$("#account-menu > summary")).click();
    await (await shown(browser, "#open-two-factor")).click();
    await (await shown(browser, "#two-factor-start")).click();
    await shown(browser, "#two-factor-qr");
    await screen(browser, "29-two-factor");
    await (await browser.$("#account-menu > summary")).click();
    await (await shown(browser, "#lock-now")).click();
    await shown(browser, "#lock-form");
    await screen(browser, "30-lock");
  } finally {
    await app.close();
  }
});

test("a busy day: 200 patients in today's list, drawn and scrolled with the headings in view", async () => {
  const dir = freshDataDir();
  execFileSync(CLI, ["--data-dir", dir, "demo", "--busy", "190"], { encoding: "utf8" });
  const app = await launch(dir);
  const { browser } = app;
  try {
    await (await shown(browser, "#signin-submit")).click();
    await shown(browser, "#patient-list");
    const drawn = async () => browser.execute(() => performance.getEntriesByName("list-drawn")[0]?.detail ?? null);
    await browser.waitUntil(async () => ((await drawn())?.rows ?? 0) >= 200);
    const times = [];
    for (let i = 0; i < 5; i++) {
      const before = (await drawn()).at;
      await (await browser.$("#open-list")).click();
      await browser.waitUntil(async () => (await drawn()).at !== before);
      times.push(Math.round((await drawn()).ms));
    }
    times.sort((a, b) => a - b);
    console.log(`e2e: 200-row day list asked → drawn: median ${times[2]} ms, min ${times[0]} ms, max ${times[4]} ms (debug build)`);
    // Scrolled to the end: the headings are still at the top, no row under the footer.
    await browser.execute(() => { const a = document.querySelector(".list-area"); if (a) a.scrollTop = a.scrollHeight; });
    const heading = await browser.execute(() => document.querySelector("#patient-list thead th")?.getBoundingClientRect().top ?? -1);
    const area = await browser.execute(() => document.querySelector(".list-area")?.getBoundingClientRect().top ?? -2);
    assert.ok(Math.abs(heading - area) < 2, `headings at ${heading}, list at ${area}`);
    await screen(browser, "16-busy-day");
  } finally {
    await app.close();
  }
});
