// Row selection and Approve selected (seller-tools.md, T1): pure.
import { codeText } from "./messages";
import { offerOpen } from "./offers";
import type { Row } from "./rows";
import type { BulkResult } from "./types";

/** The rows that can be selected: those with a pending request the seller may answer (not while its offer is open,
 * OF3). */
export function selectableIds(rows: Row[]): string[] {
  return rows.flatMap((row) => (row.request && !offerOpen(row.request) ? [row.request.cancel_id] : []));
}

/** The selection kept across a refresh: only the ids still pending among the rows shown, in their order. */
export function pruneSelection(selected: ReadonlySet<string>, rows: Row[]): Set<string> {
  return new Set(selectableIds(rows).filter((id) => selected.has(id)));
}

export function toggle(selected: ReadonlySet<string>, id: string, on: boolean): Set<string> {
  const next = new Set(selected);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

/** The select-all box: checked when every selectable row is, mixed when some are. */
export function selectAllState(selected: ReadonlySet<string>, rows: Row[]): "all" | "some" | "none" {
  const ids = selectableIds(rows);
  const chosen = ids.filter((id) => selected.has(id)).length;
  if (ids.length === 0 || chosen === 0) return "none";
  return chosen === ids.length ? "all" : "some";
}

/** Ids in calls of at most `size` (the catalogue's `limits.max_bulk_ids`), in the order shown. */
export function batches(ids: string[], size: number): string[][] {
  const out: string[][] = [];
  for (let start = 0; start < ids.length; start += size) out.push(ids.slice(start, start + size));
  return out;
}

export interface RowResult {
  cancelId: string;
  orderId: string;
  approved: boolean;
  /** Why it was not approved: the API's code and its own message, worded only when shown (refusalText), so in the
   * language of that moment (L1). */
  refusal: { code: string | null; message: string } | null;
}

/** Each result with the order it is about (from the rows the seller selected), in the order given. */
export function rowResults(results: BulkResult[], rows: Row[]): RowResult[] {
  const orders = new Map(rows.flatMap((row) => (row.request ? [[row.request.cancel_id, row.order.order_id]] : [])));
  return results.map((result) => {
    const approved = result.status >= 200 && result.status < 300;
    return {
      cancelId: result.cancel_id,
      orderId: orders.get(result.cancel_id) ?? result.cancellation?.order_id ?? result.cancel_id,
      approved,
      refusal: approved ? null
        : { code: result.error?.code ?? null, message: result.error?.message ?? `HTTP ${result.status}` },
    };
  });
}

/** A refused result's sentence in the language in use (L7): the page's for its code, else the API's message. */
export function refusalText(result: RowResult): string | null {
  return result.refusal && codeText(result.refusal.code, result.refusal.message);
}
