// The API's warnings in the page's language: each from its stable code and the data beside it, as errors are from
// theirs. A code the catalogue lacks shows the API's English `warning`.
import { formatPercentTo } from "./format";
import { describeLines } from "./items";
import { messages } from "./messages";
import type { CancelPreview, Handover } from "./types";

/** What the SFCR band warning says: the rates and caps written in the page's language, the standings as codes. */
export interface BandMove {
  rateNow: string;
  rateAfter: string;
  standingNow: string;
  standingAfter: string;
  capNow: string;
  capAfter: string;
  capDrops: boolean;
}

/** The handover warning (V6), or null when the order has none. */
export function handoverText(handover: Handover): string | null {
  const sentences = messages.handoverWarnings;
  switch (handover.warning_code) {
    case "NO_HANDOVER":
    case "PENDING_REQUEST":
      return sentences[handover.warning_code]();
    case "PARTLY_CANCELLED":
      return sentences.PARTLY_CANCELLED(describeLines(handover.cancelled_items));
    default:
      return handover.warning;
  }
}

/** The cancel preview's warning (T4): the band it would move the seller into, or null. */
export function previewWarningText(preview: CancelPreview): string | null {
  if (preview.warning_code !== "SFCR_BAND_WORSENS") return preview.warning;
  const { sfcr_now: now, sfcr_after: after } = preview;
  return messages.previewWarnings.SFCR_BAND_WORSENS({
    // One decimal for the rates, none for the caps: the API's English sentence writes them so.
    rateNow: formatPercentTo(now.rate, 1),
    rateAfter: formatPercentTo(after.rate, 1),
    standingNow: now.standing,
    standingAfter: after.standing,
    capNow: formatPercentTo(now.order_volume_cap, 0),
    capAfter: formatPercentTo(after.order_volume_cap, 0),
    capDrops: after.order_volume_cap < now.order_volume_cap,
  });
}
