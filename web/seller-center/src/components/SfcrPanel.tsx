import { formatDate, formatPercent } from "../format";
import { messages } from "../messages";
import type { Sfcr } from "../types";

/** The seller-fault cancellation rate over its window: rate, target, standing, cap and the window's dates. */
/** The window is in market calendar days, so its dates are shown in the market's zone. */
export function SfcrPanel({ sfcr, marketTimeZone }: { sfcr: Sfcr | null; marketTimeZone: string }) {
  return (
    <section class="panel sfcr" aria-labelledby="sfcr-heading">
      <h2 id="sfcr-heading">{messages.sfcrHeading}</h2>
      {sfcr ? (
        <dl>
          <div><dt>{messages.sfcrRate}</dt><dd>{formatPercent(sfcr.rate)}</dd></div>
          <div><dt>{messages.sfcrTarget}</dt><dd>{formatPercent(sfcr.target)}</dd></div>
          <div><dt>{messages.sfcrStanding}</dt><dd>{messages.standing(sfcr.standing)}</dd></div>
          <div><dt>{messages.sfcrCap}</dt><dd>{formatPercent(sfcr.order_volume_cap)}</dd></div>
          <div>
            <dt>{messages.sfcrWindow}</dt>
            <dd>{messages.windowDates(formatDate(sfcr.window.from, undefined, marketTimeZone),
              formatDate(sfcr.window.to, undefined, marketTimeZone))}</dd>
          </div>
          <div class="wide">
            <dt class="visually-hidden">{messages.sfcrCounted}</dt>
            <dd>{messages.sfcrCounts(sfcr.seller_fault_cancellations, sfcr.orders)}</dd>
          </div>
        </dl>
      ) : <p>{messages.loading}</p>}
    </section>
  );
}
