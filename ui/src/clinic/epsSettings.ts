// 設定 → 電子処方箋 (C1): the clinic's 医療機関コード and the OQS terminal's
// req/res folders (初期化 checks them with a test file), the operation names
// with which are verified from public sources, and the masters (counts and dates).
import type { Context } from "../shared/context";
import type { ClientCertView, EpsStatus, MasterImport, MasterKind } from "../shared/api";
import { errorText, field, filePicker, h, inputRow, messageArea } from "../shared/dom";
import { epsChanged } from "./toolState";

/** The masters a clinic imports, in the order shown. */
const MASTERS: [MasterKind, string, string][] = [
  ["drug", "医薬品マスター", "y.csv（レセプト電算処理システム 医薬品マスター、Shift_JIS）"],
  ["generic_name", "一般名処方マスタ", "CSV（厚生労働省の一般名処方マスタを CSV で保存したもの）"],
  ["usage", "用法マスタ", "CSV（電子処方箋用 用法マスタ）または JAMI 用法コード（JSON）"],
];

/** 初期化's result: done, or every folder problem. */
export function linkResult(status: EpsStatus): { text: string; ok: boolean } {
  if (status.problems.length === 0) return { text: "初期化を完了しました（req・res フォルダーを確認しました）", ok: true };
  return { text: status.problems.join("\n"), ok: false };
}

function linkForm(ctx: Context): HTMLElement {
  const message = messageArea("eps-message");
  const form = h(
    "form",
    { id: "eps-form", class: "card" },
    h("h3", {}, "資格確認端末との連携"),
    h("p", {}, "資格確認端末（オンライン資格確認端末）の共有フォルダー req・res の場所。初期化で、読み書きできるか確認します（確認用のファイルを書いて消します）。"),
    inputRow("医療機関コード（10桁）", "institution", "text", { inputmode: "numeric", maxlength: "10" }),
    inputRow("req フォルダー", "req", "text", { placeholder: "例: \\\\OQS-PC\\share\\req" }),
    inputRow("res フォルダー", "res", "text", { placeholder: "例: \\\\OQS-PC\\share\\res" }),
    inputRow("応答の待ち時間（秒）", "timeout", "number", { min: "1", max: "600", value: "60" }),
    inputRow("操作表ファイル（任意: ベンダーの仕様書に基づく修正版。空欄は組み込みの表）", "operations", "text", { placeholder: "例: C:\\OkusuriDesk\\operations.toml" }),
    message.el,
    h("button", { type: "submit", id: "eps-submit" }, "保存して初期化"),
  );
  void ctx.api
    .epsSettings()
    .then((s) => {
      const set = (name: string, value: string) => {
        const input = form.elements.namedItem(name);
        if (input instanceof HTMLInputElement && value) input.value = value;
      };
      set("institution", s.institution);
      set("req", s.req);
      set("res", s.res);
      set("timeout", String(s.timeout_seconds));
      set("operations", s.operations_file);
    })
    .catch(() => undefined);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    const timeout = Number(field(form, "timeout")) || 60;
    void ctx.api
      .setEpsSettings(field(form, "institution").trim(), field(form, "req").trim(), field(form, "res").trim(), field(form, "operations").trim(), timeout)
      .then(async (status) => {
        // The table may have changed: show the names now in use.
        const fresh = await operationsCard(ctx);
        document.getElementById("eps-operations")?.replaceWith(fresh);
        return status;
      })
      .then((status) => {
        epsChanged();
        const r = linkResult(status);
        message.show(r.text, r.ok ? "success" : "error");
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  return form;
}

async function operationsCard(ctx: Context): Promise<HTMLElement> {
  const card = h(
    "section",
    { id: "eps-operations", class: "card" },
    h("h3", {}, "送信ファイル名（操作表）"),
    h("p", {}, "「未確認」の名前はベンダーにだけ公開されている仕様書にあり、このアプリは知りません。推測した名前は使わず、未確認の操作は送信しません（ベンダーの仕様書に基づき操作表を修正すると使えます）。"),
  );
  try {
    const ops = await ctx.api.epsOperations();
    card.append(
      h(
        "table",
        { class: "ops" },
        h("thead", {}, h("tr", {}, h("th", {}, "操作"), h("th", {}, "ファイル名"), h("th", {}, "確認"))),
        h(
          "tbody",
          {},
          ...ops.map((o) =>
            h(
              "tr",
              { class: o.verified ? "verified" : "unverified" },
              h("td", {}, o.label),
              h("td", { class: "prefix" }, o.prefix ?? "—（送信できません）"),
              h("td", {}, h("span", { class: o.verified ? "badge ok" : "badge warn" }, o.verified ? "確認済み" : "未確認")),
            ),
          ),
        ),
      ),
    );
  } catch (e) {
    card.append(h("p", { class: "message" }, errorText(e)));
  }
  return card;
}

function importedText(m: MasterImport | undefined): string {
  if (!m) return "未取込";
  const d = new Date(m.imported_at);
  const date = `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`;
  return `${m.rows.toLocaleString("ja-JP")}件（${m.source_name}、${date}取込）`;
}

async function mastersCard(ctx: Context): Promise<HTMLElement> {
  const message = messageArea("masters-message");
  const rows = new Map<MasterKind, HTMLElement>();
  const refresh = async () => {
    const imports = await ctx.api.masterImports().catch(() => [] as MasterImport[]);
    for (const [kind] of MASTERS) {
      const cell = rows.get(kind);
      if (cell) cell.textContent = importedText(imports.find((m) => m.master === kind));
    }
  };
  const card = h(
    "section",
    { id: "eps-masters", class: "card" },
    h("h3", {}, "マスター"),
    h("p", {}, "処方する薬と用法の確認に使います。取込むたびに全件を入れ替えます（読めない行があれば何も変えません）。"),
    ...MASTERS.map(([kind, label, what]) => {
      const input = h("input", { type: "file", id: `master-file-${kind}`, accept: ".csv,.txt,.json" });
      const state = h("span", { id: `master-state-${kind}`, class: "master-state" }, "…");
      rows.set(kind, state);
      const button = h("button", { type: "button", id: `master-import-${kind}`, class: "small" }, "取込");
      button.addEventListener("click", () => {
        const file = input.files?.[0];
        message.clear();
        if (!file) {
          message.show(`${label}のファイルを選んでください。`);
          return;
        }
        button.disabled = true;
        void (async () => {
          try {
            const bytes = Array.from(new Uint8Array(await file.arrayBuffer()));
            const n = await ctx.api.importMaster(kind, file.name, bytes);
            message.show(`${label}を ${n.toLocaleString("ja-JP")}件取り込みました。`, "success");
            await refresh();
          } catch (e) {
            message.show(errorText(e));
          } finally {
            button.disabled = false;
          }
        })();
      });
      return h(
        "div",
        { class: "master-row" },
        h("div", { class: "master-name" }, h("strong", {}, label), h("span", { class: "hint" }, what)),
        filePicker(input),
        button,
        state,
      );
    }),
    message.el,
  );
  await refresh();
  return card;
}

/** The cards of 設定 → 電子処方箋. */
export async function epsSettingsCards(ctx: Context): Promise<HTMLElement[]> {
  const [ops, masters] = await Promise.all([operationsCard(ctx), mastersCard(ctx)]);
  return [linkForm(ctx), clientCertForm(ctx), signingForm(ctx), ops, masters];
}

/** 署名の方法: the HPKI card's PKCS#11 module, or the remote platform (vendor-only adapter). */
export function signingForm(ctx: Context): HTMLElement {
  const message = messageArea("sign-message");
  const method = h(
    "select",
    { id: "f-sign-method", name: "sign_method" },
    h("option", { value: "" }, "選んでください"),
    h("option", { value: "hpki" }, "HPKI カード（カードリーダー）"),
    h("option", { value: "remote" }, "リモート署名（未対応: ベンダーのアダプターが必要）"),
  );
  const form = h(
    "form",
    { id: "sign-form", class: "card" },
    h("h3", {}, "署名の方法"),
    h("p", {}, "電子処方箋に医師が署名する方法。HPKI カードは、カードのドライバーに付属する PKCS#11 モジュールのファイルを指定します。リモート署名は、接続の仕様がベンダーにだけ公開されているため、このアプリでは署名できません（紙の処方箋は発行できます）。"),
    h("div", { class: "row" }, h("label", { for: "f-sign-method" }, "方法"), method),
    inputRow("PKCS#11 モジュール（HPKI カード）", "sign_module", "text", { placeholder: "例: C:\\Windows\\System32\\HpkiSigP11.dll" }),
    inputRow("トークンのラベル（空欄: 最初のカード）", "sign_token", "text"),
    inputRow("認証の有効時間（時間）", "sign_hours", "number", { min: "1", max: "24", value: "18" }),
    message.el,
    h("button", { type: "submit", id: "sign-submit" }, "保存"),
  );
  const set = (name: string, value: string) => {
    const input = form.elements.namedItem(name);
    if (input instanceof HTMLInputElement && value) input.value = value;
  };
  // Kept as it was (set from the command line; not edited here).
  let remoteUrl = "";
  void ctx.api
    .signSettings()
    .then((s) => {
      remoteUrl = s.remote_url;
      method.value = s.method ?? "";
      set("sign_module", s.module);
      set("sign_token", s.token_label);
      set("sign_hours", String(s.auth_hours));
    })
    .catch(() => undefined);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    const chosen = method.value === "hpki" || method.value === "remote" ? method.value : null;
    void ctx.api
      .setSignSettings({
        method: chosen,
        module: field(form, "sign_module").trim(),
        token_label: field(form, "sign_token").trim(),
        remote_url: remoteUrl,
        auth_hours: Number(field(form, "sign_hours")) || 18,
      })
      .then(() => { message.show("署名の方法を保存しました。", "success"); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  return form;
}

/** What 設定 says of a client certificate (or of none). */
export function certText(cert: ClientCertView | null): string {
  if (!cert) return "未登録";
  const until = new Date(cert.not_after);
  const date = `${until.getFullYear()}年${until.getMonth() + 1}月${until.getDate()}日`;
  return `${cert.subject}（${date}まで${cert.warning ? `。${cert.warning}` : ""}）`;
}

/** クライアント証明書: the clinic's `.p12` and its password, into the OS key store only. */
export function clientCertForm(ctx: Context): HTMLElement {
  const message = messageArea("cert-message");
  const state = h("p", { id: "cert-state" }, "確認中…");
  const file = h("input", { type: "file", id: "cert-file", accept: ".p12,.pfx" });
  const password = h("input", { type: "password", id: "cert-password", autocomplete: "off", "aria-label": "証明書のパスワード" });
  const submit = h("button", { type: "button", id: "cert-submit", class: "primary" }, "取り込む");
  const show = (cert: ClientCertView | null) => {
    state.textContent = `登録済み: ${certText(cert)}`;
  };
  void ctx.api.clientCert().then(show).catch((e: unknown) => { state.textContent = errorText(e); });
  submit.addEventListener("click", () => {
    message.clear();
    const chosen = file.files?.[0];
    if (!chosen) {
      message.show("クライアント証明書のファイル（.p12）を選んでください。");
      return;
    }
    submit.disabled = true;
    void (async () => {
      try {
        const bytes = Array.from(new Uint8Array(await chosen.arrayBuffer()));
        const cert = await ctx.api.importClientCert(bytes, password.value);
        show(cert);
        message.show(`取り込みました（OS の鍵保管庫に保存）。元のファイル ${chosen.name} は削除してください。`, "success");
      } catch (e) {
        message.show(errorText(e));
      } finally {
        password.value = "";
        submit.disabled = false;
      }
    })();
  });
  return h(
    "section",
    { id: "cert-form", class: "card" },
    h("h3", {}, "クライアント証明書"),
    h("p", {}, "電子処方箋管理サービスにつなぐための診療所の証明書（.p12）とパスワード。OS の鍵保管庫だけに保存し、データベースやファイルには残しません。"),
    state,
    h("div", { class: "row" }, h("label", { for: "cert-file" }, "証明書ファイル"), filePicker(file)),
    h("div", { class: "row" }, h("label", { for: "cert-password" }, "パスワード"), password),
    message.el,
    submit,
  );
}
