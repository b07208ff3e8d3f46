import { useState } from "preact/hooks";
import { formatMoney } from "../format";
import { type Previewer, useCancelPreview } from "../hooks/useCancelPreview";
import {
  type ChoiceProblem, type ItemChoice, type LineToCancel, readChoice, remainingLines, remainingOf, wholeOrderChoice,
} from "../items";
import { messages } from "../messages";
import { allowsPartialCancel, cancelReasonsFor, countsTowardSfcr } from "../reasons";
import type { Order, ReasonCatalogue, SellerCancelCode } from "../types";
import { Dialog } from "./Dialog";
import { SfcrWarning } from "./SfcrWarning";

interface Props {
  order: Order;
  catalogue: ReasonCatalogue;
  error: string | null;
  busy: boolean;
  /** `lineItems` null: the whole order; `lines` is what is cancelled either way. */
  onConfirm: (reason: SellerCancelCode, lineItems: LineToCancel[] | null, lines: LineToCancel[]) => void;
  onClose: () => void;
  preview: Previewer;
}

const problemText = (problem: ChoiceProblem) =>
  problem.kind === "nothing" ? messages.nothingChosen : messages.quantityProblem(problem.sku, problem.max);

/**
 * More Actions > Cancel: a reason valid for the order's status; for one the catalogue says `partial_allowed`, which
 * items and how many (every remaining item at first: the whole order), with the refund the preview answers; then
 * Confirm.
 */
export function CancelDialog({ order, catalogue, error, busy, onConfirm, onClose, preview }: Props) {
  const [reason, setReason] = useState<SellerCancelCode | "">("");
  const [missing, setMissing] = useState(false);
  const [choice, setChoice] = useState<ItemChoice>(() => wholeOrderChoice(order));
  const [problem, setProblem] = useState<ChoiceProblem | null>(null);
  const choices = cancelReasonsFor(catalogue, order.status);
  const warn = reason !== "" && countsTowardSfcr(catalogue, reason);
  const lines = remainingLines(order);
  const picking = allowsPartialCancel(catalogue, reason) && lines.length > 0;
  const read = picking ? readChoice(order, choice) : null;
  const chosen = read?.ok ? read.lineItems : null;
  // The SFCR warning and the picker's refund both read the preview of the body the cancel would send.
  const previewed = useCancelPreview(preview, order.order_id, reason || null, chosen, warn || picking,
    !read || read.ok);
  const refund = read?.ok && previewed.shown?.allowed ? previewed.shown.refund : null;
  const shown = missing ? messages.chooseReason : problem ? problemText(problem) : error;

  return (
    <Dialog title={messages.cancelDialog} onClose={onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!reason) {
            setMissing(true);
          } else if (read && !read.ok) {
            setProblem(read.problem);
          } else if (read?.ok) {
            onConfirm(reason, read.lineItems, read.lines);
          } else {
            onConfirm(reason, null, lines.map((line) => ({ sku: line.sku, quantity: remainingOf(line) })));
          }
        }}
      >
        <p>{messages.cancelDialogOrder(order.order_id)}</p>
        {choices.length === 0 && <p>{messages.noReasons}</p>}
        <label for="cancel-reason">{messages.cancellationReason}</label>
        <select
          id="cancel-reason"
          value={reason}
          required
          data-autofocus
          aria-describedby={warn ? "sfcr-warning" : undefined}
          onChange={(event) => {
            setReason((event.currentTarget as HTMLSelectElement).value as SellerCancelCode | "");
            setMissing(false);
            setProblem(null);
          }}
        >
          <option value="">{messages.chooseReason}</option>
          {choices.map((choice) => (
            <option key={choice.reason} value={choice.reason}>{choice.label}</option>
          ))}
        </select>
        {warn && <SfcrWarning preview={previewed} />}
        {picking && (
          <fieldset class="items" aria-describedby="items-hint">
            <legend>{messages.itemsToCancel}</legend>
            <p id="items-hint" class="hint">{messages.itemsHint}</p>
            {lines.map((line) => {
              const id = `cancel-qty-${line.sku}`;
              const invalid = problem?.kind === "quantity" && problem.sku === line.sku;
              return (
                <div class="item-line" key={line.sku}>
                  <label for={id}>{messages.quantityToCancel(line.sku, remainingOf(line))}</label>
                  <input id={id} type="number" inputMode="numeric" min={0} max={remainingOf(line)} step={1}
                    value={choice[line.sku] ?? ""} aria-invalid={invalid || problem?.kind === "nothing"}
                    aria-describedby={`${id}-price`}
                    onInput={(event) => {
                      const value = (event.currentTarget as HTMLInputElement).value;
                      setChoice((now) => ({ ...now, [line.sku]: value }));
                      setProblem(null);
                    }} />
                  <span id={`${id}-price`} class="hint">{messages.unitPrice(formatMoney(line.unit_price))}</span>
                </div>
              );
            })}
            <p class="items-summary" aria-live="polite" aria-busy={previewed.pending}>
              {read?.ok && (read.lineItems === null ? messages.wholeOrderNote : "")}
              {read?.ok && refund && ` ${messages.refundPreview(formatMoney(refund))}`}
            </p>
          </fieldset>
        )}
        {shown && <p role="alert" class="error">{shown}</p>}
        <div class="dialog-actions">
          <button type="submit" disabled={busy}>{messages.confirm}</button>
        </div>
      </form>
    </Dialog>
  );
}
