import { describe, expect, it } from "vitest";
import { selectableIds } from "../src/bulk";
import { ApiError } from "../src/api";
import { applyLanguage, errorText } from "../src/messages";
import {
  amountInput, EMPTY_OFFER, instantToZoned, mayOffer, type OfferForm, parseAmount, readOffer, zonedToInstant,
} from "../src/offers";
import type { Cancellation, Money, Offer } from "../src/types";
import { anOrder } from "./orders";

const JAKARTA = "Asia/Jakarta";
const NOW = Date.parse("2026-11-27T02:30:00Z"); // 09:30 in Jakarta
const REMAINING: Money = { amount: 150000, currency: "IDR" };
const form = (fields: Partial<OfferForm>): OfferForm => ({ ...EMPTY_OFFER, message: "We pack it today", ...fields });
const LIMITS = { max_comment_length: 500, max_ship_by_ahead_seconds: 5 * 24 * 3600 };
const read = (fields: Partial<OfferForm>, limits = LIMITS) => readOffer(form(fields), REMAINING, NOW, JAKARTA, limits);

describe("the offer's amount", () => {
  it("is read in the currency's major units into the API's minor units", () => {
    expect(parseAmount("1500", "IDR")).toBe(150000);
    expect(parseAmount("12.5", "IDR")).toBe(1250);
    expect(parseAmount("12,50", "IDR")).toBe(1250);
    expect(parseAmount(" 7 ", "JPY")).toBe(7);
    expect(parseAmount("1.234", "KWD")).toBe(1234);
  });

  it("is refused with more decimals than the currency has, or when it is not a number", () => {
    expect(parseAmount("12.345", "IDR")).toBeNull();
    expect(parseAmount("7.5", "JPY")).toBeNull();
    expect(parseAmount("1.000.000", "IDR")).toBeNull();
    expect(parseAmount("-5", "IDR")).toBeNull();
    expect(parseAmount("abc", "IDR")).toBeNull();
    expect(parseAmount("", "IDR")).toBeNull();
  });

  it("is shown back in major units with the currency's decimals", () => {
    expect(amountInput({ amount: 1250, currency: "IDR" })).toBe("12.50");
    expect(amountInput({ amount: 7, currency: "JPY" })).toBe("7");
  });
});

describe("the market's wall time", () => {
  it("is read in the market's zone, whatever the browser's", () => {
    expect(zonedToInstant("2026-11-28T17:00", JAKARTA)).toBe(Date.parse("2026-11-28T10:00:00Z"));
    expect(zonedToInstant("2026-11-28T17:00", "UTC")).toBe(Date.parse("2026-11-28T17:00:00Z"));
    expect(instantToZoned(Date.parse("2026-11-28T10:00:00Z"), JAKARTA)).toBe("2026-11-28T17:00");
  });

  it("follows a daylight-saving zone's offset on each side of the change", () => {
    expect(zonedToInstant("2026-07-01T12:00", "America/New_York")).toBe(Date.parse("2026-07-01T16:00:00Z"));
    expect(zonedToInstant("2026-12-01T12:00", "America/New_York")).toBe(Date.parse("2026-12-01T17:00:00Z"));
  });

  it("is none when the field holds no date and time", () => {
    expect(zonedToInstant("", JAKARTA)).toBeNull();
    expect(zonedToInstant("tomorrow", JAKARTA)).toBeNull();
  });
});

describe("the offer form", () => {
  it("sends each kind with its own field alone", () => {
    expect(read({ kind: "KEEP_ORDER", amount: "5", shipBy: "2026-11-28T17:00" }))
      .toEqual({ ok: true, body: { kind: "KEEP_ORDER", message: "We pack it today" } });
    expect(read({ kind: "PARTIAL_REFUND", amount: "200", shipBy: "2026-11-28T17:00" }))
      .toEqual({ ok: true, body: { kind: "PARTIAL_REFUND", message: "We pack it today", amount: 20000 } });
    expect(read({ kind: "SHIP_BY", amount: "5", shipBy: "2026-11-28T17:00" }))
      .toEqual({ ok: true, body: { kind: "SHIP_BY", message: "We pack it today", ship_by: "2026-11-28T10:00:00.000Z" } });
  });

  it("asks for a kind and a message of 1 to the limit's characters", () => {
    expect(read({ kind: "" })).toEqual({ ok: false, problem: { field: "kind", problem: "missing" } });
    expect(read({ kind: "KEEP_ORDER", message: "   " }))
      .toEqual({ ok: false, problem: { field: "message", problem: "missing" } });
    expect(read({ kind: "KEEP_ORDER", message: "x".repeat(501) }))
      .toEqual({ ok: false, problem: { field: "message", problem: "too_long" } });
    expect(read({ kind: "KEEP_ORDER", message: "x".repeat(500) }).ok).toBe(true);
  });

  it("takes an amount from the smallest unit to what remains of the order", () => {
    expect(read({ kind: "PARTIAL_REFUND" })).toEqual({ ok: false, problem: { field: "amount", problem: "missing" } });
    expect(read({ kind: "PARTIAL_REFUND", amount: "ten" }))
      .toEqual({ ok: false, problem: { field: "amount", problem: "not_money" } });
    expect(read({ kind: "PARTIAL_REFUND", amount: "0" }))
      .toEqual({ ok: false, problem: { field: "amount", problem: "out_of_range" } });
    expect(read({ kind: "PARTIAL_REFUND", amount: "1500.01" }))
      .toEqual({ ok: false, problem: { field: "amount", problem: "out_of_range" } });
    expect(read({ kind: "PARTIAL_REFUND", amount: "0.01" }).ok).toBe(true);
    expect(read({ kind: "PARTIAL_REFUND", amount: "1500" }).ok).toBe(true);
  });

  it("takes a ship-by date after now and at most 5 days ahead, in the market's time", () => {
    expect(read({ kind: "SHIP_BY" })).toEqual({ ok: false, problem: { field: "ship_by", problem: "missing" } });
    expect(read({ kind: "SHIP_BY", shipBy: "2026-11-27T09:30" }))
      .toEqual({ ok: false, problem: { field: "ship_by", problem: "not_after_now" } });
    expect(read({ kind: "SHIP_BY", shipBy: "2026-11-27T09:31" }).ok).toBe(true);
    expect(read({ kind: "SHIP_BY", shipBy: "2026-12-02T09:30" }).ok).toBe(true);
    expect(read({ kind: "SHIP_BY", shipBy: "2026-12-02T09:31" }))
      .toEqual({ ok: false, problem: { field: "ship_by", problem: "too_far" } });
  });

  it("reads both limits from the catalogue, not its own copy", () => {
    const tighter = { max_comment_length: 20, max_ship_by_ahead_seconds: 24 * 3600 };
    expect(read({ kind: "SHIP_BY", shipBy: "2026-11-28T09:30" }, tighter).ok).toBe(true);
    expect(read({ kind: "SHIP_BY", shipBy: "2026-11-28T09:31" }, tighter))
      .toEqual({ ok: false, problem: { field: "ship_by", problem: "too_far" } });
    expect(read({ kind: "KEEP_ORDER", message: "x".repeat(21) }, tighter))
      .toEqual({ ok: false, problem: { field: "message", problem: "too_long" } });
  });
});

const offer = (status: Offer["status"]): Offer => ({
  kind: "KEEP_ORDER", message: "m", amount: null, ship_by: null, status, made_at: "2026-11-27T02:00:00Z",
  answer_by: "2026-11-28T02:00:00Z", answered_at: null,
});
const request = (fields: Partial<Cancellation>) =>
  ({ cancel_id: "c1", order_id: "O-1", status: "REQUESTED", offer: null, respond_by: "2026-11-28T02:00:00Z",
    ...fields }) as Cancellation;

describe("the Make an offer action", () => {
  it("is offered on a pending request with no offer yet, before its deadline", () => {
    expect(mayOffer(request({}), NOW)).toBe(true);
    expect(mayOffer(request({ respond_by: "2026-11-27T02:30:00Z" }), NOW)).toBe(false);
    expect(mayOffer(request({ offer: offer("DECLINED") }), NOW)).toBe(false);
    expect(mayOffer(request({ offer: offer("OPEN"), respond_by: null }), NOW)).toBe(false);
  });

  it("leaves a request whose offer is open out of the selection, which the API would refuse (OF3)", () => {
    const rows = [
      { order: anOrder({ order_id: "O-1" }), request: request({ offer: offer("OPEN"), respond_by: null }),
        cancellation: null, accepted: null, rejected: null },
      { order: anOrder({ order_id: "O-2" }), request: request({ cancel_id: "c2", offer: offer("EXPIRED") }),
        cancellation: null, accepted: null, rejected: null },
    ];
    expect(selectableIds(rows)).toEqual(["c2"]);
  });
});

describe("an offer's refusal", () => {
  it("names the field the API named, in the seller's language", () => {
    const refused = new ApiError(400, "INVALID_OFFER", "amount is 1 to ...", { field: "amount" });
    expect(errorText(refused)).toBe("The offer was refused: check the amount and try again.");
    applyLanguage("id");
    try {
      expect(errorText(refused)).toBe("Penawaran ditolak: periksa jumlahnya lalu coba lagi.");
    } finally {
      applyLanguage("en");
    }
    expect(errorText(new ApiError(409, "OFFER_ALREADY_MADE", "x")))
      .toBe("You have already made your one offer on this request.");
  });
});
