// レセコン連携 state on the patient list: a レセコン接続エラー banner for each
// watched folder that cannot be read (with the path and since when), gone
// by itself when the folder is back.
import type { Context } from "../shared/context";
import type { FolderStatus } from "../shared/api";
import { h, mount } from "../shared/dom";

/** `2026-11-22T01:02:03.000Z` as local `11/22 10:02`. */
export function localTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${t.getMonth() + 1}/${t.getDate()} ${pad(t.getHours())}:${pad(t.getMinutes())}`;
}

/** The banner for a set of folder states (empty when all are connected). */
export function feedBanner(statuses: FolderStatus[]): HTMLElement[] {
  return statuses
    .filter((s) => !s.connected)
    .map((s) =>
      h(
        "p",
        { class: "feed-error", role: "alert", "data-folder": s.folder },
        h("strong", {}, "レセコン接続エラー"),
        ` ${s.folder}（${s.since ? `${localTime(s.since)}から` : ""}）${s.reason ?? ""}`,
      ),
    );
}

/** An area that shows the feed's state and follows its events. */
export function feedStatusArea(ctx: Context): HTMLElement {
  const area = h("div", { id: "feed-status" });
  const statuses = new Map<string, FolderStatus>();
  const draw = () => { mount(area, ...feedBanner([...statuses.values()])); };
  // Listen first, then ask for the state: whatever changes after the answer
  // arrives as an event, and an event newer than the answer wins.
  const heard = new Set<string>();
  void ctx.api
    .onFeed((event) => {
      if (event.kind !== "status") return;
      const { kind, ...status } = event;
      heard.add(status.folder);
      statuses.set(status.folder, status);
      draw();
    })
    .then((unlisten) => {
      ctx.onLeave(unlisten);
      return ctx.api.feedStatus();
    })
    .then((list) => {
      for (const s of list) if (!heard.has(s.folder)) statuses.set(s.folder, s);
      draw();
    })
    .catch(() => undefined);
  return area;
}
