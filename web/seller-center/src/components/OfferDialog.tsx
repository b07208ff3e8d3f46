import { useState } from "preact/hooks";
import { formatLocalTime, formatMoney, marketZone } from "../format";
import { messages } from "../messages";
import {
  EMPTY_OFFER, instantToZoned, OFFER_KINDS, type OfferForm, type OfferProblem, readOffer, shipByAheadMs,
} from "../offers";
import type { OfferBody, Order, ReasonCatalogue } from "../types";
import { Dialog } from "./Dialog";

interface Props {
  order: Order;
  catalogue: ReasonCatalogue;
  error: string | null;
  busy: boolean;
  onConfirm: (body: OfferBody) => void;
  onClose: () => void;
}

const DAY_MS = 86_400_000;

/** Make an offer (OF1, OF2): what the seller offers (a radio group), a message, and the amount or the ship-by date
 * its kind takes, checked before any call; then Confirm. */
export function OfferDialog({ order, catalogue, error, busy, onConfirm, onClose }: Props) {
  const [form, setForm] = useState<OfferForm>(EMPTY_OFFER);
  const [problem, setProblem] = useState<OfferProblem | null>(null);
  const maxMessage = catalogue.limits.max_comment_length;
  const ahead = shipByAheadMs(catalogue.limits);
  const zone = marketZone();
  const now = Date.now();
  const latest = now + ahead;
  const change = (fields: Partial<OfferForm>) => {
    setForm((was) => ({ ...was, ...fields }));
    setProblem(null);
  };
  const invalid = (field: OfferProblem["field"]) => problem?.field === field || undefined;
  const shown = problem
    ? messages.offerProblem(problem.field, problem.problem, maxMessage, ahead / DAY_MS)
    : error;

  return (
    <Dialog title={messages.offerDialog} onClose={onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const read = readOffer(form, order.remaining_total, Date.now(), zone, catalogue.limits);
          if (read.ok) onConfirm(read.body);
          else setProblem(read.problem);
        }}
      >
        <p>{messages.cancelDialogOrder(order.order_id)}</p>
        <p class="hint">{messages.offerHint}</p>
        <fieldset class="offer-kinds" aria-invalid={invalid("kind")}>
          <legend>{messages.offerKindLegend}</legend>
          {OFFER_KINDS.map((kind, index) => (
            <label key={kind} class="radio">
              <input type="radio" name="offer-kind" value={kind} checked={form.kind === kind}
                data-autofocus={index === 0 ? true : undefined}
                onChange={() => change({ kind })} />
              {messages.offerKind(kind)}
            </label>
          ))}
        </fieldset>
        <label for="offer-message">{messages.offerMessage}</label>
        <textarea id="offer-message" rows={3} maxLength={maxMessage} value={form.message}
          aria-invalid={invalid("message")} aria-describedby="offer-message-hint"
          onInput={(event) => change({ message: (event.currentTarget as HTMLTextAreaElement).value })} />
        <p id="offer-message-hint" class="hint">{messages.commentHint(maxMessage)}</p>
        {form.kind === "PARTIAL_REFUND" && (
          <>
            <label for="offer-amount">{messages.offerAmount(order.remaining_total.currency)}</label>
            <input id="offer-amount" type="text" inputMode="decimal" autoComplete="off" value={form.amount}
              aria-invalid={invalid("amount")} aria-describedby="offer-amount-hint"
              onInput={(event) => change({ amount: (event.currentTarget as HTMLInputElement).value })} />
            <p id="offer-amount-hint" class="hint">
              {messages.offerAmountHint(formatMoney(order.remaining_total))}
            </p>
          </>
        )}
        {form.kind === "SHIP_BY" && (
          <>
            <label for="offer-ship-by">{messages.offerShipBy}</label>
            <input id="offer-ship-by" type="datetime-local" value={form.shipBy}
              min={instantToZoned(now, zone)} max={instantToZoned(latest, zone)}
              aria-invalid={invalid("ship_by")} aria-describedby="offer-ship-by-hint"
              onInput={(event) => change({ shipBy: (event.currentTarget as HTMLInputElement).value })} />
            <p id="offer-ship-by-hint" class="hint">
              {messages.offerShipByHint(zone, formatLocalTime(new Date(latest).toISOString()))}
            </p>
          </>
        )}
        {shown && <p role="alert" class="error">{shown}</p>}
        <div class="dialog-actions">
          <button type="submit" disabled={busy}>{messages.confirm}</button>
        </div>
      </form>
    </Dialog>
  );
}
