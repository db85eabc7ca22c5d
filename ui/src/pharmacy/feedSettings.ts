// 設定 → レセコン連携 (admins): the watched folders, and 取込エラー with 再試行.
import type { Context } from "../shared/context";
import type { FolderConfig } from "../shared/api";
import { errorText, h, messageArea, mount } from "../shared/dom";
import { localTime } from "./feedStatus";

/** A new folder's settings with the defaults (leave files, OS events, 60 s rescans). */
export function newFolder(path: string, profile: string, polling: boolean, moveProcessed: boolean, idPattern: string): FolderConfig {
  return {
    path: path.trim(),
    format: profile.trim() ? { kind: "nsips", profile: profile.trim() } : { kind: "jahis" },
    after: moveProcessed ? "move_to_processed" : "leave",
    mode: polling ? "polling" : "events",
    rescan_secs: polling ? 10 : 60,
    settle_ms: 2000,
    source: "recept",
    id_from_file_name: idPattern.trim() || null,
    backlog_days: 7,
  };
}

/** 詳細: a pattern of the administrator's own. */
const CUSTOM = "custom";

/** How receipt computers name their files, as choices; the pattern takes the patient ID. */
export const ID_PRESETS: [string, string][] = [
  ["ファイル名に患者IDなし（ファイルの中の氏名・生年月日で照合）", ""],
  ["患者ID_日付など（例: 000123_20261204.txt）", "^(?P<id>\\d+)_"],
  ["日付など_患者ID（例: 20261204_000123.txt）", "_(?P<id>\\d+)\\.[^.]+$"],
  ["詳細（正規表現で指定）", CUSTOM],
];

/** What `pattern` takes from `name` as the patient ID, said in Japanese. */
export function tryPattern(pattern: string, name: string): string {
  if (!pattern) return "患者IDは取り出しません。";
  let re: RegExp;
  try {
    // The app's patterns name the group (?P<id>…); JavaScript writes (?<id>…).
    re = new RegExp(pattern.replaceAll("(?P<", "(?<"));
  } catch {
    return "正規表現として読めません。";
  }
  const id = re.exec(name)?.groups?.id;
  return id ? `患者ID: ${id}` : "このファイル名からは患者IDを取り出せません。";
}

function folderLine(f: FolderConfig): string {
  const format = f.format.kind === "nsips" ? `NSIPS（${f.format.profile}）` : "JAHIS";
  const preset = ID_PRESETS.find(([, p]) => p === (f.id_from_file_name ?? ""));
  const ids = preset ? preset[0].replace(/（.*$/, "") : `患者ID: ${f.id_from_file_name ?? ""}`;
  const mode = f.mode === "polling" ? `定期確認 ${f.rescan_secs}秒ごと` : "変更通知";
  const after = f.after === "move_to_processed" ? "取込後 processed へ移動" : "取込後もそのまま";
  return `${f.path} — ${format}・${ids}・${mode}・${after}`;
}

export async function feedCard(ctx: Context): Promise<HTMLElement> {
  const message = messageArea("feed-message");
  const list = h("ul", { id: "feed-folders", class: "notes" });
  const card = h("section", { id: "feed-settings", class: "card" }, h("h3", {}, "監視フォルダ"));
  let folders: FolderConfig[];
  try {
    folders = await ctx.api.feedFolders();
  } catch (e) {
    card.append(h("p", { class: "message" }, errorText(e)));
    return card;
  }
  const save = (next: FolderConfig[]) => {
    message.clear();
    void ctx.api
      .setFeedFolders(next)
      .then(() => {
        folders = next;
        draw();
        message.show("保存しました", "success");
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  };
  const draw = () => { mount(
      list,
      ...(folders.length
        ? folders.map((f, i) => {
            const remove = h("button", { type: "button", class: "small remove-folder" }, "削除");
            remove.addEventListener("click", () => { save(folders.filter((_, j) => j !== i)); });
            return h("li", { class: "feed-folder" }, h("span", { class: "note-text" }, folderLine(f)), remove);
          })
        : [h("li", { class: "empty" }, "監視フォルダはありません")]),
    ); };
  draw();
  const input = (name: string, placeholder: string) => h("input", { name, id: `feed-${name}`, placeholder, autocomplete: "off" });
  const labelled = (label: string, control: HTMLElement) => h("div", { class: "row" }, h("label", { for: control.id }, label), control);
  const path = input("path", "例: \\\\recept\\out または /mnt/recept/out");
  const profile = input("profile", "NSIPS形式のときだけ: レイアウトプロファイル（.toml）");
  const idPattern = input("id", "例: ^(?P<id>\\d+)_");
  const preset = h(
    "select",
    { id: "feed-id-preset" },
    ...ID_PRESETS.map(([label, pattern]) => h("option", { value: pattern }, label)),
  );
  const sample = input("id-sample", "ファイル名の例: 000123_20261204.txt");
  const tried = h("span", { id: "feed-id-result", class: "field-note" });
  const custom = h(
    "div",
    { id: "feed-id-custom", class: "custom-pattern", hidden: true },
    labelled("患者IDの取り出し方（正規表現、(?P<id>…) が患者ID）", idPattern),
    labelled("ファイル名の例で試す", sample),
    tried,
  );
  const pattern = () => (preset.value === CUSTOM ? idPattern.value : preset.value);
  const tryIt = () => { tried.textContent = sample.value ? tryPattern(pattern(), sample.value) : ""; };
  preset.addEventListener("change", () => {
    custom.hidden = preset.value !== CUSTOM;
    tryIt();
  });
  idPattern.addEventListener("input", tryIt);
  sample.addEventListener("input", tryIt);
  const polling = h("input", { type: "checkbox", id: "feed-polling" });
  const move = h("input", { type: "checkbox", id: "feed-move" });
  const add = h(
    "form",
    { id: "feed-add" },
    h("h3", {}, "監視フォルダを追加"),
    labelled("レセコンの出力フォルダ", path),
    labelled("ファイル名と患者ID", preset),
    custom,
    labelled("NSIPS形式のレイアウト（JAHIS形式なら空欄）", profile),
    h("label", {}, polling, " ネットワーク共有（定期確認のみ）"),
    h("label", {}, move, " 取込後 processed/日付 に移動"),
    h("button", { type: "submit", id: "feed-add-submit" }, "追加して保存"),
  );
  add.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!path.value.trim()) {
      message.show("フォルダの場所を入力してください。");
      return;
    }
    save([...folders, newFolder(path.value, profile.value, polling.checked, move.checked, pattern())]);
  });
  card.append(
    h("p", {}, "レセコンの出力フォルダを監視して、調剤を自動で取り込みます。ファイルは既定でそのまま残します（取込済みは記録します）。"),
    list,
    add,
    message.el,
  );
  return card;
}

export async function feedErrorsCard(ctx: Context): Promise<HTMLElement> {
  const card = h("section", { id: "feed-errors", class: "card" }, h("h3", {}, "取込エラー"));
  const list = h("ul", { class: "notes" });
  const draw = async () => {
    try {
      const errors = await ctx.api.feedErrors();
      mount(
        list,
        ...(errors.length
          ? errors.map((e) => {
              const retry = h("button", { type: "button", class: "small retry-file" }, "再試行");
              retry.addEventListener("click", () => void ctx.api.retryFeedFile(e.folder, e.name).then(draw));
              return h(
                "li",
                { class: "feed-error-file" },
                h("span", { class: "note-kind" }, localTime(e.at)),
                h("span", { class: "note-text" }, `${e.name}: ${e.error}`),
                retry,
              );
            })
          : [h("li", { class: "empty" }, "取込エラーはありません")]),
      );
    } catch (e) {
      mount(list, h("li", { class: "message" }, errorText(e)));
    }
  };
  await draw();
  card.append(list);
  return card;
}
