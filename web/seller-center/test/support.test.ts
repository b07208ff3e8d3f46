import { afterEach, describe, expect, it } from "vitest";
import { applyLanguage } from "../src/messages";
import { supportNote } from "../src/support";
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
