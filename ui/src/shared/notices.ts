// お知らせ: the app's own notices (feed errors, backups, demo data), newest
// concern first; the header shows how many are unread on this PC.
import type { Api, Notice } from "./api";
import type { Context } from "./context";
import { errorText, h, mount } from "./dom";
import { header } from "./header";

/** Where this PC keeps the IDs of notices already read. */
export const READ_NOTICES_KEY = "okusuri.readNotices";

const KIND_LABEL: Record<Notice["kind"], string> = { error: "エラー", warning: "注意", info: "お知らせ" };

/** How long the header reuses the notices it fetched (every screen draws a header). */
export const NOTICES_REUSE_MS = 60_000;

let cached: { at: number; notices: Promise<Notice[]> } | null = null;

/**
 * The notices for the header's badge: fetched at most once a minute, so
 * opening a patient or a screen does not query them again each time.
 */
export function recentNotices(api: Pick<Api, "notices">, now = Date.now()): Promise<Notice[]> {
  if (!cached || now - cached.at > NOTICES_REUSE_MS) {
    const notices = api.notices();
    cached = { at: now, notices };
    notices.catch(() => { cached = null; });
  }
  return cached.notices;
}

/** The IDs read on this PC. */
export function readNotices(): Set<string> {
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(READ_NOTICES_KEY) ?? "[]");
    return new Set(Array.isArray(ids) ? ids.filter((x): x is string => typeof x === "string") : []);
  } catch {
    return new Set();
  }
}

/** How many of `notices` are unread here. */
export function unreadCount(notices: Notice[]): number {
  const read = readNotices();
  return notices.filter((n) => !read.has(n.id)).length;
}

/** Marks `notices` read (only current ones are kept, so the list stays small). */
export function markRead(notices: Notice[]): void {
  localStorage.setItem(READ_NOTICES_KEY, JSON.stringify(notices.map((n) => n.id)));
}

/** The お知らせ screen: every notice, unread ones marked, then all marked read. */
export async function renderNotices(ctx: Context): Promise<void> {
  const list = h("ul", { id: "notices", class: "notices" });
  mount(ctx.main, header(ctx), h("section", { class: "notices-page" }, h("h2", {}, "お知らせ"), list));
  let notices: Notice[];
  try {
    notices = await ctx.api.notices();
    cached = { at: Date.now(), notices: Promise.resolve(notices) };
  } catch (e) {
    mount(list, h("li", { class: "message", role: "alert" }, errorText(e)));
    return;
  }
  const read = readNotices();
  mount(
    list,
    ...(notices.length
      ? notices.map((n) =>
          h(
            "li",
            { class: `notice-item ${n.kind}${read.has(n.id) ? "" : " unread"}`, "data-notice-id": n.id },
            h("span", { class: "notice-kind" }, KIND_LABEL[n.kind]),
            h("div", { class: "notice-body" }, h("strong", {}, n.title), h("p", {}, n.text)),
            n.at ? h("span", { class: "notice-at" }, n.at) : null,
          ),
        )
      : [h("li", { class: "empty" }, "お知らせはありません")]),
  );
  markRead(notices);
}
