import { messages } from "../messages";
import type { Order } from "../types";

/**
 * What the Cancel dialog says about a seller-fault reason. The one place that knows it: a preview of the rate
 * before → after (an API that computes it) plugs in here, with the order and reason it is given.
 */
export function SfcrWarning(_props: { order: Order; reason: string }) {
  return (
    <p class="warning" id="sfcr-warning">
      <span class="warn-mark" aria-hidden="true">!</span> {messages.sfcrWarning}
    </p>
  );
}
