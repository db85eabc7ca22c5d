// Routes between the screens on the app's state and on `ctx.go(route)`.
// Leaving a screen runs everything it registered with `ctx.onLeave`.
import { api as realApi, guardSession, type Api, type AppStatus } from "./api";
import { homeRoute, type Context, type Route } from "./context";
import { errorText, h, mount } from "./dom";
import { renderStartupError } from "./startupError";
import { renderSetup } from "./setup";
import { renderSignIn } from "./signIn";
import { renderPasswordChange } from "./passwordChange";
import { renderTwoFactor } from "./twoFactor";
import { renderLock, watchIdle } from "./lock";
import { renderAudit } from "./audit";
import { renderStaff } from "./staff";
import { renderPatientList } from "../pharmacy/patientList";
import { renderPatient } from "../pharmacy/patient";
import { renderImport } from "../pharmacy/import";
import { renderSettings } from "../pharmacy/settings";
import { renderIssueCard } from "../pharmacy/issueCard";
import { renderOtherNotebook } from "../pharmacy/otherNotebook";
import { TouchClaims } from "../pharmacy/reader";
import { renderHelp } from "./help";
import { renderNotices } from "./notices";
import { renderPrescribe } from "../clinic/prescribe";
import { renderIssued } from "../clinic/issued";
import { renderUsageMap } from "../clinic/usageMap";
import { offerAfterSignIn, watchUpdates } from "./update";

function draw(ctx: Context, route: Route): void {
  switch (route.screen) {
    case "signIn":
      renderSignIn(ctx, route.notice);
      break;
    case "patientList":
      void renderPatientList(ctx);
      break;
    case "passwordChange":
      renderPasswordChange(ctx);
      break;
    case "twoFactor":
      renderTwoFactor(ctx);
      break;
    case "lock":
      renderLock(ctx, route.resume);
      break;
    case "audit":
      void renderAudit(ctx);
      break;
    case "staff":
      void renderStaff(ctx);
      break;
    case "patient":
      void renderPatient(ctx, route.patientId, { openLink: route.openLink ?? false, notice: route.notice });
      break;
    case "import":
      renderImport(ctx);
      break;
    case "settings":
      void renderSettings(ctx);
      break;
    case "issueCard":
      renderIssueCard(ctx, route.idm ?? null);
      break;
    case "otherNotebook":
      renderOtherNotebook(ctx);
      break;
    case "help":
      renderHelp(ctx, route.page);
      break;
    case "notices":
      void renderNotices(ctx);
      break;
    case "prescribe":
      renderPrescribe(ctx, route.from);
      break;
    case "issued":
      void renderIssued(ctx);
      break;
    case "usageMap":
      void renderUsageMap(ctx, route.unmapped ?? []);
      break;
  }
}

/** Starts the UI in `root`; resolves once the first screen is drawn. */
export async function start(root: HTMLElement, api: Api = realApi): Promise<void> {
  const main = h("main", { id: "main" });
  const footer = h("footer", { id: "footer" });
  mount(root, main, footer);
  let status: AppStatus;
  try {
    status = await api.appStatus();
  } catch (e) {
    renderStartupError(main, errorText(e));
    return;
  }
  if (status.demo) {
    // Always in view: this is sample data, not a pharmacy's.
    root.before(h("div", { id: "demo-band", class: "demo-band", role: "note" }, "デモデータ（架空の患者様です）"));
  }
  footer.append(
    // A screen may put its own controls here (the list: the card reader).
    h("div", { id: "footer-start" }),
    h("span", { id: "last-backup" }, `最終バックアップ ${status.last_backup ?? "未作成"}`),
    h("span", { id: "app-version", class: "version" }, `バージョン ${status.version}`),
  );

  // Menus (details.menu-holder) close on Esc or a click outside them.
  const closeMenus = (event: Event) => {
    for (const menu of document.querySelectorAll<HTMLDetailsElement>("details[open].menu-holder")) {
      const outside = !(event.target instanceof Node && menu.contains(event.target));
      if (event instanceof KeyboardEvent ? event.key === "Escape" : outside) menu.open = false;
    }
  };
  document.addEventListener("keydown", closeMenus);
  document.addEventListener("click", closeMenus);

  let leaving: (() => void)[] = [];
  const leave = () => {
    for (const cleanup of leaving) cleanup();
    leaving = [];
  };
  const ctx: Context = {
    // A command refused for want of a session sends staff to sign in again.
    api: guardSession(api, (error) => {
      // A reset password: its change comes first; otherwise the session is gone.
      if (error.code === "auth.password_change") {
        if (document.body.dataset.screen !== "passwordChange") ctx.go({ screen: "passwordChange" });
      } else if (error.code === "session.locked") {
        lockNow();
      } else if (document.body.dataset.screen !== "signIn") {
        ctx.go({ screen: "signIn", notice: error.message });
      }
    }),
    status,
    main,
    touchClaims: new TouchClaims(),
    onLeave: (cleanup) => {
      leaving.push(cleanup);
    },
    can: (permission) => ctx.status.permissions.includes(permission),
    signedIn: (staff) => {
      // The session's permissions come with the status, never from the role here.
      ctx.status = { ...ctx.status, staff };
      void api
        .appStatus()
        .then((fresh) => {
          ctx.status = fresh;
        })
        .catch(() => undefined)
        .finally(() => {
          ctx.go(homeRoute(ctx.status));
          void offerAfterSignIn(ctx.api);
        });
    },
    lock: () => {
      void api.lockSession("manual").catch(() => undefined).finally(lockNow);
    },
    go: (route) => {
      leave();
      document.body.dataset.screen = route.screen;
      if (route.screen === "signIn") ctx.status = { ...ctx.status, staff: null, permissions: [] };
      if (route.screen !== "lock") current = route;
      draw(ctx, route);
      idle();
    },
  };

  // The idle lock: watched while someone is signed in and the screen is not
  // the lock itself (or a password change that must come first).
  let current: Route = { screen: "signIn" };
  let stopIdle: (() => void) | null = null;
  const lockNow = () => {
    stopIdle?.();
    stopIdle = null;
    if (document.body.dataset.screen !== "lock") ctx.go({ screen: "lock", resume: current });
  };
  const idle = () => {
    const watching = ctx.status.staff !== null && !["signIn", "lock", "setup"].includes(document.body.dataset.screen ?? "");
    if (watching && !stopIdle) stopIdle = watchIdle(ctx, ctx.status.idle_lock_minutes || 10, lockNow);
    if (!watching && stopIdle) {
      stopIdle();
      stopIdle = null;
    }
  };

  // An update found by the schedule: the dialog, for whoever is signed in.
  watchUpdates(ctx);

  // 終了 in the tray while requests to the OQS terminal wait: ask first.
  void api.onQuitRequested((request) => {
    document.getElementById("quit-confirm")?.remove();
    const quit = h("button", { type: "button", id: "quit-now", class: "primary" }, "終了する");
    const stay = h("button", { type: "button", id: "quit-cancel", class: "secondary" }, "キャンセル");
    const box = h(
      "div",
      { id: "quit-confirm", class: "sheet", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "quit-title" },
      h(
        "div",
        { class: "sheet-body" },
        h("h2", { id: "quit-title" }, "おくすりデスクを終了しますか？"),
        h("p", {}, `資格確認端末の応答を ${request.waiting}件 待っています。終了すると、その要求は結果不明になることがあります（次に起動したとき、発行済み一覧の「状態を確認」で確かめられます）。`),
        h("div", { class: "sheet-actions" }, stay, quit),
      ),
    );
    stay.addEventListener("click", () => { box.remove(); });
    quit.addEventListener("click", () => { void api.quitApp(); });
    document.body.append(box);
    stay.focus();
  }).catch(() => undefined);

  if (status.startup_error) {
    document.body.dataset.screen = "startupError";
    renderStartupError(main, status.startup_error.message);
  } else if (!status.facility) {
    document.body.dataset.screen = "setup";
    renderSetup(ctx);
  } else if (!status.staff) {
    ctx.go({ screen: "signIn" });
  } else if (status.locked) {
    current = homeRoute(status);
    ctx.go({ screen: "lock", resume: current });
  } else {
    ctx.go(homeRoute(status));
    void offerAfterSignIn(ctx.api);
  }
}
