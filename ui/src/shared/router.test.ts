import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { start } from "./router";
import type { AppStatus, PatientListDay } from "./api";

const facility = { code: "PH0001", name: "さくら薬局 本店", kind: "pharmacy" as const };
const admin = { id: 1, login_id: "admin", display_name: "管理 太郎", role: "admin" };

function status(overrides: Partial<AppStatus>): AppStatus {
  return { version: "0.1.0", startup_error: null, facility, staff: null, permissions: [], must_change_password: false, two_factor: false, idle_lock_minutes: 10, locked: false, last_backup: null, import_max_bytes: 2097152, demo: null, ...overrides };
}

const ADMIN_PERMISSIONS: AppStatus["permissions"] = [
  "view_patients",
  "edit_notes",
  "issue_cards",
  "print_qr",
  "take_in_notebook",
  "merge_patients",
  "import_files",
  "change_settings",
  "remap_ids",
  "manage_staff",
];

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function root(): HTMLElement {
  document.body.innerHTML = "";
  const el = document.createElement("div");
  document.body.append(el);
  return el;
}

afterEach(() => { clearMocks(); });

describe("routing on app status", () => {
  it("shows the startup error and nothing else when the database failed", async () => {
    mockIPC(() =>
      status({
        startup_error: { code: "db.damaged", message: "データベースファイルが壊れています: /x/okusuri.db" },
        facility: null,
      }),
    );
    const el = root();
    await start(el);
    expect(el.querySelector("#startup-error")?.textContent).toContain("データベースファイルが壊れています");
    expect(el.querySelector("form")).toBeNull();
  });

  it("asks for first-run setup without a facility and checks the confirmation", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return status({ facility: null });
    });
    const el = root();
    await start(el);
    const form = el.querySelector<HTMLFormElement>("#setup-form");
    expect(form).not.toBeNull();
    (form!.elements.namedItem("password") as HTMLInputElement).value = "abcdefgh";
    (form!.elements.namedItem("password_confirm") as HTMLInputElement).value = "abcdefgX";
    form!.dispatchEvent(new Event("submit", { cancelable: true }));
    expect(el.querySelector("#setup-error")?.textContent).toBe("確認用のパスワードが一致しません。");
    // (The app listens for the tray's 終了 from the start; no command beyond app_status.)
    expect(calls.filter((c) => !c.startsWith("plugin:event"))).toEqual(["app_status"]);
  });

  it("shows the sign-in error the command returns and clears the password", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_status") return status({});
      throw "施設ID、スタッフID、パスワードのいずれかが正しくありません。";
    });
    const el = root();
    await start(el);
    const form = el.querySelector<HTMLFormElement>("#signin-form")!;
    (form.elements.namedItem("password") as HTMLInputElement).value = "wrong";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    await settle();
    expect(el.querySelector("#signin-error")?.textContent).toBe(
      "施設ID、スタッフID、パスワードのいずれかが正しくありません。",
    );
    expect((form.elements.namedItem("password") as HTMLInputElement).value).toBe("");
    expect(el.querySelector("#app-version")?.textContent).toBe("バージョン 0.1.0");
    expect(el.querySelector("#last-backup")?.textContent).toBe("最終バックアップ 未作成");
  });

  it("asks for the second factor's code after a right password, keeping the password", async () => {
    const sent: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "app_status") return status({});
      if (cmd === "sign_in") {
        sent.push(args);
        throw { code: "auth.second_factor", message: "2段階認証のコード（認証アプリに表示される6桁の数字）を入力してください。" };
      }
      return null;
    });
    const el = root();
    await start(el);
    const form = el.querySelector<HTMLFormElement>("#signin-form")!;
    expect(el.querySelector<HTMLElement>("#signin-code-row")!.hidden).toBe(true);
    (form.elements.namedItem("facility_code") as HTMLInputElement).value = "PH0001";
    (form.elements.namedItem("login_id") as HTMLInputElement).value = "yamada";
    (form.elements.namedItem("password") as HTMLInputElement).value = "pharm-pass-2026";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    await settle();
    expect(el.querySelector<HTMLElement>("#signin-code-row")!.hidden).toBe(false);
    expect((form.elements.namedItem("password") as HTMLInputElement).value).toBe("pharm-pass-2026");
    el.querySelector<HTMLInputElement>("#f-code")!.value = "123456";
    form.dispatchEvent(new Event("submit", { cancelable: true }));
    await settle();
    expect(sent).toEqual([
      { facilityCode: "PH0001", loginId: "yamada", password: "pharm-pass-2026", code: null },
      { facilityCode: "PH0001", loginId: "yamada", password: "pharm-pass-2026", code: "123456" },
    ]);
  });

  it("sends a staff member whose password was reset to パスワード変更 first, without the menus", async () => {
    mockIPC(() => status({ staff: admin as AppStatus["staff"], permissions: ["view_patients"], must_change_password: true }));
    const el = root();
    await start(el);
    await settle();
    expect(el.querySelector("#password-forced")?.textContent).toContain("管理者がパスワードをリセットしました");
    expect(el.querySelector("#account-menu")).toBeNull();
    expect(el.querySelector("#password-sign-out")).not.toBeNull();
  });
});

describe("patient list", () => {
  const days: PatientListDay[] = [
    {
      date: "2025-07-05",
      label: "本日",
      patients: [
        {
          patient_id: 7,
          time: "15:20",
          kana: "ハルモ ハナコ",
          name: "春茂 花子",
          sex: "女性",
          birth: "1990年01月01日 (35歳)",
          auto_registration: true,
        },
        {
          patient_id: 8,
          time: "15:10",
          kana: "<b>ハルモ</b>",
          name: "春茂 拓哉",
          sex: "男性",
          birth: "不明",
          auto_registration: false,
        },
      ],
    },
    { date: "2025-07-04", label: "7月4日 (金)", patients: [] },
  ];

  it("draws the day groups, rows and 患者様はいません for an empty day", async () => {
    mockIPC((cmd) => (cmd === "app_status" ? status({ staff: admin as never, permissions: ADMIN_PERMISSIONS }) : days));
    const el = root();
    await start(el);
    await settle();
    const headings = [...el.querySelectorAll("thead th")].map((th) => th.textContent);
    expect(headings).toEqual(["表示日時", "氏名 (カナ)", "性別", "生年月日 (年齢)", "お薬自動登録"]);
    const dayLabels = [...el.querySelectorAll("tr.day")].map((tr) => tr.textContent);
    expect(dayLabels).toEqual(["本日", "7月4日 (金)"]);
    const rows = el.querySelectorAll("tr.patient");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toBe("15:20ハルモ ハナコ 春茂 花子女性1990年01月01日 (35歳)設定済");
    expect(rows[1].querySelector(".badge")?.textContent).toBe("未設定");
    // Names are text, never markup.
    expect(rows[1].querySelector("b")).toBeNull();
    expect(el.querySelector("tr.empty")?.textContent).toBe("患者様はいません");
    expect(el.querySelector("#facility-name")?.textContent).toBe("さくら薬局 本店");
    expect(el.querySelector("#reader-switch")?.textContent).toBe("OFF");
    expect(el.querySelector("#open-staff")).not.toBeNull();
  });

  it("offers スタッフ管理 only with the permission app_status gives (not from the role)", async () => {
    const pharmacist = { ...admin, role: "pharmacist" };
    mockIPC((cmd) =>
      cmd === "app_status" ? status({ staff: pharmacist as never, permissions: ["view_patients", "merge_patients"] }) : days,
    );
    const el = root();
    await start(el);
    expect(el.querySelector("#open-staff")).toBeNull();
    expect(el.querySelector("#open-password")).not.toBeNull();
  });
});

describe("session", () => {
  it("asks to sign in again, saying why, when a command finds the session gone", async () => {
    mockIPC((cmd) => {
      if (cmd === "app_status") return status({ staff: admin as never, permissions: ADMIN_PERMISSIONS });
      throw { code: "auth.required", message: "ログインしてください。" };
    });
    const el = root();
    await start(el);
    await settle();
    await settle();
    expect(document.body.dataset.screen).toBe("signIn");
    expect(el.querySelector("#signin-notice")?.textContent).toBe("ログインしてください。");
  });
});

describe("終了 from the tray", () => {
  it("asks first while terminal requests wait; 終了する quits, キャンセル stays", async () => {
    const calls: string[] = [];
    mockIPC(
      (cmd) => {
        calls.push(cmd);
        if (cmd === "app_status") return status({ facility: null });
        return null;
      },
      { shouldMockEvents: true },
    );
    await start(root());
    await settle();
    await emit("quit-requested", { waiting: 2 });
    await settle();
    const dialog = document.querySelector("#quit-confirm");
    expect(dialog?.textContent).toContain("資格確認端末の応答を 2件 待っています");
    document.querySelector<HTMLButtonElement>("#quit-cancel")?.click();
    expect(document.querySelector("#quit-confirm")).toBeNull();
    expect(calls).not.toContain("quit_app");
    await emit("quit-requested", { waiting: 1 });
    await settle();
    document.querySelector<HTMLButtonElement>("#quit-now")?.click();
    await settle();
    expect(calls).toContain("quit_app");
  });
});
