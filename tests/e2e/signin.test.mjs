// P10 + P1 through the real app: first-run setup, sign-out, wrong password,
// sign-in, the empty patient list with the version, lock-out, and a restart
// that keeps the data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";
import { CLI, dbInfo, fillAndSubmit, freshDataDir, launch, shown, workspaceVersion, accountMenu } from "./support.mjs";

const FACILITY = { facility_code: "PH0001", facility_name: "さくら薬局 本店" };
const ADMIN = { admin_login_id: "admin", admin_name: "管理 太郎", password: "first-pass-2026" };

/** One message for a wrong ID, a wrong password and a locked ID. */
const REFUSED = "施設ID、スタッフID、パスワードのいずれかが正しくありません。（5回続けて失敗すると、そのスタッフIDは5分間ログインできなくなります）";

/** RFC 6238 (HMAC-SHA1, 30 s, 6 digits) from a base32 secret: what the phone shows. */
function totp(secretBase32, at = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secretBase32.replace(/[\s=]/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

async function signIn(browser, loginId, password) {
  await fillAndSubmit(
    browser,
    "#signin-form",
    { facility_code: FACILITY.facility_code, login_id: loginId, password },
    "#signin-submit",
  );
}

test("first run, sign-in, empty patient list, restart keeps the data", async () => {
  const dataDir = freshDataDir();
  let app = await launch(dataDir);
  try {
    const { browser } = app;
    await shown(browser, "#setup-form");
    console.log(`e2e: debug app start → setup screen drawn: ${(performance.now() - app.started).toFixed(0)} ms`);
    await fillAndSubmit(
      browser,
      "#setup-form",
      { ...FACILITY, ...ADMIN, password_confirm: ADMIN.password },
      "#setup-submit",
    );

    // The patient list: header, 本日 first, 患者様はいません, version.
    await shown(browser, "#patient-list");
    assert.equal(await (await browser.$("#facility-name")).getText(), FACILITY.facility_name);
    const days = await browser.$$("#patient-list tr.day");
    assert.equal(days.length, 7);
    assert.equal(await days[0].getText(), "本日");
    assert.equal(await (await browser.$("#patient-list tr.empty")).getText(), "患者様はいません");
    const headings = await browser.$$("#patient-list thead th").map((th) => th.getText());
    assert.deepEqual(headings, ["表示日時", "氏名 (カナ)", "性別", "生年月日 (年齢)", "お薬自動登録"]);
    assert.equal(await (await browser.$("#app-version")).getText(), `バージョン ${workspaceVersion()}`);
    assert.equal(await (await browser.$("#reader-switch")).getText(), "OFF");

    // The admin adds a pharmacist.
    await accountMenu(browser, "#open-staff");
    await shown(browser, "#staff-form");
    await fillAndSubmit(
      browser,
      "#staff-form",
      { login_id: "yamada", display_name: "山田 花子", password: "pharm-pass-2026" },
      "#staff-submit",
    );
    await browser.waitUntil(async () => (await browser.$$("#staff-list tbody tr").length) === 2, {
      timeoutMsg: "the new staff member is listed",
    });

    // Sign out → wrong password → message → sign in.
    await accountMenu(browser, "#signout");
    await shown(browser, "#signin-form");
    await signIn(browser, "admin", "not-the-password");
    const error = await shown(browser, "#signin-error");
    await browser.waitUntil(async () => (await error.getText()) !== "");
    assert.equal(await error.getText(), REFUSED, "no count that would tell a real ID");
    await signIn(browser, "admin", ADMIN.password);
    await shown(browser, "#patient-list");
    assert.equal(await (await browser.$("#staff-name")).getText(), "管理 太郎 さん");
  } finally {
    await app.close();
  }

  // Restart: the facility and staff are still there (sign-in, not setup).
  app = await launch(dataDir);
  try {
    const { browser } = app;
    await shown(browser, "#signin-form");
    console.log(`e2e: debug app restart → sign-in screen drawn: ${(performance.now() - app.started).toFixed(0)} ms`);
    await signIn(browser, "yamada", "pharm-pass-2026");
    await shown(browser, "#patient-list");
    assert.equal(await (await browser.$("#staff-name")).getText(), "山田 花子 さん");
    assert.equal(await browser.$$("#open-staff").length, 0, "スタッフ管理 is for admins only");

    // Password change, then sign in with the new one.
    await accountMenu(browser, "#open-password");
    await shown(browser, "#password-form");
    await fillAndSubmit(
      browser,
      "#password-form",
      { current: "pharm-pass-2026", next: "pharm-pass-2027", confirm: "pharm-pass-2027" },
      "#password-submit",
    );
    const done = await shown(browser, "#password-done");
    await browser.waitUntil(async () => (await done.getText()) === "パスワードを変更しました。");
    await accountMenu(browser, "#signout");
    await shown(browser, "#signin-form");
    await signIn(browser, "yamada", "pharm-pass-2027");
    await shown(browser, "#patient-list");
  } finally {
    await app.close();
  }

  const info = dbInfo(dataDir);
  assert.equal(info.facility.name, FACILITY.facility_name);
  // The app keyed the access log with a key in the OS key store (GNOME
  // Keyring on this session's bus); the command line verifies it with it.
  const verified = execFileSync(CLI, ["--data-dir", dataDir, "audit", "verify"], { encoding: "utf8" });
  assert.match(verified, /から鍵付きの連鎖です/);
  assert.match(verified, /変更・削除は見つかりません/);
  assert.equal(info.counts.staff, 2);
  // created, added, sign-out, failure, sign-in, sign-in, password, sign-out, sign-in
  assert.ok(info.counts.access_log >= 9, `access log rows: ${info.counts.access_log}`);
});

test("five wrong passwords lock the staff ID", async () => {
  const dataDir = freshDataDir();
  const app = await launch(dataDir);
  try {
    const { browser } = app;
    await shown(browser, "#setup-form");
    await fillAndSubmit(
      browser,
      "#setup-form",
      { ...FACILITY, ...ADMIN, password_confirm: ADMIN.password },
      "#setup-submit",
    );
    await shown(browser, "#patient-list");
    await accountMenu(browser, "#signout");
    await shown(browser, "#signin-form");
    const error = await browser.$("#signin-error");
    for (let attempt = 1; attempt <= 5; attempt++) {
      await signIn(browser, "admin", `wrong-${attempt}-pass`);
      await browser.waitUntil(async () => (await error.getText()) === REFUSED);
    }
    await signIn(browser, "admin", ADMIN.password);
    await browser.waitUntil(async () => (await error.getText()) === REFUSED, {
      timeoutMsg: "even the right password is refused while locked, with the same message",
    });
    assert.equal(await browser.$$("#patient-list").length, 0);
  } finally {
    await app.close();
  }
});

test("an administrator resets a password, deactivates a staff member; two-factor sign-in with the phone's code", async () => {
  const dataDir = freshDataDir();
  const app = await launch(dataDir);
  try {
    const { browser } = app;
    await shown(browser, "#setup-form");
    await fillAndSubmit(browser, "#setup-form", { ...FACILITY, ...ADMIN, password_confirm: ADMIN.password }, "#setup-submit");
    await shown(browser, "#patient-list");
    await accountMenu(browser, "#open-staff");
    await shown(browser, "#staff-form");
    await fillAndSubmit(browser, "#staff-form", { login_id: "yamada", display_name: "山田 花子", password: "pharm-pass-2026" }, "#staff-submit");
    const row = async () => browser.$("#staff-list tr[data-staff-id='2']");
    await browser.waitUntil(async () => (await (await row()).isExisting()), { timeoutMsg: "yamada listed" });

    // A temporary password: yamada must change it before anything else.
    await (await (await row()).$(".staff-reset")).click();
    await (await (await row()).$(".staff-temporary")).setValue("Temp-4821-kusuri");
    await (await (await row()).$(".staff-reset-confirm")).click();
    await browser.waitUntil(async () => (await (await (await row()).$(".staff-state")).getText()).includes("パスワード変更待ち"));
    await accountMenu(browser, "#signout");
    await shown(browser, "#signin-form");
    await signIn(browser, "yamada", "Temp-4821-kusuri");
    await shown(browser, "#password-forced");
    assert.equal(await browser.$$("#account-menu").length, 0, "no menus until the password is changed");
    await fillAndSubmit(browser, "#password-form", { current: "Temp-4821-kusuri", next: "mine-Hakone-2027", confirm: "mine-Hakone-2027" }, "#password-submit");
    await shown(browser, "#patient-list");

    // yamada turns on two-factor sign-in: the test is the phone.
    await accountMenu(browser, "#open-two-factor");
    await (await shown(browser, "#two-factor-start")).click();
    const secret = (await (await shown(browser, "#two-factor-secret")).getText()).replace(/\s/g, "");
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.match(await (await browser.$("#two-factor-qr")).getAttribute("src"), /^data:image\/svg\+xml;base64,/);
    await (await browser.$("#two-factor-code")).setValue(totp(secret));
    await (await browser.$("#two-factor-confirm")).click();
    const recovery = await shown(browser, "#two-factor-recovery");
    assert.equal((await recovery.$$("li")).length, 10);
    await accountMenu(browser, "#signout");
    await shown(browser, "#signin-form");
    await signIn(browser, "yamada", "mine-Hakone-2027");
    const asked = await browser.$("#signin-error");
    await browser.waitUntil(async () => /2段階認証のコード/.test(await asked.getText()), {
      timeoutMsg: "the code is asked for after the right password",
    });
    const code = await shown(browser, "#f-code");
    // The enrolment used this time step's code, which is never taken twice:
    // the next step's code (one step of clock skew is allowed) is new.
    await code.setValue(totp(secret, Date.now() + 30_000));
    await (await browser.$("#signin-submit")).click();
    await shown(browser, "#patient-list");
    console.log("e2e: two-factor sign-in with a TOTP computed by the test");
    await accountMenu(browser, "#signout");

    // The administrator deactivates yamada: the sign-in is refused like any other.
    await shown(browser, "#signin-form");
    await signIn(browser, "admin", ADMIN.password);
    await shown(browser, "#patient-list");
    await accountMenu(browser, "#open-staff");
    await browser.waitUntil(async () => (await (await row()).isExisting()));
    await (await (await row()).$(".staff-active")).click();
    await browser.waitUntil(async () => (await (await (await row()).$(".staff-state")).getText()).startsWith("無効"));
    await accountMenu(browser, "#signout");
    await shown(browser, "#signin-form");
    await signIn(browser, "yamada", "mine-Hakone-2027");
    const error = await browser.$("#signin-error");
    await browser.waitUntil(async () => (await error.getText()) === REFUSED);
  } finally {
    await app.close();
  }
});
