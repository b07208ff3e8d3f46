// An order's lines and what a seller picks to cancel of them (docs/money-and-items.md, M1, M2): pure. Which reasons
// allow it is the catalogue's `partial_allowed` (reasons.ts); the refund it makes is the cancel preview's answer.
import { messages } from "./messages";
import type { LineItem, Order } from "./types";

export function remainingOf(line: LineItem): number {
  return line.quantity - line.cancelled_quantity;
}

/** The lines with something left to cancel, in the order's order. */
export function remainingLines(order: Order): LineItem[] {
  return order.items.filter((line) => remainingOf(line) > 0);
}

/** What the seller typed per SKU: the text of each quantity field. */
export type ItemChoice = Record<string, string>;

/** The picker's start: every remaining item, the whole order. */
export function wholeOrderChoice(order: Order): ItemChoice {
  return Object.fromEntries(remainingLines(order).map((line) => [line.sku, String(remainingOf(line))]));
}

export interface LineToCancel {
  sku: string;
  quantity: number;
}

export type ChoiceProblem =
  | { kind: "quantity"; sku: string; max: number }
  | { kind: "nothing" };

export type ReadChoice =
  | { ok: true; lineItems: LineToCancel[] | null; lines: LineToCancel[] }
  | { ok: false; problem: ChoiceProblem };

/**
 * The seller's choice as the cancel route takes it: `lineItems` null when it is every remaining item (the body
 * leaves `line_items` out: the whole order), else the lines with a quantity above 0. `lines` is what is cancelled
 * either way. A quantity that is not a whole number from 0 to what remains, or nothing chosen, is a problem.
 */
export function readChoice(order: Order, choice: ItemChoice): ReadChoice {
  const lines: LineToCancel[] = [];
  let whole = true;
  for (const line of remainingLines(order)) {
    const max = remainingOf(line);
    const text = (choice[line.sku] ?? String(max)).trim();
    if (!/^\d+$/.test(text) || Number(text) > max) return { ok: false, problem: { kind: "quantity", sku: line.sku, max } };
    const quantity = Number(text);
    if (quantity < max) whole = false;
    if (quantity > 0) lines.push({ sku: line.sku, quantity });
  }
  if (lines.length === 0) return { ok: false, problem: { kind: "nothing" } };
  return { ok: true, lineItems: whole ? null : lines, lines };
}

/** The lines some cancellation took items off, for the orders table (M1): each SKU with its cancelled quantity. */
export function cancelledLines(order: Order): LineToCancel[] {
  return order.items
    .filter((line) => line.cancelled_quantity > 0)
    .map((line) => ({ sku: line.sku, quantity: line.cancelled_quantity }));
}

/** "SKU-1 × 1, SKU-2 × 1". */
export function describeLines(lines: LineToCancel[]): string {
  return lines.map((line) => messages.lineCount(line.sku, line.quantity)).join(", ");
}
