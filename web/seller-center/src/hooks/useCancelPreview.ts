import { useEffect, useRef, useState } from "preact/hooks";
import { cancelBody } from "../api";
import type { LineToCancel } from "../items";
import type { CancelBody, CancelPreview, SellerCancelCode } from "../types";

export type Previewer = (orderId: string, body: CancelBody) => Promise<CancelPreview>;

export interface PreviewState {
  /** The latest answer for this dialog's body; null before the first, or when the last one failed. */
  shown: CancelPreview | null;
  /** A newer body is being previewed: the last answer stays until it arrives (no flicker while typing). */
  pending: boolean;
}

/**
 * The cancel preview (T3, T4, M6) of the body the Cancel dialog would send, asked again whenever it changes, the
 * latest answer winning. `active` false (no reason that needs it) asks nothing and forgets the answer; `valid`
 * false (the item picker holds a choice the cancel would refuse) keeps the last answer.
 */
export function useCancelPreview(preview: Previewer, orderId: string, reason: SellerCancelCode | null,
  lineItems: LineToCancel[] | null, active: boolean, valid: boolean): PreviewState {
  const [state, setState] = useState<PreviewState>({ shown: null, pending: false });
  const latest = useRef(0);
  const items = JSON.stringify(lineItems);

  useEffect(() => {
    if (!active || reason === null) {
      latest.current += 1;
      setState({ shown: null, pending: false });
      return;
    }
    if (!valid) return;
    const mine = ++latest.current;
    setState((now) => ({ ...now, pending: true }));
    const settle = (answer: CancelPreview | null) => {
      if (mine === latest.current) setState({ shown: answer, pending: false });
    };
    preview(orderId, cancelBody(reason, null, lineItems)).then(settle, () => settle(null));
    // `items` stands for lineItems: a new array of the same lines is the same body.
  }, [orderId, reason, items, active, valid, preview]);

  return state;
}
