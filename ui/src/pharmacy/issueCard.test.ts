import { describe, expect, it } from "vitest";
import { api, type CounterEvent, type PatientSummary } from "../shared/api";
import { testContext } from "../shared/testContext";
import { renderIssueCard } from "./issueCard";

const wait = (ms = 0) => new Promise((r) => setTimeout(r, ms));

const onFile: PatientSummary = {
  id: 7,
  name: "鈴木 太郎",
  kana: "スズキ タロウ",
  sex: "男性",
  birth: "1958年03月03日 (68歳)",
  birth_date: "1958-03-03",
  auto_registration: true,
  merged_into: null,
};

function setUp() {
  const calls: unknown[][] = [];
  const handlers: ((e: CounterEvent) => void)[] = [];
  const fake = {
    ...api,
    onCounter: (handle: (e: CounterEvent) => void) => {
      handlers.push(handle);
      return Promise.resolve(() => { handlers.splice(handlers.indexOf(handle), 1); });
    },
    searchPatients: (query: string) => {
      calls.push(["search", query]);
      return Promise.resolve([onFile]);
    },
    issueCard: (...args: unknown[]) => {
      calls.push(["issueCard", ...args]);
      return Promise.resolve(99);
    },
    issueCardToPatient: (...args: unknown[]) => {
      calls.push(["issueCardToPatient", ...args]);
      return Promise.resolve(null);
    },
  };
  const { ctx, went } = testContext({ api: fake });
  const touch = (idm: string) => { [...handlers].forEach((h) => { h({ kind: "touch", touch: { kind: "unknown", idm }, detected_at: 1 }); }); };
  return { ctx, went, calls, touch };
}

const type = (root: HTMLElement, name: string, value: string) => {
  const input = root.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
  input.value = value;
  input.dispatchEvent(new Event("input"));
};

describe("新規カード発行", () => {
  it("offers the person already on file and issues to them: no duplicate, consent recorded", async () => {
    const { ctx, went, calls, touch } = setUp();
    renderIssueCard(ctx, null);
    ctx.main.querySelector<HTMLButtonElement>("#issue-new")!.click();
    type(ctx.main, "kana", "すずき");
    expect(ctx.main.querySelector<HTMLInputElement>('[name="kana"]')!.value).toBe("スズキ");
    type(ctx.main, "birth_date", "S33.3.3");
    expect(ctx.main.querySelector("#birth-resolved")?.textContent).toBe(
      `1958年03月03日（昭和33年） ${new Date().getFullYear() - 1958 - (new Date() < new Date(new Date().getFullYear(), 2, 3) ? 1 : 0)}歳`,
    );
    await wait(300);
    const offer = ctx.main.querySelector<HTMLButtonElement>(".issue-existing")!;
    expect(offer.textContent).toBe("既存の患者様に発行");
    offer.click();
    expect(ctx.main.querySelector("#terms h3")?.textContent).toBe("利用規約への同意");
    ctx.main.querySelector<HTMLButtonElement>("#consent-paper")!.click();
    await wait();
    const issue = ctx.main.querySelector<HTMLButtonElement>("#issue-submit")!;
    expect(issue.disabled).toBe(true);
    touch("0123456789ABCDEF");
    await wait();
    expect(issue.disabled).toBe(false);
    issue.click();
    await wait();
    expect(calls.filter((c) => c[0] !== "search")).toEqual([["issueCardToPatient", 7, "paper", "0123456789ABCDEF"]]);
    expect(ctx.main.querySelector("#issue-message")?.textContent).toBe("鈴木 太郎 様のカードを発行しました。");
    ctx.main.querySelector<HTMLButtonElement>("#open-auto-registration")!.click();
    expect(went).toEqual([{ screen: "patient", patientId: 7, openLink: true }]);
  });

  it("refuses an impossible birth date beside the field and goes no further", async () => {
    const { ctx, calls } = setUp();
    renderIssueCard(ctx, "0123456789ABCDEF");
    type(ctx.main, "name", "山田 花子");
    type(ctx.main, "kana", "ﾔﾏﾀﾞ ﾊﾅｺ");
    expect(ctx.main.querySelector<HTMLInputElement>('[name="kana"]')!.value).toBe("ヤマダ ハナコ");
    type(ctx.main, "birth_date", "19750230");
    expect(ctx.main.querySelector("#birth-resolved")?.textContent).toBe("1975年2月30日 はありません。");
    ctx.main.querySelector<HTMLFormElement>("#issue-form")!.requestSubmit();
    await wait();
    expect(ctx.main.querySelector("#terms")).toBeNull();
    expect(calls.filter((c) => c[0] !== "search")).toEqual([]);
  });
});

describe("再発行", () => {
  it("for a patient who never had a card offers 新規 with consent, on the card already touched", async () => {
    const { ctx, calls, touch } = setUp();
    const fake = ctx.api as unknown as Record<string, unknown>;
    fake.reissueCard = () => Promise.reject(new Error("この患者様にはまだカードがありません。"));
    renderIssueCard(ctx, null);
    ctx.main.querySelector<HTMLButtonElement>("#issue-again")!.click();
    ctx.main.querySelector<HTMLInputElement>("#reissue-query")!.value = "スズキ";
    ctx.main.querySelector<HTMLFormElement>("#reissue-search")!.requestSubmit();
    await wait();
    ctx.main.querySelector<HTMLButtonElement>(".reissue-pick")!.click();
    await wait();
    touch("00000000000000AA");
    await wait();
    await wait();
    expect(ctx.main.querySelector("#issue-message")?.textContent).toContain("まだカードがありません");
    ctx.main.querySelector<HTMLButtonElement>("#reissue-as-new")!.click();
    ctx.main.querySelector<HTMLButtonElement>("#consent-screen")!.click();
    await wait();
    const issue = ctx.main.querySelector<HTMLButtonElement>("#issue-submit")!;
    expect(issue.disabled).toBe(false);
    issue.click();
    await wait();
    expect(calls.filter((c) => c[0] === "issueCardToPatient")).toEqual([["issueCardToPatient", 7, "screen", "00000000000000AA"]]);
  });
});
