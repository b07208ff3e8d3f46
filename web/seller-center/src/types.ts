// The public API's shapes, as docs/api.md and /openapi.json describe them (only the fields the page reads).

export type OrderStatus =
  | "UNPAID" | "AWAITING_SHIPMENT" | "AWAITING_COLLECTION" | "IN_TRANSIT" | "DELIVERED" | "COMPLETED" | "CANCELLED";

export type CancellationStatus =
  | "REQUESTED" | "AUTO_APPROVED" | "APPROVED" | "REJECTED" | "WITHDRAWN" | "SELLER_CANCELLED";

export type Actor = "BUYER" | "SELLER" | "SYSTEM" | "PLATFORM";

export interface Money {
  amount: number;
  currency: string;
}

export interface Order {
  order_id: string;
  buyer_id: string;
  status: OrderStatus;
  total: Money;
  /** What is left once some items were cancelled (equal to total when none was). */
  remaining_total?: Money;
  placed_at: string;
  shipped_at: string | null;
  cancelled_at: string | null;
  pending_cancel_id: string | null;
  cancel_id: string | null;
  needs_attention: boolean;
}

export interface Cancellation {
  cancel_id: string;
  order_id: string;
  buyer_id: string;
  initiator: Actor;
  status: CancellationStatus;
  reason: string;
  comment: string | null;
  requested_at: string;
  respond_by: string | null;
  resolved_at: string | null;
  resolved_by: Actor | null;
  auto_approve_cause: string | null;
  reject_reason: string | null;
  fault: "SELLER" | "BUYER" | "NONE";
  counts_toward_sfcr: boolean;
  acknowledged_at: string | null;
}

export interface SellerOrder extends Order {
  cancellations: Cancellation[];
  handover: { hand_over_to_logistics: boolean; warning: string | null };
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ActionNeeded {
  cancellation: {
    total: number;
    cancellation_requested: number;
    auto_approved: number;
    /** Pending requests auto-approving within a day; shown once the API answers it. */
    due_soon?: number;
  };
}

export interface Sfcr {
  window: { from: string; to: string };
  orders: number;
  seller_fault_cancellations: number;
  rate: number;
  target: number;
  standing: string;
  order_volume_cap: number;
}

export interface SellerCancelReason {
  reason: string;
  allowed_statuses: OrderStatus[];
  fault: "SELLER" | "BUYER" | "NONE";
  counts_toward_sfcr: boolean;
}

export interface RejectReason {
  reason: string;
  seller_may_use: boolean;
}

export interface ReasonCatalogue {
  seller_cancel: SellerCancelReason[];
  seller_cancel_by_status: Partial<Record<OrderStatus, string[]>>;
  reject: RejectReason[];
}

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> | null };
}
