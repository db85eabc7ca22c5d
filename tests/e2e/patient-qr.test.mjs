// 患者用QRコード (P8) through the real app, the counter flow: open
// the patient, QRコード印刷, the latest dispensing chosen by default, add an
// older one, 印刷. The PDF the app hands to the viewer is read back by
// pdftoppm + zbarimg and must hold exactly the chosen dispensings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, ROOT, cliAsAdmin, fillAndSubmit, freshDataDir, launch, setUpFacility, shown, sql } from "./support.mjs";

const FIXTURES = join(ROOT, "crates/jahis/tests/fixtures");

function text(browser, selector) {
  return browser.execute((sel) => document.querySelector(sel)?.textContent ?? "", selector);
}

/** A stand-in PDF viewer (OKUSURI_PDF_VIEWER) that notes what it was asked to open. */
function recordingViewer() {
  const dir = mkdtempSync(join(tmpdir(), "okusuri-viewer-"));
  const log = join(dir, "opened.txt");
  const viewer = join(dir, "viewer.sh");
  writeFileSync(viewer, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`);
  chmodSync(viewer, 0o755);
  return { viewer, opened: () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []) };
}

/** The JAHIS data in every QR of the PDF, page by page, parsed by our CLI. */
function readQrPdf(pdf) {
  const dir = mkdtempSync(join(tmpdir(), "okusuri-qr-"));
  execFileSync("pdftoppm", ["-r", "150", "-gray", "-png", pdf, join(dir, "page")]);
  const pages = readdirSync(dir).filter((f) => f.endsWith(".png")).sort();
  return pages.map((page) => {
    const bytes = execFileSync("zbarimg", ["--raw", "--oneshot", "-Sbinary", "-q", join(dir, page)]);
    const file = join(dir, `${page}.txt`);
    writeFileSync(file, bytes);
    return JSON.parse(execFileSync(CLI, ["jahis", "parse", "--json", file], { encoding: "utf8" }));
  });
}

test("patient QR: chosen dispensings printed and read back from the PDF", async () => {
  const dataDir = freshDataDir();
  const { viewer, opened } = recordingViewer();
  const app = await launch(dataDir, { OKUSURI_PDF_VIEWER: viewer });
  let timing;
  try {
    const { browser } = app;
    await setUpFacility(browser);
    cliAsAdmin(dataDir, ["import", join(FIXTURES, "tc-multi-dispensing.txt")]);
    await fillAndSubmit(browser, "#search-form", { query: "ヤマダ" }, "#search-submit");
    await (await shown(browser, "#search-results tr.patient td.name")).click();
    await shown(browser, "#history-list .dispensing");

    await (await shown(browser, "#member-menu > summary")).click();
    await (await shown(browser, "#print-qr")).click();
    await shown(browser, "#qr-choices input.qr-choice");
    const choices = await browser.execute(() =>
      [...document.querySelectorAll("#qr-choices input.qr-choice")].map((b) => [b.value, b.checked]),
    );
    assert.ok(choices.length >= 2, JSON.stringify(choices));
    assert.deepEqual(
      choices.map(([, checked]) => checked),
      choices.map((_, i) => i === 0),
      "the latest is chosen by default",
    );
    await (await browser.$("#qr-choices input.qr-choice:not(:checked)")).click();

    const started = performance.now();
    await (await browser.$("#print-qr-go")).click();
    await browser.waitUntil(async () => (await text(browser, "#patient-message")).startsWith("QRコード"), { timeout: 20_000 });
    timing = performance.now() - started;
    assert.equal(await text(browser, "#patient-message"), "QRコード1枚のPDFを作りました。開いた画面から印刷してください。");
  } finally {
    await app.close();
  }
  console.log(`印刷 → PDF made and handed to the viewer: ${timing.toFixed(0)} ms`);

  // The viewer was asked to open one PDF in the data folder's print/.
  await new Promise((r) => setTimeout(r, 200));
  const [pdf, ...more] = opened();
  assert.equal(more.length, 0);
  assert.ok(pdf.startsWith(join(dataDir, "print", "qr-")), pdf);
  const [doc, ...others] = readQrPdf(pdf);
  assert.equal(others.length, 0);
  assert.equal(doc.output_category, 1);
  assert.equal(doc.patient.name, "山田 太郎");
  const dates = doc.dispensings.map((d) => d.date);
  const stored = sql(dataDir, "SELECT dispensed_on FROM dispensing ORDER BY dispensed_on DESC LIMIT 2")
    .split("\n")
    .filter(Boolean)
    .reverse();
  assert.deepEqual(dates, stored, "the two chosen dispensings, oldest first");

  const events = sql(dataDir, "SELECT detail FROM access_log WHERE event = 'notebook_exported'");
  assert.equal(events.trim(), "2 dispensings, 1 QR");
});
