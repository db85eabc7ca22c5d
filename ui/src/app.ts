// Routes between the screens on the app's state. Every screen gets the same
// context: the API, what is known about the app, and a way to move on.
import { api as realApi, type Api, type AppStatus, type Staff } from "./api";
import { errorText, h, mount } from "./dom";
import { renderStartupError } from "./screens/startupError";
import { renderSetup } from "./screens/setup";
import { renderSignIn } from "./screens/signIn";
import { renderPatientList } from "./screens/patientList";
import { renderPasswordChange } from "./screens/passwordChange";
import { renderStaff } from "./screens/staff";
import { renderPatient } from "./screens/patient";
import { renderImport } from "./screens/import";
import { renderSettings } from "./screens/settings";
import { renderIssueCard } from "./screens/issueCard";
import { renderOtherNotebook } from "./screens/otherNotebook";

export type Screen = "signIn" | "patientList" | "passwordChange" | "staff" | "patient" | "import" | "settings" | "issueCard" | "otherNotebook";

export interface Context {
  api: Api;
  status: AppStatus;
  /** Where the screen draws. */
  main: HTMLElement;
  /** Called after a successful sign-in or setup. */
  signedIn: (staff: Staff) => void;
  /** Moves to another screen (`patient` takes the patient's ID). */
  go: (screen: Screen, patientId?: number) => void;
  /** Registers clean-up (e.g. stop listening to events) for when the screen is left. */
  onLeave: (cleanup: () => void) => void;
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
  footer.append(
    h("span", { id: "last-backup" }, `最終バックアップ ${status.last_backup ?? "未作成"}`),
    h("span", { id: "app-version", class: "version" }, `バージョン ${status.version}`),
  );

  let leaving: (() => void)[] = [];
  const ctx: Context = {
    api,
    status,
    main,
    onLeave: (cleanup) => {
      leaving.push(cleanup);
    },
    signedIn: (staff) => {
      ctx.status = { ...ctx.status, staff };
      ctx.go("patientList");
    },
    go: (screen, patientId) => {
      for (const cleanup of leaving) cleanup();
      leaving = [];
      document.body.dataset.screen = screen;
      switch (screen) {
        case "signIn":
          ctx.status = { ...ctx.status, staff: null };
          renderSignIn(ctx);
          break;
        case "patientList":
          void renderPatientList(ctx);
          break;
        case "passwordChange":
          renderPasswordChange(ctx);
          break;
        case "staff":
          void renderStaff(ctx);
          break;
        case "patient":
          if (patientId !== undefined) void renderPatient(ctx, patientId);
          break;
        case "import":
          renderImport(ctx);
          break;
        case "settings":
          void renderSettings(ctx);
          break;
        case "issueCard":
          renderIssueCard(ctx);
          break;
        case "otherNotebook":
          renderOtherNotebook(ctx);
          break;
      }
    },
  };

  if (status.startup_error) {
    document.body.dataset.screen = "startupError";
    renderStartupError(main, status.startup_error);
  } else if (!status.facility) {
    document.body.dataset.screen = "setup";
    renderSetup(ctx);
  } else if (!status.staff) {
    ctx.go("signIn");
  } else {
    ctx.go("patientList");
  }
}
