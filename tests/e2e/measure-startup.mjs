// Measures how fast the real app starts: time from opening a WebDriver
// session (tauri-driver starts the app) to the sign-in screen being drawn,
// median of several launches, and the resident memory of the app and its
// WebKit processes after idling on that screen. Not a test: prints figures.
//
//   xvfb-run -a dbus-run-session -- node tests/e2e/measure-startup.mjs [APP…]
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, fillAndSubmit, freshDataDir, launch, shown } from "./support.mjs";

const LAUNCHES = 7;
const apps = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ["target/debug/okusuri-desk", "target/release/okusuri-desk"].map((p) => join(ROOT, p)).filter(existsSync);

function descendants(pid) {
  let out = "";
  try {
    out = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" });
  } catch {
    return [];
  }
  const kids = out.split("\n").filter(Boolean).map(Number);
  return kids.flatMap((k) => [k, ...descendants(k)]);
}

function rssKiB(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
    return line ? Number(line.split(/\s+/)[1]) : 0;
  } catch {
    return 0;
  }
}

for (const app of apps) {
  process.env.OKUSURI_E2E_APP = app;
  const dataDir = freshDataDir();
  // First launch: set the facility up so later launches open on sign-in.
  let session = await launch(dataDir);
  await shown(session.browser, "#setup-form");
  await fillAndSubmit(
    session.browser,
    "#setup-form",
    {
      facility_code: "PH0001",
      facility_name: "計測薬局",
      admin_login_id: "admin",
      admin_name: "計測",
      password: "measure-pass-2026",
      password_confirm: "measure-pass-2026",
    },
    "#setup-submit",
  );
  await shown(session.browser, "#patient-list");
  await session.close();

  const times = [];
  let rss = null;
  for (let i = 0; i < LAUNCHES; i++) {
    session = await launch(dataDir);
    await shown(session.browser, "#signin-form", 30_000);
    times.push(performance.now() - session.started);
    console.error(`  launch ${i + 1}: ${times.at(-1).toFixed(0)} ms`);
    if (i === LAUNCHES - 1) {
      await new Promise((r) => setTimeout(r, 3000));
      const pid = Number(execFileSync("pgrep", ["-f", "-n", app], { encoding: "utf8" }).trim());
      const own = rssKiB(pid);
      const total = [pid, ...descendants(pid)].reduce((sum, p) => sum + rssKiB(p), 0);
      rss = { own, total };
    }
    await session.close();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${app}`);
  console.log(`  start → sign-in drawn: median ${median.toFixed(0)} ms, min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)} (${LAUNCHES} launches, WebDriver session included)`);
  console.log(`  idle RSS on sign-in: app ${(rss.own / 1024).toFixed(0)} MiB, app + WebKit processes ${(rss.total / 1024).toFixed(0)} MiB`);
  console.log(`  binary size: ${(Number(execFileSync("stat", ["-c", "%s", app], { encoding: "utf8" })) / 1048576).toFixed(1)} MiB`);
}
