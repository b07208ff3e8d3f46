import { useState } from "preact/hooks";
import { messages } from "../messages";
import { cancelReasonsFor, countsTowardSfcr } from "../reasons";
import type { Order, ReasonCatalogue } from "../types";
import { Dialog } from "./Dialog";
import { SfcrWarning } from "./SfcrWarning";

interface Props {
  order: Order;
  catalogue: ReasonCatalogue;
  error: string | null;
  busy: boolean;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}

/** More Actions > Cancel: a reason valid for the order's status, then Confirm. */
export function CancelDialog({ order, catalogue, error, busy, onConfirm, onClose }: Props) {
  const [reason, setReason] = useState("");
  const [missing, setMissing] = useState(false);
  const choices = cancelReasonsFor(catalogue, order.status);
  const warn = reason !== "" && countsTowardSfcr(catalogue, reason);

  return (
    <Dialog title={messages.cancelDialog} onClose={onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!reason) setMissing(true);
          else onConfirm(reason);
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
            setReason((event.currentTarget as HTMLSelectElement).value);
            setMissing(false);
          }}
        >
          <option value="">{messages.chooseReason}</option>
          {choices.map((choice) => (
            <option key={choice.reason} value={choice.reason}>{messages.reason(choice.reason)}</option>
          ))}
        </select>
        {warn && <SfcrWarning order={order} reason={reason} />}
        {(missing || error) && <p role="alert" class="error">{missing ? messages.chooseReason : error}</p>}
        <div class="dialog-actions">
          <button type="submit" disabled={busy}>{messages.confirm}</button>
        </div>
      </form>
    </Dialog>
  );
}
