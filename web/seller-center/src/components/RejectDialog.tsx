import { useState } from "preact/hooks";
import { messages } from "../messages";
import { rejectReasons } from "../reasons";
import type { Order, ReasonCatalogue, RejectCode } from "../types";
import { Dialog } from "./Dialog";

interface Props {
  order: Order;
  catalogue: ReasonCatalogue;
  error: string | null;
  busy: boolean;
  onConfirm: (reason: RejectCode, comment: string | null) => void;
  onClose: () => void;
}

/** Reject a buyer's request: a reason the seller may give, an optional comment, then Confirm. */
export function RejectDialog({ order, catalogue, error, busy, onConfirm, onClose }: Props) {
  const [reason, setReason] = useState<RejectCode | "">("");
  const [comment, setComment] = useState("");
  const [missing, setMissing] = useState(false);

  return (
    <Dialog title={messages.rejectDialog} onClose={onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!reason) setMissing(true);
          else onConfirm(reason, comment.trim() || null);
        }}
      >
        <p>{messages.cancelDialogOrder(order.order_id)}</p>
        <label for="reject-reason">{messages.rejectionReason}</label>
        <select
          id="reject-reason"
          value={reason}
          required
          data-autofocus
          onChange={(event) => {
            setReason((event.currentTarget as HTMLSelectElement).value as RejectCode | "");
            setMissing(false);
          }}
        >
          <option value="">{messages.chooseReason}</option>
          {rejectReasons(catalogue).map((choice) => (
            // The page sends no files yet: a reason that needs one is shown, but cannot be chosen here.
            <option key={choice.reason} value={choice.reason} disabled={choice.evidence_required}>
              {choice.label}{choice.evidence_required ? messages.needsPhoto : ""}
            </option>
          ))}
        </select>
        <label for="reject-comment">{messages.comment}</label>
        <textarea
          id="reject-comment"
          maxLength={catalogue.limits.max_comment_length}
          rows={3}
          value={comment}
          aria-describedby="reject-comment-hint"
          onInput={(event) => setComment((event.currentTarget as HTMLTextAreaElement).value)}
        />
        <p id="reject-comment-hint" class="hint">{messages.commentHint(catalogue.limits.max_comment_length)}</p>
        {(missing || error) && <p role="alert" class="error">{missing ? messages.chooseReason : error}</p>}
        <div class="dialog-actions">
          <button type="submit" disabled={busy}>{messages.confirm}</button>
        </div>
      </form>
    </Dialog>
  );
}
