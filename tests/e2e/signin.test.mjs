// P10 + P1 through the real app: first-run setup, sign-out, wrong password,
// sign-in, the empty patient list with the version, lock-out, and a restart
// that keeps the data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dbInfo, fillAndSubmit, freshDataDir, launch, shown, workspaceVersion, accountMenu } from "./support.mjs";

const FACILITY = { facility_code: "PH0001", facility_name: "さくら薬局 本店" };
const ADMIN = { admin_login_id: "admin", admin_name: "管理 太郎", password: "first-pass-1" };

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
      { login_id: "yamada", display_name: "山田 花子", password: "pharm-pass-1" },
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
    assert.equal(
      await error.getText(),
      "施設ID、スタッフID、パスワードのいずれかが正しくありません。あと4回失敗すると、5分間ログインできなくなります。",
    );
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
    await signIn(browser, "yamada", "pharm-pass-1");
    await shown(browser, "#patient-list");
    assert.equal(await (await browser.$("#staff-name")).getText(), "山田 花子 さん");
    assert.equal(await browser.$$("#open-staff").length, 0, "スタッフ管理 is for admins only");

    // Password change, then sign in with the new one.
    await accountMenu(browser, "#open-password");
    await shown(browser, "#password-form");
    await fillAndSubmit(
      browser,
      "#password-form",
      { current: "pharm-pass-1", next: "pharm-pass-2", confirm: "pharm-pass-2" },
      "#password-submit",
    );
    const done = await shown(browser, "#password-done");
    await browser.waitUntil(async () => (await done.getText()) === "パスワードを変更しました。");
    await accountMenu(browser, "#signout");
    await shown(browser, "#signin-form");
    await signIn(browser, "yamada", "pharm-pass-2");
    await shown(browser, "#patient-list");
  } finally {
    await app.close();
  }

  const info = dbInfo(dataDir);
  assert.equal(info.facility.name, FACILITY.facility_name);
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
      await browser.waitUntil(async () => (await error.getText()).length > 0 && !(await error.getText()).includes(`あと${6 - attempt}回`));
    }
    assert.match(await error.getText(), /ロックされています/);
    await signIn(browser, "admin", ADMIN.password);
    await browser.waitUntil(async () => (await error.getText()).includes("あと5分"), {
      timeoutMsg: "even the right password is refused while locked",
    });
  } finally {
    await app.close();
  }
});
