import { useEffect, useRef, useState } from "preact/hooks";
import { readStatement, type StatementProblem } from "../appeals";
import { type Declare, usePhotos } from "../hooks/usePhotos";
import { messages } from "../messages";
import type { Order, ReasonCatalogue } from "../types";
import { Dialog } from "./Dialog";
import { PhotoPicker } from "./PhotoPicker";

interface Props {
  order: Order;
  catalogue: ReasonCatalogue;
  error: string | null;
  busy: boolean;
  /** POST /seller/evidence: each photo is declared, then uploaded straight to S3, before the appeal. */
  declare: Declare;
  /** `files`: each attached photo's name by its evidence id, to name one the API refuses. */
  onConfirm: (statement: string, evidenceIds: string[], files: Map<string, string>) => void;
  onClose: () => void;
}

/** Appeal a seller-fault cancellation (A1–A4): why it was not the seller's fault, optional photos (as on a reject,
 * E1–E3), then Confirm: the statement is checked, the photos uploaded one by one, then the appeal sends their ids. */
export function AppealDialog({ order, catalogue, error, busy, declare, onConfirm, onClose }: Props) {
  const [statement, setStatement] = useState("");
  const [problem, setProblem] = useState<StatementProblem | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const photos = usePhotos(catalogue.limits);
  const working = busy || photos.uploading;
  const max = catalogue.limits.max_appeal_text_length;
  const shown = problem ? messages.statementProblem(problem, max) : failed ?? error;
  // A photo chosen or removed answers the last refusal of one: it goes until the next Confirm.
  useEffect(() => setFailed(null), [photos.list.length]);
  // Closed (Escape, ×) while the photos were uploading: the seller called it off, so no appeal follows.
  const open = useRef(true);
  useEffect(() => () => {
    open.current = false;
  }, []);

  const submit = async () => {
    const read = readStatement(statement, max);
    if (!read.ok) return setProblem(read.problem); // before any upload: a file goes up only for an appeal sent
    setFailed(null);
    const uploaded = await photos.upload(declare);
    if (!open.current) return;
    if (!uploaded.ok) return setFailed(uploaded.error);
    onConfirm(read.statement, uploaded.ids, uploaded.names);
  };

  return (
    <Dialog title={messages.appealDialog} onClose={onClose}>
      <form
        noValidate
        aria-busy={working}
        onSubmit={(event) => {
          event.preventDefault();
          if (!working) void submit();
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
        <PhotoPicker photos={photos} limits={catalogue.limits} needed={false} disabled={working} />
        {shown && <p role="alert" class="error">{shown}</p>}
        <div class="dialog-actions">
          <button type="submit" disabled={working}>{messages.confirm}</button>
        </div>
      </form>
    </Dialog>
  );
}
