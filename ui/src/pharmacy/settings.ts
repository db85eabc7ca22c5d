// 設定 (admins): this facility's codes (what makes a dispensing "this
// facility's"), and remapping receipt-computer patient IDs after the
// receipt computer is replaced (P11).
import type { Context } from "../shared/context";
import type { BackupResult, BackupSettings, RemapSummary } from "../shared/api";
import { errorText, field, filePicker, h, inputRow, messageArea, mount } from "../shared/dom";
import { feedCard, feedErrorsCard } from "./feedSettings";
import { header } from "../shared/header";
import { epsSettingsCards } from "../clinic/epsSettings";
import { updateCard } from "../shared/update";

function remapText(r: RemapSummary): string {
  return r.already_done
    ? `${r.changed}件のIDを付け替えました（${r.already_done}件は付け替え済み）`
    : `${r.changed}件のIDを付け替えました`;
}

function codesForm(ctx: Context): HTMLElement {
  const message = messageArea("codes-message");
  const form = h(
    "form",
    { id: "codes-form", class: "card" },
    h("h3", {}, "施設コード"),
    h("p", {}, "この施設の都道府県番号・点数表番号・医療機関等コード。お薬履歴の「当施設／他施設」の区別に使います。"),
    inputRow("都道府県番号（01～47）", "prefecture", "text", { inputmode: "numeric", maxlength: "2" }),
    inputRow("点数表番号（調剤は4、医科は1）", "table", "text", { inputmode: "numeric", maxlength: "1" }),
    inputRow("医療機関等コード（7桁）", "code", "text", { inputmode: "numeric", maxlength: "7" }),
    message.el,
    h("button", { type: "submit", id: "codes-submit" }, "保存"),
  );
  void ctx.api.facilityCodes().then((codes) => {
    if (!codes) return;
    for (const name of ["prefecture", "table", "code"] as const) {
      const input = form.elements.namedItem(name);
      if (input instanceof HTMLInputElement) input.value = codes[name];
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    const codes = { prefecture: field(form, "prefecture").trim(), table: field(form, "table").trim(), code: field(form, "code").trim() };
    void ctx.api
      .setFacilityCodes(codes)
      .then(() => { message.show("保存しました", "success"); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  return form;
}

async function remapCard(ctx: Context): Promise<HTMLElement> {
  const message = messageArea("remap-message");
  const card = h(
    "section",
    { id: "remap", class: "card" },
    h("h3", {}, "レセコン患者IDの付け替え"),
    h("p", {}, "レセコンを入れ替えて患者番号が変わったときに、旧IDを新IDに付け替えます。お薬履歴はそのまま残ります。1件ずつ、または「旧ID,新ID」のCSVファイルで。すべての行を確認してから、まとめて付け替えます。"),
  );
  let sources: string[];
  try {
    sources = await ctx.api.externalIdSources();
  } catch (e) {
    card.append(h("p", { class: "message" }, errorText(e)));
    return card;
  }
  if (!sources.length) {
    card.append(h("p", { class: "empty", id: "remap-none" }, "レセコンのIDと紐づいた患者はまだいません"));
    return card;
  }
  const source = h("select", { id: "remap-source", name: "source" }, ...sources.map((s) => h("option", { value: s }, s)));
  const single = h(
    "form",
    { id: "remap-form", class: "inline-form" },
    h("input", { name: "old", id: "remap-old", placeholder: "旧ID", autocomplete: "off" }),
    h("input", { name: "new", id: "remap-new", placeholder: "新ID", autocomplete: "off" }),
    h("button", { type: "submit", id: "remap-submit" }, "付け替え"),
  );
  single.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    void ctx.api
      .remapExternalId(source.value, field(single, "old"), field(single, "new"))
      .then((r) => { message.show(remapText(r)); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  const file = h("input", { type: "file", id: "remap-csv", accept: ".csv,text/csv,text/plain" });
  const csv = h("form", { id: "remap-csv-form", class: "inline-form" }, filePicker(file, "CSVファイルを選ぶ"), h("button", { type: "submit", id: "remap-csv-submit" }, "CSVで付け替え"));
  csv.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    const chosen = file.files?.[0];
    if (!chosen) {
      message.show("CSVファイルを選んでください。");
      return;
    }
    void chosen
      .arrayBuffer()
      .then((buffer) => ctx.api.remapExternalIdsCsv(source.value, Array.from(new Uint8Array(buffer))))
      .then((r) => { message.show(remapText(r)); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  card.append(h("div", { class: "row" }, h("label", { for: "remap-source" }, "IDの種類"), source), single, csv, message.el);
  return card;
}

async function readerCard(ctx: Context): Promise<HTMLElement> {
  const message = messageArea("reader-choice-message");
  const card = h("section", { id: "reader-settings", class: "card" }, h("h3", {}, "使うカードリーダー"));
  let status;
  try {
    status = await ctx.api.readerStatus();
  } catch (e) {
    card.append(h("p", { class: "message" }, errorText(e)));
    return card;
  }
  const select = h(
    "select",
    { id: "reader-choice" },
    ...status.readers.map((r) => h("option", { value: r, selected: r === status.reader }, r)),
  );
  const save = h("button", { type: "button", id: "reader-choice-submit" }, "このリーダーを使う");
  save.addEventListener("click", () => {
    message.clear();
    void ctx.api
      .chooseReader(select.value)
      .then(() => { message.show("保存しました", "success"); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  card.append(
    h("p", {}, "カードリーダーが複数つながっているときは、使うリーダーを選んでください（名前で覚えます）。一覧は、患者リストでリーダーを ON にすると表示されます。"),
    status.readers.length ? h("div", { class: "inline-form" }, select, save) : h("p", { class: "empty", id: "reader-none" }, "リーダーの一覧はまだありません"),
    message.el,
  );
  return card;
}

/** 今回のお薬: how many days back "this visit" reaches. */
async function currentCard(ctx: Context): Promise<HTMLElement> {
  const message = messageArea("current-window-message");
  const days = h("input", { id: "current-window", name: "days", type: "number", min: "0", max: "90", inputmode: "numeric" });
  const form = h(
    "form",
    { id: "current-window-form", class: "card" },
    h("p", {}, "患者様の画面の「今回のお薬」に、当施設の調剤を何日前のものまで表示するか（0 は本日の調剤のみ）。"),
    h("div", { class: "row" }, h("label", { for: "current-window" }, "表示する期間（日）"), days),
    message.el,
    h("button", { type: "submit", id: "current-window-submit" }, "保存"),
  );
  try {
    days.value = String(await ctx.api.currentWindowDays());
  } catch (e) {
    message.show(errorText(e));
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    void ctx.api
      .setCurrentWindowDays(Number(days.value))
      .then(() => { message.show("保存しました", "success"); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  return form;
}

/** The sentence for a backup just made (and its copy). */
export function backupDoneText(r: BackupResult): string {
  if (r.second_error) return `バックアップを作成しました。2つ目の場所へのコピーは失敗しました: ${r.second_error}`;
  if (r.second_file) return "バックアップを作成し、2つ目の場所にもコピーしました。";
  return "バックアップを作成しました。";
}

/** バックアップ: when the last ones were made, the second folder, 今すぐバックアップ. */
async function backupCard(ctx: Context): Promise<HTMLElement> {
  const message = messageArea("backup-message");
  const card = h("div", { id: "backup-settings", class: "card" });
  const state = h("div", {});
  const second = h<"input">("input", { id: "backup-second", type: "text", placeholder: "例: E:\\okusuri-backup（空欄: 使わない）", autocomplete: "off" });
  const save = h("button", { type: "submit" }, "保存");
  const now = h("button", { type: "button", id: "backup-now" }, "今すぐバックアップ");
  const draw = (s: BackupSettings): void => {
    state.replaceChildren(
      h("p", {}, `最終バックアップ: ${s.last ?? "まだありません"}（${s.folder}）`),
      h("p", {}, s.second_folder ? `2つ目の場所: ${s.second_folder}（最終コピー: ${s.second_last ?? "まだありません"}）` : "2つ目の場所: 使っていません"),
      h("p", { id: "backup-encryption" }, s.encrypted ? "暗号化: データベースとバックアップは暗号化されています（鍵はこのPCの鍵保管庫）" : "暗号化: されていません（OS の鍵保管庫を使えないか、暗号化に失敗しました。詳しくはアプリのログにあります）"),
    );
    second.value = s.second_folder ?? "";
  };
  const reload = (): Promise<void> => ctx.api.backupSettings().then(draw);
  try {
    await reload();
  } catch (e) {
    message.show(errorText(e));
  }
  const form = h(
    "form",
    { class: "inline-form", id: "backup-second-form" },
    h("label", { for: "backup-second" }, "2つ目の場所（USB ドライブなど）"),
    second,
    save,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    void ctx.api
      .setSecondBackupDir(second.value)
      .then((r) => { message.show(r ? backupDoneText(r) : "2つ目の場所を使わない設定にしました。", r?.second_error ? "error" : "success"); return reload(); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  now.addEventListener("click", () => {
    message.clear();
    now.disabled = true;
    void ctx.api
      .backupNow()
      .then((r) => { message.show(backupDoneText(r), r.second_error ? "error" : "success"); return reload(); })
      .catch((e: unknown) => { message.show(errorText(e)); })
      .finally(() => { now.disabled = false; });
  });
  const keyFolder = h<"input">("input", { id: "keys-folder", type: "text", placeholder: "例: E:\\", autocomplete: "off" });
  const keyForm = h(
    "form",
    { class: "inline-form", id: "keys-form" },
    h("label", { for: "keys-folder" }, "鍵を書き出す場所（USB メモリなど）"),
    keyFolder,
    h("button", { type: "submit", id: "keys-export" }, "鍵を書き出す"),
  );
  keyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    void ctx.api
      .exportKeys(keyFolder.value)
      .then((file) => { message.show(`鍵を書き出しました: ${file}（金庫など、PCとは別の場所に保管してください）`, "success"); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  card.append(
    state,
    form,
    h("div", { class: "actions" }, now),
    h("p", { class: "field-note" }, "アプリは起動している間、1日に1回データフォルダの backups にバックアップを作り、2つ目の場所が設定されていればそこにもコピーします。復元は、アプリを終了してから okusuri db restore で行います。"),
    h("h3", {}, "鍵の書き出し"),
    h("p", { class: "field-note" }, "鍵がないと、このPCが壊れたときにバックアップを開けません。最初に一度、USB メモリなどに書き出して金庫に保管してください。新しいPCでは okusuri db key --import で取り込みます。"),
    keyForm,
    message.el,
  );
  return card;
}

/** スタッフ: the way to スタッフ管理, and whether clerks take in notebooks. */
async function staffCard(ctx: Context): Promise<HTMLElement> {
  const open = h("button", { type: "button", id: "settings-open-staff" }, "スタッフ管理を開く");
  open.addEventListener("click", () => { ctx.go({ screen: "staff" }); });
  const message = messageArea("clerks-take-in-message");
  const clerks = h("input", { type: "checkbox", id: "clerks-take-in" });
  try {
    clerks.checked = await ctx.api.clerksTakeIn();
  } catch (e) {
    message.show(errorText(e));
  }
  const idle = h("input", { id: "idle-lock", type: "number", min: "1", max: "60", inputmode: "numeric" });
  idle.value = String(ctx.status.idle_lock_minutes || 10);
  const idleForm = h("form", { id: "idle-lock-form", class: "inline-form" }, h("label", { for: "idle-lock" }, "操作がないとき画面をロックするまで（分）"), idle, h("button", { type: "submit", id: "idle-lock-submit" }, "保存"));
  idleForm.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    void ctx.api
      .setIdleLockMinutes(Number(idle.value))
      .then(() => {
        ctx.status = { ...ctx.status, idle_lock_minutes: Number(idle.value) };
        message.show("保存しました（ほかのスタッフには次のログインから）", "success");
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  clerks.addEventListener("change", () => {
    message.clear();
    void ctx.api
      .setClerksTakeIn(clerks.checked)
      .then(() => { message.show("保存しました", "success"); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  return h(
    "div",
    { class: "card" },
    h("p", {}, "スタッフの追加・無効化・パスワードのリセット・権限の変更（役割: 管理者・薬剤師・医師・事務）。"),
    open,
    h("label", { class: "check-line" }, clerks, " 事務も他社の手帳を取り込める（からだの情報の取消は、常に薬剤師・医師・管理者だけです）"),
    idleForm,
    message.el,
  );
}

/** The sections of 設定, in order: id, heading (電子処方箋 only for a clinic). */
const SECTIONS: [string, string][] = [
  ["settings-facility", "施設"],
  ["settings-reader", "カードリーダー"],
  ["settings-feed", "レセコン連携"],
  ["settings-current", "今回のお薬"],
  ["settings-backup", "バックアップ"],
  ["settings-staff", "スタッフ"],
  ["settings-update", "更新"],
  ["settings-eps", "電子処方箋"],
];

/** 設定: one column of sections, with a list of them to jump to. */
export async function renderSettings(ctx: Context): Promise<void> {
  const clinic = ctx.status.facility?.kind === "clinic";
  // A clinic has no counter (reader, receipt computer, 今回のお薬); its 医療機関コード is under 電子処方箋.
  const pharmacyOnly = ["settings-facility", "settings-reader", "settings-feed", "settings-current"];
  const sections = SECTIONS.filter(([id]) => (clinic ? !pharmacyOnly.includes(id) : id !== "settings-eps"));
  const body = new Map(sections.map(([id, title]) => [id, h("section", { id, class: "settings-section" }, h("h2", {}, title))]));
  const nav = h(
    "nav",
    { class: "settings-nav", "aria-label": "設定の項目" },
    ...sections.map(([id, title]) => {
      const link = h("button", { type: "button", class: "settings-link" }, title);
      link.addEventListener("click", () => { body.get(id)?.scrollIntoView({ block: "start" }); });
      return link;
    }),
  );
  const column = h("div", { class: "settings-column" }, ...body.values());
  mount(ctx.main, header(ctx), h("div", { class: "settings" }, nav, column));
  const put = (id: string, ...cards: HTMLElement[]) => { body.get(id)?.append(...cards); };
  put("settings-backup", await backupCard(ctx));
  put("settings-staff", await staffCard(ctx));
  put("settings-update", await updateCard(ctx));
  if (clinic) {
    put("settings-eps", ...(await epsSettingsCards(ctx)));
    return;
  }
  put("settings-facility", codesForm(ctx));
  const [reader, feed, errors, remap, current] = await Promise.all([
    readerCard(ctx),
    feedCard(ctx),
    feedErrorsCard(ctx),
    remapCard(ctx),
    currentCard(ctx),
  ]);
  put("settings-reader", reader);
  put("settings-feed", feed, errors, remap);
  put("settings-current", current);
}
