// What staff type at the counter, made exact as they type: カナ氏名 in
// full-width katakana, and a birth date in 西暦 or 和暦 resolved to a day.

const HALF_WIDTH = "ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ";
const FULL_WIDTH = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/**
 * カナ氏名 as full-width katakana: hiragana and half-width katakana (with
 * ﾞ and ﾟ joined to their letter) are converted, spaces become one
 * space; anything else is left as typed.
 */
export function toKatakana(text: string): string {
  let out = "";
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0;
    if (code >= 0x3041 && code <= 0x3096) {
      out += String.fromCodePoint(code + 0x60);
    } else if (c === "ﾞ" || c === "ﾟ") {
      const last = out.at(-1) ?? "";
      const joined = (last + (c === "ﾞ" ? "\u3099" : "\u309A")).normalize("NFC");
      out = joined.length === 1 ? out.slice(0, -1) + joined : out + (c === "ﾞ" ? "゛" : "゜");
    } else if (HALF_WIDTH.includes(c)) {
      out += FULL_WIDTH[HALF_WIDTH.indexOf(c)];
    } else if (c === "　" || c === " ") {
      if (!out.endsWith(" ")) out += " ";
    } else {
      out += c;
    }
  }
  return out;
}

/** The eras of 和暦, newest first: letter, name, first day. */
const ERAS: [string, string, string][] = [
  ["R", "令和", "2019-05-01"],
  ["H", "平成", "1989-01-08"],
  ["S", "昭和", "1926-12-25"],
  ["T", "大正", "1912-07-30"],
  ["M", "明治", "1868-01-25"],
];

/** A birth date understood, or why it is not one. */
export type BirthDate = { iso: string; label: string } | { error: string };

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A birth date as typed: 8 digits (19700101), 西暦 with separators
 * (1970-1-1, 1970/01/01, 1970.1.1, 1970年1月1日) or 和暦 (S45.1.1, s45/1/1,
 * 昭和45年1月1日, 平成元年4月1日, R2/4/1). Refuses dates that do not exist, are
 * before their era, or after `today`; `label` shows the day and the age.
 */
export function parseBirthDate(typed: string, today: Date): BirthDate {
  // Full-width digits, letters and dots as ASCII (NFKC); 元年 is year 1.
  const text = typed.normalize("NFKC").trim().replace(/元年/, "1年");
  let year: number;
  let month: number;
  let day: number;
  let era: [string, string, string] | undefined;
  let m: RegExpMatchArray | null;
  if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(text))) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text))) {
    [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  } else if ((m = /^([MTSHRmtshr]|明治|大正|昭和|平成|令和)\s*(\d{1,2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text))) {
    const key = m[1].toUpperCase();
    era = ERAS.find(([letter, name]) => letter === key || name === m?.[1]);
    if (!era) return { error: "元号が分かりません。" };
    const first = Number(era[2].slice(0, 4));
    [year, month, day] = [first + Number(m[2]) - 1, Number(m[3]), Number(m[4])];
  } else {
    return { error: "生年月日は 19800101、1980/1/1、S55.1.1 や 昭和55年1月1日 のように入力してください。" };
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { error: `${year}年${month}月${day}日 はありません。` };
  }
  const iso = `${year}-${pad(month)}-${pad(day)}`;
  if (era && iso < era[2]) return { error: `${era[1]}${typed.trim()} は${era[1]}より前の日付です。` };
  const todayIso = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
  if (iso > todayIso) return { error: "生年月日が今日より後になっています。" };
  if (year < 1868) return { error: "1868年より前の生年月日は入力できません。" };
  let age = today.getFullYear() - year;
  if (`${pad(today.getMonth() + 1)}-${pad(today.getDate())}` < `${pad(month)}-${pad(day)}`) age -= 1;
  const wareki = ERAS.find(([, , first]) => iso >= first);
  const eraYear = wareki ? year - Number(wareki[2].slice(0, 4)) + 1 : 0;
  const warekiText = wareki ? `（${wareki[1]}${eraYear === 1 ? "元" : eraYear}年）` : "";
  return { iso, label: `${year}年${pad(month)}月${pad(day)}日${warekiText} ${age}歳` };
}
