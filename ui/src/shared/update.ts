// The update dialog (D1) and 設定 → 更新. The dialog is ours, not a native
// one: it shows the release notes and a progress bar, and a test can drive it.
// Flow as in the clinic seed: 新しい版があります → 今すぐ更新 → progress →
// 「準備が完了しました。終了します。」 → the installer (Windows: msiexec
// /passive; the MSI starts the new version).
import type { Api, DownloadEvent, Offer } from "./api";
import type { Context } from "./context";
import { errorText, h, messageArea } from "./dom";

/** How long the "ready" sentence stays before the app quits to install. */
export const READY_PAUSE_MS = 2000;

const MB = 1024 * 1024;

function megabytes(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

/**
 * The release notes as CHANGELOG.md writes them, readable without Markdown:
 * `### 見出し` lines become headings, `- 項目` lines list items.
 */
export function notesView(notes: string): HTMLElement {
  const box = h("div", { id: "update-notes", class: "update-notes" });
  let list: HTMLUListElement | null = null;
  for (const raw of notes.split("\n")) {
    const line = raw.trim();
    const item = /^[-*] (.*)$/.exec(line);
    if (item) {
      list ??= box.appendChild(h("ul", {}));
      list.append(h("li", {}, item[1]));
      continue;
    }
    if (/^ /.test(raw) && list?.lastElementChild) {
      list.lastElementChild.append(line);
      continue;
    }
    list = null;
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (heading) box.append(h("h3", {}, heading[1]));
    else if (line) box.append(h("p", {}, line));
  }
  return box;
}

/** Shows the dialog for `offer` (one at a time); resolves when it closes or the app quits. */
export function showUpdateDialog(api: Api, offer: Offer, pauseMs = READY_PAUSE_MS): HTMLElement {
  document.getElementById("update-dialog")?.remove();
  const message = messageArea("update-message");
  const later = h("button", { type: "button", id: "update-later", class: "secondary" }, "後で");
  const now = h("button", { type: "button", id: "update-now", class: "primary" }, "今すぐ更新");
  const progress = h("progress", { id: "update-progress", max: "100", value: "0", hidden: true });
  const progressText = h("p", { id: "update-progress-text", class: "field-note", "aria-live": "polite" });
  const date = offer.date ? new Date(offer.date) : null;
  const box = h(
    "div",
    { id: "update-dialog", class: "sheet", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "update-title" },
    h(
      "div",
      { class: "sheet-body update-body" },
      h("h2", { id: "update-title" }, "新しいおくすりデスクがリリースされています。更新しますか？"),
      h(
        "p",
        { id: "update-versions" },
        `現在の版 ${offer.current_version} → 新しい版 ${offer.version}`,
        date && !Number.isNaN(date.getTime()) ? `（${date.toLocaleDateString("ja-JP")} 公開）` : "",
      ),
      offer.notes ? notesView(offer.notes) : null,
      h("p", { class: "field-note" }, "更新中はおくすりデスクが一度終了し、更新のあと自動で起動します。カードのタッチや処方箋の送信が途中でないときに更新してください。"),
      progress,
      progressText,
      message.el,
      h("div", { class: "sheet-actions" }, later, now),
    ),
  );
  const close = () => { box.remove(); };
  later.addEventListener("click", () => {
    void api.updateLater(offer.version).catch(() => undefined);
    close();
  });
  now.addEventListener("click", () => {
    now.disabled = true;
    later.disabled = true;
    message.clear();
    progress.hidden = false;
    let total: number | null = null;
    let received = 0;
    const onEvent = (event: DownloadEvent) => {
      if (event.event === "started") {
        total = event.data.contentLength;
        progressText.textContent = "ダウンロードしています…";
      } else if (event.event === "progress") {
        received += event.data.chunkLength;
        if (total) {
          const percent = Math.min(100, Math.floor((received * 100) / total));
          progress.value = percent;
          progressText.textContent = `ダウンロード中 ${percent}%（${megabytes(received)} / ${megabytes(total)} MB）`;
        } else {
          progress.removeAttribute("value");
          progressText.textContent = `ダウンロード中（${megabytes(received)} MB）`;
        }
      } else {
        progress.value = 100;
        progressText.textContent = "署名を確認しています…";
      }
    };
    api
      .updateDownload(onEvent)
      .then(() => {
        progress.value = 100;
        progressText.textContent = "ダウンロード 100%";
        message.show("新しいおくすりデスクに更新する準備が完了しました。おくすりデスクを終了します。", "success");
        window.setTimeout(() => {
          api.updateInstall().catch((e: unknown) => {
            message.show(errorText(e));
            later.disabled = false;
            later.textContent = "閉じる";
          });
        }, pauseMs);
      })
      .catch((e: unknown) => {
        progress.hidden = true;
        progressText.textContent = "";
        message.show(errorText(e));
        later.disabled = false;
        later.textContent = "閉じる";
      });
  });
  document.body.append(box);
  now.focus();
  return box;
}

/** Shows the dialog whenever the schedule finds an update and someone is signed in; and after sign-in. */
export function watchUpdates(ctx: Context): void {
  const signedIn = () => ctx.status.staff !== null;
  void ctx.api
    .onUpdateAvailable((offer) => {
      if (signedIn()) showUpdateDialog(ctx.api, offer);
    })
    .catch(() => undefined);
}

/** After sign-in: the offer the schedule found meanwhile, if not put aside. */
export async function offerAfterSignIn(api: Api): Promise<void> {
  const offer = await api.updateOffer().catch(() => null);
  if (offer) showUpdateDialog(api, offer);
}

/** 設定 → 更新: on/off, the manifest address, the interval; 今すぐ確認. */
export async function updateCard(ctx: Context): Promise<HTMLElement> {
  const message = messageArea("update-settings-message");
  const enabled = h("input", { id: "update-enabled", name: "enabled", type: "checkbox" });
  const endpoint = h("input", { id: "update-endpoint", name: "endpoint", type: "url", autocomplete: "off", placeholder: "https://…/latest.json" });
  const hours = h("input", { id: "update-interval", name: "hours", type: "number", min: "1", max: "168", inputmode: "numeric" });
  const check = h("button", { type: "button", id: "update-check-now", class: "secondary" }, "今すぐ確認");
  const form = h(
    "form",
    { id: "update-settings-form", class: "card" },
    h("p", {}, `この PC のおくすりデスク: ${ctx.status.version}。新しい版は、発行元の署名を確かめてから入れます（署名が合わないものは入れません）。`),
    h("label", { class: "check-line" }, enabled, " 更新を自動で確認する"),
    h("p", { class: "field-note" }, "院内・薬局内でまとめて更新する（情報システム担当が MSI を配る）場合は外してください。"),
    h("div", { class: "row" }, h("label", { for: "update-endpoint" }, "更新の確認先"), endpoint),
    h("div", { class: "row" }, h("label", { for: "update-interval" }, "確認の間隔（時間）"), hours),
    message.el,
    h("div", { class: "form-actions" }, h("button", { type: "submit", id: "update-settings-submit" }, "保存"), check),
  );
  try {
    const s = await ctx.api.updateSettings();
    enabled.checked = s.enabled;
    endpoint.value = s.endpoint;
    hours.value = String(s.interval_hours);
  } catch (e) {
    message.show(errorText(e));
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    void ctx.api
      .setUpdateSettings({ enabled: enabled.checked, endpoint: endpoint.value.trim(), interval_hours: Number(hours.value) })
      .then(() => { message.show("保存しました", "success"); })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  check.addEventListener("click", () => {
    message.show("確認しています…", "warning");
    check.disabled = true;
    void ctx.api
      .updateCheck()
      .then((offer) => {
        if (offer) {
          message.show(`新しい版 ${offer.version} があります。`, "warning");
          showUpdateDialog(ctx.api, offer);
        } else {
          message.show(`最新の版です（${ctx.status.version}）。`, "success");
        }
      })
      .catch((e: unknown) => { message.show(errorText(e)); })
      .finally(() => { check.disabled = false; });
  });
  return form;
}
