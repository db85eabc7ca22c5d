// Marks the moments users feel — a touched card's row drawn, 今回のお薬
// redrawn, a history page drawn — with the User Timing API, so benchmarks
// and end-to-end tests can time them without hooks in the markup. Only the
// latest mark of each name is kept.

/** The moments marked. */
export type Moment =
  | "visit-drawn"
  | "current-drawn"
  | "history-drawn"
  | "list-drawn"
  /** 発行 clicked → 引換番号 drawn. */
  | "issued-drawn"
  /** A keystroke in the drug search → its candidates drawn. */
  | "drug-search-drawn";

/** Marks `moment` now (`at`: ms since the epoch) with `detail`. */
export function markDrawn(moment: Moment, detail: Record<string, number> = {}): void {
  performance.clearMarks(moment);
  performance.mark(moment, { detail: { ...detail, at: Date.now() } });
}
