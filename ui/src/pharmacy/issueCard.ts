// カード発行 (P7), as in the seed's section 7: 新規カード発行 or 再発行.
// 新規: the patient's details (people already on file are offered first, so
// no duplicate is made) → 利用規約 with 画面で同意 / 書面で同意 → touch a new
// card → カードを発行する → 発行しました → お薬自動登録を設定する.
// 再発行: find the patient, touch the new card; the old one stops working.
import type { Context } from "../shared/context";
import type { ConsentMethod, NewPatient, PatientSummary } from "../shared/api";
import { errorText, field, h, inputRow, messageArea, mount } from "../shared/dom";
import { header } from "../shared/header";
import { parseBirthDate, toKatakana } from "../shared/japaneseInput";
import { nextTouch } from "./reader";

/** Whom the card is for: a new patient's details, or a patient on file. */
type Holder = { kind: "new"; patient: NewPatient } | { kind: "existing"; patient: PatientSummary };

/** The 利用規約 shown for consent (the facility's own text replaces it in a later version). */
export const TERMS = [
  "お薬手帳の情報（調剤・市販薬・からだの情報・メモ）を当薬局のシステムに記録し、お薬の説明と安全な調剤のために使います。",
  "記録はカードまたはスマートフォンアプリで提示されたとき、当薬局の薬剤師が閲覧します。閲覧の記録は保存されます。",
  "レセコンから出力された調剤情報を、お薬自動登録の設定により自動で記録します。",
  "同意はいつでも取り消すことができます。取り消しの後は新しい記録を行いません。",
];

/** カード発行; `presetIdm` is the unknown card just touched (新規 without a second touch). */
export function renderIssueCard(ctx: Context, presetIdm: string | null): void {
  const message = messageArea("issue-message");
  const area = h("div", { class: "issue-step" });
  mount(ctx.main, header(ctx), h("section", { class: "issue" }, h("h2", {}, "カード発行"), message.el, area));
  let waiting: { cancel: () => void } | null = null;
  ctx.onLeave(() => waiting?.cancel());

  const choose = () => {
    const fresh = h("button", { type: "button", id: "issue-new", class: "big-choice" }, "新規カード発行", h("small", {}, "初めての方にカードを発行します"));
    const again = h("button", { type: "button", id: "issue-again", class: "big-choice" }, "再発行", h("small", {}, "カードをなくされた方に新しいカードを発行します"));
    fresh.addEventListener("click", () => { details(); });
    again.addEventListener("click", () => { reissue(); });
    mount(area, h("div", { class: "choices" }, fresh, again));
  };

  /** Step 1 of 新規: the details; people already on file are offered as they match. */
  const details = () => {
    message.clear();
    const sex = h(
      "select",
      { name: "sex", id: "f-sex" },
      h("option", { value: "" }, "選んでください"),
      h("option", { value: "1" }, "男性"),
      h("option", { value: "2" }, "女性"),
    );
    const birthInfo = h("span", { id: "birth-resolved", class: "field-note", "aria-live": "polite" });
    const existing = h("div", { id: "existing", class: "existing", "aria-live": "polite" });
    const form = h(
      "form",
      { id: "issue-form", class: "card issue-form" },
      h("h3", {}, "患者様の情報"),
      presetIdm ? h("p", { class: "notice", id: "issue-card-ready" }, "タッチされた未登録のカードに発行します。") : null,
      inputRow("氏名", "name", "text", { required: true }),
      inputRow("カナ氏名（ひらがな・半角カナもカタカナになります）", "kana", "text", { required: true }),
      h("div", { class: "row" }, h("label", { for: "f-sex" }, "性別"), sex),
      inputRow("生年月日（19800101、S55.1.1、昭和55年1月1日 など）", "birth_date", "text", { required: true }),
      birthInfo,
      inputRow("電話番号（任意）", "phone", "tel"),
      h("button", { type: "submit", id: "details-next" }, "利用規約へ進む"),
    );
    const input = (name: string) => form.elements.namedItem(name) as HTMLInputElement;
    const kana = input("kana");
    const birth = input("birth_date");
    kana.addEventListener("input", () => {
      const converted = toKatakana(kana.value);
      if (converted !== kana.value) kana.value = converted;
      lookUp();
    });
    const resolved = () => {
      if (!birth.value.trim()) {
        birthInfo.textContent = "";
        birthInfo.className = "field-note";
        return null;
      }
      const r = parseBirthDate(birth.value, new Date());
      birthInfo.textContent = "iso" in r ? r.label : r.error;
      birthInfo.className = "iso" in r ? "field-note ok" : "field-note error";
      return "iso" in r ? r.iso : null;
    };
    birth.addEventListener("input", () => {
      resolved();
      lookUp();
    });
    // People already on file whose kana or birth date matches what is typed.
    let timer: ReturnType<typeof setTimeout> | undefined;
    let asked = 0;
    const lookUp = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const byKana = kana.value.replace(/\s/g, "").length >= 2 ? kana.value : null;
        const iso = resolved();
        const query = byKana ?? (iso ? iso.replaceAll("-", "") : null);
        if (!query) {
          mount(existing);
          return;
        }
        const ticket = ++asked;
        void ctx.api
          .searchPatients(query)
          .then((found) => {
            if (ticket !== asked) return;
            const same = iso ? found.filter((p) => p.birth_date === iso) : found;
            showExisting(same.slice(0, 5));
          })
          .catch(() => undefined);
      }, 250);
    };
    const showExisting = (found: PatientSummary[]) => {
      if (!found.length) {
        mount(existing);
        return;
      }
      mount(
        existing,
        h("h3", {}, "すでに登録されている患者様"),
        h("p", { class: "field-note" }, "同じ方であれば、新しく登録せずにこの患者様に発行してください。"),
        h(
          "ul",
          { class: "candidates" },
          ...found.map((p) => {
            const use = h("button", { type: "button", class: "issue-existing small", "data-patient-id": String(p.id) }, "既存の患者様に発行");
            use.addEventListener("click", () => { terms({ kind: "existing", patient: p }); });
            return h("li", {}, h("span", { class: "kana" }, p.kana), " ", h("strong", {}, p.name), ` ${p.sex} ${p.birth} `, use);
          }),
        ),
      );
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      message.clear();
      const iso = resolved();
      if (!iso) {
        message.show("生年月日を確かめてください。");
        birth.focus();
        return;
      }
      const patient: NewPatient = {
        name: field(form, "name").trim(),
        kana: toKatakana(field(form, "kana")).trim(),
        sex: Number(sex.value || "0"),
        birth_date: iso,
        phone: field(form, "phone").trim() || null,
      };
      terms({ kind: "new", patient });
    });
    mount(area, h("div", { class: "issue-columns" }, form, existing));
    input("name").focus();
  };

  /** Step 2: 利用規約, with consent on the screen or on paper; `card` is a new card already touched. */
  const terms = (holder: Holder, card: string | null = presetIdm) => {
    message.clear();
    const onScreen = h("button", { type: "button", id: "consent-screen" }, "画面で同意");
    const onPaper = h("button", { type: "button", id: "consent-paper" }, "書面で同意");
    const back = h("button", { type: "button", id: "terms-back", class: "secondary" }, "戻る");
    onScreen.addEventListener("click", () => { touchCard(holder, "screen", card); });
    onPaper.addEventListener("click", () => { touchCard(holder, "paper", card); });
    back.addEventListener("click", () => { details(); });
    mount(
      area,
      h(
        "div",
        { id: "terms", class: "card terms" },
        h("h3", {}, "利用規約への同意"),
        h("p", {}, `${holder.patient.name} 様に、次の内容への同意をお願いしてください。`),
        h("ol", { class: "terms-text" }, ...TERMS.map((t) => h("li", {}, t))),
        h("p", { class: "field-note" }, "書面の場合は、署名された同意書を保管してください。同意は記録されます（誰が・いつ・方法）。"),
        h("div", { class: "actions" }, back, onScreen, onPaper),
      ),
    );
    onScreen.focus();
  };

  /** Step 3: the new card, then カードを発行する. */
  const touchCard = (holder: Holder, consent: ConsentMethod, card: string | null) => {
    message.clear();
    const prompt = h("p", { id: "issue-prompt", class: "touch-prompt" });
    const issue = h("button", { type: "button", id: "issue-submit", disabled: true }, "カードを発行する");
    let idm = card;
    const ready = () => {
      prompt.textContent = idm ? "カードを読み取りました。「カードを発行する」を押してください。" : "新しいカードをカードリーダーにタッチしてください。";
      issue.disabled = !idm;
    };
    const listen = () => {
      if (idm) return;
      waiting?.cancel();
      const next = nextTouch(ctx);
      waiting = next;
      void next.touch.then((touch) => {
        if (!touch) return;
        if (touch.kind === "unknown") {
          idm = touch.idm;
          ready();
          issue.focus();
        } else {
          message.show(`このカードはすでに使われています（${touch.name}）。別の新しいカードをタッチしてください。`);
          listen();
        }
      });
    };
    issue.addEventListener("click", () => {
      if (!idm) return;
      const card = idm;
      issue.disabled = true;
      const done =
        holder.kind === "new"
          ? ctx.api.issueCard(holder.patient, consent, card)
          : ctx.api.issueCardToPatient(holder.patient.id, consent, card).then(() => holder.patient.id);
      void done
        .then((patientId) => { issued(patientId, holder.patient.name); })
        .catch((e: unknown) => {
          message.show(errorText(e));
          idm = null;
          ready();
          listen();
        });
    });
    mount(area, h("div", { id: "issue-touch", class: "card" }, h("h3", {}, `${holder.patient.name} 様のカード`), prompt, issue));
    ready();
    listen();
  };

  /** 発行しました, and the way to お薬自動登録設定. */
  const issued = (patientId: number, name: string) => {
    message.show(`${name} 様のカードを発行しました。`, "success");
    const link = h("button", { type: "button", id: "open-auto-registration" }, "お薬自動登録を設定する");
    link.addEventListener("click", () => { ctx.go({ screen: "patient", patientId, openLink: true }); });
    mount(
      area,
      h(
        "div",
        { id: "issued", class: "card" },
        h("h3", {}, "発行しました"),
        h("p", {}, "つづいて、レセコンからの調剤情報をカードに自動で登録する設定（お薬自動登録設定）をしてください。"),
        link,
      ),
    );
    link.focus();
  };

  /** 再発行: find the patient, then touch the new card. */
  const reissue = () => {
    message.clear();
    const query = h("input", { id: "reissue-query", name: "query", type: "search", placeholder: "カナ・漢字・生年月日" });
    const results = h("div", { id: "reissue-results" });
    const search = h("form", { id: "reissue-search", class: "search" }, query, h("button", { type: "submit" }, "検索"));
    search.addEventListener("submit", (event) => {
      event.preventDefault();
      void ctx.api
        .searchPatients(query.value.trim())
        .then((found) => {
          if (!found.length) {
            mount(results, h("p", { class: "empty" }, "該当する患者様はいません"));
            return;
          }
          mount(
            results,
            h(
              "ul",
              { class: "candidates" },
              ...found.slice(0, 20).map((p) => {
                const pick = h("button", { type: "button", class: "reissue-pick small" }, "この患者様に再発行");
                pick.addEventListener("click", () => { reissueTo(p); });
                return h("li", {}, h("span", { class: "kana" }, p.kana), " ", h("strong", {}, p.name), ` ${p.sex} ${p.birth} `, pick);
              }),
            ),
          );
        })
        .catch((e: unknown) => { message.show(errorText(e)); });
    });
    mount(area, h("div", { class: "card wide" }, h("h3", {}, "再発行する患者様を探す"), search, results));
    query.focus();
  };

  const reissueTo = (patient: PatientSummary) => {
    message.show("新しいカードをカードリーダーにタッチしてください。", "warning");
    waiting?.cancel();
    const next = nextTouch(ctx);
    waiting = next;
    void next.touch.then((touch) => {
      if (!touch) return;
      if (touch.kind !== "unknown") {
        message.show(`このカードはすでに使われています（${touch.name}）。別の新しいカードをタッチしてください。`);
        return;
      }
      void ctx.api
        .reissueCard(patient.id, touch.idm)
        .then(() => { message.show(`${patient.name} 様に再発行しました。前のカードは使えなくなりました。`, "success"); })
        .catch((e: unknown) => {
          message.show(errorText(e));
          // Never had a card: a first card needs consent (新規カード発行).
          const first = h("button", { type: "button", id: "reissue-as-new", class: "small" }, "利用規約に同意して新規発行する");
          // The new card just touched is used: no second touch.
          first.addEventListener("click", () => { terms({ kind: "existing", patient }, touch.idm); });
          message.el.append(" ", first);
        });
    });
  };

  if (presetIdm) details();
  else choose();
}
