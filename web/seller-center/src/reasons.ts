// Which reasons a seller may pick, from the API's catalogue (GET /cancellation-reasons): never a list of our own.
import type { OrderStatus, ReasonCatalogue, RejectReason, SellerCancelReason } from "./types";

/** The seller-cancel reasons valid for an order in `status`, in the catalogue's order; none once it shipped. */
export function cancelReasonsFor(catalogue: ReasonCatalogue, status: OrderStatus): SellerCancelReason[] {
  const allowed = catalogue.seller_cancel_by_status[status] ?? [];
  return allowed
    .map((code) => catalogue.seller_cancel.find((reason) => reason.reason === code))
    .filter((reason): reason is SellerCancelReason => reason !== undefined);
}

export function mayCancel(catalogue: ReasonCatalogue, status: OrderStatus): boolean {
  return cancelReasonsFor(catalogue, status).length > 0;
}

/** The reasons a seller may give for rejecting a request (the API keeps ORDER_SHIPPED for itself). */
export function rejectReasons(catalogue: ReasonCatalogue): RejectReason[] {
  return catalogue.reject.filter((reason) => reason.seller_may_use);
}

/** Whether the seller may cancel some items of an order for `code` (M2): the catalogue's `partial_allowed`. */
export function allowsPartialCancel(catalogue: ReasonCatalogue, code: string): boolean {
  return catalogue.seller_cancel.some((reason) => reason.reason === code && reason.partial_allowed);
}

/** Whether cancelling for `code` counts toward the SFCR: the warning is shown for those. */
export function countsTowardSfcr(catalogue: ReasonCatalogue, code: string): boolean {
  return catalogue.seller_cancel.some((reason) => reason.reason === code && reason.counts_toward_sfcr);
}

/** A reason's label as the API gave it, in the language the catalogue was asked in; the code itself when the
 * catalogue is not there yet or does not hold the code (never a text of the page's own). */
export function reasonLabel(catalogue: ReasonCatalogue | null, code: string | null): string {
  if (!code) return "";
  const found = catalogue && [...catalogue.buyer, ...catalogue.seller_cancel, ...catalogue.reject]
    .find((reason) => reason.reason === code);
  return found ? found.label : code;
}
