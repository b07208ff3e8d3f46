// Appeals of seller-fault cancellations (appeals.md): which cancellation the seller may still appeal, and the
// statement it writes, read before any call. The API checks the same rules and has the last word (409s).
import type { Cancellation } from "./types";

// A3: appeals close this long after the cancellation took effect (the API's APPEAL_WINDOW_DAYS, 30 by default,
// which the page is not told).
export const APPEAL_WINDOW_MS = 30 * 24 * 3600 * 1000;
const TOOK_EFFECT: ReadonlySet<string> = new Set(["AUTO_APPROVED", "APPROVED", "SELLER_CANCELLED"]);

/** Whether the seller may still appeal `cancellation` at `now` (A1–A3): never appealed, taken effect, counting
 * toward the SFCR, and within the window of its `resolved_at`. */
export function mayAppeal(cancellation: Cancellation, now: number): boolean {
  if (cancellation.appeal !== null || !cancellation.counts_toward_sfcr) return false;
  if (!TOOK_EFFECT.has(cancellation.status) || cancellation.resolved_at === null) return false;
  return now < Date.parse(cancellation.resolved_at) + APPEAL_WINDOW_MS;
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
