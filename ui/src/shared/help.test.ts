import { afterEach, describe, expect, it } from "vitest";
import type { Notice } from "./api";
import { helpHtml, helpPageFor, helpPages } from "./help";
import { NOTICES_REUSE_MS, markRead, recentNotices, unreadCount } from "./notices";

describe("ヘルプ・サポート", () => {
  it("has a page for every screen of the header, bundled", () => {
    for (const page of ["index", "patient-list", "patient", "card", "other-notebook", "settings", "import", "clinic", "prescribe", "issued", "usage-map", "security"]) {
      expect(helpPages()).toContain(page);
    }
    expect(helpPageFor("issueCard")).toBe("card");
    expect(helpPageFor("usageMap")).toBe("usage-map");
    expect(helpPageFor("passwordChange")).toBe("security");
    expect(helpPageFor("notices")).toBe("index");
  });

  it("shows bundled screenshots and links only between its own pages", () => {
    const doc = new DOMParser().parseFromString(helpHtml("index"), "text/html");
    expect(doc.querySelector("h1")?.textContent).toBe("ヘルプ・サポート");
    const links = [...doc.querySelectorAll("a")];
    expect(links.length).toBeGreaterThan(5);
    expect(links.every((a) => !a.hasAttribute("href") && a.dataset.helpPage)).toBe(true);
    const card = new DOMParser().parseFromString(helpHtml("card"), "text/html");
    const images = [...card.querySelectorAll("img")];
    expect(images.length).toBe(3);
    for (const img of images) expect(img.getAttribute("src")).not.toMatch(/^\.\.\//);
  });

  it("opens the index for an unknown page", () => {
    expect(helpHtml("nothing-here")).toContain("ヘルプ・サポート");
  });
});

describe("お知らせ", () => {
  afterEach(() => { localStorage.clear(); });
  const notice = (id: string): Notice => ({ id, kind: "warning", title: id, text: "", at: null });

  it("counts what this PC has not read; a changed notice is unread again", () => {
    expect(unreadCount([notice("a"), notice("b")])).toBe(2);
    markRead([notice("a"), notice("b")]);
    expect(unreadCount([notice("a"), notice("b")])).toBe(0);
    expect(unreadCount([notice("a"), notice("b2")])).toBe(1);
  });
});

describe("the header's notices", () => {
  it("are fetched at most once a minute", async () => {
    let asked = 0;
    const api = { notices: () => { asked += 1; return Promise.resolve([]); } };
    const start = 1_000_000_000;
    await recentNotices(api, start);
    await recentNotices(api, start + 1_000);
    expect(asked).toBe(1);
    await recentNotices(api, start + NOTICES_REUSE_MS + 1);
    expect(asked).toBe(2);
  });
});
