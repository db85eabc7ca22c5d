// 処方 (C4, C5): the doctor writes a prescription — the patient and their
// insurance, RPs of drugs chosen from the master (its exact name and unit),
// a usage in the clinic's wording (mapped to a standard code on 用法の紐付け) —
// or takes one in from another EMR (JAHIS CSV or a 2D symbol's text). Then
// 確認して発行: the pre-issue review, the 重複投薬等チェック (修正する / 理由を
// 入力して発行 / 口頭同意を記録), the 発行方法, the doctor's PIN for 電子, and
// the 引換番号 large.
import type { Context } from "../shared/context";
import type { CheckResult, Draft, DraftRp, DrugRow, IssueMethod, IssueResult, Review } from "../shared/api";
import { ApiError } from "../shared/api";
import { errorText, filePicker, h, messageArea, mount } from "../shared/dom";
import { printSheet } from "./printSheet";
import { epsChanged } from "./toolState";
import { header } from "../shared/header";
import { markDrawn } from "../shared/timing";

/** A drug line on screen: what is sent, and what is shown. */
interface DrugLine {
  code_kind: string;
  code: string;
  amount: string;
  name: string;
  unit: string;
}

/** An RP on screen. */
interface RpState {
  form: string;
  usage: string;
  usage_code: string;
  quantity: string;
  drugs: DrugLine[];
}

const FORMS: [string, string][] = [["1", "内服"], ["2", "頓服"], ["3", "外用"]];

/** The draft the screen's state makes (what the commands receive). */
export function toDraft(patient: Draft["patient"], insurance: Draft["insurance"], rps: RpState[]): Draft {
  return {
    patient,
    insurance,
    rps: rps.map(
      (rp): DraftRp => ({
        form: rp.form,
        usage: rp.usage,
        usage_code: rp.usage_code,
        quantity: rp.quantity,
        drugs: rp.drugs.map((d) => ({ code_kind: d.code_kind, code: d.code, amount: d.amount })),
      }),
    ),
  };
}

/** The line a search result adds: by brand (レセプト電算) or by 一般名. */
export function lineFor(row: DrugRow, generic: boolean): DrugLine {
  return generic
    ? { code_kind: "7", code: row.generic_name_code, amount: "", name: row.generic_name, unit: row.unit }
    : { code_kind: "2", code: row.code, amount: "", name: row.name, unit: row.unit };
}

function quantityUnit(form: string): string {
  return form === "1" ? "日分" : "回分";
}

/** The 重複投薬等チェック findings as rows; hidden past drugs say why. */
function findingsTable(check: CheckResult): HTMLElement {
  return h(
    "table",
    { id: "check-findings", class: "clinic-table" },
    h("thead", {}, h("tr", {}, ...["分類", "成分", "今回の薬", "過去の薬", "調剤日", "医療機関 / 薬局"].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      ...check.findings.map((f) => {
        const hidden = !f.past_drug && !f.past_place;
        return h(
          "tr",
          { class: "finding" },
          h("td", {}, h("span", { class: "badge warn" }, f.category || "指摘")),
          h("td", {}, f.ingredient),
          h("td", {}, f.this_drug),
          hidden
            ? h("td", { colspan: "3", class: "hidden-past" }, "同意がないため表示されません（口頭同意を記録すると表示されます）")
            : h("td", {}, f.past_drug),
          hidden ? null : h("td", {}, f.past_date ? `${f.past_date.slice(0, 4)}/${f.past_date.slice(4, 6)}/${f.past_date.slice(6)}` : ""),
          hidden ? null : h("td", {}, f.past_place),
        );
      }),
    ),
  );
}

/** The review: each RP's usage and drugs as sent, then every problem. */
function reviewView(ctx: Context, review: Review): HTMLElement {
  const problems = review.problems.filter((p) => p.blocking);
  const warnings = review.problems.filter((p) => !p.blocking);
  const mapLink = review.unmapped_usages.length
    ? (() => {
        const b = h("button", { type: "button", id: "review-map-usages", class: "small" }, "用法の紐付けへ");
        b.addEventListener("click", () => { ctx.go({ screen: "usageMap", unmapped: review.unmapped_usages }); });
        return h("p", { class: "message", "data-kind": "error" }, `標準の用法コードがない用法: ${review.unmapped_usages.join("、")} `, b);
      })()
    : null;
  return h(
    "div",
    { id: "review", class: "review" },
    ...review.rps.map((rp) =>
      h(
        "div",
        { class: "review-rp" },
        h("div", { class: "review-usage" }, h("strong", {}, `RP${rp.number}`), ` ${rp.form} `, h("span", {}, rp.usage_name), " ", h("code", {}, rp.usage_code || "コードなし")),
        h(
          "ul",
          {},
          ...rp.drugs.map((d) => h("li", {}, h("span", { class: "kind" }, d.code_kind), h("code", {}, d.code), h("span", { class: "review-drug-name" }, d.name || "（マスターにない薬）"), h("span", { class: "amount" }, `${d.amount} ${d.unit}`))),
        ),
      ),
    ),
    mapLink,
    problems.length ? h("ul", { id: "review-problems", class: "problems" }, ...problems.map((p) => h("li", {}, p.text))) : null,
    warnings.length ? h("ul", { class: "problems warnings" }, ...warnings.map((p) => h("li", {}, p.text))) : null,
  );
}

/** The prescription being written, kept while the doctor visits another
 * screen (用法の紐付け) and cleared once issued. Memory only: never stored. */
let unfinished: { patient: Record<string, string>; rps: RpState[]; preferred: IssueMethod | null } | null = null;

/** When a 資格確認 time (yyyyMMddHHmmss) was, as HH:MM (or the date when not today). */
export function confirmedText(at: string, now = new Date()): string {
  if (!/^\d{12}/.test(at)) return "";
  const [y, m, d, hh, mm] = [at.slice(0, 4), at.slice(4, 6), at.slice(6, 8), at.slice(8, 10), at.slice(10, 12)];
  const today = now.getFullYear() === Number(y) && now.getMonth() + 1 === Number(m) && now.getDate() === Number(d);
  return today ? `${hh}:${mm}` : `${Number(m)}/${Number(d)} ${hh}:${mm}`;
}

export function renderPrescribe(ctx: Context, from?: string): void {
  if (from) unfinished = null;
  const rps: RpState[] = unfinished?.rps ?? [{ form: "1", usage: "", usage_code: "", quantity: "", drugs: [] }];
  /** 発行方法 the patient chose at reception (資格確認), the default when issuing. */
  let preferred: IssueMethod | null = unfinished?.preferred ?? null;
  const message = messageArea("prescribe-message");
  const inputs = {
    name: h("input", { id: "p-name", name: "name", type: "text", autocomplete: "off" }),
    kana: h("input", { id: "p-kana", name: "kana", type: "text", autocomplete: "off" }),
    sex: h("select", { id: "p-sex", name: "sex" }, h("option", { value: "1" }, "男"), h("option", { value: "2" }, "女")),
    birth: h("input", { id: "p-birth", name: "birth", type: "text", inputmode: "numeric", maxlength: "8", placeholder: "19550606", autocomplete: "off" }),
    insurer: h("input", { id: "p-insurer", name: "insurer", type: "text", inputmode: "numeric", maxlength: "8", autocomplete: "off" }),
    symbol: h("input", { id: "p-symbol", name: "symbol", type: "text", autocomplete: "off" }),
    number: h("input", { id: "p-number", name: "number", type: "text", autocomplete: "off" }),
    branch: h("input", { id: "p-branch", name: "branch", type: "text", inputmode: "numeric", maxlength: "2", autocomplete: "off" }),
    relation: h("select", { id: "p-relation", name: "relation" }, h("option", { value: "1" }, "本人"), h("option", { value: "2" }, "家族")),
  };
  for (const [key, input] of Object.entries(inputs)) {
    const value = unfinished?.patient[key];
    if (value !== undefined) input.value = value;
  }
  ctx.onLeave(() => {
    unfinished = issuedAlready ? null : { patient: Object.fromEntries(Object.entries(inputs).map(([k, i]) => [k, i.value])), rps, preferred };
  });
  let issuedAlready = false;
  const row = (label: string, input: HTMLElement) => h("div", { class: "row" }, h("label", { for: input.id }, label), input);
  const patientForm = h(
    "form",
    { id: "patient-form", class: "card patient-card" },
    h("h3", {}, "患者"),
    row("氏名", inputs.name),
    row("カナ氏名", inputs.kana),
    h("div", { class: "pair" }, row("性別", inputs.sex), row("生年月日（8桁）", inputs.birth)),
    h("h3", {}, "保険"),
    row("保険者番号", inputs.insurer),
    h("div", { class: "pair" }, row("記号", inputs.symbol), row("番号", inputs.number)),
    h("div", { class: "pair" }, row("枝番", inputs.branch), row("本人・家族", inputs.relation)),
  );
  patientForm.addEventListener("submit", (e) => { e.preventDefault(); });

  const draft = (): Draft =>
    toDraft(
      { code: "", name: inputs.name.value, kana: inputs.kana.value, sex: inputs.sex.value, birth_date: inputs.birth.value.trim() },
      { insurer_number: inputs.insurer.value, symbol: inputs.symbol.value, number: inputs.number.value, branch: inputs.branch.value, relation: inputs.relation.value },
      rps,
    );

  // The clinic's mapped wordings, offered while typing a usage.
  const usageList = h("datalist", { id: "usage-wordings" });
  void ctx.api
    .usageMappings()
    .then((ms) => { mount(usageList, ...ms.map((m) => h("option", { value: m.clinic_usage }, m.name))); })
    .catch(() => undefined);

  const rpArea = h("div", { id: "rps", class: "rps" });
  const drawRps = () => { mount(rpArea, ...rps.map((rp, i) => rpCard(rp, i)), addRpButton); };
  const addRpButton = h("button", { type: "button", id: "add-rp", class: "small" }, "＋ RP を追加");
  addRpButton.addEventListener("click", () => {
    rps.push({ form: "1", usage: "", usage_code: "", quantity: "", drugs: [] });
    drawRps();
    rpArea.querySelector<HTMLInputElement>(`[data-rp="${rps.length - 1}"] .drug-search`)?.focus();
  });

  const rpCard = (rp: RpState, index: number): HTMLElement => {
    const form = h("select", { class: "rp-form", "aria-label": "剤形" }, ...FORMS.map(([v, l]) => h("option", { value: v, selected: v === rp.form }, l)));
    const qtyUnit = h("span", { class: "unit" }, quantityUnit(rp.form));
    form.addEventListener("change", () => { rp.form = form.value; qtyUnit.textContent = quantityUnit(rp.form); });
    const quantity = h("input", { class: "rp-quantity", type: "text", inputmode: "numeric", maxlength: "3", value: rp.quantity, "aria-label": "日数・回数" });
    quantity.addEventListener("input", () => { rp.quantity = quantity.value.trim(); });
    const usage = h("input", { class: "rp-usage", type: "text", list: "usage-wordings", value: rp.usage, placeholder: "用法（例: 毎食後）", "aria-label": "用法" });
    // A typed usage is the clinic's wording: a code taken in with it no longer applies.
    usage.addEventListener("input", () => { rp.usage = usage.value; rp.usage_code = ""; });
    const remove = h("button", { type: "button", class: "small remove-rp", title: "この RP を削除" }, "削除");
    remove.addEventListener("click", () => { rps.splice(index, 1); drawRps(); });
    const lines = h(
      "ul",
      { class: "drug-lines" },
      ...rp.drugs.map((d, j) => {
        const amount = h("input", { class: "drug-amount", type: "text", inputmode: "decimal", value: d.amount, "aria-label": `${d.name} の用量` });
        amount.addEventListener("input", () => { d.amount = amount.value.trim(); });
        const del = h("button", { type: "button", class: "small remove-drug", title: "削除" }, "×");
        del.addEventListener("click", () => { rp.drugs.splice(j, 1); drawRps(); });
        return h(
          "li",
          { class: "drug-line" },
          h("span", { class: "drug-line-name" }, d.code_kind === "7" ? h("span", { class: "badge generic" }, "一般名") : null, d.name || `コード ${d.code}`),
          amount,
          h("span", { class: "unit" }, d.unit),
          del,
        );
      }),
    );
    const search = h("input", { class: "drug-search", type: "search", placeholder: "薬を追加: 名称・カナ・コード", autocomplete: "off", "aria-label": "薬を検索" });
    const results = h("ul", { class: "drug-results", role: "listbox", hidden: true });
    let asked = 0;
    search.addEventListener("input", () => {
      const text = search.value.trim();
      const n = ++asked;
      const started = performance.now();
      if (!text) {
        results.hidden = true;
        return;
      }
      void ctx.api
        .searchDrugMaster(text)
        .then((rows) => {
          if (n !== asked) return; // a later keystroke asked again
          results.hidden = false;
          if (!rows.length) {
            mount(results, h("li", { class: "empty" }, "医薬品マスターに該当する薬がありません"));
          } else {
            mount(results, ...rows.map((r) => {
              const brand = h("button", { type: "button", class: "pick-drug" }, h("span", { class: "pick-name" }, r.name), h("span", { class: "pick-meta" }, `${r.unit}・${r.code}${r.generic === "1" ? "・後発" : ""}`));
              brand.addEventListener("click", () => { add(lineFor(r, false)); });
              const generic = r.generic_name_code
                ? (() => {
                    const b = h("button", { type: "button", class: "small pick-generic", title: r.generic_name }, "一般名で");
                    b.addEventListener("click", () => { add(lineFor(r, true)); });
                    return b;
                  })()
                : null;
              return h("li", { role: "option" }, brand, generic);
            }));
          }
          requestAnimationFrame(() => { markDrawn("drug-search-drawn", { ms: performance.now() - started, rows: rows.length }); });
        })
        .catch((e: unknown) => { message.show(errorText(e)); });
    });
    const add = (line: DrugLine) => {
      rp.drugs.push(line);
      drawRps();
      rpArea.querySelector<HTMLInputElement>(`[data-rp="${index}"] .drug-line:last-child .drug-amount`)?.focus();
    };
    return h(
      "section",
      { class: "card rp-card", "data-rp": String(index) },
      h("div", { class: "rp-head" }, h("strong", {}, `RP${index + 1}`), form, usage, quantity, qtyUnit, remove),
      lines,
      h("div", { class: "drug-add" }, search, results),
    );
  };

  // 取込: a JAHIS CSV, the Document XML, or the text of a scanned 2D symbol.
  const takeInFile = h("input", { type: "file", id: "take-in-file", accept: ".csv,.txt,.xml" });
  const takeIn = h("button", { type: "button", id: "take-in", class: "small" }, "読み込む");
  takeIn.addEventListener("click", () => {
    const file = takeInFile.files?.[0];
    if (!file) {
      message.show("読み込む処方箋ファイルを選んでください。");
      return;
    }
    void file.arrayBuffer().then((buffer) => { takeInBytes(new Uint8Array(buffer), file.name); });
  });
  // A 2D-symbol reader types what it reads into the focused field.
  const scan = h("button", { type: "button", id: "scan-symbol", class: "small" }, "2次元シンボルを読み取る");
  scan.addEventListener("click", () => {
    const area = h("textarea", { id: "symbol-text", rows: "8", spellcheck: "false", "aria-label": "読み取った2次元シンボル" });
    const read = h("button", { type: "button", id: "symbol-read", class: "primary" }, "読み込む");
    read.addEventListener("click", () => {
      closeSheet();
      takeInBytes(new TextEncoder().encode(area.value), "2次元シンボル");
    });
    showSheet(
      "2次元シンボルの読み取り",
      h("p", {}, "読み取り機で処方箋の2次元シンボルを読み取ってください（この欄に入ります）。読み取ったら「読み込む」を押します。"),
      area,
      h("div", { class: "sheet-actions" }, fixButton("やめる"), read),
    );
    area.focus();
  });
  const takeInBytes = (data: Uint8Array, source: string) => {
    void (async () => {
      try {
        const bytes = Array.from(data);
        const [d, problems] = await ctx.api.takeInPrescription(bytes);
        fill(d);
        await nameLines(d);
        const warnings = problems.map((p) => p.text);
        message.show([`${source} を読み込みました。内容を確かめてから発行してください。`, ...warnings].join("\n"), warnings.length ? "warning" : "success");
      } catch (e) {
        message.show(errorText(e));
      }
    })();
  };
  const fill = (d: Draft) => {
    fillPatient(d);
    rps.splice(0, rps.length, ...d.rps.map((rp) => ({
      form: rp.form,
      usage: rp.usage,
      usage_code: rp.usage_code,
      quantity: rp.quantity,
      drugs: rp.drugs.map((x) => ({ ...x, name: "", unit: "" })),
    })));
  };
  const fillPatient = (d: Draft) => {
    inputs.name.value = d.patient.name;
    inputs.kana.value = d.patient.kana;
    inputs.sex.value = d.patient.sex || "1";
    inputs.birth.value = d.patient.birth_date;
    inputs.insurer.value = d.insurance.insurer_number;
    inputs.symbol.value = d.insurance.symbol;
    inputs.number.value = d.insurance.number;
    inputs.branch.value = d.insurance.branch;
    inputs.relation.value = d.insurance.relation || "1";
  };
  /** Names and units of the drug lines as the masters have them (after a take-in or Do処方). */
  const nameLines = async (d: Draft) => {
    const review = await ctx.api.epsReview(d).catch(() => null);
    review?.rps.forEach((rp, i) => {
      rp.drugs.forEach((drug, j) => {
        const line = rps.at(i)?.drugs.at(j);
        if (line) {
          line.name = drug.name;
          line.unit = drug.unit;
        }
      });
    });
    drawRps();
  };

  // 患者を検索: a patient prescribed for before (their latest registration's patient and insurance).
  const searchPatient = h("button", { type: "button", id: "search-patient", class: "small" }, "患者を検索");
  searchPatient.addEventListener("click", () => {
    const query = h("input", { id: "patient-query", type: "search", placeholder: "氏名・カナ", autocomplete: "off" });
    const results = h("div", { id: "patient-results" });
    const form = h("form", { class: "search" }, query, h("button", { type: "submit" }, "検索"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void ctx.api
        .issuedPrescriptions("", query.value.trim())
        .then((rows) => {
          // One row per patient (name and birth date), newest registration first.
          const latest = new Map<string, (typeof rows)[number]>();
          for (const r of rows) {
            const key = `${r.patient_name}|${r.birth_date}`;
            if (r.registered && r.prescription_id && !latest.has(key)) latest.set(key, r);
          }
          const patients = [...latest.values()];
          if (!patients.length) {
            mount(results, h("p", { class: "empty" }, "該当する患者様の処方はありません"));
            return;
          }
          mount(results, h("ul", { class: "patient-choices" }, ...patients.map((r) => {
            const pick = h("button", { type: "button", class: "small pick-patient" }, "この患者で処方");
            pick.addEventListener("click", () => {
              void ctx.api
                .draftFromIssued(r.prescription_id ?? "")
                .then((d) => {
                  fillPatient(d);
                  closeSheet();
                  message.show(`${d.patient.name} さんの患者情報を入れました（前回の処方から）。保険が変わっていないか確かめてください。`, "success");
                })
                .catch((e: unknown) => { mount(results, h("p", { class: "message", "data-kind": "error" }, errorText(e))); });
            });
            return h("li", { "data-name": r.patient_name }, h("span", { class: "kanji" }, r.patient_name), ` ${r.patient_kana} ${r.birth_date} `, pick);
          })));
        })
        .catch((e: unknown) => { mount(results, h("p", { class: "message", "data-kind": "error" }, errorText(e))); });
    });
    showSheet("患者を検索（この診療所で処方した患者）", form, results, h("div", { class: "sheet-actions" }, fixButton("閉じる")));
    query.focus();
  });

  // 受付済みの患者: the terminal's 資格確認 results of today's reception.
  const reception = h("button", { type: "button", id: "reception", class: "small" }, "受付済みの患者（資格確認）");
  reception.addEventListener("click", () => {
    showSheet("受付済みの患者（資格確認）", h("p", { class: "loading" }, "資格確認端末の結果を読んでいます…"));
    void ctx.api
      .receptionPatients()
      .then((list) => {
        const rows = list.map((r) => {
          if (!r.draft) {
            return h("tr", { class: "reception unreadable" }, h("td", { colspan: "5" }, `${r.file}: ${r.problem ?? "読めません"}`));
          }
          const d = r.draft;
          const pick = h("button", { type: "button", class: "small pick-reception" }, "この患者で処方");
          pick.addEventListener("click", () => {
            fillPatient(d);
            preferred = r.issue_method;
            closeSheet();
            message.show(`${d.patient.name} さん（資格確認 ${confirmedText(r.confirmed_at)}）の患者情報を入れました。${r.issue_method ? `発行方法の希望: ${r.issue_method === "paper" ? "紙の処方箋" : "電子処方箋"}` : ""}`, "success");
          });
          return h(
            "tr",
            { class: "reception", "data-name": d.patient.name },
            h("td", {}, confirmedText(r.confirmed_at)),
            h("td", { class: "name" }, h("span", { class: "kana" }, d.patient.kana), h("span", { class: "kanji" }, d.patient.name)),
            h("td", {}, d.patient.birth_date),
            h("td", {}, r.issue_method === "paper" ? "紙" : r.issue_method === "electronic" ? "電子" : "—"),
            h("td", {}, pick),
          );
        });
        showSheet(
          "受付済みの患者（資格確認）",
          rows.length
            ? h(
                "table",
                { id: "reception-table", class: "clinic-table" },
                h("thead", {}, h("tr", {}, ...["確認", "患者", "生年月日", "発行方法の希望", ""].map((c) => h("th", { scope: "col" }, c)))),
                h("tbody", {}, ...rows),
              )
            : h("p", { class: "empty" }, "資格確認端末に受付の結果がありません。"),
          h("div", { class: "sheet-actions" }, fixButton("閉じる")),
        );
      })
      .catch((e: unknown) => {
        showSheet("受付済みの患者（資格確認）", h("p", { class: "message", "data-kind": "error" }, errorText(e)), h("div", { class: "sheet-actions" }, fixButton("閉じる")));
      });
  });

  // The sheet over the form: review, check, issue, result. 修正する closes it.
  const sheet = h("div", { id: "issue-sheet", class: "sheet", role: "dialog", "aria-modal": "true", "aria-labelledby": "sheet-title", hidden: true });
  const closeSheet = () => { sheet.hidden = true; };
  const showSheet = (title: string, ...content: (HTMLElement | null)[]) => {
    mount(sheet, h("div", { class: "sheet-body" }, h("h2", { id: "sheet-title" }, title), ...content));
    sheet.hidden = false;
  };
  const fixButton = (label = "修正する") => {
    const b = h("button", { type: "button", id: "sheet-fix", class: "secondary" }, label);
    b.addEventListener("click", closeSheet);
    return b;
  };

  let includeOwn = false;
  let oralConsent = false;

  const review = h("button", { type: "button", id: "review-button", class: "secondary" }, "発行前の確認");
  review.addEventListener("click", () => {
    message.clear();
    void ctx.api
      .epsReview(draft())
      .then((r) => {
        showSheet("発行前の確認", h("p", { class: "message", "data-kind": r.ready ? "success" : "error" }, r.ready ? "このまま送れます。" : "送る前に直すところがあります。"), reviewView(ctx, r), h("div", { class: "sheet-actions" }, fixButton("閉じる")));
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  });

  /** 重複投薬等チェック, then the findings or the issue step. */
  const runCheck = () => {
    message.clear();
    showSheet("重複投薬等チェック", h("p", { class: "loading" }, "電子処方箋管理サービスに問い合わせています…"));
    void ctx.api
      .epsCheck(draft(), includeOwn, oralConsent)
      .then((check) => {
        if (!check.sent) {
          showSheet("発行前の確認", h("p", { class: "message", "data-kind": "error" }, "送る前に直すところがあります。何も送っていません。"), reviewView(ctx, check.review), h("div", { class: "sheet-actions" }, fixButton()));
          return;
        }
        if (!check.succeeded) {
          showSheet("重複投薬等チェック", serviceAnswer(check.service_messages, "チェックを受け付けませんでした。"), h("div", { class: "sheet-actions" }, fixButton()));
          return;
        }
        if (check.findings.length) showFindings(check);
        else showIssue(check.review, "", "重複・併用禁忌の指摘はありません。");
      })
      .catch((e: unknown) => {
        showSheet("重複投薬等チェック", h("p", { class: "message", "data-kind": "error" }, errorText(e)), h("div", { class: "sheet-actions" }, fixButton("閉じる")));
      });
  };

  const ownToggle = () => {
    const box = h("input", { type: "checkbox", id: "include-own", checked: includeOwn });
    box.addEventListener("change", () => { includeOwn = box.checked; runCheck(); });
    return h("label", { class: "toggle" }, box, " 自院分を含める");
  };

  const showFindings = (check: CheckResult) => {
    const reason = h("textarea", { id: "override-reason", rows: "2", placeholder: "例: 併用の必要性を確認済み（他院主治医と相談）" });
    const withReason = h("button", { type: "button", id: "issue-with-reason", class: "primary" }, "理由を入力して発行へ");
    withReason.addEventListener("click", () => {
      if (!reason.value.trim()) {
        reason.focus();
        reasonMessage.show("発行する理由を入力してください。");
        return;
      }
      showIssue(check.review, reason.value.trim(), "指摘を確認のうえ発行します。");
    });
    const reasonMessage = messageArea("reason-message");
    const consent = h("button", { type: "button", id: "record-consent", class: "secondary", disabled: oralConsent }, oralConsent ? "口頭同意を記録済み" : "口頭同意を記録して再チェック");
    consent.addEventListener("click", () => { oralConsent = true; runCheck(); });
    showSheet(
      "重複投薬等チェック",
      h("p", { class: "message", "data-kind": "warning" }, `${check.findings.length}件の指摘があります。`),
      ownToggle(),
      findingsTable(check),
      check.service_messages.length ? serviceAnswer(check.service_messages, "") : null,
      h("div", { class: "reason-box" }, h("label", { for: "override-reason" }, "このまま発行する理由"), reason, reasonMessage.el),
      h("div", { class: "sheet-actions" }, fixButton(), consent, withReason),
    );
  };

  /** The 発行 step: the review as sent, the method, and 発行. */
  const showIssue = (r: Review, reason: string, lead: string) => {
    const methods: [IssueMethod, string][] = [["electronic", "電子処方箋"], ["paper", "紙の処方箋（引換番号あり）"]];
    const choice = h(
      "fieldset",
      { id: "issue-method", class: "issue-method" },
      h("legend", {}, "発行方法"),
      ...methods.map(([v, l], i) => h("label", {}, h("input", { type: "radio", name: "method", value: v, checked: preferred ? v === preferred : i === 0 }), ` ${l}`)),
      preferred ? h("span", { id: "preferred-method", class: "hint" }, `患者様の希望（資格確認）: ${preferred === "paper" ? "紙" : "電子"}`) : null,
    );
    const pinArea = h("div", { id: "pin-area", class: "pin-area", hidden: true });
    const issueMessage = messageArea("issue-message");
    const issue = h("button", { type: "button", id: "issue-button", class: "primary" }, "発行する");
    const method = (): IssueMethod => (choice.querySelector<HTMLInputElement>("input[name=method]:checked")?.value as IssueMethod | undefined) ?? "electronic";
    const send = () => {
      issue.disabled = true;
      issueMessage.clear();
      const clicked = performance.now();
      void ctx.api
        .epsIssue(draft(), method(), reason)
        .finally(epsChanged)
        .then((result) => {
          showResult(result, method());
          requestAnimationFrame(() => { markDrawn("issued-drawn", { ms: performance.now() - clicked }); });
        })
        .catch((e: unknown) => {
          issue.disabled = false;
          if (e instanceof ApiError && e.code === "sign.auth_required") {
            askPin();
            return;
          }
          if (e instanceof ApiError && e.code === "eps.unknown") {
            showUnknown(errorText(e));
            return;
          }
          issueMessage.show(errorText(e));
        });
    };
    /** The doctor's HPKI PIN, with the card's warning; then 発行 again. */
    const askPin = () => {
      const pin = h("input", { id: "hpki-pin", type: "password", inputmode: "numeric", autocomplete: "off", "aria-label": "HPKI カードの PIN" });
      const warning = h("p", { id: "pin-warning", class: "message", hidden: true });
      const ok = h("button", { type: "button", id: "pin-submit", class: "primary" }, "認証して発行");
      const pinMessage = messageArea("pin-message");
      ok.addEventListener("click", () => {
        ok.disabled = true;
        pinMessage.clear();
        void ctx.api
          .authenticateHpki(pin.value)
          .then(() => {
            pinArea.hidden = true;
            send();
          })
          .catch((e: unknown) => {
            ok.disabled = false;
            pin.value = "";
            pin.focus();
            pinMessage.show(errorText(e));
          });
      });
      pin.addEventListener("keydown", (e) => { if (e.key === "Enter") ok.click(); });
      mount(pinArea, h("label", { for: "hpki-pin" }, "電子処方箋の署名には医師の認証が必要です。HPKI カードをリーダーに置き、PIN を入力してください。"), warning, h("div", { class: "pin-row" }, pin, ok), pinMessage.el);
      pinArea.hidden = false;
      issue.hidden = true;
      pin.focus();
      void ctx.api.hpkiPinWarning().then((w) => {
        if (w) {
          warning.textContent = w;
          warning.dataset.kind = "warning";
          warning.hidden = false;
        }
      }).catch(() => undefined);
    };
    issue.addEventListener("click", send);
    showSheet(
      "発行",
      h("p", { class: "message", "data-kind": "success" }, lead),
      reviewView(ctx, r),
      choice,
      pinArea,
      issueMessage.el,
      h("div", { class: "sheet-actions" }, fixButton(), issue),
    );
  };

  /** No answer in time: it may be registered. Never sent again from here. */
  const showUnknown = (text: string) => {
    issuedAlready = true;
    const list = h("button", { type: "button", id: "to-issued", class: "primary" }, "発行済み一覧で状態を確認");
    list.addEventListener("click", () => { ctx.go({ screen: "issued" }); });
    showSheet(
      "結果不明",
      h("p", { id: "unknown-message", class: "message", "data-kind": "warning" }, text),
      h("p", {}, "登録されたかどうか分かりません。もう一度発行すると二重に登録されるおそれがあるため、この画面からは送りません。発行済み一覧の「状態を確認」で、遅れて届いた応答を確かめてください。"),
      h("div", { class: "sheet-actions" }, list),
    );
  };

  const showResult = (result: IssueResult, method: IssueMethod) => {
    issuedAlready = result.registered;
    if (!result.registered) {
      showSheet("発行できませんでした", serviceAnswer(result.service_messages, "電子処方箋管理サービスが登録しませんでした。"), h("div", { class: "sheet-actions" }, fixButton()));
      return;
    }
    const printMessage = messageArea("print-message");
    const print = h("button", { type: "button", id: "print-sheet", class: "secondary" }, method === "electronic" ? "処方箋控えを印刷" : "処方箋を印刷");
    print.addEventListener("click", () => { printSheet(ctx, result.prescription_id, print, printMessage); });
    const again = h("button", { type: "button", id: "new-prescription", class: "secondary" }, "新しい処方");
    again.addEventListener("click", () => { ctx.go({ screen: "prescribe" }); });
    const list = h("button", { type: "button", id: "to-issued", class: "primary" }, "発行済み一覧へ");
    list.addEventListener("click", () => { ctx.go({ screen: "issued" }); });
    showSheet(
      "発行しました",
      h("p", { class: "issued-method" }, method === "electronic" ? "電子処方箋" : "紙の処方箋（引換番号あり）"),
      h("div", { class: "access-code-box" }, h("span", { class: "label" }, "引換番号"), h("span", { id: "access-code", class: "access-code" }, result.access_code)),
      h("p", { class: "prescription-id" }, "処方箋ID ", h("code", { id: "prescription-id" }, result.prescription_id)),
      h("p", { class: "hint" }, method === "electronic" ? "引換番号を患者様にお伝えし、処方箋控えをお渡しください。" : "2次元シンボルと引換番号の入った処方箋をお渡しください。"),
      printMessage.el,
      h("div", { class: "sheet-actions" }, print, again, list),
    );
  };

  const start = h("button", { type: "button", id: "check-and-issue", class: "primary" }, "確認して発行へ");
  start.addEventListener("click", () => {
    oralConsent = false;
    runCheck();
  });

  mount(
    ctx.main,
    header(ctx),
    h(
      "section",
      { id: "prescribe", class: "prescribe" },
      h("div", { class: "prescribe-side" }, patientForm),
      h(
        "div",
        { class: "prescribe-main" },
        h("div", { id: "take-in-bar", class: "take-in" }, h("span", { class: "take-in-label" }, "患者・処方の取込"), searchPatient, reception, filePicker(takeInFile, "CSV を選ぶ"), takeIn, scan),
        rpArea,
        usageList,
      ),
    ),
    h("div", { class: "action-bar" }, message.el, review, start),
    sheet,
  );
  drawRps();
  inputs.name.focus();
  if (from) {
    void ctx.api
      .draftFromIssued(from)
      .then(async (d) => {
        fill(d);
        await nameLines(d);
        message.show(`${d.patient.name} さんの前回の処方を写しました（Do処方）。内容を確かめてから発行してください。`, "success");
      })
      .catch((e: unknown) => { message.show(errorText(e)); });
  }
}

/** The service's codes and messages verbatim, with our sentence above them. */
function serviceAnswer(messages: string[], lead: string): HTMLElement {
  return h(
    "div",
    { class: "service-answer" },
    lead ? h("p", { class: "message", "data-kind": "error" }, lead) : null,
    messages.length ? h("pre", { class: "service-messages", title: "電子処方箋管理サービスの応答（そのまま）" }, messages.join("\n")) : null,
  );
}
