// お薬自動登録設定 (P7): link the patient to the receipt computer's record of
// them, chosen from レセコンからの候補 (best matches first).
import type { Context } from "../shared/context";
import type { LinkCandidate, PatientSummary } from "../shared/api";
import { errorText, h, mount, type MessageKind } from "../shared/dom";

function candidateRow(c: LinkCandidate, link: () => void): HTMLElement {
  const button = h("button", { type: "button", class: "small link-record", "data-patient-id": String(c.patient_id) }, "紐づける");
  button.addEventListener("click", link);
  return h(
    "li",
    { class: "candidate" },
    h("span", { class: "note-text" }, `${c.name}（${c.kana}） ${c.sex} ${c.birth}`),
    h("span", { class: "note-source" }, `レセコンID ${c.external_ids}・最終調剤 ${c.last_dispensed ?? "—"}`),
    button,
  );
}

/** Draws the panel into `body`; `done` runs after a link. */
export async function linkPanel(
  ctx: Context,
  patient: PatientSummary,
  body: HTMLElement,
  show: (text: string, kind?: MessageKind) => void,
  done: () => void,
): Promise<void> {
  let candidates: LinkCandidate[];
  try {
    candidates = await ctx.api.linkCandidates(patient.id);
  } catch (e) {
    show(errorText(e));
    return;
  }
  mount(
    body,
    h("h3", {}, "お薬自動登録設定（レセコンからの候補）"),
    candidates.length
      ? h(
          "ul",
          { id: "link-candidates", class: "notes" },
          ...candidates.map((c) =>
            candidateRow(c, () => {
              void ctx.api
                .linkReceiptRecord(patient.id, c.patient_id)
                .then(() => {
                  show(`レセコンの患者ID ${c.external_ids} と紐づけました。今後の調剤は自動で登録されます。`, "success");
                  done();
                })
                .catch((e: unknown) => { show(errorText(e)); });
            }),
          ),
        )
      : h(
          "p",
          { id: "link-none", class: "empty" },
          "レセコンからの候補がありません。レセコンでこの患者様の調剤が登録され、出力フォルダに書き出されていることを確認してください。",
        ),
  );
}
