import { describe, expect, it } from "vitest";
import { noHandoverWarning } from "../src/rows";
import { anOrder } from "./orders";

describe("the handover warning", () => {
  it("is the server's own sentence whenever it says the parcel must not go to logistics", () => {
    const asked = "The buyer asked to cancel this order: answer the request before handing it to logistics.";
    expect(noHandoverWarning(anOrder({ order_id: "O-1",
      handover: { hand_over_to_logistics: false, warning: asked } }))).toBe(asked);
  });

  it("is none when the parcel goes out, even with a warning about what to leave out", () => {
    expect(noHandoverWarning(anOrder({ order_id: "O-2",
      handover: { hand_over_to_logistics: true, warning: "Don't pack the cancelled items: SKU-1 × 1." } }))).toBeNull();
    expect(noHandoverWarning(anOrder({ order_id: "O-3" }))).toBeNull();
  });
});
