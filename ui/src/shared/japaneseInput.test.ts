import { describe, expect, it } from "vitest";
import { parseBirthDate, toKatakana } from "./japaneseInput";

const today = new Date(2026, 11, 4); // 2026-12-04, local

describe("カナ氏名 as typed", () => {
  it("turns hiragana and half-width kana into full-width katakana", () => {
    expect(toKatakana("やまだ たろう")).toBe("ヤマダ タロウ");
    expect(toKatakana("ｽｽﾞｷ ﾀﾛｳ")).toBe("スズキ タロウ");
    expect(toKatakana("ﾊﾟｰｸ　　ｼﾞｮｳ")).toBe("パーク ジョウ");
    expect(toKatakana("ヤマダ タロウ")).toBe("ヤマダ タロウ");
    expect(toKatakana("ゔぁ")).toBe("ヴァ");
  });
});

describe("生年月日 as typed", () => {
  const iso = (typed: string) => {
    const r = parseBirthDate(typed, today);
    return "iso" in r ? r.iso : r.error;
  };
  it("takes 8 digits, 西暦 with separators and 和暦", () => {
    expect(iso("19700101")).toBe("1970-01-01");
    expect(iso("1970-1-1")).toBe("1970-01-01");
    expect(iso("1970/01/01")).toBe("1970-01-01");
    expect(iso("1970年1月1日")).toBe("1970-01-01");
    expect(iso("S45.1.1")).toBe("1970-01-01");
    expect(iso("s45/1/1")).toBe("1970-01-01");
    expect(iso("昭和45年1月1日")).toBe("1970-01-01");
    expect(iso("Ｓ４５．１．１")).toBe("1970-01-01");
    expect(iso("R2/4/1")).toBe("2020-04-01");
    expect(iso("平成元年4月1日")).toBe("1989-04-01");
    expect(iso("H1.1.8")).toBe("1989-01-08");
  });

  it("shows the day, its era and the age", () => {
    expect(parseBirthDate("S45.1.1", today)).toEqual({ iso: "1970-01-01", label: "1970年01月01日（昭和45年） 56歳" });
    expect(parseBirthDate("20191204", today)).toEqual({ iso: "2019-12-04", label: "2019年12月04日（令和元年） 7歳" });
    expect(parseBirthDate("20191205", today)).toEqual({ iso: "2019-12-05", label: "2019年12月05日（令和元年） 6歳" });
  });

  it("refuses impossible dates with the reason", () => {
    expect(iso("19700230")).toBe("1970年2月30日 はありません。");
    expect(iso("H1.1.7")).toContain("平成より前の日付です");
    expect(iso("20261205")).toBe("生年月日が今日より後になっています。");
    expect(iso("1970")).toContain("のように入力してください");
    expect(iso("X45.1.1")).toContain("のように入力してください");
  });
});
