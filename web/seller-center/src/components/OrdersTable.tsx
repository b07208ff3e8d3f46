import { refusalText, type RowResult, selectableIds } from "../bulk";
import { mayAppeal } from "../appeals";
import { countdownText, formatLocalTime, formatMoney, formatUtc } from "../format";
import { cancelledLines, describeLines } from "../items";
import { messages } from "../messages";
import { mayOffer, offerOpen } from "../offers";
import { mayCancel, reasonLabel } from "../reasons";
import { noHandoverWarning, type Row } from "../rows";
import { causeOf, supportNote } from "../support";
import type { Cancellation, ReasonCatalogue } from "../types";
import { RejectedRequest } from "./Evidence";
import { MenuButton } from "./MenuButton";
import { Time } from "./Time";
import { Tooltip } from "./Tooltip";

export interface RowActions {
  approve: (row: Row, opener: HTMLButtonElement) => void;
  reject: (row: Row, opener: HTMLButtonElement) => void;
  cancel: (row: Row, opener: HTMLButtonElement) => void;
  acknowledge: (row: Row, opener: HTMLButtonElement) => void;
  offer: (row: Row, opener: HTMLButtonElement) => void;
  appeal: (row: Row, opener: HTMLButtonElement) => void;
}

/** Row selection for Approve selected (T1): the pending requests checked, and the last call's results. */
export interface Selection {
  selected: ReadonlySet<string>;
  onToggle: (cancelId: string, on: boolean) => void;
  /** By order id: what the last Approve selected answered for it. */
  results: ReadonlyMap<string, RowResult>;
}

interface Props {
  caption: string;
  rows: Row[];
  now: number;
  catalogue: ReasonCatalogue | null;
  actions: RowActions;
  busy: boolean;
  selection: Selection;
}

export function OrdersTable({ caption, rows, now, catalogue, actions, busy, selection }: Props) {
  const c = messages.columns;
  if (rows.length === 0) return <p class="empty">{messages.noOrders}</p>;
  const selectable = selectableIds(rows).length > 0;
  return (
    <table role="table" class="orders">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr role="row">
          {selectable && (
            <th role="columnheader" scope="col" class="select">{messages.selectColumn}</th>
          )}
          <th role="columnheader" scope="col">{c.order}</th>
          <th role="columnheader" scope="col">{c.placed}</th>
          <th role="columnheader" scope="col">{c.buyer}</th>
          <th role="columnheader" scope="col">{c.total}</th>
          <th role="columnheader" scope="col">{c.status}</th>
          <th role="columnheader" scope="col">{c.actions}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <OrderRow key={row.order.order_id} row={row} now={now} catalogue={catalogue} actions={actions} busy={busy}
            selection={selection} selectColumn={selectable} />
        ))}
      </tbody>
    </table>
  );
}

function OrderRow({ row, now, catalogue, actions, busy, selection, selectColumn }: {
  row: Row; now: number; catalogue: ReasonCatalogue | null; actions: RowActions; busy: boolean;
  selection: Selection; selectColumn: boolean;
}) {
  const { order, request, cancellation, accepted, rejected } = row;
  // While the offer waits for the buyer, the API refuses approve and reject (OF3): they are not offered.
  const answerable = request !== null && !offerOpen(request);
  const result = selection.results.get(order.order_id);
  const refusal = result ? refusalText(result) : null;
  const c = messages.columns;
  const cancelled = cancelledLines(order);
  const cancellable = catalogue !== null && request === null && mayCancel(catalogue, order.status);
  return (
    <tr role="row" data-order={order.order_id}>
      {selectColumn && (
        <td role="cell" class="select" data-label={messages.selectColumn}>
          {answerable && request && (
            <input type="checkbox" aria-label={messages.selectRow(order.order_id)} disabled={busy}
              checked={selection.selected.has(request.cancel_id)}
              onChange={(event) => selection.onToggle(request.cancel_id, (event.currentTarget as HTMLInputElement).checked)} />
          )}
        </td>
      )}
      <th role="rowheader" scope="row" data-label={c.order}>{order.order_id}</th>
      <td role="cell" data-label={c.placed}><Time iso={order.placed_at} /></td>
      <td role="cell" data-label={c.buyer}>{order.buyer_id}</td>
      <td role="cell" data-label={c.total}>
        {formatMoney(order.total)}
        {order.status !== "CANCELLED" && order.remaining_total.amount !== order.total.amount && (
          <span class="remaining">{messages.remaining(formatMoney(order.remaining_total))}</span>
        )}
        {cancelled.length > 0 && order.status !== "CANCELLED" && (
          <span class="cancelled-items">{messages.cancelledItems}: {describeLines(cancelled)}</span>
        )}
      </td>
      <td role="cell" data-label={c.status}>
        <Status row={row} catalogue={catalogue} />
        {request && (
          <p class="request">
            <span>{messages.pendingRequest}: {reasonLabel(catalogue, request.reason)}</span>
            {request.offer && <OfferState cancellation={request} />}
            {request.respond_by && (
              <span class="countdown">
                <time dateTime={request.respond_by} title={`${c.deadline} ${formatUtc(request.respond_by)}`}>
                  {countdownText(request.respond_by, now)}
                </time>
              </span>
            )}
          </p>
        )}
        {accepted && !request && <p class="request"><OfferState cancellation={accepted} /></p>}
        {supportNote(request ?? cancellation) && <p class="by-support">{supportNote(request ?? cancellation)}</p>}
        {rejected && !request && <RejectedRequest cancellation={rejected} catalogue={catalogue} />}
        {order.promised_ship_by && order.status !== "CANCELLED" && (
          <p class="offer">{messages.promisedShipBy(formatLocalTime(order.promised_ship_by))}</p>
        )}
        {cancellation?.appeal && (
          <p class="appeal" data-appeal-status={cancellation.appeal.status}>
            {messages.appealState(cancellation.appeal.status)}
          </p>
        )}
        {noHandoverWarning(order) && <p class="warning">{noHandoverWarning(order)}</p>}
        {refusal && <p class="error">{messages.rowRefused(refusal)}</p>}
      </td>
      <td role="cell" data-label={c.actions}>
        <div class="actions" role="group" aria-label={messages.actionsFor(order.order_id)}>
          {answerable && request && (
            <>
              <button type="button" disabled={busy} aria-description={messages.approveFor(order.order_id)}
                onClick={(event) => actions.approve(row, event.currentTarget)}>
                {messages.approve}
              </button>
              <button type="button" class="secondary" disabled={busy}
                aria-description={messages.rejectFor(order.order_id)}
                onClick={(event) => actions.reject(row, event.currentTarget)}>
                {messages.reject}
              </button>
              {mayOffer(request, now) && (
                <button type="button" class="secondary" disabled={busy}
                  aria-description={messages.makeOfferFor(order.order_id)}
                  onClick={(event) => actions.offer(row, event.currentTarget)}>
                  {messages.makeOffer}
                </button>
              )}
            </>
          )}
          {cancellation?.status === "AUTO_APPROVED" && cancellation.acknowledged_at === null && (
            <button type="button" class="secondary" disabled={busy}
              aria-description={messages.markSeenFor(order.order_id)}
              onClick={(event) => actions.acknowledge(row, event.currentTarget)}>
              {messages.markSeen}
            </button>
          )}
          {cancellation && mayAppeal(cancellation, now) && (
            <button type="button" class="secondary" disabled={busy}
              aria-description={messages.appealFor(order.order_id)}
              onClick={(event) => actions.appeal(row, event.currentTarget)}>
              {messages.appeal}
            </button>
          )}
          {cancellable && (
            <MenuButton label={messages.moreActions} description={messages.moreActionsFor(order.order_id)}
              items={[{ label: messages.cancel, onSelect: (opener) => actions.cancel(row, opener) }]} />
          )}
        </div>
      </td>
    </tr>
  );
}

/** The status; for a cancelled order, a focusable status whose tooltip says who cancelled, when, why and how. */
function Status({ row, catalogue }: { row: Row; catalogue: ReasonCatalogue | null }) {
  const { order, cancellation } = row;
  const text = messages.orderStatus(order.status);
  if (!cancellation) return <span class="status">{text}</span>;
  return (
    <Tooltip trigger={(id) => (
      <button type="button" class="status-button" aria-describedby={id}>{text}</button>
    )}>
      <p class="tip-title">{messages.statusDetails(order.order_id)}</p>
      <dl>
        <div><dt>{messages.cancellationStatus(cancellation.status)}</dt>
          <dd>{supportNote(cancellation) ?? messages.cancelledBy(cancellation.initiator)}</dd></div>
        <div><dt>{messages.cancelledAt}</dt>
          <dd><Time iso={cancellation.resolved_at ?? cancellation.requested_at} /></dd></div>
        <div><dt>{messages.reasonLabel}</dt><dd>{reasonLabel(catalogue, cancellation.reason)}</dd></div>
        <div><dt>{messages.causeLabel}</dt>
          <dd>{causeOf(cancellation)}</dd></div>
        <div><dt>{messages.refundLabel}</dt><dd><Refund cancellation={cancellation} /></dd></div>
      </dl>
    </Tooltip>
  );
}

/** What the buyer gets back (M6): the amount and where it stands; once refunded, when and the payment's reference. */
function Refund({ cancellation }: { cancellation: Cancellation }) {
  const { refund, refund_status: status, refunded_at: at, refund_reference: reference } = cancellation;
  return (
    <>
      {messages.refund(status, refund ? formatMoney(refund) : null)}
      {status === "REFUNDED" && at && <> <Time iso={at} /></>}
      {status === "REFUNDED" && reference && <span class="reference">{messages.refundReference(reference)}</span>}
    </>
  );
}

/** The seller's offer on a request (OF1–OF8): its terms and where it stands; while open, the buyer's deadline. */
function OfferState({ cancellation }: { cancellation: Cancellation }) {
  const offer = cancellation.offer;
  if (!offer) return null;
  const terms = messages.offerTerms(offer.kind, offer.amount ? formatMoney(offer.amount) : null,
    offer.ship_by ? formatLocalTime(offer.ship_by) : null);
  return (
    <span class="offer" data-offer-status={offer.status}>
      <span class="offer-terms">{terms}</span>
      <span class="offer-state">
        {offer.status === "OPEN" ? (
          <time dateTime={offer.answer_by} title={`${messages.buyerDeadline} ${formatUtc(offer.answer_by)}`}>
            {messages.offerState(offer.status, formatLocalTime(offer.answer_by))}
          </time>
        ) : messages.offerState(offer.status, formatLocalTime(offer.answer_by))}
      </span>
    </span>
  );
}
