import type { RowActionState } from "../hooks/useRowActions";
import type { Previewer } from "../hooks/useCancelPreview";
import type { Declare } from "../hooks/usePhotos";
import type { ReasonCatalogue } from "../types";
import { AppealDialog } from "./AppealDialog";
import { CancelDialog } from "./CancelDialog";
import { OfferDialog } from "./OfferDialog";
import { RejectDialog } from "./RejectDialog";

interface Props {
  state: RowActionState;
  catalogue: ReasonCatalogue | null;
  busy: boolean;
  preview: Previewer;
  declare: Declare;
}

/** The dialog a row's action opened, if any: Cancel order, Reject cancellation request, Make an offer or Appeal. */
export function OrderDialogs({ state, catalogue, busy, preview, declare }: Props) {
  const { dialog, dialogError, closeDialog, confirmCancel, confirmReject, confirmOffer, confirmAppeal } = state;
  if (!dialog || !catalogue) return null;
  if (dialog.kind === "appeal") {
    return (
      <AppealDialog order={dialog.row.order} catalogue={catalogue} error={dialogError} busy={busy}
        declare={declare} onClose={closeDialog} onConfirm={confirmAppeal} />
    );
  }
  if (dialog.kind === "cancel") {
    return (
      <CancelDialog order={dialog.row.order} catalogue={catalogue} error={dialogError} busy={busy}
        onClose={closeDialog} preview={preview} onConfirm={(reason, lineItems) => confirmCancel(reason, lineItems)} />
    );
  }
  if (!dialog.row.request) return null;
  if (dialog.kind === "offer") {
    return (
      <OfferDialog order={dialog.row.order} catalogue={catalogue} error={dialogError} busy={busy}
        onClose={closeDialog} onConfirm={confirmOffer} />
    );
  }
  return (
    <RejectDialog order={dialog.row.order} catalogue={catalogue} error={dialogError} busy={busy}
      declare={declare} onClose={closeDialog} onConfirm={confirmReject} />
  );
}
