// Starting Okusuri Desk a second time does not run a second app on the same
// reader and folders: the second process hands over to the first and exits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { appPath, freshDataDir, launch, setUpFacility, shown, accountMenu } from "./support.mjs";

test("a second start brings the running window forward and exits", async () => {
  const dataDir = freshDataDir();
  const app = await launch(dataDir);
  try {
    const { browser } = app;
    await setUpFacility(browser);
    const second = spawn(appPath(), [], {
      env: { ...process.env, OKUSURI_DATA_DIR: dataDir, OKUSURI_LOG_FILE: join(dataDir, "second.log") },
      stdio: "ignore",
    });
    const exited = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), 20_000);
      second.once("exit", (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    if (exited === null) second.kill("SIGKILL");
    assert.equal(exited, 0, "the second process exits by itself");
    // The first one is still there and working.
    await shown(browser, "#patient-list");
    await accountMenu(browser, "#open-password");
    await shown(browser, "#password-form");
  } finally {
    await app.close();
  }
});
