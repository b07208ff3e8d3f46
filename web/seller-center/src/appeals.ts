// Appeals of seller-fault cancellations (appeals.md): which cancellation the seller may still appeal, and the
// statement it writes, read before any call. The API checks the same rules and has the last word (409s).
import type { Cancellation } from "./types";

/** Whether the seller may still appeal `cancellation` at `now` (A1–A3): the API answers it as `appeal_by`, the
 * instant the window closes, null when the cancellation can never be appealed; the page restates none of it. */
export function mayAppeal(cancellation: Cancellation, now: number): boolean {
  return cancellation.appeal_by !== null && now < Date.parse(cancellation.appeal_by);
}

export type StatementProblem = "missing" | "too_long";
export type StatementRead = { ok: true; statement: string } | { ok: false; problem: StatementProblem };

/** The statement as typed, trimmed: 1 to `max` characters (A4). */
export function readStatement(text: string, max: number): StatementRead {
  const statement = text.trim();
  if (!statement) return { ok: false, problem: "missing" };
  if (statement.length > max) return { ok: false, problem: "too_long" };
  return { ok: true, statement };
}
