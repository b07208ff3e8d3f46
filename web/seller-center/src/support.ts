// The support desk on the page (SD8): where an operator made a cancellation, the row says so with its ticket.
import { messages } from "./messages";
import type { Cancellation } from "./types";

/** "Cancelled by support on your behalf (ticket T-123)" for a cancellation an operator made, else null. */
export function supportNote(cancellation: Cancellation | null): string | null {
  const actor = cancellation?.actor;
  if (!cancellation || actor?.role !== "OPERATOR") return null;
  return messages.bySupport(cancellation.initiator, actor.ticket ?? "");
}

/** The status details' cause: an operator's cancel on the seller's behalf is not "cancelled by you". */
export function causeOf(cancellation: Cancellation): string {
  const { auto_approve_cause: code, actor, initiator, status } = cancellation;
  if (!code && actor?.role === "OPERATOR" && initiator === "SELLER") return messages.causeBySupport;
  return messages.cause(code, status);
}
