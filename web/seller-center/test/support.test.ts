import { afterEach, describe, expect, it } from "vitest";
import { applyLanguage } from "../src/messages";
import { causeOf, supportNote } from "../src/support";
import type { Cancellation } from "../src/types";

afterEach(() => applyLanguage("en"));

function made(initiator: Cancellation["initiator"], actor: Cancellation["actor"]): Cancellation {
  // Only what supportNote reads; the rest of a cancellation does not matter to it.
  return { initiator, actor } as Cancellation;
}

describe("the support desk's note (SD8)", () => {
  it("says support cancelled on the seller's behalf, with the ticket", () => {
    const byOperator = made("SELLER", { role: "OPERATOR", id: "OP1", ticket: "T-123" });
    expect(supportNote(byOperator)).toBe("Cancelled by support on your behalf (ticket T-123)");
    applyLanguage("id");
    expect(supportNote(byOperator)).toBe("Dibatalkan oleh tim dukungan atas nama Anda (tiket T-123)");
  });

  it("says support asked on the buyer's behalf", () => {
    expect(supportNote(made("BUYER", { role: "OPERATOR", id: "OP1", ticket: "T-9" })))
      .toBe("Requested by support on the buyer's behalf (ticket T-9)");
  });

  it("says nothing of a cancellation a party made itself", () => {
    expect(supportNote(made("SELLER", { role: "SELLER", id: "S1", ticket: null }))).toBeNull();
    expect(supportNote(made("BUYER", { role: "BUYER", id: "B1", ticket: null }))).toBeNull();
    expect(supportNote(null)).toBeNull();
  });
});

describe("the status details' cause", () => {
  it("names support, not the seller, for an operator's cancel on the seller's behalf", () => {
    const byOperator = { ...made("SELLER", { role: "OPERATOR", id: "OP1", ticket: "T-1" }),
      status: "SELLER_CANCELLED", auto_approve_cause: null } as Cancellation;
    expect(causeOf(byOperator)).toBe("cancelled by support on your behalf");
    applyLanguage("id");
    expect(causeOf(byOperator)).toBe("dibatalkan oleh tim dukungan atas nama Anda");
  });

  it("keeps the seller's own cancel and the job's causes as they were", () => {
    const own = { ...made("SELLER", { role: "SELLER", id: "S1", ticket: null }),
      status: "SELLER_CANCELLED", auto_approve_cause: null } as Cancellation;
    expect(causeOf(own)).toBe("cancelled by you");
  });
});
