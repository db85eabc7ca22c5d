// Support for end-to-end tests: starts tauri-driver (which starts
// WebKitWebDriver and the real app) with a data folder of the test's own, and
// opens a WebdriverIO session on it. Run under Xvfb (scripts/e2e.sh).
import { spawn, spawnSync, execFileSync, execSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { remote } from "webdriverio";

export const ROOT = resolve(import.meta.dirname, "../..");
/** The app binary: OKUSURI_E2E_APP, else the debug build. */
export function appPath() {
  return process.env.OKUSURI_E2E_APP ?? join(ROOT, "target/debug/okusuri-desk");
}
export const CLI = join(ROOT, "target/debug/okusuri");
const DRIVER = process.env.TAURI_DRIVER ?? join(process.env.HOME ?? "", ".cargo/bin/tauri-driver");
const PORT = 4444;
const NATIVE_PORT = 4445;

/** The workspace version, which the window must show. */
export function workspaceVersion() {
  const toml = readFileSync(join(ROOT, "Cargo.toml"), "utf8");
  const match = toml.match(/\[workspace\.package\][^[]*?version\s*=\s*"([^"]+)"/);
  if (!match) throw new Error("no workspace version in Cargo.toml");
  return match[1];
}

/** A fresh, empty data folder. */
export function freshDataDir() {
  return mkdtempSync(join(tmpdir(), "okusuri-e2e-"));
}

/** Waits until a WebDriver server answers GET /status (a bare TCP probe upsets WebKitWebDriver). */
async function waitForDriver(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no WebDriver answered on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The app's processes by their command line's start: a runner given the app's
 * path as an argument (measure-startup.mjs) must not match itself.
 */
function appPattern() {
  return `^${appPath().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
}

/** Whether an instance of the app runs. */
export function appRunning() {
  return spawnSync("pgrep", ["-f", appPattern()]).status === 0;
}

/**
 * Waits until no instance of the app runs (then kills what is left): a
 * window still closing would take the next start as a second instance
 * (single-instance plugin) and WebDriver would wait for a window that never comes.
 */
export async function noAppRunning(timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (appRunning()) {
    if (Date.now() > deadline) {
      spawnSync("pkill", ["-KILL", "-f", appPattern()]);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts tauri-driver with OKUSURI_DATA_DIR = dataDir (and `env`) and opens the app.
 * Returns the WebdriverIO browser, the time to the first screen, and close().
 */
export async function launch(dataDir, env = {}) {
  await noAppRunning();
  const driver = spawn(DRIVER, ["--port", String(PORT), "--native-port", String(NATIVE_PORT)], {
    // The webview's storage (the remembered 施設ID and reader switch) and the
    // saved window state belong to the test's folder, as to one PC.
    // (Beside the data folder, not in it: a test may name a folder that must not exist.)
    env: { ...process.env, XDG_DATA_HOME: `${dataDir}.xdg/data`, XDG_CONFIG_HOME: `${dataDir}.xdg/config`, ...env, OKUSURI_DATA_DIR: dataDir, RUST_LOG: process.env.OKUSURI_E2E_LOG ?? "warn", OKUSURI_LOG_FILE: join(dataDir, "app.log") },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stop = async () => {
    if (driver.exitCode === null && driver.signalCode === null) {
      driver.kill();
      await new Promise((r) => driver.once("exit", r));
    }
  };
  let browser;
  let started;
  try {
    // tauri-driver listens at once; the WebKitWebDriver it starts takes longer.
    await waitForDriver(NATIVE_PORT, 20_000);
    await waitForDriver(PORT, 20_000);
    started = performance.now();
    browser = await remote({
      hostname: "127.0.0.1",
      port: PORT,
      logLevel: "warn",
      connectionRetryCount: 2,
      capabilities: { "tauri:options": { application: appPath() } },
    });
  } catch (e) {
    await stop(); // never leave a driver behind: it would keep the test process alive
    throw e;
  }
  return {
    browser,
    started,
    async close() {
      try {
        await browser.deleteSession();
      } finally {
        await stop();
        await noAppRunning();
      }
    },
  };
}

/**
 * Saves the X screen as a PNG at `path`, as a person sees it (WebDriver's own
 * screenshot can hang in WebKitGTK until something repaints).
 */
export async function saveScreen(browser, path) {
  await browser.execute(() => document.fonts.ready);
  execSync(`xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng > "${path}"`);
}

/** Waits for `selector` to be displayed and returns the element. */
export async function shown(browser, selector, timeout = 10_000) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout });
  return el;
}

/** Types into the named inputs of a form, then submits it. */
export async function fillAndSubmit(browser, formSelector, values, submitSelector) {
  for (const [name, value] of Object.entries(values)) {
    const input = await browser.$(`${formSelector} [name="${name}"]`);
    await input.clearValue();
    await input.setValue(value);
  }
  await (await browser.$(submitSelector)).click();
}

/**
 * What the app stored, read like `sqlite3 FILE SQL` (rows as `a|b`): the
 * database is encrypted, so the test tool target/debug/examples/sql opens it
 * with its key from the key store the app used.
 */
export function sql(dataDir, query) {
  return execFileSync(join(ROOT, "target/debug/examples/sql"), [dataDir, query], { encoding: "utf8" });
}

/** Whether the stock `sqlite3` (no SQLCipher) can read the data folder's database. */
export function plainSqliteReads(dataDir) {
  return spawnSync("sqlite3", [join(dataDir, "okusuri.db"), "SELECT count(*) FROM sqlite_schema"]).status === 0;
}

/** `okusuri db info --json` on a data folder. */
export function dbInfo(dataDir) {
  const out = execFileSync(CLI, ["--data-dir", dataDir, "db", "info", "--json"], { encoding: "utf8" });
  return JSON.parse(out);
}

/** The facility and first administrator every scenario starts with. */
export const ADMIN = {
  facility_code: "PH0001",
  facility_name: "工業会薬局 本店",
  admin_login_id: "admin",
  admin_name: "管理 太郎",
  password: "first-pass-2026",
  password_confirm: "first-pass-2026",
};

/** Fills the first-run setup with ADMIN and waits for the patient list. */
export async function setUpFacility(browser) {
  await shown(browser, "#setup-form");
  await fillAndSubmit(browser, "#setup-form", ADMIN, "#setup-submit");
  await shown(browser, "#patient-list");
}

/** Runs the CLI on `dataDir` signed in as the administrator of ADMIN (after setup). */
export function cliAsAdmin(dataDir, args) {
  return execFileSync(CLI, ["--data-dir", dataDir, "--staff", ADMIN.admin_login_id, ...args], {
    encoding: "utf8",
    env: { ...process.env, OKUSURI_PASSWORD: ADMIN.password },
  });
}

/** Starts pcscd (with the vpcd virtual readers) unless it runs, and waits for its readers. */
export async function ensurePcscd() {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    // (Again each round: a pcscd that was stopping may just have exited.)
    if (spawnSync("pgrep", ["-x", "pcscd"]).status !== 0) spawnSync("pcscd", []);
    const out = spawnSync(CLI, ["reader", "list"], { encoding: "utf8" });
    if (out.status === 0 && out.stdout.includes("Virtual PCD 00 01")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("pcscd did not list the vpcd readers (is vsmartcard-vpcd installed?)");
}

/** Our virtual FeliCa card on the first vpcd reader (target/debug/okusuri-vcard). */
export function virtualCard() {
  const child = spawn(join(ROOT, "target/debug/okusuri-vcard"), ["--port", "35963"], { stdio: ["pipe", "pipe", "inherit"] });
  let buffer = "";
  const waiting = [];
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      waiting.shift()?.(line);
    }
  });
  const send = (command) =>
    new Promise((resolve, reject) => {
      waiting.push((line) => (line === "ok" ? resolve(Date.now()) : reject(new Error(line))));
      child.stdin.write(`${command}\n`);
    });
  return {
    /** Puts a FeliCa card with this IDm on the reader; resolves with the time it was placed. */
    insert: (idm) => send(`insert ${idm}`),
    /** Puts a card that is not FeliCa on the reader. */
    insertOther: () => send("insert-other"),
    /** Takes the card off. */
    remove: () => send("remove"),
    close: () => {
      child.stdin.end("quit\n");
      child.kill();
    },
  };
}

/** Opens アカウント設定 (the menu under the staff member's name) and clicks an item of it. */
export async function accountMenu(browser, itemSelector) {
  const menu = await shown(browser, "#account-menu");
  if ((await menu.getAttribute("open")) === null) await (await browser.$("#account-menu > summary")).click();
  await (await shown(browser, itemSelector)).click();
}

/**
 * What is wrong with the layout now, as sentences (empty: nothing). Runs in
 * the page: every visible element with its own text, every fixed element.
 */
export function layoutProblems() {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1) problems.push(`horizontal scroll: ${doc.scrollWidth} > ${doc.clientWidth}`);
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none" && r.bottom > 0 && r.top < innerHeight;
  };
  const small = new Set();
  for (const el of document.querySelectorAll("body *")) {
    const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (!ownText || !visible(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 14) small.add(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${size}px "${el.textContent.trim().slice(0, 20)}"`);
  }
  for (const s of small) problems.push(`text under 14 px: ${s}`);
  const fixed = [...document.querySelectorAll("body *")].filter((el) => {
    const p = getComputedStyle(el).position;
    return (p === "fixed" || p === "sticky") && visible(el);
  });
  const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const rows = [...document.querySelectorAll("tr.patient, .dispensing, .drug, button, input, select, a")].filter(visible);
  for (const bar of fixed) {
    if (bar.closest("thead") || bar.matches(".touch-notices, .touch-notices *")) continue;
    // A modal dialog covers the screen by design (what is under it cannot be used).
    if (bar.closest('[aria-modal="true"]')) continue;
    const r = bar.getBoundingClientRect();
    for (const row of rows) {
      if (bar.contains(row) || row.contains(bar)) continue;
      // Content that scrolls under a sticky header is fine while it can scroll out.
      const under = row.getBoundingClientRect();
      if (overlaps(r, under) && getComputedStyle(bar).position === "fixed") {
        problems.push(`${bar.id || bar.className} covers ${row.tagName.toLowerCase()}.${row.className} "${row.textContent.trim().slice(0, 20)}"`);
      }
    }
  }
  const notices = [...document.querySelectorAll(".touch-notices > *")].filter(visible);
  for (const notice of notices) {
    const r = notice.getBoundingClientRect();
    for (const control of document.querySelectorAll("button, input, select")) {
      if (notice.contains(control) || !visible(control)) continue;
      if (overlaps(r, control.getBoundingClientRect())) problems.push(`touch notice covers ${control.id || control.textContent.trim()}`);
    }
  }
  return problems;
}
