// D2 through the real app and D-Bus: the tray icon is a StatusNotifierItem
// (libayatana, as on a Linux desktop); a stand-in watcher (sni-watcher.py)
// tells the test its bus name. The test reads the label and the menu's rows
// (dbusmenu), takes the receipt-computer folder away and sees the row, the
// label and the icon change, brings it back; turns the card reader on and
// stops pcscd (the row and icon say so, then recover); hides the window
// (closing it) and presses 表示 through dbusmenu: the window is shown again;
// presses 終了: the app quits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { ROOT, appRunning, ensurePcscd, freshDataDir, launch, setUpFacility, shown } from "./support.mjs";

function text(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.textContent ?? "", selector);
}

/** Starts the stand-in StatusNotifierWatcher; resolves with it once it owns its name. */
function startWatcher() {
  const child = spawn("/usr/bin/python3", [join(ROOT, "tests/e2e/sni-watcher.py")], { stdio: ["ignore", "pipe", "inherit"] });
  const items = [];
  let buffer = "";
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => { reject(new Error(`sni-watcher exited (${code})`)); });
    child.stdout.on("data", (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line === "ready") resolve({ items, stop: () => child.kill() });
        else if (line) items.push(line);
      }
    });
  });
}

/** The item's bus name and object path, once the app registered it (the latest registration). */
async function trayItem(watcher, browser) {
  await browser.waitUntil(() => watcher.items.length > 0, { timeout: 15_000, timeoutMsg: "the app registered no tray item" });
  return {
    get bus() {
      const item = watcher.items.at(-1);
      return item.slice(0, item.indexOf("/"));
    },
    get path() {
      const item = watcher.items.at(-1);
      return item.slice(item.indexOf("/"));
    },
  };
}

/** busctl on this session's bus (dbus-run-session's), not the login's user bus. */
const BUS = process.env.DBUS_SESSION_BUS_ADDRESS ? [`--address=${process.env.DBUS_SESSION_BUS_ADDRESS}`] : ["--user"];

function property(item, name) {
  const out = execFileSync("busctl", [...BUS, "--json=short", "get-property", item.bus, item.path, "org.kde.StatusNotifierItem", name], { encoding: "utf8" });
  return JSON.parse(out).data;
}

/** The icon's pixels as shown: the PNG file the item names (a new file at each change). */
function icon(item) {
  return readFileSync(property(item, "IconName"));
}

/** The menu's items: [id, label, enabled] from dbusmenu's GetLayout. */
function menu(item) {
  const out = execFileSync("busctl", [...BUS, "--json=short", "call", item.bus, `${item.path}/Menu`, "com.canonical.dbusmenu", "GetLayout", "iias", "--", "0", "-1", "2", "label", "enabled"], { encoding: "utf8" });
  const [, layout] = JSON.parse(out).data;
  const children = layout[2];
  return children.map((child) => {
    const [id, props] = child.data;
    return [id, props.label?.data ?? "", props.enabled?.data ?? true];
  });
}

function click(item, id) {
  execFileSync("busctl", [...BUS, "call", item.bus, `${item.path}/Menu`, "com.canonical.dbusmenu", "Event", "isvu", "--", String(id), "clicked", "s", "", "0"]);
}

/** Whether the app's window is mapped (X11), by its title. */
function windowViewable(title) {
  const tree = execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" });
  const line = tree.split("\n").find((l) => l.includes(`"${title}"`));
  if (!line) return false;
  const id = line.trim().split(/\s+/)[0];
  return /Map State: IsViewable/.test(execFileSync("xwininfo", ["-id", id], { encoding: "utf8" }));
}

test("tray: status rows and icon follow the app; 表示 shows the window", async () => {
  const watcher = await startWatcher();
  const dataDir = freshDataDir();
  const folder = join(dataDir, "recept-out");
  mkdirSync(folder);
  const app = await launch(dataDir, { OKUSURI_CLOSE_TO_TRAY: "1" });
  let quitted = false;
  try {
    const { browser } = app;
    await setUpFacility(browser);
    await (await browser.$("#open-settings")).click();
    await (await shown(browser, "#feed-path")).setValue(folder);
    await (await browser.$("#feed-add-submit")).click();
    await browser.waitUntil(async () => (await text(browser, "#feed-message")) === "保存しました");

    const item = await trayItem(watcher, browser);
    const rows = () => menu(item).map(([, label]) => label);
    await browser.waitUntil(() => rows().includes("レセコン連携: 稼働中"), { timeout: 15_000, timeoutMsg: JSON.stringify(rows()) });
    assert.deepEqual(rows(), ["カードリーダー: OFF", "レセコン連携: 稼働中", "", "表示", "終了"]);
    assert.ok(menu(item).slice(0, 2).every(([, , enabled]) => enabled === false), "status rows are not buttons");
    assert.equal(property(item, "XAyatanaLabel"), "おくすりデスク");
    const normalIcon = icon(item);

    // The folder goes away: the row, the label and the icon say so; back, and they recover.
    renameSync(folder, `${folder}-away`);
    await browser.waitUntil(() => property(item, "XAyatanaLabel") === "おくすりデスク エラー", { timeout: 20_000 });
    assert.match(rows()[1], /^レセコン連携: フォルダーを読めません（.*recept-out）$/);
    assert.ok(!icon(item).equals(normalIcon), "the icon changed");
    renameSync(`${folder}-away`, folder);
    await browser.waitUntil(() => property(item, "XAyatanaLabel") === "おくすりデスク", { timeout: 20_000 });
    assert.equal(rows()[1], "レセコン連携: 稼働中");

    // The card reader: ON shows its name; pcscd stopping turns the row and the icon to 要確認.
    await ensurePcscd();
    // (ON lists the readers; with two and none chosen it stays OFF until one is chosen in 設定.)
    await (await browser.$("#home")).click();
    await (await shown(browser, "#reader-switch")).click();
    await browser.waitUntil(async () => /複数接続されています/.test(await text(browser, "#reader-detail")), { timeout: 10_000 });
    await (await browser.$("#open-settings")).click();
    const choice = await shown(browser, "#reader-choice");
    await choice.selectByVisibleText("Virtual PCD 00 00");
    await (await browser.$("#reader-choice-submit")).click();
    await browser.waitUntil(async () => (await text(browser, "#reader-choice-message")) === "保存しました");
    await (await browser.$("#home")).click();
    // (Switched ON before, so it comes ON with the chosen reader.)
    await browser.waitUntil(async () => (await text(browser, "#reader-switch")) === "ON", { timeout: 10_000 });
    await browser.waitUntil(() => rows()[0] === "カードリーダー: 接続中（Virtual PCD 00 00）", { timeout: 15_000, timeoutMsg: JSON.stringify(rows()) });
    assert.ok(icon(item).equals(normalIcon), "the normal icon");
    spawnSync("pkill", ["-x", "pcscd"]);
    await browser.waitUntil(() => property(item, "XAyatanaLabel") === "おくすりデスク 要確認", { timeout: 20_000, timeoutMsg: JSON.stringify(rows()) });
    assert.match(rows()[0], /^カードリーダー: 停止中（スマートカードサービス/);
    assert.ok(!icon(item).equals(normalIcon), "the icon changed");
    await ensurePcscd();
    await browser.waitUntil(() => rows()[0] === "カードリーダー: 接続中（Virtual PCD 00 00）", { timeout: 20_000, timeoutMsg: JSON.stringify(rows()) });
    await browser.waitUntil(() => property(item, "XAyatanaLabel") === "おくすりデスク", { timeout: 10_000 });

    // Closing the window hides it (the app keeps running); 表示 in the tray shows it.
    const title = await browser.getTitle();
    assert.ok(windowViewable(title));
    // (WebDriver's close would end the session: ask as a window manager's close button does.)
    execFileSync("/usr/bin/python3", [join(ROOT, "tests/e2e/x11-close.py"), title]);
    await browser.waitUntil(() => !windowViewable(title), { timeout: 10_000, timeoutMsg: "the window was not hidden" });
    const show = menu(item).find(([, label]) => label === "表示");
    click(item, show[0]);
    await browser.waitUntil(() => windowViewable(title), { timeout: 10_000, timeoutMsg: "表示 did not show the window" });

    // 終了 in the tray: nothing waits for the OQS terminal here, so the app quits at once.
    const quit = menu(item).find(([, label]) => label === "終了");
    click(item, quit[0]);
    const deadline = Date.now() + 10_000;
    while (appRunning() && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    quitted = !appRunning();
    assert.ok(quitted, "終了 in the tray did not end the app");
  } finally {
    await app.close().catch((e) => { if (!quitted) throw e; });
    watcher.stop();
  }
});
