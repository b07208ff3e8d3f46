import { useState } from "preact/hooks";
import { type Api, ApiError } from "../api";
import type { RowActions } from "../components/OrdersTable";
import { describeLines, type LineToCancel } from "../items";
import { errorText, messages, type Sentence } from "../messages";
import type { Row } from "../rows";
import type { OfferBody, RejectCode, SellerCancelCode } from "../types";
import type { Feedback } from "./useFeedback";

type DialogKind = "cancel" | "reject" | "offer" | "appeal";
/** `key`: the Idempotency-Key of the dialog's call, one per opening, so a resend after a lost answer is the same. */
export type DialogState = { kind: DialogKind; row: Row; opener: HTMLElement; key: string } | null;

export interface RowActionState {
  actions: RowActions;
  dialog: DialogState;
  /** The API's refusal of the dialog's Confirm, shown in the dialog. */
  dialogError: string | null;
  closeDialog: () => void;
  confirmCancel: (reason: SellerCancelCode, lineItems: LineToCancel[] | null) => void;
  confirmReject: (reason: RejectCode, comment: string | null, evidenceIds: string[],
    files: ReadonlyMap<string, string>) => void;
  confirmOffer: (body: OfferBody) => void;
  confirmAppeal: (statement: string, evidenceIds: string[], files: ReadonlyMap<string, string>) => void;
}

/**
 * Each row's actions (approve, mark as seen, and the Cancel and Reject dialogs): success says so and refreshes; a
 * 409 (someone acted first) closes the dialog, refreshes and says what happened. The focus goes back to what opened
 * the action, or to `fallback` when that is gone.
 */
export function useRowActions(api: Api, feedback: Feedback, refresh: () => Promise<void>,
  fallback: () => HTMLElement | null): RowActionState {
  const [dialog, setDialog] = useState<DialogState>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);

  const restoreFocus = (opener: HTMLElement | null) => {
    window.requestAnimationFrame(() => {
      if (opener?.isConnected) opener.focus();
      else fallback()?.focus();
    });
  };

  const act = async (row: Row, run: () => Promise<unknown>, done: Sentence, opener: HTMLElement | null,
    inDialog: boolean, files: ReadonlyMap<string, string> = new Map()) => {
    feedback.start();
    setDialogError(null);
    try {
      await run();
      setDialog(null);
      feedback.setNotice(done);
      await refresh();
      restoreFocus(opener);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setDialog(null);
        feedback.setAlert(() => `${errorText(error)} ${messages.conflict(row.order.order_id)}`);
        await refresh();
        restoreFocus(opener);
      } else if (inDialog && error instanceof ApiError && error.status !== 401 && error.status !== 403) {
        setDialogError(errorText(error, files));
        // Refused for good (a file the API would not attach, say): the seller's next Confirm, changed, is a new
        // request, which the kept refusal's key would answer 422.
        if (error.final) setDialog((open) => open && { ...open, key: crypto.randomUUID() });
      } else {
        setDialog(null);
        feedback.fail(error);
      }
    } finally {
      feedback.setBusy(false);
    }
  };

  const open = (kind: DialogKind, row: Row, opener: HTMLElement) => {
    setDialogError(null);
    setDialog({ kind, row, opener, key: crypto.randomUUID() });
  };

  const actions: RowActions = {
    approve: (row, opener) => {
      const request = row.request;
      if (request) void act(row, () => api.approve(request.cancel_id), () => messages.approved(row.order.order_id),
        opener, false);
    },
    acknowledge: (row, opener) => {
      const cancellation = row.cancellation;
      if (cancellation) void act(row, () => api.acknowledge(cancellation.cancel_id),
        () => messages.acknowledged(row.order.order_id), opener, false);
    },
    reject: (row, opener) => open("reject", row, opener),
    cancel: (row, opener) => open("cancel", row, opener),
    offer: (row, opener) => open("offer", row, opener),
    appeal: (row, opener) => open("appeal", row, opener),
  };

  const closeDialog = () => {
    const opener = dialog?.opener ?? null;
    setDialog(null);
    restoreFocus(opener);
  };

  const confirmCancel = (reason: SellerCancelCode, lineItems: LineToCancel[] | null) => {
    if (dialog?.kind !== "cancel") return;
    const orderId = dialog.row.order.order_id;
    void act(dialog.row, () => api.cancel(orderId, reason, null, lineItems),
      () => (lineItems ? messages.itemsCancelled(orderId, describeLines(lineItems)) : messages.cancelled(orderId)),
      dialog.opener, true);
  };

  const confirmReject = (reason: RejectCode, comment: string | null, evidenceIds: string[],
    files: ReadonlyMap<string, string>) => {
    const request = dialog?.kind === "reject" ? dialog.row.request : null;
    if (dialog && request) void act(dialog.row, () => api.reject(request.cancel_id, reason, comment, evidenceIds),
      () => messages.rejected(dialog.row.order.order_id), dialog.opener, true, files);
  };

  const confirmOffer = (body: OfferBody) => {
    const request = dialog?.kind === "offer" ? dialog.row.request : null;
    if (dialog && request) void act(dialog.row, () => api.makeOffer(request.cancel_id, body, dialog.key),
      () => messages.offerMade(dialog.row.order.order_id), dialog.opener, true);
  };

  const confirmAppeal = (statement: string, evidenceIds: string[], files: ReadonlyMap<string, string>) => {
    const cancellation = dialog?.kind === "appeal" ? dialog.row.cancellation : null;
    const body = evidenceIds.length ? { statement, evidence_ids: evidenceIds } : { statement };
    if (dialog && cancellation) void act(dialog.row, () => api.appeal(cancellation.cancel_id, body, dialog.key),
      () => messages.appealed(dialog.row.order.order_id), dialog.opener, true, files);
  };

  return { actions, dialog, dialogError, closeDialog, confirmCancel, confirmReject, confirmOffer, confirmAppeal };
}
