// The Make an offer form (OF1, OF2): what the seller typed, read into the offer's body or the first problem with
// it, before any call. The server checks the same terms again and has the last word (INVALID_OFFER).
import { minorUnitExponent } from "./format";
import type { Cancellation, Limits, Money, OfferBody, OfferKind } from "./types";

// Every kind of the API's OfferKind, in the order the form shows them: a kind missing here, or one the API does not
// have, is a type error once the generated types change.
const KINDS: Record<OfferKind, true> = { PARTIAL_REFUND: true, SHIP_BY: true, KEEP_ORDER: true };
export const OFFER_KINDS = Object.keys(KINDS) as readonly OfferKind[];

/** The catalogue's limits an offer is read against (OF2): the message's length, how far ahead a ship-by date. */
export type OfferLimits = Pick<Limits, "max_comment_length" | "max_ship_by_ahead_seconds">;

/** How far ahead of now a promised ship-by date may be, in milliseconds. */
export function shipByAheadMs(limits: OfferLimits): number {
  return limits.max_ship_by_ahead_seconds * 1000;
}

export interface OfferForm {
  kind: OfferKind | "";
  message: string;
  /** In the currency's major units, as typed ("12.50"). */
  amount: string;
  /** A `datetime-local` value: a wall time in the market's zone. */
  shipBy: string;
}

export type OfferField = "kind" | "message" | "amount" | "ship_by";
export type OfferProblemKind = "missing" | "too_long" | "not_money" | "out_of_range" | "not_after_now" | "too_far";
export interface OfferProblem {
  field: OfferField;
  problem: OfferProblemKind;
}

export type OfferRead = { ok: true; body: OfferBody } | { ok: false; problem: OfferProblem };

export const EMPTY_OFFER: OfferForm = { kind: "", message: "", amount: "", shipBy: "" };

/** A typed amount in major units ("1500", "12.5", "12,50") as the API's minor units; null when it is not one. */
export function parseAmount(text: string, currency: string): number | null {
  const exponent = minorUnitExponent(currency);
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, whole = "", fraction = ""] = match;
  if (fraction.length > exponent) return null;
  const amount = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, "0") || "0");
  return Number.isSafeInteger(amount) ? amount : null;
}

/** Minor units as the amount field shows them, in major units with the currency's decimals ("12.50"). */
export function amountInput(money: Money): string {
  const exponent = minorUnitExponent(money.currency);
  if (exponent === 0) return String(money.amount);
  const scale = 10 ** exponent;
  return `${Math.trunc(money.amount / scale)}.${String(money.amount % scale).padStart(exponent, "0")}`;
}

/** How far `timeZone`'s clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffset(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
    minute: "2-digit", second: "2-digit",
  }).formatToParts(new Date(instant));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}

/** A wall time in `timeZone` ("2026-11-29T17:00", a `datetime-local` value) as a UTC instant; null if malformed. */
export function zonedToInstant(local: string, timeZone: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) return null;
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(wall)) return null;
  // Twice: the offset at the guess may differ from the one at the answer across a daylight-saving change.
  const first = wall - zoneOffset(wall, timeZone);
  return wall - zoneOffset(first, timeZone);
}

/** A UTC instant as a `datetime-local` value in `timeZone`, to the minute (the field's min and max). */
export function instantToZoned(instant: number, timeZone: string): string {
  const shifted = new Date(instant + zoneOffset(instant, timeZone));
  return shifted.toISOString().slice(0, 16);
}

/** The form read into the offer's body (OF2), or its first problem: `now` and `timeZone` for the ship-by date,
 * `remaining` for the amount, `limits` the catalogue's (the message's length, the ship-by date's reach). */
export function readOffer(form: OfferForm, remaining: Money, now: number, timeZone: string,
  limits: OfferLimits): OfferRead {
  const fail = (field: OfferField, problem: OfferProblemKind): OfferRead => ({ ok: false, problem: { field, problem } });
  if (form.kind === "") return fail("kind", "missing");
  const message = form.message.trim();
  if (!message) return fail("message", "missing");
  if (form.message.length > limits.max_comment_length) return fail("message", "too_long");
  if (form.kind === "PARTIAL_REFUND") {
    if (!form.amount.trim()) return fail("amount", "missing");
    const amount = parseAmount(form.amount, remaining.currency);
    if (amount === null) return fail("amount", "not_money");
    if (amount < 1 || amount > remaining.amount) return fail("amount", "out_of_range");
    return { ok: true, body: { kind: form.kind, message: form.message, amount } };
  }
  if (form.kind === "SHIP_BY") {
    if (!form.shipBy) return fail("ship_by", "missing");
    const at = zonedToInstant(form.shipBy, timeZone);
    if (at === null) return fail("ship_by", "missing");
    if (at <= now) return fail("ship_by", "not_after_now");
    if (at > now + shipByAheadMs(limits)) return fail("ship_by", "too_far");
    return { ok: true, body: { kind: form.kind, message: form.message, ship_by: new Date(at).toISOString() } };
  }
  return { ok: true, body: { kind: form.kind, message: form.message } };
}

/** Whether the seller may make the request's one offer now (OF1): none made yet, and before its deadline. */
export function mayOffer(request: Cancellation, now: number): boolean {
  return request.status === "REQUESTED" && request.offer === null && request.respond_by !== null
    && Date.parse(request.respond_by) > now;
}

/** Whether the offer is waiting for the buyer: approve and reject are refused meanwhile (OF3). */
export function offerOpen(request: Cancellation | null): boolean {
  return request?.offer?.status === "OPEN";
}
