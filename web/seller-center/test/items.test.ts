import { describe, expect, it } from "vitest";
import {
  cancelledLines, describeLines, readChoice, remainingLines, wholeOrderChoice,
} from "../src/items";
import { messages } from "../src/messages";
import type { LineItem, Order } from "../src/types";
import { anOrder } from "./orders";

const line = (sku: string, quantity: number, unitPrice: number, cancelled = 0): LineItem => ({
  sku, quantity, unit_price: { amount: unitPrice, currency: "IDR" }, cancelled_quantity: cancelled,
});

// Two of SKU-1 at 75,000 and one SKU-2 at 20,000 (170,000 minor units), as docs/api.md answers an order.
function order(items: LineItem[], status: Order["status"] = "AWAITING_SHIPMENT"): Order {
  const sum = (pick: (l: LineItem) => number) => items.reduce((total, l) => total + pick(l) * l.unit_price.amount, 0);
  return anOrder({
    order_id: "O-1", status, items,
    total: { amount: sum((l) => l.quantity), currency: "IDR" },
    remaining_total: { amount: sum((l) => l.quantity - l.cancelled_quantity), currency: "IDR" },
  });
}

const TWO_LINES = order([line("SKU-1", 2, 75000), line("SKU-2", 1, 20000)]);

describe("the item picker", () => {
  it("starts on every remaining item, which is the whole order: the body leaves line_items out", () => {
    const start = wholeOrderChoice(TWO_LINES);
    expect(start).toEqual({ "SKU-1": "2", "SKU-2": "1" });
    expect(readChoice(TWO_LINES, start)).toEqual({
      ok: true, lineItems: null, lines: [{ sku: "SKU-1", quantity: 2 }, { sku: "SKU-2", quantity: 1 }],
    });
  });

  it("sends only the lines with a quantity above 0 when less than everything is chosen", () => {
    expect(readChoice(TWO_LINES, { "SKU-1": "1", "SKU-2": "0" })).toEqual({
      ok: true, lineItems: [{ sku: "SKU-1", quantity: 1 }], lines: [{ sku: "SKU-1", quantity: 1 }],
    });
    expect(readChoice(TWO_LINES, { "SKU-1": "0", "SKU-2": " 1 " })).toMatchObject({
      ok: true, lineItems: [{ sku: "SKU-2", quantity: 1 }],
    });
  });

  it("offers only what remains: cancelled quantities come off, fully cancelled lines are gone", () => {
    const partly = order([line("SKU-1", 2, 75000, 1), line("SKU-2", 1, 20000, 1)]);
    expect(remainingLines(partly).map((l) => l.sku)).toEqual(["SKU-1"]);
    expect(wholeOrderChoice(partly)).toEqual({ "SKU-1": "1" });
    // The last remaining item is the rest of the order: a whole-order cancel.
    expect(readChoice(partly, { "SKU-1": "1" })).toMatchObject({ ok: true, lineItems: null });
  });

  it("refuses nothing chosen, and a quantity that is not a whole number from 0 to what remains", () => {
    expect(readChoice(TWO_LINES, { "SKU-1": "0", "SKU-2": "0" })).toEqual({ ok: false, problem: { kind: "nothing" } });
    for (const bad of ["3", "-1", "1.5", "", "one", "1e1"]) {
      expect(readChoice(TWO_LINES, { "SKU-1": bad, "SKU-2": "1" })).toEqual({
        ok: false, problem: { kind: "quantity", sku: "SKU-1", max: 2 },
      });
    }
  });
});

describe("refunds and cancelled items", () => {
  it("the orders table names each line with a cancelled quantity, in the order's order", () => {
    const partly = order([line("SKU-1", 2, 75000, 1), line("SKU-2", 1, 20000), line("SKU-3", 4, 100, 4)]);
    expect(cancelledLines(partly)).toEqual([{ sku: "SKU-1", quantity: 1 }, { sku: "SKU-3", quantity: 4 }]);
    expect(describeLines(cancelledLines(partly))).toBe("SKU-1 × 1, SKU-3 × 4");
    expect(cancelledLines(TWO_LINES)).toEqual([]);
  });

  it("the status tooltip says where the refund stands", () => {
    expect(messages.refund("PENDING", "IDR 750.00")).toBe("IDR 750.00, waiting for the payment system");
    expect(messages.refund("REFUNDED", "IDR 750.00")).toBe("IDR 750.00, refunded");
    expect(messages.refund("NOT_APPLICABLE", null)).toBe("None: the order was not paid");
    expect(messages.refund("NONE", "IDR 750.00")).toBe("None");
  });
});
