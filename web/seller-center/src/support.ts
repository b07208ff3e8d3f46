// The support desk on the page (SD8): where an operator made a cancellation, the row says so with its ticket.
import { messages } from "./messages";
import type { Cancellation } from "./types";

/** "Cancelled by support on your behalf (ticket T-123)" for a cancellation an operator made, else null. */
export function supportNote(cancellation: Cancellation | null): string | null {
  const actor = cancellation?.actor;
  if (!cancellation || actor?.role !== "OPERATOR") return null;
  return messages.bySupport(cancellation.initiator, actor.ticket ?? "");
}
