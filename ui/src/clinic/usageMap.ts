// 用法の紐付け (C8): each of the clinic's usage wordings with the standard
// usage code it is sent with. Unmapped wordings (from a prescription that
// could not be issued, or added here) come first; a code is chosen from the
// ranked candidates of the usage master, never typed.
import type { Context } from "../shared/context";
import type { UsageMapping } from "../shared/api";
import { errorText, h, messageArea, mount } from "../shared/dom";
import { header } from "../shared/header";

/** Unmapped wordings first (in the order given), then the mapped ones by wording. */
export function orderedRows(mappings: UsageMapping[], unmapped: string[]): { wording: string; mapping: UsageMapping | null }[] {
  const mapped = new Map(mappings.map((m) => [m.clinic_usage, m]));
  const open = [...new Set(unmapped.map((w) => w.trim()).filter((w) => w && !mapped.has(w)))];
  return [
    ...open.map((wording) => ({ wording, mapping: null })),
    ...[...mappings].sort((a, b) => a.clinic_usage.localeCompare(b.clinic_usage, "ja")).map((m) => ({ wording: m.clinic_usage, mapping: m })),
  ];
}

/** One wording: its code, and 候補から選ぶ (the ranked candidates in a list box). */
function usageRow(ctx: Context, wording: string, mapping: UsageMapping | null, done: () => void): HTMLElement {
  const message = messageArea("");
  message.el.removeAttribute("id");
  const chooser = h("div", { class: "usage-chooser", hidden: true });
  const choose = h("button", { type: "button", class: "small choose-usage" }, mapping ? "変更" : "候補から選ぶ");
  choose.addEventListener("click", () => {
    chooser.hidden = false;
    choose.hidden = true;
    mount(chooser, h("span", { class: "hint" }, "候補を探しています…"));
    void ctx.api
      .usageCandidates(wording)
      .then((candidates) => {
        if (!candidates.length) {
          mount(chooser, h("p", { class: "message" }, "用法マスタに候補がありません。用法マスタを取り込んだか確認してください（設定 → 電子処方箋）。"));
          return;
        }
        const list = h(
          "select",
          { class: "usage-candidates", size: String(Math.min(6, candidates.length)), "aria-label": `「${wording}」の候補` },
          ...candidates.map((c, i) => h("option", { value: c.code, selected: i === 0 }, `${c.name}（${c.code}）`)),
        );
        const save = h("button", { type: "button", class: "primary save-usage" }, "紐付ける");
        save.addEventListener("click", () => {
          save.disabled = true;
          void ctx.api
            .mapUsage(wording, list.value)
            .then(done)
            .catch((e: unknown) => {
              save.disabled = false;
              message.show(errorText(e));
            });
        });
        mount(chooser, list, save);
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });
  return h(
    "tr",
    { class: mapping ? "usage mapped" : "usage unmapped", "data-wording": wording },
    h("td", { class: "wording" }, wording),
    h(
      "td",
      { class: "standard" },
      mapping
        ? h("span", {}, h("span", { class: "usage-name" }, mapping.name || "（用法マスタにないコード）"), h("span", { class: "usage-code" }, mapping.code))
        : h("span", { class: "badge unset" }, "未紐付け"),
      chooser,
      message.el,
    ),
    h("td", { class: "row-actions" }, choose),
  );
}

export async function renderUsageMap(ctx: Context, unmapped: string[]): Promise<void> {
  const pending = [...unmapped];
  const body = h("tbody", {});
  const message = messageArea("usage-message");
  const load = async () => {
    try {
      const mappings = await ctx.api.usageMappings();
      const rows = orderedRows(mappings, pending);
      if (!rows.length) {
        mount(body, h("tr", {}, h("td", { colspan: "3", class: "empty" }, "紐付けた用法はまだありません。上の欄に用法を入力して候補から選んでください。")));
        return;
      }
      mount(body, ...rows.map((r) => usageRow(ctx, r.wording, r.mapping, () => {
        message.show(`「${r.wording}」を紐付けました。`, "success");
        void load();
      })));
    } catch (e) {
      message.show(errorText(e));
    }
  };
  const input = h("input", { id: "usage-wording", name: "wording", type: "text", placeholder: "例: 毎食後", autocomplete: "off" });
  const add = h("form", { id: "usage-add", class: "inline-form" }, input, h("button", { type: "submit" }, "候補を表示"));
  add.addEventListener("submit", (event) => {
    event.preventDefault();
    const w = input.value.trim();
    if (!w) return;
    if (!pending.includes(w)) pending.unshift(w);
    input.value = "";
    void load().then(() => {
      // Opens the new wording's candidates at once.
      body.querySelector<HTMLButtonElement>(`tr[data-wording="${CSS.escape(w)}"] .choose-usage`)?.click();
    });
  });
  mount(
    ctx.main,
    header(ctx),
    h(
      "section",
      { id: "usage-map", class: "clinic-page" },
      h("h2", {}, "用法の紐付け"),
      h("p", { class: "lead" }, "院内で使う用法の書き方ごとに、電子処方箋で送る標準の用法コードを用法マスタの候補から選びます。紐付けていない用法を使った処方箋は発行できません。"),
      add,
      message.el,
      h(
        "table",
        { id: "usage-table", class: "clinic-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "院内の用法"), h("th", { scope: "col" }, "標準の用法（コード）"), h("th", { scope: "col" }, ""))),
        body,
      ),
    ),
  );
  await load();
}
