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

function folderLine(f: FolderConfig): string {
  const format = f.format.kind === "nsips" ? `NSIPS（${f.format.profile}）` : "JAHIS";
  const mode = f.mode === "polling" ? `定期確認 ${f.rescan_secs}秒ごと` : "変更通知";
  const after = f.after === "move_to_processed" ? "取込後 processed へ移動" : "取込後もそのまま";
  return `${f.path} — ${format}・${mode}・${after}`;
}

export async function feedCard(ctx: Context): Promise<HTMLElement> {
  const message = messageArea("feed-message");
  const list = h("ul", { id: "feed-folders", class: "notes" });
  const card = h("section", { id: "feed-settings", class: "card" }, h("h2", {}, "レセコン連携"));
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
  const path = input("path", "フォルダ（例: \\\\recept\\out または /mnt/recept/out）");
  const profile = input("profile", "NSIPS: レイアウトプロファイル（.toml）。JAHISなら空欄");
  const idPattern = input("id", "JAHIS: ファイル名から患者ID（例: ^(?P<id>\\d+)_）");
  const polling = h("input", { type: "checkbox", id: "feed-polling" });
  const move = h("input", { type: "checkbox", id: "feed-move" });
  const add = h(
    "form",
    { id: "feed-add" },
    path,
    profile,
    idPattern,
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
    save([...folders, newFolder(path.value, profile.value, polling.checked, move.checked, idPattern.value)]);
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
  const card = h("section", { id: "feed-errors", class: "card" }, h("h2", {}, "取込エラー"));
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
