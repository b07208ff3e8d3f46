import { useEffect, useRef, useState } from "preact/hooks";
import { type Declare, usePhotos } from "../hooks/usePhotos";
import { messages } from "../messages";
import { needsPhoto } from "../photos";
import { rejectReasons } from "../reasons";
import type { Order, ReasonCatalogue, RejectCode } from "../types";
import { Dialog } from "./Dialog";
import { PhotoPicker } from "./PhotoPicker";

interface Props {
  order: Order;
  catalogue: ReasonCatalogue;
  error: string | null;
  busy: boolean;
  /** POST /seller/evidence: each photo is declared, then uploaded straight to S3, before the reject. */
  declare: Declare;
  /** `files`: each attached photo's name by its evidence id, to name one the API refuses. */
  onConfirm: (reason: RejectCode, comment: string | null, evidenceIds: string[], files: Map<string, string>) => void;
  onClose: () => void;
}

/** Reject a buyer's request: a reason the seller may give, photos (needed for some reasons, E5), an optional
 * comment, then Confirm: the photos are uploaded one by one, then the reject sends their ids. */
export function RejectDialog({ order, catalogue, error, busy, declare, onConfirm, onClose }: Props) {
  const [reason, setReason] = useState<RejectCode | "">("");
  const [comment, setComment] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const photos = usePhotos(catalogue.limits);
  const needed = reason !== "" && needsPhoto(catalogue, reason) && photos.list.length === 0;
  const working = busy || photos.uploading;
  const shown = problem ?? error;
  // A photo chosen or removed answers the last refusal: it goes until the next Confirm.
  useEffect(() => setProblem(null), [photos.list.length]);
  // Closed (Escape, ×) while the photos were uploading: the seller called it off, so no reject follows.
  const open = useRef(true);
  useEffect(() => () => {
    open.current = false;
  }, []);

  const submit = async () => {
    if (!reason) return setProblem(messages.chooseReason);
    if (needed) return setProblem(messages.photoNeeded);
    setProblem(null);
    const uploaded = await photos.upload(declare);
    if (!open.current) return;
    if (!uploaded.ok) return setProblem(uploaded.error);
    onConfirm(reason, comment.trim() || null, uploaded.ids, uploaded.names);
  };

  return (
    <Dialog title={messages.rejectDialog} onClose={onClose}>
      <form
        noValidate
        aria-busy={working}
        onSubmit={(event) => {
          event.preventDefault();
          if (!working) void submit();
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
            setProblem(null);
          }}
        >
          <option value="">{messages.chooseReason}</option>
          {rejectReasons(catalogue).map((choice) => (
            <option key={choice.reason} value={choice.reason}>
              {choice.label}{choice.evidence_required ? messages.needsPhoto : ""}
            </option>
          ))}
        </select>
        <PhotoPicker photos={photos} limits={catalogue.limits} needed={needed} disabled={working} />
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
        {shown && <p role="alert" class="error">{shown}</p>}
        <div class="dialog-actions">
          <button type="submit" disabled={working}>{messages.confirm}</button>
        </div>
      </form>
    </Dialog>
  );
}
