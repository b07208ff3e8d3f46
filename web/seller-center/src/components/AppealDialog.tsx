import { useState } from "preact/hooks";
import { readStatement, type StatementProblem } from "../appeals";
import { messages } from "../messages";
import type { Order, ReasonCatalogue } from "../types";
import { Dialog } from "./Dialog";

interface Props {
  order: Order;
  catalogue: ReasonCatalogue;
  error: string | null;
  busy: boolean;
  onConfirm: (statement: string) => void;
  onClose: () => void;
}

/** Appeal a seller-fault cancellation (A1–A4): why it was not the seller's fault, then Confirm. Files are attached
 * through the API for now (evidence_ids). */
export function AppealDialog({ order, catalogue, error, busy, onConfirm, onClose }: Props) {
  const [statement, setStatement] = useState("");
  const [problem, setProblem] = useState<StatementProblem | null>(null);
  const max = catalogue.limits.max_appeal_text_length;
  const shown = problem ? messages.statementProblem(problem, max) : error;
  return (
    <Dialog title={messages.appealDialog} onClose={onClose}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const read = readStatement(statement, max);
          if (read.ok) onConfirm(read.statement);
          else setProblem(read.problem);
        }}
      >
        <p>{messages.cancelDialogOrder(order.order_id)}</p>
        <p class="hint">{messages.appealHint}</p>
        <label for="appeal-statement">{messages.appealStatement}</label>
        <textarea id="appeal-statement" rows={4} maxLength={max} value={statement} data-autofocus
          aria-invalid={problem ? true : undefined} aria-describedby="appeal-statement-hint"
          onInput={(event) => {
            setStatement((event.currentTarget as HTMLTextAreaElement).value);
            setProblem(null);
          }} />
        <p id="appeal-statement-hint" class="hint">{messages.commentHint(max)}</p>
        {shown && <p role="alert" class="error">{shown}</p>}
        <div class="dialog-actions">
          <button type="submit" disabled={busy}>{messages.confirm}</button>
        </div>
      </form>
    </Dialog>
  );
}
