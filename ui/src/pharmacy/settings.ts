// 設定 (admins): this facility's codes (what makes a dispensing "this
// facility's"), and remapping receipt-computer patient IDs after the
// receipt computer is replaced (P11).
import type { Context } from "../shared/context";
import type { RemapSummary } from "../shared/api";
import { errorText, field, h, inputRow, messageArea, mount } from "../shared/dom";
import { feedCard, feedErrorsCard } from "./feedSettings";
import { header } from "../shared/header";

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
    h("h2", {}, "施設コード"),
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
    h("h2", {}, "レセコン患者IDの付け替え"),
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
  const csv = h("form", { id: "remap-csv-form", class: "inline-form" }, file, h("button", { type: "submit", id: "remap-csv-submit" }, "CSVで付け替え"));
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
  const card = h("section", { id: "reader-settings", class: "card" }, h("h2", {}, "カードリーダー"));
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

export async function renderSettings(ctx: Context): Promise<void> {
  const page = h("div", { class: "settings" }, codesForm(ctx));
  mount(ctx.main, header(ctx), page);
  page.append(await readerCard(ctx), await feedCard(ctx), await feedErrorsCard(ctx), await remapCard(ctx));
}
