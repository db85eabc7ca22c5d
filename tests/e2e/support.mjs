// Support for end-to-end tests: starts tauri-driver (which starts
// WebKitWebDriver and the real app) with a data folder of the test's own, and
// opens a WebdriverIO session on it. Run under Xvfb (scripts/e2e.sh).
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import net from "node:net";
import { remote } from "webdriverio";

export const ROOT = resolve(import.meta.dirname, "../..");
/** The app binary: OKUSURI_E2E_APP, else the debug build. */
export function appPath() {
  return process.env.OKUSURI_E2E_APP ?? join(ROOT, "target/debug/okusuri-desk");
}
export const CLI = join(ROOT, "target/debug/okusuri");
const DRIVER = process.env.TAURI_DRIVER ?? join(process.env.HOME ?? "", ".cargo/bin/tauri-driver");
const PORT = 4444;

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

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePort, reject) => {
    const attempt = () => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolvePort();
      });
      socket.once("error", () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`tauri-driver did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

/**
 * Starts tauri-driver with OKUSURI_DATA_DIR = dataDir and opens the app.
 * Returns the WebdriverIO browser, the time to the first screen, and close().
 */
export async function launch(dataDir) {
  const driver = spawn(DRIVER, ["--port", String(PORT)], {
    env: { ...process.env, OKUSURI_DATA_DIR: dataDir, RUST_LOG: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  await waitForPort(PORT, 10_000);
  const started = performance.now();
  const browser = await remote({
    hostname: "127.0.0.1",
    port: PORT,
    logLevel: "warn",
    connectionRetryCount: 0,
    capabilities: { "tauri:options": { application: appPath() } },
  });
  return {
    browser,
    started,
    async close() {
      try {
        await browser.deleteSession();
      } finally {
        driver.kill();
        await new Promise((r) => driver.once("exit", r));
      }
    },
  };
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

/** `okusuri db info --json` on a data folder. */
export function dbInfo(dataDir) {
  const out = execFileSync(CLI, ["--data-dir", dataDir, "db", "info", "--json"], { encoding: "utf8" });
  return JSON.parse(out);
}
