// C1 through the real app: a clinic (施設の種類 診療所 at 初期設定; a pharmacy's
// 設定 has no 電子処方箋 section) — an administrator sets up the link to the OQS
// terminal in 設定 → 電子処方箋 — folders that do not exist are named as the
// problem, then real folders complete 初期化 (a test file written and
// removed); the operation names show which are 未確認 (never sent); the
// real drug-master slice imports with its count, a broken file is refused
// and the count stays. The screen is checked at 1366×768.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN, ROOT, fillAndSubmit, freshDataDir, launch, layoutProblems, saveScreen, shown } from "./support.mjs";

const FIXTURES = join(ROOT, "crates/eps/tests/fixtures");

function text(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.textContent ?? "", selector);
}

test("電子処方箋 設定: folders checked, operation names, masters", async () => {
  const dataDir = freshDataDir();
  const req = join(dataDir, "oqs", "req");
  const res = join(dataDir, "oqs", "res");
  const app = await launch(dataDir);
  try {
    const { browser } = app;
    // 初期設定 as a clinic (診療所): 設定 then has 電子処方箋.
    await shown(browser, "#setup-form");
    await (await browser.$("#f-kind")).selectByAttribute("value", "clinic");
    await fillAndSubmit(browser, "#setup-form", { ...ADMIN, facility_name: "おくすり内科クリニック" }, "#setup-submit");
    // A clinic opens on 発行済み一覧, with the clinic's menu and no counter's.
    await shown(browser, "#issued-table");
    assert.equal(await browser.$$("#open-list").length, 0);
    assert.equal(await browser.$$("#open-issue").length, 0);
    await (await browser.$("#open-settings")).click();
    await shown(browser, "#eps-form");

    // Folders that are not there: 初期化 names them, nothing is claimed.
    await fillAndSubmit(browser, "#eps-form", { institution: "1312345678", req, res, timeout: "30" }, "#eps-submit");
    await browser.waitUntil(async () => (await text(browser, "#eps-message")).includes("req フォルダー"));
    const problems = await text(browser, "#eps-message");
    assert.match(problems, /req フォルダー（.*req）に書き込めません/);
    assert.match(problems, /res フォルダー（.*res）を読めません/);
    assert.doesNotMatch(problems, /初期化を完了しました/);
    // A code that is not 10 digits is refused.
    await fillAndSubmit(browser, "#eps-form", { institution: "131234" }, "#eps-submit");
    await browser.waitUntil(async () => (await text(browser, "#eps-message")) === "医療機関コードは数字10桁で入力してください。");

    // The terminal's folders exist: 初期化 completes, the test file is gone.
    mkdirSync(req, { recursive: true });
    mkdirSync(res, { recursive: true });
    await fillAndSubmit(browser, "#eps-form", { institution: "1312345678" }, "#eps-submit");
    await browser.waitUntil(async () => (await text(browser, "#eps-message")).startsWith("初期化を完了しました"));
    assert.deepEqual(readdirSync(req), []);
    // The header's 資格確認端末 follows at once; a clinic's 設定 has no counter sections.
    await browser.waitUntil(async () => (await text(browser, "#oqs-state")).startsWith("資格確認端末 接続中"));
    assert.equal((await browser.$$("#settings-reader")).length, 0);
    assert.equal((await browser.$$("#settings-feed")).length, 0);

    // クライアント証明書: a file that is not a .p12 (or a wrong password) is refused with the reason.
    const notP12 = join(dataDir, "client.p12");
    writeFileSync(notP12, "not a certificate");
    await (await browser.$("#cert-file")).addValue(notP12);
    await (await browser.$("#cert-password")).setValue("secret");
    await (await browser.$("#cert-submit")).click();
    await browser.waitUntil(async () => (await text(browser, "#cert-message")).startsWith("クライアント証明書（.p12）を開けません"));
    assert.equal(await (await browser.$("#cert-password")).getValue(), "", "the password is not kept on screen");

    // The operation names: verified ones with their file names, the vendor-only ones 未確認.
    const rows = await browser.execute(() =>
      [...document.querySelectorAll("#eps-operations tbody tr")].map((tr) => [...tr.children].map((td) => td.textContent)),
    );
    assert.ok(rows.some(([label, prefix, state]) => label === "処方箋登録" && prefix === "EPSsiPIR01" && state === "確認済み"), JSON.stringify(rows));
    const unverified = rows.filter(([, , state]) => state === "未確認");
    assert.equal(unverified.length, 4, JSON.stringify(rows));
    assert.ok(unverified.every(([, prefix]) => prefix === "—（送信できません）"));

    // 医薬品マスター: the real slice imports with its count; a short-row file is refused, the count stays.
    assert.equal(await text(browser, "#master-state-drug"), "未取込");
    await (await browser.$("#master-file-drug")).addValue(join(FIXTURES, "y-slice.csv"));
    await (await browser.$("#master-import-drug")).click();
    await browser.waitUntil(async () => (await text(browser, "#masters-message")) === "医薬品マスターを 8件取り込みました。");
    assert.match(await text(browser, "#master-state-drug"), /^8件（y-slice\.csv、\d{4}年\d+月\d+日取込）$/);
    const broken = join(dataDir, "short.csv");
    writeFileSync(broken, "0,Y,610406079,7,ガスター散２％\n");
    await browser.execute(() => { document.querySelector("#master-file-drug").value = ""; });
    await (await browser.$("#master-file-drug")).addValue(broken);
    await (await browser.$("#master-import-drug")).click();
    await browser.waitUntil(async () => (await text(browser, "#masters-message")).includes("1行目の項目が 5 個しかありません"));
    assert.match(await text(browser, "#master-state-drug"), /^8件/);

    // Readable at 1366×768.
    await browser.execute(() => document.querySelector("#settings-eps")?.scrollIntoView());
    const layout = await browser.execute(layoutProblems);
    assert.deepEqual(layout, []);
    // Looked at by the developer; kept in docs/screens/ when asked (UPDATE_SCREENS=1).
    const shot = process.env.UPDATE_SCREENS ? join(ROOT, "docs/screens/20-settings-eps.png") : join(dataDir, "settings-eps.png");
    await saveScreen(browser, shot);
    await browser.execute(() => document.querySelector("#cert-form")?.scrollIntoView());
    assert.deepEqual(await browser.execute(layoutProblems), []);
    await saveScreen(browser, join(dataDir, "settings-eps-cert.png"));
    await browser.execute(() => document.querySelector("#eps-operations")?.scrollIntoView());
    assert.deepEqual(await browser.execute(layoutProblems), []);
    await saveScreen(browser, shot.replace("20-settings-eps", "21-settings-eps-masters"));
  } finally {
    await app.close();
  }
});
