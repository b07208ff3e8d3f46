// A table row: an order with the cancellation it shows (a pending request, or the one that cancelled it).
import type { Api } from "./api";
import type { Cancellation, Order } from "./types";
import { handoverText } from "./warnings";

export interface Row {
  order: Order;
  request: Cancellation | null; // the pending buyer request, with its deadline
  cancellation: Cancellation | null; // the cancellation that cancelled the order
  accepted: Cancellation | null; // a request the buyer withdrew by accepting the seller's offer (OF6)
  rejected: Cancellation | null; // the latest request the seller rejected, with its photos (E6)
}

/** The page's rows for a page of orders: each pending request and each cancelling cancellation read alongside;
 * `accepted`, the requests ended by an accepted offer, and `rejected`, the requests the seller rejected, by order id
 * (`latestByOrder`). */
export async function rowsForOrders(api: Api, orders: Order[],
  accepted: ReadonlyMap<string, Cancellation> = new Map(),
  rejected: ReadonlyMap<string, Cancellation> = new Map()): Promise<Row[]> {
  return Promise.all(orders.map(async (order) => {
    const [request, cancellation] = await Promise.all([
      order.pending_cancel_id ? api.cancellation(order.pending_cancel_id) : null,
      order.status === "CANCELLED" && order.cancel_id ? api.cancellation(order.cancel_id) : null,
    ]);
    return { order, request: request?.status === "REQUESTED" ? request : null, cancellation,
      accepted: accepted.get(order.order_id) ?? null, rejected: rejected.get(order.order_id) ?? null };
  }));
}

/** The latest requests the buyer ended by accepting the seller's offer (one page of WITHDRAWN, newest first), by
 * order id: an order keeps no link to a withdrawn request, so its row learns of the accepted offer here. */
export function acceptedOffers(withdrawn: Cancellation[]): Map<string, Cancellation> {
  const accepted = new Map<string, Cancellation>();
  for (const cancellation of withdrawn) {
    if (cancellation.offer?.status === "ACCEPTED" && !accepted.has(cancellation.order_id)) {
      accepted.set(cancellation.order_id, cancellation);
    }
  }
  return accepted;
}

/** The latest of `cancellations` (one page, newest first) for each order: an order keeps no link to a rejected
 * request, so its row learns of it, and of its photos, here. */
export function latestByOrder(cancellations: Cancellation[]): Map<string, Cancellation> {
  const latest = new Map<string, Cancellation>();
  for (const cancellation of cancellations) {
    if (!latest.has(cancellation.order_id)) latest.set(cancellation.order_id, cancellation);
  }
  return latest;
}

/** Rows for pending requests (most urgent first, as the API lists them), each with its order. */
export async function rowsForRequests(api: Api, requests: Cancellation[]): Promise<Row[]> {
  return Promise.all(requests.map(async (request) => {
    const order = await api.order(request.order_id);
    return { order, request, cancellation: null, accepted: null, rejected: null };
  }));
}

/** The warning when the parcel must not go to logistics (V6), as the order's `handover` codes it. */
export function noHandoverWarning(order: Order): string | null {
  return order.handover.hand_over_to_logistics ? null : handoverText(order.handover);
}
