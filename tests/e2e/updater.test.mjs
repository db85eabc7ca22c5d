// D1 through the real app: a local update server (node:http on 127.0.0.1)
// and a throwaway key pair made with the real `tauri signer`; the debug build
// is pointed at them with OKUSURI_UPDATE_TEST_ENDPOINT / _PUBKEY (a release
// build ignores both: `cargo test --release -p okusuri-update`).
// The schedule's check at start offers 9.9.0 after sign-in: the dialog shows
// both versions and the notes; 後で closes it; 設定 → 更新 → 今すぐ確認 offers it
// again; a tampered file is refused with the message and nothing installed;
// the genuine file downloads with progress to 100 %, the seed's "準備が完了
// しました。終了します。" is shown and the app quits after writing the install
// marker (Linux has no installer to hand over to; the MSI hand-off is the wine test).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, freshDataDir, launch, saveScreen, setUpFacility, shown } from "./support.mjs";

const SCREENS = process.env.UPDATE_SCREENS ? join(ROOT, "docs/screens") : null;
const TAURI = join(ROOT, "node_modules/.bin/tauri");
const VERSION = "9.9.0";

function text(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.textContent ?? "", selector);
}

/** A key pair and a signed artifact, made with the tauri CLI as a release is. */
function signedArtifact() {
  const dir = mkdtempSync(join(tmpdir(), "okusuri-update-"));
  const key = join(dir, "test.key");
  execFileSync(TAURI, ["signer", "generate", "-w", key, "-p", "", "--ci"], { stdio: "ignore" });
  const file = join(dir, `okusuri-desk-${VERSION}.msi`);
  // 3 MB of varied bytes: enough chunks for a visible progress bar.
  const bytes = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 11)) & 0xff;
  writeFileSync(file, bytes);
  execFileSync(TAURI, ["signer", "sign", "-f", key, "-p", "", "--app-version", VERSION, file], { stdio: "ignore" });
  return { bytes, pubkey: readFileSync(`${key}.pub`, "utf8").trim(), signature: readFileSync(`${file}.sig`, "utf8").trim() };
}

/** The update server: latest.json and the artifact, sent in slow pieces; `tampered` flips a byte. */
function startServer(artifact) {
  const state = { tampered: false, asked: [] };
  const server = createServer((req, res) => {
    state.asked.push(req.url);
    const base = `http://127.0.0.1:${server.address().port}`;
    if (req.url.startsWith("/latest.json")) {
      const platform = { url: `${base}/okusuri-desk.msi`, signature: artifact.signature };
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({
        version: VERSION,
        notes: "### 修正\n- 処方箋控えの印刷で2ページ目が白紙になる問題",
        pub_date: "2026-12-04T01:00:00Z",
        platforms: { "linux-x86_64": platform, "windows-x86_64-msi": platform, "windows-x86_64": platform },
      }));
      return;
    }
    if (req.url === "/okusuri-desk.msi") {
      const body = Buffer.from(artifact.bytes);
      if (state.tampered) body[1000] ^= 0xff;
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": body.length });
      let at = 0;
      const piece = 96 * 1024;
      const next = () => {
        if (at >= body.length) { res.end(); return; }
        res.write(body.subarray(at, at + piece));
        at += piece;
        setTimeout(next, 25);
      };
      next();
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({ state, url: `http://127.0.0.1:${server.address().port}/latest.json?v={{current_version}}`, close: () => server.close() });
    });
  });
}

test("updater: the dialog, 後で, a tampered file refused, progress to 100 % and the install step", async () => {
  const artifact = signedArtifact();
  const server = await startServer(artifact);
  const dataDir = freshDataDir();
  const app = await launch(dataDir, {
    OKUSURI_UPDATE_TEST_ENDPOINT: server.url,
    OKUSURI_UPDATE_TEST_PUBKEY: artifact.pubkey,
  });
  let quit = false;
  try {
    const { browser } = app;
    await setUpFacility(browser);

    // The check at start found it; signing in shows it.
    await shown(browser, "#update-dialog", 20_000);
    assert.equal(await text(browser, "#update-title"), "新しいおくすりデスクがリリースされています。更新しますか？");
    assert.match(await text(browser, "#update-versions"), new RegExp(`現在の版 \\d+\\.\\d+\\.\\d+ → 新しい版 ${VERSION}`));
    assert.match(await text(browser, "#update-notes"), /処方箋控えの印刷/);
    assert.ok(server.state.asked.some((u) => /^\/latest\.json\?v=\d+\.\d+\.\d+$/.test(u)), JSON.stringify(server.state.asked));
    if (SCREENS) await saveScreen(browser, join(SCREENS, "27-update-dialog.png"));

    // 後で: gone, and not back at the next sign-in of this run.
    await (await browser.$("#update-later")).click();
    await browser.waitUntil(async () => !(await browser.$("#update-dialog").isExisting()), { timeout: 5_000 });

    // 設定 → 更新 → 今すぐ確認: offered again at once (the figure: click → dialog drawn).
    await (await browser.$("#open-settings")).click();
    await shown(browser, "#update-settings-form");
    const clicked = performance.now();
    await (await browser.$("#update-check-now")).click();
    await shown(browser, "#update-dialog", 10_000);
    console.log(`# update check → dialog drawn: ${Math.round(performance.now() - clicked)} ms (WebDriver round trips included)`);

    // A tampered file: refused with the message, nothing installed, the dialog closes.
    server.state.tampered = true;
    await (await browser.$("#update-now")).click();
    await browser.waitUntil(async () => (await text(browser, "#update-message")) !== "", { timeout: 20_000 });
    assert.equal(await text(browser, "#update-message"), "更新ファイルの署名を確認できませんでした。更新は行われません。");
    assert.deepEqual(readdirSync(dataDir).filter((f) => f.startsWith("update-installed")), []);
    assert.equal(await text(browser, "#update-later"), "閉じる");
    await (await browser.$("#update-later")).click();

    // The genuine file: progress seen below and at 100 %, the seed's sentence, then the app quits.
    server.state.tampered = false;
    await (await browser.$("#update-check-now")).click();
    await shown(browser, "#update-dialog", 10_000);
    await (await browser.$("#update-now")).click();
    const seen = new Set();
    await browser.waitUntil(async () => {
      const value = await browser.execute(() => document.querySelector("#update-progress")?.value ?? -1);
      seen.add(value);
      return (await text(browser, "#update-message")) !== "";
    }, { timeout: 30_000, interval: 50 });
    if (SCREENS) await saveScreen(browser, join(SCREENS, "28-update-ready.png"));
    assert.equal(await text(browser, "#update-message"), "新しいおくすりデスクに更新する準備が完了しました。おくすりデスクを終了します。");
    assert.equal(await browser.execute(() => document.querySelector("#update-progress")?.value), 100);
    assert.ok([...seen].some((v) => v > 0 && v < 100), `a partial value was shown: ${[...seen].join(",")}`);
    const marker = join(dataDir, `update-installed-${VERSION}.txt`);
    const deadline = Date.now() + 15_000;
    while (!existsSync(marker) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    quit = true;
    const written = readFileSync(marker, "utf8");
    assert.match(written, new RegExp(`bytes=${artifact.bytes.length}\\n`));
    assert.match(written, /signature=verified/);
  } finally {
    // After the install step the app has quit: its session is gone.
    await app.close().catch((e) => { if (!quit) throw e; });
    server.close();
  }
});
