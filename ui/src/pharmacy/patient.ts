// 患者詳細: header and the tabs お薬履歴 / 今回のお薬 / からだの情報 / メモ (P4–P6).
import type { Context } from "../shared/context";
import {
  BODY_LABELS,
  type BodyKind,
  type Cursor,
  type HistoryDispensing,
  type HistoryDrug,
  type HistoryFilter,
  type Note,
  type OtcEntry,
  type PatientNoteEntry,
  type PatientSummary,
} from "../shared/api";
import { writeClipboard } from "../shared/clipboard";
import { errorText, h, messageArea, mount } from "../shared/dom";
import { header } from "../shared/header";
import { markDrawn } from "../shared/timing";
import { canMerge, mergeTab } from "./merge";
import { linkPanel } from "./link";
import { patientQrPanel } from "./patientQr";
import { nextTouch } from "./reader";

type Tab = "history" | "current" | "body" | "memo" | "merge";
type HistoryView = HistoryFilter | "otc";

const TABS: [Tab, string][] = [
  ["history", "お薬履歴"],
  ["current", "今回のお薬"],
  ["body", "からだの情報"],
  ["memo", "メモ"],
];

const FILTERS: [HistoryView, string][] = [
  ["all", "すべての調剤薬"],
  ["other", "他施設での調剤薬"],
  ["otc", "市販薬"],
];

function notesBlock(notes: Note[], className: string): HTMLElement {
  return h(
    "dl",
    { class: className },
    ...notes.flatMap((n) => [h("dt", {}, n.label), h("dd", {}, n.text)]),
  );
}

/** The columns of every drug row, named once above the list (お薬履歴). */
export const DRUG_COLUMNS = ["薬剤名", "用法・用量", "服薬期間中", "残量(目安)", ""];

/** The column headings of the history grid. */
export function drugColumnHeadings(): HTMLElement {
  return h(
    "div",
    { class: "drug-grid drug-headings", role: "row" },
    ...DRUG_COLUMNS.map((c) => h("div", { role: "columnheader" }, c)),
  );
}

/** One drug line in the page-wide grid, with its own コピー and, on opening,
 * its details: the drug's 補足 / 服薬注意 and its RP's 用法の補足 / 処方服薬注意.
 * A value that does not apply is left empty. */
function drugRow(drug: HistoryDrug, rpNotes: Note[], onCopy: () => void): HTMLElement {
  const all = [...drug.notes, ...rpNotes];
  const details = all.length ? notesBlock(all, "drug-notes") : null;
  details?.setAttribute("hidden", "");
  const toggle = details
    ? h("button", { type: "button", class: "small toggle-details", "aria-expanded": "false" }, "詳細")
    : null;
  const open = () => {
    if (!details || !toggle) return;
    details.toggleAttribute("hidden");
    toggle.setAttribute("aria-expanded", String(!details.hidden));
  };
  toggle?.addEventListener("click", open);
  const copy = h("button", { type: "button", class: "small copy-drug" }, "コピー");
  copy.addEventListener("click", onCopy);
  const name = h("div", { class: "drug-name" }, drug.name, details ? h("span", { class: "has-details", title: "詳細があります" }, " ＊") : null);
  if (details) name.addEventListener("click", open);
  return h(
    "div",
    { class: "drug drug-grid", "data-drug-id": String(drug.id) },
    name,
    h("div", { class: "drug-usage" }, drug.usage_line),
    h("div", { class: "drug-taking" }, drug.taking ? h("span", { class: "badge taking" }, "服薬期間中") : ""),
    h("div", { class: "drug-remaining" }, h("span", { class: "value" }, drug.remaining ?? "")),
    h("div", { class: "drug-actions" }, toggle, copy),
    details,
  );
}

/**
 * The import gate's warnings about a dispensing's data: a small ⚠ whose
 * messages show on hover and, for touch and keyboard, when pressed.
 */
function warningMark(warnings: string[]): HTMLElement {
  const text = warnings.join("\n");
  const mark = h(
    "button",
    { type: "button", class: "small import-warning", title: text, "aria-label": `データの注意: ${text}`, "aria-expanded": "false" },
    "⚠",
  );
  const list = h("ul", { class: "import-warnings", hidden: "" }, ...warnings.map((w) => h("li", {}, w)));
  mark.addEventListener("click", () => {
    list.hidden = !list.hidden;
    mark.setAttribute("aria-expanded", String(!list.hidden));
  });
  return h("span", { class: "import-warning-wrap" }, mark, list);
}

/** The doctors of a dispensing's RPs, once each. */
function doctors(d: HistoryDispensing): string[] {
  return [...new Set(d.rps.map((rp) => rp.doctor).filter((x): x is string => !!x))];
}

/**
 * A dispensing as the seed shows it: a heading line (調剤日, 医療機関・薬局,
 * 医師), then each RP with its 用法名 once and its drugs in the page-wide grid.
 */
export function dispensingCard(d: HistoryDispensing, copy: (text: string) => void): HTMLElement {
  const copyAll = h("button", { type: "button", class: "small copy-dispensing" }, "コピー");
  copyAll.addEventListener("click", () => { copy(d.copy_text); });
  const who = doctors(d);
  // One doctor for the whole prescription goes in the heading; several are named per RP.
  const perRp = who.length > 1;
  const rps = d.rps.map((rp) =>
    h(
      "div",
      { class: "rp", "data-rp": String(rp.rp_no ?? "") },
      rp.usage_name || (perRp && rp.doctor)
        ? h(
            "div",
            { class: "rp-usage" },
            h("span", { class: "rp-usage-name" }, rp.usage_name ?? ""),
            perRp && rp.doctor ? h("span", { class: "rp-doctor" }, `医師: ${rp.doctor}`) : null,
          )
        : null,
      ...rp.drugs.map((drug) => drugRow(drug, rp.notes, () => { copy(drug.copy_text); })),
    ),
  );
  return h(
    "article",
    { class: "dispensing", "data-dispensing-id": String(d.id) },
    h(
      "header",
      {},
      h("span", { class: "dispensing-date" }, d.date_label),
      h(
        "span",
        { class: "dispensing-where" },
        d.prescriber ? h("span", { class: "dispensing-prescriber" }, d.prescriber) : null,
        d.prescriber && d.place ? " ／ " : null,
        d.place || !d.prescriber ? h("span", { class: "dispensing-place" }, d.place ?? "調剤場所不明") : null,
      ),
      d.this_facility ? h("span", { class: "badge set" }, "当施設") : null,
      !perRp && who[0] ? h("span", { class: "dispensing-doctor" }, `医師: ${who[0]}`) : null,
      d.warnings.length ? warningMark(d.warnings) : null,
      copyAll,
    ),
    ...rps,
    d.notes.length ? notesBlock(d.notes, "dispensing-notes") : null,
  );
}

function otcList(entries: OtcEntry[]): HTMLElement {
  if (!entries.length) return h("p", { class: "empty" }, "市販薬の記録はありません");
  return h(
    "ul",
    { class: "otc-list" },
    ...entries.map((o) =>
      h(
        "li",
        {},
        h("strong", {}, o.name ?? "名称不明"),
        ` ${o.start_on ?? ""}〜${o.end_on ?? ""}`,
        o.components ? h("div", { class: "components" }, `成分: ${o.components}`) : null,
      ),
    ),
  );
}

/** The patient screen; `openLink` opens お薬自動登録設定 by itself (after 新規発行). */
export async function renderPatient(
  ctx: Context,
  patientId: number,
  options: { openLink: boolean; notice?: string } = { openLink: false },
): Promise<void> {
  const status = messageArea("patient-message");
  let patient: PatientSummary;
  try {
    patient = await ctx.api.openPatient(patientId);
  } catch (e) {
    mount(ctx.main, header(ctx), h("p", { class: "message", role: "alert" }, errorText(e)));
    return;
  }
  const opened = performance.now();
  const body = h("section", { id: "patient-body" });
  const tabs: [Tab, string][] = canMerge(ctx) ? [...TABS, ["merge", "統合"]] : TABS;
  const tabButtons = tabs.map(([tab, label]) => {
    const b = h("button", { type: "button", class: "tab", "data-tab": tab, role: "tab" }, label);
    b.addEventListener("click", () => void show(tab));
    return b;
  });
  const reissue = h("button", { type: "button", id: "reissue-card", class: "menu-item" }, "カード再発行");
  reissue.addEventListener("click", () => {
    status.show("新しいカードをタッチしてください", "warning");
    void nextTouch(ctx).touch.then((touch) => {
      if (!touch) return;
      if (touch.kind !== "unknown") {
        status.show(`このカードはすでに使われています（${touch.name}）。別の新しいカードをタッチしてください。`);
        return;
      }
      void ctx.api
        .reissueCard(patientId, touch.idm)
        .then(() => { status.show("再発行しました。前のカードは使えなくなりました。", "success"); })
        .catch((e: unknown) => { status.show(errorText(e)); });
    });
  });
  const link = patient.auto_registration
    ? h("span", { class: "badge set", id: "auto-registration" }, "お薬自動登録 設定済")
    : h("button", { type: "button", id: "open-link", class: "small" }, "お薬自動登録設定");
  const openLink = () => {
    for (const b of tabButtons) b.classList.remove("active");
    void linkPanel(ctx, patient, body, (text, kind) => { status.show(text, kind); }, () => {
      link.replaceWith(h("span", { class: "badge set", id: "auto-registration" }, "お薬自動登録 設定済"));
    });
  };
  if (link instanceof HTMLButtonElement) link.addEventListener("click", openLink);
  const printQr = h("button", { type: "button", id: "print-qr", class: "menu-item" }, "アプリ登録用QRコード発行");
  printQr.addEventListener("click", () => {
    for (const b of tabButtons) b.classList.remove("active");
    status.clear();
    void patientQrPanel(ctx, patient, body, (text, kind) => { status.show(text, kind); });
  });
  // 会員設定 (seed section 8): the card and the patient's phone app.
  const memberMenu = h(
    "details",
    { id: "member-menu", class: "member-menu menu-holder" },
    h("summary", { class: "small" }, "会員設定"),
    h("div", { class: "menu", role: "menu" }, reissue, printQr),
  );
  for (const item of [reissue, printQr]) item.addEventListener("click", () => { memberMenu.open = false; });
  const back = h("button", { type: "button", id: "back-to-list", class: "small" }, "患者リストに戻る");
  back.addEventListener("click", () => { ctx.go({ screen: "patientList" }); });
  mount(
    ctx.main,
    header(ctx),
    h(
      "section",
      { class: "patient-header", id: "patient-header" },
      back,
      h("span", { class: "kana" }, patient.kana),
      h("h2", { id: "patient-name" }, patient.name),
      h("span", {}, patient.sex),
      h("span", {}, patient.birth),
      link,
      patient.merged_into === null ? memberMenu : null,
    ),
    mergedNotice(),
    h("nav", { class: "tabs", role: "tablist" }, ...tabButtons),
    status.el,
    body,
  );

  /** A record merged into another says so, with the way to the kept one. */
  function mergedNotice(): HTMLElement | string {
    const kept = patient.merged_into;
    if (kept === null) return "";
    const open = h("button", { type: "button", id: "open-kept", class: "small" }, "統合先を開く");
    open.addEventListener("click", () => { ctx.go({ screen: "patient", patientId: kept }); });
    return h("p", { id: "merged-notice", class: "message" }, "この記録は別の患者に統合されています。 ", open);
  }

  // Synchronous in the click: the webview only lets a click write the clipboard.
  const copy = (text: string) => {
    status.clear();
    writeClipboard(text)
      .then(() => { status.show("コピーしました", "success"); })
      .catch((e: unknown) => { status.show(errorText(e)); });
  };

  async function historyTab(view: HistoryView): Promise<void> {
    const filterButtons = FILTERS.map(([value, label]) => {
      const b = h("button", { type: "button", class: value === view ? "filter active" : "filter", "data-filter": value }, label);
      b.addEventListener("click", () => void historyTab(value));
      return b;
    });
    const list = h("div", { id: "history-list" });
    const more = h("button", { type: "button", id: "history-more", class: "small", hidden: true }, "さらに読み込む");
    mount(body, h("div", { class: "filters" }, ...filterButtons), view === "otc" ? null : drugColumnHeadings(), list, more);
    if (view === "otc") {
      try {
        mount(list, otcList(await ctx.api.patientOtc(patientId)));
      } catch (e) {
        status.show(errorText(e));
      }
      return;
    }
    let cursor: Cursor | null = null;
    let loading = false;
    const load = async () => {
      if (loading) return;
      loading = true;
      try {
        const page = await ctx.api.patientHistory(patientId, view, cursor);
        list.append(...page.dispensings.map((d) => dispensingCard(d, copy)));
        if (!list.children.length) list.append(h("p", { class: "empty" }, "調剤の記録はありません"));
        cursor = page.next;
        more.hidden = !cursor;
        markDrawn("history-drawn", { ms: performance.now() - opened });
      } catch (e) {
        status.show(errorText(e));
      } finally {
        loading = false;
      }
    };
    more.addEventListener("click", () => void load());
    if ("IntersectionObserver" in window) {
      // Older dispensings load as the button scrolls into view.
      new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting) && cursor) void load();
      }).observe(more);
    }
    await load();
  }

  async function currentTab(): Promise<void> {
    try {
      const current = await ctx.api.patientCurrent(patientId);
      const shown = current.dispensing;
      const none = current.newest_label
        ? `今回の調剤情報はありません（当施設での最新の調剤は${current.newest_label}）`
        : "今回の調剤情報はありません（当施設での調剤の記録はありません）";
      mount(
        body,
        shown ? drugColumnHeadings() : null,
        shown ? dispensingCard(shown, copy) : h("p", { class: "empty", id: "current-none" }, none),
      );
      markDrawn("current-drawn");
    } catch (e) {
      status.show(errorText(e));
    }
  }

  async function notesTab(memo: boolean): Promise<void> {
    let entries: PatientNoteEntry[];
    try {
      entries = (await ctx.api.patientNotes(patientId)).filter((n) => (n.kind === "memo") === memo);
    } catch (e) {
      status.show(errorText(e));
      return;
    }
    const kinds = Object.entries(BODY_LABELS) as [BodyKind, string][];
    const kindSelect = memo
      ? null
      : h("select", { name: "kind", id: "note-kind" }, ...kinds.map(([v, l]) => h("option", { value: v }, l)));
    const text = h("input", { name: "text", id: "note-text", type: "text", autocomplete: "off" });
    const form = h(
      "form",
      { id: "note-form", class: "inline-form" },
      kindSelect,
      text,
      h("button", { type: "submit", id: "note-submit" }, "追加"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      status.clear();
      const kind = kindSelect ? (kindSelect.value as BodyKind) : null;
      void ctx.api
        .addPatientNote(patientId, kind, text.value)
        .then(() => notesTab(memo))
        .catch((e: unknown) => { status.show(errorText(e)); });
    });
    const rows = entries.map((n) => {
      const withdrawn = n.withdrawn_at !== null;
      const label = n.kind === "memo" ? "メモ" : BODY_LABELS[n.kind];
      const source = n.source === "import" ? "お薬手帳から" : (n.author ?? "当施設");
      const li = h(
        "li",
        { class: withdrawn ? "note withdrawn" : "note", "data-note-id": String(n.id) },
        h("span", { class: "note-kind" }, label),
        h("span", { class: "note-text" }, n.text),
        h("span", { class: "note-source" }, `${source}・${n.created_at.slice(0, 10)}`),
        withdrawn ? h("span", { class: "note-withdrawn" }, `取消: ${n.withdrawn_reason ?? ""}`) : null,
      );
      // からだの情報 is withdrawn by clinical staff; a memo by anyone.
      if (!withdrawn && (n.kind === "memo" || ctx.can("withdraw_body_info"))) {
        const withdraw = h("button", { type: "button", class: "small withdraw" }, "取消");
        withdraw.addEventListener("click", () => {
          const reason = h("input", { type: "text", class: "withdraw-reason", placeholder: "取り消す理由" });
          const ok = h("button", { type: "button", class: "small withdraw-confirm" }, "取り消す");
          ok.addEventListener("click", () => {
            void ctx.api
              .withdrawPatientNote(patientId, n.kind, n.id, reason.value)
              .then(() => notesTab(memo))
              .catch((e: unknown) => { status.show(errorText(e)); });
          });
          withdraw.replaceWith(reason, ok);
          reason.focus();
        });
        li.append(withdraw);
      }
      return li;
    });
    mount(
      body,
      form,
      rows.length ? h("ul", { class: "notes" }, ...rows) : h("p", { class: "empty" }, "記録はありません"),
    );
  }

  // A dispensing of this patient arriving from the receipt computer shows at once.
  let current: Tab = "history";
  void ctx.api
    .onFeed((event) => {
      if (event.kind !== "imported" || event.patient_id !== patientId || event.dispensings_added === 0) return;
      status.show("レセコンから新しい調剤を取り込みました", "success");
      if (current === "current") void currentTab();
    })
    .then((unlisten) => { ctx.onLeave(unlisten); })
    .catch(() => undefined);

  async function show(tab: Tab): Promise<void> {
    current = tab;
    status.clear();
    for (const b of tabButtons) b.classList.toggle("active", b.dataset.tab === tab);
    switch (tab) {
      case "history":
        return historyTab("all");
      case "current":
        return currentTab();
      case "body":
        return notesTab(false);
      case "memo":
        return notesTab(true);
      case "merge":
        return mergeTab(ctx, patient, body, (text, kind) => { status.show(text, kind); });
    }
  }
  if (options.openLink && !patient.auto_registration) {
    openLink();
  } else {
    await show("history");
  }
  if (options.notice) status.show(options.notice, "success");
}
