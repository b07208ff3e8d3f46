import { describe, expect, it } from "vitest";
import {
  allowsPartialCancel, cancelReasonsFor, countsTowardSfcr, mayCancel, reasonLabel, rejectReasons,
} from "../src/reasons";
import type { ReasonCatalogue, SellerCancelCode } from "../src/types";

// The shape GET /cancellation-reasons answers (docs/api.md), trimmed.
const CATALOGUE: ReasonCatalogue = {
  seller_cancel: [
    { reason: "OUT_OF_STOCK", label: "Out of stock",
      allowed_statuses: ["AWAITING_COLLECTION", "AWAITING_SHIPMENT", "UNPAID"],
      fault: "SELLER", counts_toward_sfcr: true, partial_allowed: true },
    { reason: "WRONG_PRICE", label: "Wrong price",
      allowed_statuses: ["AWAITING_COLLECTION", "AWAITING_SHIPMENT", "UNPAID"],
      fault: "SELLER", counts_toward_sfcr: true, partial_allowed: false },
    { reason: "BUYER_NOT_PAID_IN_TIME", label: "Buyer not paid in time", allowed_statuses: ["UNPAID"],
      fault: "BUYER", counts_toward_sfcr: false, partial_allowed: false },
    { reason: "ADDRESS_NOT_DELIVERABLE", label: "Address not deliverable",
      allowed_statuses: ["AWAITING_COLLECTION", "AWAITING_SHIPMENT"],
      fault: "NONE", counts_toward_sfcr: false, partial_allowed: false },
  ],
  seller_cancel_by_status: {
    UNPAID: ["OUT_OF_STOCK", "WRONG_PRICE", "BUYER_NOT_PAID_IN_TIME"],
    AWAITING_SHIPMENT: ["OUT_OF_STOCK", "WRONG_PRICE", "ADDRESS_NOT_DELIVERABLE"],
    AWAITING_COLLECTION: ["OUT_OF_STOCK", "WRONG_PRICE", "ADDRESS_NOT_DELIVERABLE"],
  },
  reject: [
    { reason: "PRODUCT_PACKED", label: "Product packed", seller_may_use: true, evidence_required: true },
    { reason: "AGREED_WITH_BUYER", label: "Agreed with buyer", seller_may_use: true, evidence_required: true },
    { reason: "ORDER_SHIPPED", label: "Order shipped", seller_may_use: false, evidence_required: false },
  ],
  buyer: [],
  limits: { max_lines: 100, max_quantity: 10000, max_amount: 10 ** 15, max_comment_length: 500, max_bulk_ids: 50,
            max_evidence_files: 6, max_evidence_bytes: 5242880, max_ticket_length: 64,
            max_appeal_text_length: 1000, max_page_size: 100, default_page_size: 20, max_auto_approve_rules: 20,
            max_rule_name_length: 80, max_webhooks_per_seller: 10, max_ship_by_ahead_seconds: 432000 },
};

const codes = (list: { reason: string }[]) => list.map((r) => r.reason);

describe("cancel reasons", () => {
  it("lists only the reasons valid for the order's status, in the catalogue's order", () => {
    expect(codes(cancelReasonsFor(CATALOGUE, "UNPAID"))).toEqual(["OUT_OF_STOCK", "WRONG_PRICE",
      "BUYER_NOT_PAID_IN_TIME"]);
    expect(codes(cancelReasonsFor(CATALOGUE, "AWAITING_SHIPMENT"))).toEqual(["OUT_OF_STOCK", "WRONG_PRICE",
      "ADDRESS_NOT_DELIVERABLE"]);
  });

  it("offers nothing, and no Cancel, once the order shipped or was cancelled", () => {
    for (const status of ["IN_TRANSIT", "DELIVERED", "COMPLETED", "CANCELLED"] as const) {
      expect(cancelReasonsFor(CATALOGUE, status)).toEqual([]);
      expect(mayCancel(CATALOGUE, status)).toBe(false);
    }
    expect(mayCancel(CATALOGUE, "AWAITING_COLLECTION")).toBe(true);
  });

  it("ignores a code the catalogue does not describe", () => {
    const odd: ReasonCatalogue = { ...CATALOGUE, seller_cancel_by_status: {
      UNPAID: ["OUT_OF_STOCK", "NOT_A_REASON" as SellerCancelCode] } };
    expect(codes(cancelReasonsFor(odd, "UNPAID"))).toEqual(["OUT_OF_STOCK"]);
  });

  it("warns about the SFCR exactly for the reasons that count toward it", () => {
    expect(countsTowardSfcr(CATALOGUE, "OUT_OF_STOCK")).toBe(true);
    expect(countsTowardSfcr(CATALOGUE, "WRONG_PRICE")).toBe(true);
    expect(countsTowardSfcr(CATALOGUE, "BUYER_NOT_PAID_IN_TIME")).toBe(false);
    expect(countsTowardSfcr(CATALOGUE, "ADDRESS_NOT_DELIVERABLE")).toBe(false);
  });
});

describe("partial cancels", () => {
  it("are for the reasons the catalogue says partial_allowed, and only those", () => {
    expect(allowsPartialCancel(CATALOGUE, "OUT_OF_STOCK")).toBe(true);
    expect(allowsPartialCancel(CATALOGUE, "WRONG_PRICE")).toBe(false);
    expect(allowsPartialCancel(CATALOGUE, "")).toBe(false);
    const wider = { ...CATALOGUE, seller_cancel: CATALOGUE.seller_cancel.map((r) => ({ ...r, partial_allowed: true })) };
    expect(allowsPartialCancel(wider, "WRONG_PRICE")).toBe(true);
  });
});

describe("reject reasons", () => {
  it("leaves out the reason only the API may give", () => {
    expect(codes(rejectReasons(CATALOGUE))).toEqual(["PRODUCT_PACKED", "AGREED_WITH_BUYER"]);
  });
});

describe("reason labels", () => {
  it("are the API's, from the catalogue it answered in the page's language", () => {
    expect(reasonLabel(CATALOGUE, "OUT_OF_STOCK")).toBe("Out of stock");
    expect(reasonLabel(CATALOGUE, "PRODUCT_PACKED")).toBe("Product packed");
    const indonesian: ReasonCatalogue = {
      ...CATALOGUE, seller_cancel: CATALOGUE.seller_cancel.map((r) => ({ ...r, label: `id:${r.reason}` })),
    };
    expect(reasonLabel(indonesian, "OUT_OF_STOCK")).toBe("id:OUT_OF_STOCK");
  });

  it("fall back to the code itself before the catalogue arrives or for a code it lacks", () => {
    expect(reasonLabel(null, "OUT_OF_STOCK")).toBe("OUT_OF_STOCK");
    expect(reasonLabel(CATALOGUE, "CHANGED_MIND")).toBe("CHANGED_MIND");
    expect(reasonLabel(CATALOGUE, null)).toBe("");
  });
});
