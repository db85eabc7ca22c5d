// A small element builder: no framework, no innerHTML (all text is set as
// text, so patient names can never inject markup).

type Attrs = Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/** Creates `<tag attrs…>children…</tag>`; `on*` handlers go through `on`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** Replaces the contents of `root` with `children`. */
export function mount(root: HTMLElement, ...children: (Node | string | null)[]): void {
  root.replaceChildren(...children.filter((c): c is Node | string => c !== null));
}

/** Reads a named input of a form as trimmed-or-raw text. */
export function field(form: HTMLFormElement, name: string): string {
  const el = form.elements.namedItem(name);
  return el instanceof HTMLInputElement || el instanceof HTMLSelectElement ? el.value : "";
}

/** What a message is: 成功 (done), 注意 (look / do this next), エラー (failed). */
export type MessageKind = "success" | "warning" | "error";

/**
 * The one message component: empty until `show`; each kind has its own colour
 * and icon (CSS, from `data-kind`) and is announced — errors at once
 * (assertive), the others politely. `show` without a kind is an error.
 */
export function messageArea(id: string): {
  el: HTMLElement;
  show: (text: string, kind?: MessageKind) => void;
  clear: () => void;
} {
  const el = h("p", { id, class: "message", role: "status", "aria-live": "assertive" });
  return {
    el,
    show: (text, kind = "error") => {
      el.dataset.kind = kind;
      el.setAttribute("aria-live", kind === "error" ? "assertive" : "polite");
      el.textContent = text;
    },
    clear: () => {
      el.textContent = "";
      delete el.dataset.kind;
    },
  };
}

/** A labelled input row. */
export function inputRow(label: string, name: string, type = "text", extra: Attrs = {}): HTMLElement {
  const id = `f-${name}`;
  return h(
    "div",
    { class: "row" },
    h("label", { for: id }, label),
    h("input", { id, name, type, autocomplete: "off", ...extra }),
  );
}

/** The message of an error from a command (already Japanese) or anything thrown. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A file input shown in Japanese whatever the webview's locale: our own
 * button face and the chosen names; the real input lies over the face
 * (almost transparent), so a click, the keyboard and WebDriver all reach it.
 */
export function filePicker(input: HTMLInputElement, label = "ファイルを選ぶ"): HTMLElement {
  input.classList.add("file-input");
  const names = h("span", { class: "file-names" }, "選ばれていません");
  input.addEventListener("change", () => {
    const chosen = [...(input.files ?? [])].map((f) => f.name);
    names.textContent = chosen.length ? chosen.join("、") : "選ばれていません";
  });
  return h("span", { class: "file-picker" }, h("span", { class: "file-face" }, label, input), names);
}
