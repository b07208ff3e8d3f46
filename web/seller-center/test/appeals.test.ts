import { describe, expect, it } from "vitest";
import { APPEAL_WINDOW_MS, mayAppeal, readStatement } from "../src/appeals";
import type { Cancellation } from "../src/types";

const RESOLVED = "2026-11-20T09:00:00Z";
const cancelled = (fields: Partial<Cancellation>) => ({
  cancel_id: "cxl_1", order_id: "O-1", status: "SELLER_CANCELLED", fault: "SELLER", counts_toward_sfcr: true,
  resolved_at: RESOLVED, appeal: null, ...fields,
}) as Cancellation;

describe("an appeal (A1-A3)", () => {
  it("is offered on a seller-fault cancellation that counts, until the window closes", () => {
    const closes = Date.parse(RESOLVED) + APPEAL_WINDOW_MS;
    expect(mayAppeal(cancelled({}), closes - 1)).toBe(true);
    expect(mayAppeal(cancelled({ status: "AUTO_APPROVED" }), closes - 1)).toBe(true);
    expect(mayAppeal(cancelled({}), closes)).toBe(false);
  });

  it("is not offered twice, nor on what does not count or has not taken effect", () => {
    const now = Date.parse(RESOLVED) + 1000;
    expect(mayAppeal(cancelled({ appeal: { appeal_id: "apl_1", status: "OPEN" } }), now)).toBe(false);
    expect(mayAppeal(cancelled({ counts_toward_sfcr: false, fault: "NONE" }), now)).toBe(false);
    expect(mayAppeal(cancelled({ status: "REQUESTED", resolved_at: null }), now)).toBe(false);
    expect(mayAppeal(cancelled({ status: "REJECTED" }), now)).toBe(false);
  });
});

describe("the statement (A4)", () => {
  it("is trimmed and 1 to max characters", () => {
    expect(readStatement("  The buyer asked  ", 20)).toEqual({ ok: true, statement: "The buyer asked" });
    expect(readStatement("   ", 20)).toEqual({ ok: false, problem: "missing" });
    expect(readStatement("x".repeat(21), 20)).toEqual({ ok: false, problem: "too_long" });
  });
});
