// An order as GET /seller/orders answers it (docs/api.md), for the tests: the fields a test names, the rest quiet.
import type { Order } from "../src/types";

export function anOrder(fields: Partial<Order> & Pick<Order, "order_id">): Order {
  return {
    seller_id: "S1", buyer_id: "B1", status: "AWAITING_SHIPMENT", items: [],
    total: { amount: 150000, currency: "IDR" }, remaining_total: { amount: 150000, currency: "IDR" },
    placed_at: "2026-11-27T02:00:00Z", paid_at: "2026-11-27T02:00:00Z", arranged_at: null, shipped_at: null,
    delivered_at: null, completed_at: null, cancelled_at: null, tracking_number: null, pending_cancel_id: null,
    cancel_id: null, needs_attention: false, promised_ship_by: null,
    handover: { hand_over_to_logistics: true, warning: null, warning_code: null, cancelled_items: [] },
    ...fields,
  };
}
