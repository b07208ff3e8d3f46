import { describe, expect, it } from "vitest";
import { ApiError } from "../src/api";
import { mayAppeal, readStatement } from "../src/appeals";
import type { Cancellation } from "../src/types";

const RESOLVED = "2026-11-20T09:00:00Z";
const APPEAL_BY = "2026-12-20T09:00:00Z";
const cancelled = (fields: Partial<Cancellation>) => ({
  cancel_id: "cxl_1", order_id: "O-1", status: "SELLER_CANCELLED", fault: "SELLER", counts_toward_sfcr: true,
  resolved_at: RESOLVED, appeal: null, appeal_by: APPEAL_BY, ...fields,
}) as Cancellation;

describe("an appeal (A1-A3)", () => {
  it("is offered until the API's appeal_by, whatever window that is", () => {
    const closes = Date.parse(APPEAL_BY);
    expect(mayAppeal(cancelled({}), closes - 1)).toBe(true);
    expect(mayAppeal(cancelled({}), closes)).toBe(false);
    // A stage with another APPEAL_WINDOW_DAYS answers another appeal_by: the page follows it.
    expect(mayAppeal(cancelled({ appeal_by: "2026-11-27T09:00:00Z" }), Date.parse("2026-11-28T09:00:00Z")))
      .toBe(false);
    expect(mayAppeal(cancelled({ appeal_by: "2027-01-20T09:00:00Z" }), closes)).toBe(true);
  });

  it("is not offered when the API says the cancellation can never be appealed", () => {
    const now = Date.parse(RESOLVED) + 1000;
    expect(mayAppeal(cancelled({ appeal_by: null, appeal: { appeal_id: "apl_1", status: "OPEN" } }), now))
      .toBe(false);
    expect(mayAppeal(cancelled({ appeal_by: null, counts_toward_sfcr: false, fault: "NONE" }), now)).toBe(false);
  });
});

describe("the statement (A4)", () => {
  it("is trimmed and 1 to max characters", () => {
    expect(readStatement("  The buyer asked  ", 20)).toEqual({ ok: true, statement: "The buyer asked" });
    expect(readStatement("   ", 20)).toEqual({ ok: false, problem: "missing" });
    expect(readStatement("x".repeat(21), 20)).toEqual({ ok: false, problem: "too_long" });
  });
});

describe("a refused appeal with photos", () => {
  it("is the API's last word on a 4xx, so the next Confirm goes under a new Idempotency-Key", () => {
    // INVALID_EVIDENCE is kept under its key: the same key with the refused file removed would be a 422.
    expect(new ApiError(400, "INVALID_EVIDENCE", "", { evidence_id: "evd_1", problem: "WRONG_TYPE" }).final)
      .toBe(true);
    expect(new ApiError(409, "APPEAL_EXISTS", "").final).toBe(true);
    // A lost answer or a 5xx: the resend is the same request, under the same key.
    expect(new ApiError(0, "NETWORK", "").final).toBe(false);
    expect(new ApiError(503, "SERVICE_BUSY", "").final).toBe(false);
  });
});
