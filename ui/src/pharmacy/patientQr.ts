// 患者用QRコード (P8): choose dispensings (the latest by default) and print
// them as JAHIS QR codes — a PDF opened in the system's viewer.
import type { Context } from "../shared/context";
import type { Cursor, HistoryDispensing, PatientSummary, PrintedQr } from "../shared/api";
import { errorText, h, mount, type MessageKind } from "../shared/dom";

/** The sentence shown after 印刷. */
export function printedMessage(printed: PrintedQr): string {
  const made = `QRコード${printed.symbols}枚のPDFを作りました。`;
  return printed.open_error
    ? `${made}${printed.open_error}`
    : `${made}開いた画面から印刷してください。`;
}

function choiceRow(d: HistoryDispensing, checked: boolean): HTMLElement {
  const id = `qr-d-${d.id}`;
  const box = h("input", { type: "checkbox", id, class: "qr-choice", value: String(d.id) });
  box.checked = checked;
  const drugs = d.rps.flatMap((rp) => rp.drugs.map((g) => g.name));
  return h(
    "li",
    { class: "note qr-row" },
    box,
    h(
      "label",
      { for: id },
      h("strong", {}, d.date_label),
      ` ${d.place ?? "調剤場所不明"}`,
      h("span", { class: "note-source" }, ` ${drugs.slice(0, 3).join("、")}${drugs.length > 3 ? ` ほか${drugs.length - 3}剤` : ""}`),
    ),
  );
}

/** Draws the panel into `body`; messages go to `show`. */
export async function patientQrPanel(
  ctx: Context,
  patient: PatientSummary,
  body: HTMLElement,
  show: (text: string, kind?: MessageKind) => void,
): Promise<void> {
  const list = h("ul", { id: "qr-choices", class: "notes" });
  const more = h("button", { type: "button", id: "qr-more", class: "small" }, "さらに表示");
  const print = h("button", { type: "button", id: "print-qr-go" }, "印刷");
  const warnings = h("ul", { id: "qr-warnings", class: "issues" });
  let next: Cursor | null = null;

  async function load(after: Cursor | null): Promise<void> {
    const page = await ctx.api.patientHistory(patient.id, "all", after);
    const first = after === null;
    page.dispensings.forEach((d, i) => { list.append(choiceRow(d, first && i === 0)); });
    next = page.next;
    more.hidden = next === null;
    if (first && page.dispensings.length === 0) {
      list.append(h("li", { class: "empty" }, "お薬の記録がありません"));
      print.setAttribute("disabled", "");
    }
  }
  more.addEventListener("click", () => {
    void load(next).catch((e: unknown) => { show(errorText(e)); });
  });
  print.addEventListener("click", () => {
    const ids = [...list.querySelectorAll<HTMLInputElement>("input.qr-choice:checked")].map((b) => Number(b.value));
    if (ids.length === 0) {
      show("QRコードにする調剤を1つ以上選んでください。");
      return;
    }
    print.setAttribute("disabled", "");
    show("作成しています…", "warning");
    warnings.replaceChildren();
    void ctx.api
      .printPatientQr(patient.id, ids)
      .then((printed) => {
        show(printedMessage(printed), "success");
        warnings.replaceChildren(...printed.warnings.map((w) => h("li", {}, `注意: ${w}`)));
      })
      .catch((e: unknown) => { show(errorText(e)); })
      .finally(() => { print.removeAttribute("disabled"); });
  });

  mount(
    body,
    h("h3", {}, "患者用QRコード（お薬手帳データ）"),
    h("p", {}, "QRコードにする調剤を選んでください。スマートフォンのお薬手帳アプリで読み取れます。"),
    list,
    more,
    h("div", { class: "actions" }, print),
    warnings,
  );
  try {
    await load(null);
  } catch (e) {
    show(errorText(e));
  }
}
