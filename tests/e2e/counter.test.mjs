// The counter through the real app, with the real pcscd, the vsmartcard
// virtual readers and our virtual FeliCa card: two readers need a choice;
// an unknown card → 新規発行 → touch again → on today's list (20 touches,
// timed); 再発行 disables the old card; a card that is not FeliCa; pcscd
// stopping turns the switch OFF with the reason, and it comes back; after a
// restart the switch is ON again; the locked window shows no patient while
// a card touched meanwhile is recorded.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ADMIN, CLI, dbInfo, ensurePcscd, freshDataDir, launch, layoutProblems, plainSqliteReads, setUpFacility, shown, sql, virtualCard } from "./support.mjs";

const CARD = "0123456789ABCDEF";
const NEW_CARD = "FEDCBA9876543210";
const THIRD_CARD = "0011223344556677";

function text(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.textContent ?? "", selector);
}

async function says(browser, selector, expected) {
  let said = "";
  await browser
    .waitUntil(async () => {
      said = await text(browser, selector);
      return expected instanceof RegExp ? expected.test(said) : said === expected;
    })
    .catch(() => {
      throw new Error(`${selector} said "${said}", expected ${expected}`);
    });
}

test("card reader at the counter: choose, issue, touch, re-issue, not FeliCa, pcscd restart", async () => {
  await ensurePcscd();
  const card = virtualCard();
  const dataDir = freshDataDir();
  let app = await launch(dataDir);
  try {
    const { browser } = app;
    await setUpFacility(browser);

    // ON with two readers and none chosen: OFF, with the reason.
    await (await shown(browser, "#reader-switch")).click();
    await says(browser, "#reader-detail", /^カードリーダーが複数接続されています（Virtual PCD 00 00、Virtual PCD 00 01）/);
    assert.equal(await text(browser, "#reader-switch"), "OFF");

    // 設定: use the first reader; the switch comes ON with it.
    await (await browser.$("#open-settings")).click();
    const choice = await shown(browser, "#reader-choice");
    await choice.selectByVisibleText("Virtual PCD 00 00");
    await (await browser.$("#reader-choice-submit")).click();
    await says(browser, "#reader-choice-message", "保存しました");
    await (await browser.$("#home")).click();
    await says(browser, "#reader-switch", "ON");
    await says(browser, "#reader-detail", "Virtual PCD 00 00");

    // An unknown card: say so, and issue to it.
    await card.insert(CARD);
    await says(browser, "#reader-message", "未登録のカードです。「新規発行」から患者様を登録してください。");
    await card.remove();
    await (await shown(browser, "#issue-for-card")).click();
    await shown(browser, "#issue-card-ready");
    for (const [name, value] of Object.entries({ name: "山田 花子", kana: "ヤマダ ハナコ", birth_date: "1975-04-01", phone: "090-1111-2222" })) {
      await (await browser.$(`#issue-form [name="${name}"]`)).setValue(value);
    }
    await (await browser.$("#f-sex")).selectByVisibleText("女性");
    await (await browser.$("#details-next")).click();
    // 利用規約, then the card already touched, then お薬自動登録設定.
    await (await shown(browser, "#consent-screen")).click();
    await (await shown(browser, "#issue-submit")).click();
    await says(browser, "#issue-message", "山田 花子 様のカードを発行しました。");
    await (await shown(browser, "#open-auto-registration")).click();
    await says(browser, "#patient-name", "山田 花子");
    // お薬自動登録設定 opens right after issuing; no receipt-computer record yet.
    await says(browser, "#link-none", /^レセコンからの候補がありません。/);

    // Touch again: on today's list, once, however often; timed.
    await (await browser.$("#back-to-list")).click();
    await shown(browser, "#patient-list");
    const latencies = [];
    const ours = [];
    for (let i = 0; i < 20; i++) {
      const drawnMark = () => browser.execute(() => performance.getEntriesByName("visit-drawn")[0]?.detail ?? { at: 0, detectedAt: 0 });
      const before = (await drawnMark()).at;
      const placed = await card.insert(CARD);
      await browser.waitUntil(
        async () => (await drawnMark()).at !== before,
        { interval: 10, timeoutMsg: `touch ${i + 1} not shown` },
      );
      const { at: drawn, detectedAt: detected } = await drawnMark();
      latencies.push(drawn - placed);
      ours.push(drawn - detected);
      await card.remove();
      // Let pcscd see the card go before the next touch (it polls the virtual reader).
      await new Promise((r) => setTimeout(r, 600));
    }
    const rows = await browser.$$("#patient-list tr.patient");
    assert.equal(rows.length, 1, "one row for the patient, at the top of 本日");
    assert.match(await text(browser, "#patient-list tr.patient td.name"), /山田 花子/);
    const report = (label, values) => {
      const sorted = [...values].sort((a, b) => a - b);
      console.log(
        `e2e: ${label}, ${sorted.length} touches: median ${sorted[10]} ms, min ${sorted[0]} ms, p90 ${sorted[18]} ms, max ${sorted[19]} ms (all: ${values.join(", ")}) (debug build)`,
      );
    };
    report("card placed on the virtual reader → patient row drawn", latencies);
    report("card reported by PC/SC → patient row drawn (the app's part)", ours);

    // 再発行: the new card works, the old one says it was replaced.
    await (await browser.$("#patient-list tr.patient td.name")).click();
    await (await shown(browser, "#member-menu > summary")).click();
    await (await shown(browser, "#reissue-card")).click();
    await says(browser, "#patient-message", "新しいカードをタッチしてください");
    await card.insert(NEW_CARD);
    await says(browser, "#patient-message", "再発行しました。前のカードは使えなくなりました。");
    await card.remove();
    assert.equal(await browser.execute(() => document.getElementById("touch-notice")?.hidden), true, "the re-issue took that touch");
    // A card touched while on another screen: the visit is announced there, with 開く.
    await card.insert(NEW_CARD);
    await says(browser, "#touch-notice-text", "山田 花子 様が受付されました（本日の患者リストに追加しました）。");
    // The notice sits in the page's flow: it covers no control, at the top or scrolled.
    assert.deepEqual(await browser.execute(layoutProblems), []);
    await card.remove();
    await (await browser.$("#touch-notice-action")).click();
    await says(browser, "#patient-name", "山田 花子");
    await (await browser.$("#back-to-list")).click();
    await shown(browser, "#patient-list");
    await card.insert(CARD);
    await says(browser, "#reader-message", "このカードは再発行により使えなくなっています（山田 花子 様）。新しいカードをタッチしてください。");
    await card.remove();

    // 画面をロック (what the idle timer does after the minutes in 設定): no
    // patient data on screen; a card touched meanwhile is recorded, not shown.
    const visitsBefore = dbInfo(dataDir).counts.visits;
    await (await browser.$("#account-menu > summary")).click();
    await (await shown(browser, "#lock-now")).click();
    await shown(browser, "#lock-form");
    await card.insert(NEW_CARD);
    await browser.waitUntil(() => dbInfo(dataDir).counts.visits === visitsBefore + 1, { timeoutMsg: "the touch while locked was recorded" });
    await card.remove();
    const onScreen = await browser.execute(() => document.body.innerText);
    assert.ok(!onScreen.includes("山田"), `no patient on the lock screen: ${onScreen}`);
    assert.equal(await browser.$$("#patient-list").length, 0);
    await (await browser.$("#lock-password")).setValue("wrong-password-1");
    await (await browser.$("#lock-submit")).click();
    await says(browser, "#lock-error", /正しくありません/);
    await (await browser.$("#lock-password")).setValue(ADMIN.password);
    await (await browser.$("#lock-submit")).click();
    await shown(browser, "#patient-list");
    assert.match(await text(browser, "#patient-list tr.patient td.name"), /山田 花子/);

    // Not a FeliCa card.
    await card.insertOther();
    await says(browser, "#reader-message", "このカードは読み取れません。お薬手帳のカード（FeliCa）をタッチしてください。");
    await card.remove();

    // pcscd stops: OFF with the reason; it comes back ON by itself.
    spawnSync("pkill", ["-x", "pcscd"]);
    await says(browser, "#reader-switch", "OFF");
    await says(browser, "#reader-detail", /^スマートカードサービス（pcscd \/ Smart Card）が動いていません。/);
    await ensurePcscd();
    await says(browser, "#reader-switch", "ON");
    await card.insert(NEW_CARD);
    await says(browser, "#reader-message", "");
    await card.remove();

    // A restart: the switch was ON on this PC, so it comes up ON after sign-in
    // (the 施設ID is remembered too).
    await app.close();
    app = await launch(dataDir);
    const again = app.browser;
    await shown(again, "#signin-form");
    assert.equal(await (await again.$('#signin-form [name="facility_code"]')).getValue(), ADMIN.facility_code);
    await (await again.$('#signin-form [name="login_id"]')).setValue(ADMIN.admin_login_id);
    await (await again.$('#signin-form [name="password"]')).setValue(ADMIN.password);
    await (await again.$("#signin-submit")).click();
    await shown(again, "#patient-list");
    await says(again, "#reader-switch", "ON");

    // 新規カード発行 for a person already on file (from another notebook, no card):
    // typed in hiragana and 和暦, offered, consent on paper, no second record.
    writeFileSync(
      join(dataDir, "on-file.txt"),
      "JAHISTC08,1\r\n1,鈴木 一郎,1,19700101,,,,,,,ｽｽﾞｷ ｲﾁﾛｳ\r\n5,20261101,1\r\n201,1,アムロジピン錠５ｍｇ,1,錠,2,612170709,1\r\n",
    );
    execFileSync(CLI, ["--data-dir", dataDir, "--staff", ADMIN.admin_login_id, "import", join(dataDir, "on-file.txt")], {
      env: { ...process.env, OKUSURI_PASSWORD: ADMIN.password },
    });
    await (await again.$("#open-issue")).click();
    await (await shown(again, "#issue-new")).click();
    await (await shown(again, '#issue-form [name="name"]')).setValue("鈴木 一郎");
    await (await again.$('#issue-form [name="kana"]')).setValue("すずき いちろう");
    assert.equal(await (await again.$('#issue-form [name="kana"]')).getValue(), "スズキ イチロウ");
    await (await again.$('#issue-form [name="birth_date"]')).setValue("S45.1.1");
    await says(again, "#birth-resolved", /^1970年01月01日（昭和45年） \d+歳$/);
    await (await shown(again, "#existing .issue-existing")).click();
    await (await shown(again, "#consent-paper")).click();
    await says(again, "#issue-prompt", "新しいカードをカードリーダーにタッチしてください。");
    await card.insert(THIRD_CARD);
    await (await shown(again, "#issue-submit:not([disabled])")).click();
    await says(again, "#issue-message", "鈴木 一郎 様のカードを発行しました。");
    await card.remove();
    const query = (text) => sql(dataDir, text).trim();
    assert.equal(query("SELECT COUNT(*) FROM patient WHERE birth_date = '1970-01-01'"), "1", "no duplicate record");
    assert.equal(
      query("SELECT c.method FROM consent c JOIN patient p ON p.id = c.patient_id WHERE p.birth_date = '1970-01-01'"),
      "paper",
    );
    assert.equal(query(`SELECT COUNT(*) FROM card WHERE idm = '${THIRD_CARD}' AND disabled_at IS NULL`), "1");
    // The app encrypted the database with a key in the session's keyring.
    assert.equal(plainSqliteReads(dataDir), false, "the stock sqlite3 cannot read the database");
    assert.equal(dbInfo(dataDir).encrypted, true);
  } finally {
    card.close();
    await app.close();
  }
});
