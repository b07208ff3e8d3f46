import { responseWindowText } from "../format";
import { messages } from "../messages";
import type { ActionNeeded } from "../types";
import { Tooltip } from "./Tooltip";

interface Props {
  counts: ActionNeeded | null;
  responseWindowSeconds: number;
  onChoose: () => void;
}

/** The Cancellation entry: its total; hovering or focusing it shows the two kinds with a View link each. */
export function CancellationEntry({ counts, responseWindowSeconds, onChoose }: Props) {
  const cancellation = counts?.cancellation;
  return (
    <Tooltip class="entry-wrap" trigger={(id) => (
      <button type="button" class="entry" aria-describedby={id} onClick={onChoose}>
        <span class="entry-name">{messages.cancellation}</span>{" "}
        <span class="count">{cancellation?.total ?? "…"}</span>
      </button>
    )}>
      <ul class="tip-rows">
        <li>
          <span>{messages.autoApproved}</span> <span class="count">{cancellation?.auto_approved ?? "…"}</span>{" "}
          <a href="#cancelled" aria-label={messages.viewAutoApproved}>{messages.view}</a>
        </li>
        <li>
          <span>{messages.requested}</span> <span class="count">{cancellation?.cancellation_requested ?? "…"}</span>{" "}
          <a href="#requests" aria-label={messages.viewRequested}>{messages.view}</a>
        </li>
        {typeof cancellation?.due_soon === "number" && (
          <li><span>{messages.dueSoon}</span> <span class="count">{cancellation.due_soon}</span></li>
        )}
        {/* Only when some offer waits: a shop that makes none sees the tooltip it always had. */}
        {(cancellation?.awaiting_buyer ?? 0) > 0 && (
          <li><span>{messages.awaitingBuyer}</span> <span class="count">{cancellation?.awaiting_buyer}</span></li>
        )}
      </ul>
      <p class="tip-note">{responseWindowText(responseWindowSeconds)}</p>
    </Tooltip>
  );
}
