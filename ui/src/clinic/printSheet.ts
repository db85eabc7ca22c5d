// 印刷 of an issued prescription: the 処方箋控え (電子: the service's own PDF
// when it sends one) or the paper 処方箋 with its 2D symbol, opened in the
// PDF viewer; what happened is said in `message`.
import type { Context } from "../shared/context";
import type { PrintedSheet } from "../shared/api";
import { errorText, type messageArea } from "../shared/dom";

/** The sentence after printing. */
export function printedText(p: PrintedSheet): { text: string; kind: "success" | "warning" } {
  const what = p.kind === "paper" ? "処方箋" : p.from_service ? "処方箋控え（電子処方箋管理サービスの控え）" : "処方箋控え";
  const lines = [`${what}を開きました。PDF の画面から印刷してください。`];
  if (p.service_note) lines.push(`サービスの控えは使えなかったため、このアプリで作った控えです: ${p.service_note}`);
  if (p.open_error) lines[0] = `${what}を保存しましたが、開けませんでした: ${p.open_error}`;
  return { text: lines.join("\n"), kind: p.open_error || p.service_note ? "warning" : "success" };
}

/** Prints `prescriptionId`, disabling `button` meanwhile. */
export function printSheet(ctx: Context, prescriptionId: string, button: HTMLButtonElement, message: ReturnType<typeof messageArea>): void {
  button.disabled = true;
  message.clear();
  void ctx.api
    .printPrescription(prescriptionId)
    .then((p) => {
      const r = printedText(p);
      message.show(r.text, r.kind);
    })
    .catch((e: unknown) => { message.show(errorText(e)); })
    .finally(() => { button.disabled = false; });
}
