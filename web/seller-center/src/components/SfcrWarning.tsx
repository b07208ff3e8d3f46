import { useEffect, useRef, useState } from "preact/hooks";
import { cancelBody } from "../api";
import { formatPercent } from "../format";
import type { LineToCancel } from "../items";
import { messages } from "../messages";
import type { CancelPreview, Order } from "../types";

export type Previewer = (orderId: string, body: ReturnType<typeof cancelBody>) => Promise<CancelPreview>;

interface Props {
  order: Order;
  reason: string;
  lineItems: LineToCancel[] | null;
  /** False while the item picker holds a choice the cancel would refuse: the last preview stays. */
  valid: boolean;
  preview: Previewer;
}

/**
 * What the Cancel dialog says about a seller-fault reason: that it counts, then, from the cancel preview of this
 * very body (T3, T4), the rate now → after and the API's warning when the standing or cap would get worse. A
 * preview that fails leaves the sentence alone: the cancel itself still answers for itself.
 */
export function SfcrWarning({ order, reason, lineItems, valid, preview }: Props) {
  const [shown, setShown] = useState<CancelPreview | null>(null);
  const [pending, setPending] = useState(false);
  const latest = useRef(0);
  const items = JSON.stringify(lineItems);

  useEffect(() => {
    if (!valid) return;
    const mine = ++latest.current;
    setPending(true); // the last answer stays until this one arrives: no flicker while typing
    const settle = (answer: CancelPreview | null) => {
      if (mine !== latest.current) return;
      setShown(answer);
      setPending(false);
    };
    preview(order.order_id, cancelBody(reason, null, lineItems)).then(settle, () => settle(null));
    // `items` stands for lineItems: a new array of the same lines is the same body.
  }, [order.order_id, reason, items, valid, preview]);

  const now = shown ? formatPercent(shown.sfcr_now.rate) : "";
  const after = shown ? formatPercent(shown.sfcr_after.rate) : "";
  return (
    <div class="warning" id="sfcr-warning">
      <p><span class="warn-mark" aria-hidden="true">!</span> {messages.sfcrWarning}</p>
      <div aria-live="polite" aria-busy={pending} class="sfcr-preview">
        {shown && !shown.allowed && shown.problem && <p>{shown.problem.message}</p>}
        {shown?.allowed && (
          <p class="sfcr-move">{shown.sfcr_now.rate === shown.sfcr_after.rate
            ? messages.sfcrUnchanged(now) : messages.sfcrMove(now, after)}</p>
        )}
        {shown?.allowed && shown.warning && <p class="sfcr-preview-warning"><strong>{shown.warning}</strong></p>}
      </div>
    </div>
  );
}
