// 新規発行 (P7): a new patient with their consent and a new card. The card
// is the one touched after the details are entered (or the unknown card
// just touched at the counter).
import type { Context } from "../shared/context";
import type { ConsentMethod, NewPatient } from "../shared/api";
import { errorText, field, h, inputRow, messageArea, mount } from "../shared/dom";
import { header } from "../shared/header";
import { nextTouch } from "./reader";

/** 新規発行; `presetIdm` is the unknown card just touched, used without a second touch. */
export function renderIssueCard(ctx: Context, presetIdm: string | null): void {
  const message = messageArea("issue-message");
  const prompt = h("p", { id: "issue-prompt", class: "notice" });
  const consent = h(
    "select",
    { name: "consent", id: "f-consent" },
    h("option", { value: "" }, "選んでください"),
    h("option", { value: "screen" }, "画面で同意"),
    h("option", { value: "paper" }, "書面で同意"),
  );
  const sex = h(
    "select",
    { name: "sex", id: "f-sex" },
    h("option", { value: "" }, "選んでください"),
    h("option", { value: "1" }, "男性"),
    h("option", { value: "2" }, "女性"),
  );
  const form = h(
    "form",
    { id: "issue-form", class: "card" },
    h("h2", {}, "新規発行"),
    inputRow("氏名", "name"),
    inputRow("カナ氏名", "kana"),
    h("div", { class: "row" }, h("label", { for: "f-sex" }, "性別"), sex),
    inputRow("生年月日（例: 1980-01-01）", "birth_date"),
    inputRow("電話番号（任意）", "phone", "tel"),
    h("div", { class: "row" }, h("label", { for: "f-consent" }, "利用規約への同意"), consent),
    message.el,
    prompt,
    h("button", { type: "submit", id: "issue-submit" }, "カードを発行"),
  );
  let waiting: { cancel: () => void } | null = null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    message.clear();
    if (!consent.value) {
      message.show("利用規約への同意（画面または書面）を選んでください。");
      return;
    }
    const patient: NewPatient = {
      name: field(form, "name").trim(),
      kana: field(form, "kana").trim(),
      sex: Number(sex.value || "0"),
      birth_date: field(form, "birth_date").trim(),
      phone: field(form, "phone").trim() || null,
    };
    const issue = (idm: string) =>
      ctx.api
        .issueCard(patient, consent.value as ConsentMethod, idm)
        // お薬自動登録設定 opens right after issuing.
        .then((patientId) => { ctx.go({ screen: "patient", patientId, openLink: true }); })
        .catch((e: unknown) => {
          prompt.textContent = "";
          message.show(errorText(e));
        });
    if (presetIdm) {
      void issue(presetIdm);
      return;
    }
    waiting?.cancel();
    prompt.textContent = "新しいカードをタッチしてください";
    const next = nextTouch(ctx);
    waiting = next;
    void next.touch.then((touch) => {
      if (!touch) return;
      if (touch.kind === "unknown") {
        void issue(touch.idm);
      } else {
        prompt.textContent = "";
        message.show(`このカードはすでに使われています（${touch.name}）。別の新しいカードをタッチしてください。`);
      }
    });
  });
  mount(
    ctx.main,
    header(ctx),
    h(
      "div",
      { class: "settings" },
      form,
      presetIdm ? h("p", { class: "notice", id: "issue-card-ready" }, "タッチされた未登録のカードに発行します。") : "",
    ),
  );
}
