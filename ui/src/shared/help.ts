// ヘルプ・サポート: the pages of docs/help/, bundled with the app (no network):
// one per screen, with the screenshots of docs/screens/. The header's ？
// opens the page of the screen shown.
import { marked } from "marked";
import type { Context, Screen } from "./context";
import { h, mount } from "./dom";
import { header } from "./header";

// Markdown and images are bundled at build time (Vite): trusted, our own text.
const PAGES = import.meta.glob<string>("../../../docs/help/*.md", { query: "?raw", import: "default", eager: true });
const IMAGES = import.meta.glob<string>("../../../docs/screens/*.png", { import: "default", eager: true });

/** The help page of each screen (the rest open the index). */
const PAGE_OF: Partial<Record<Screen, string>> = {
  patientList: "patient-list",
  patient: "patient",
  issueCard: "card",
  otherNotebook: "other-notebook",
  settings: "settings",
  import: "import",
  prescribe: "prescribe",
  issued: "issued",
  usageMap: "usage-map",
  staff: "security",
  twoFactor: "security",
  lock: "security",
  audit: "security",
  passwordChange: "security",
};

/** The help page for `screen`. */
export function helpPageFor(screen: string | undefined): string {
  return PAGE_OF[screen as Screen] ?? "index";
}

/** The names of the bundled pages. */
export function helpPages(): string[] {
  return Object.keys(PAGES).map((path) => path.replace(/^.*\//, "").replace(/\.md$/, ""));
}

/** A page as HTML: its links to other pages and its screenshots made local. */
export function helpHtml(page: string): string {
  const key = (name: string) => `../../../docs/help/${name}.md`;
  const source = key(page) in PAGES ? PAGES[key(page)] : key("index") in PAGES ? PAGES[key("index")] : "";
  const html = marked.parse(source, { async: false });
  const doc = new DOMParser().parseFromString(html, "text/html");
  for (const img of doc.querySelectorAll("img")) {
    const name = (img.getAttribute("src") ?? "").replace(/^.*\//, "");
    const path = `../../../docs/screens/${name}`;
    if (path in IMAGES) img.setAttribute("src", IMAGES[path]);
    else img.remove();
  }
  for (const a of doc.querySelectorAll("a")) {
    const target = a.getAttribute("href") ?? "";
    // Only links between help pages: nothing leaves the app.
    if (helpPages().includes(target)) a.setAttribute("data-help-page", target);
    a.removeAttribute("href");
  }
  return doc.body.innerHTML;
}

/** The help screen, at `page`. */
export function renderHelp(ctx: Context, page: string): void {
  const content = h("article", { id: "help-content", class: "help-content" });
  const show = (name: string) => {
    content.innerHTML = helpHtml(name);
    for (const link of content.querySelectorAll<HTMLElement>("[data-help-page]")) {
      link.setAttribute("role", "link");
      link.tabIndex = 0;
      const go = () => { show(link.dataset.helpPage ?? "index"); };
      link.addEventListener("click", go);
      link.addEventListener("keydown", (e) => { if (e.key === "Enter") go(); });
    }
    content.scrollIntoView({ block: "start" });
  };
  const index = h("button", { type: "button", id: "help-index", class: "small" }, "ヘルプの目次");
  index.addEventListener("click", () => { show("index"); });
  mount(ctx.main, header(ctx), h("section", { class: "help" }, index, content));
  show(page);
}
