import { describe, expect, it } from "vitest";
import { latestByOrder, noHandoverWarning } from "../src/rows";
import type { Cancellation } from "../src/types";
import { anOrder } from "./orders";

describe("the handover warning", () => {
  it("is the page's sentence for the code whenever the server says the parcel must not go to logistics", () => {
    const asked = "The buyer asked to cancel this order: answer the request before handing it to logistics.";
    expect(noHandoverWarning(anOrder({ order_id: "O-1",
      handover: { hand_over_to_logistics: false, warning: "(the API's)", warning_code: "PENDING_REQUEST",
        cancelled_items: [] } }))).toBe(asked);
  });

  it("is none when the parcel goes out, even with a warning about what to leave out", () => {
    expect(noHandoverWarning(anOrder({ order_id: "O-2",
      handover: { hand_over_to_logistics: true, warning: "Don't pack the cancelled items: SKU-1 × 1.",
        warning_code: "PARTLY_CANCELLED", cancelled_items: [{ sku: "SKU-1", quantity: 1 }] } }))).toBeNull();
    expect(noHandoverWarning(anOrder({ order_id: "O-3" }))).toBeNull();
  });
});

describe("the rejected requests shown in the rows", () => {
  const rejected = (cancelId: string, orderId: string) =>
    ({ cancel_id: cancelId, order_id: orderId, status: "REJECTED", evidence: [] }) as unknown as Cancellation;

  it("are the latest of each order, from a page listed newest first", () => {
    const latest = latestByOrder([rejected("c3", "O-1"), rejected("c2", "O-2"), rejected("c1", "O-1")]);
    expect([...latest.entries()].map(([order, c]) => [order, c.cancel_id])).toEqual([["O-1", "c3"], ["O-2", "c2"]]);
    expect(latestByOrder([]).size).toBe(0);
  });
});
