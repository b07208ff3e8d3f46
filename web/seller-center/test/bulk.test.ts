import { afterEach, describe, expect, it } from "vitest";
import {
  batches, pruneSelection, refusalText, rowResults, selectAllState, selectableIds, toggle,
} from "../src/bulk";
import { applyLanguage, messages } from "../src/messages";
import type { Row } from "../src/rows";
import type { Cancellation, Order } from "../src/types";
import { anOrder } from "./orders";

const order = (id: string): Order => anOrder({ order_id: id, needs_attention: true });
const request = (id: string, orderId: string) => ({ cancel_id: id, order_id: orderId, status: "REQUESTED" }) as Cancellation;
const pending = (orderId: string, cancelId: string): Row =>
  ({ order: order(orderId), request: request(cancelId, orderId), cancellation: null, accepted: null, rejected: null });
const quiet = (orderId: string): Row => ({ order: order(orderId), request: null, cancellation: null, accepted: null, rejected: null });

const ROWS = [pending("O-1", "c1"), quiet("O-2"), pending("O-3", "c3")];

describe("row selection", () => {
  it("offers only rows with a pending request, in the order shown", () => {
    expect(selectableIds(ROWS)).toEqual(["c1", "c3"]);
  });

  it("toggles one id, and select-all reads none, some or all", () => {
    let selected = toggle(new Set(), "c3", true);
    expect(selectAllState(selected, ROWS)).toBe("some");
    selected = toggle(selected, "c1", true);
    expect(selectAllState(selected, ROWS)).toBe("all");
    selected = toggle(toggle(selected, "c1", false), "c3", false);
    expect(selectAllState(selected, ROWS)).toBe("none");
    expect(selectAllState(new Set(), [quiet("O-2")])).toBe("none");
  });

  it("keeps across a refresh only what is still pending among the rows", () => {
    const after = [pending("O-3", "c3"), quiet("O-1")]; // O-1's request was answered meanwhile
    expect([...pruneSelection(new Set(["c1", "c3"]), after)]).toEqual(["c3"]);
  });

  it("sends at most the catalogue's limits.max_bulk_ids a call, in order", () => {
    const ids = Array.from({ length: 120 }, (_, i) => `c${i}`);
    const calls = batches(ids, 50);
    expect(calls.map((call) => call.length)).toEqual([50, 50, 20]);
    expect(calls.flat()).toEqual(ids);
    expect(batches(ids, 7).map((call) => call.length)).toEqual([...Array(17).fill(7), 1]);
    expect(batches([], 50)).toEqual([]);
  });
});

describe("Approve selected's results", () => {
  afterEach(() => applyLanguage("en"));

  it("names each result's order, approved or with the page's sentence for the error's code", () => {
    const results = rowResults([
      { cancel_id: "c1", status: 200, cancellation: { ...request("c1", "O-1"), status: "APPROVED" } },
      { cancel_id: "c3", status: 409,
        error: { code: "CANCELLATION_NOT_PENDING", message: "The cancellation is no longer pending." } },
    ], ROWS);
    expect(results).toEqual([
      { cancelId: "c1", orderId: "O-1", approved: true, refusal: null },
      { cancelId: "c3", orderId: "O-3", approved: false,
        refusal: { code: "CANCELLATION_NOT_PENDING", message: "The cancellation is no longer pending." } },
    ]);
    expect(results.map(refusalText)).toEqual([null, "This request is no longer waiting for your answer."]);
    expect(messages.bulkSummary(1, 2)).toBe("Approved 1 of 2 requests.");
    expect(messages.bulkRefused("O-3", "This request is no longer waiting for your answer."))
      .toBe("Order O-3: not approved. This request is no longer waiting for your answer.");
  });

  it("keeps the API's own message for a code the page does not know", () => {
    const [result] = rowResults([
      { cancel_id: "c3", status: 409, error: { code: "SOMETHING_NEW", message: "A rule added after this page." } },
    ], ROWS);
    expect(result && refusalText(result)).toBe("A rule added after this page.");
  });

  it("are worded when shown, so a language switch re-words the results already there", () => {
    const [result] = rowResults([
      { cancel_id: "c3", status: 409,
        error: { code: "CANCELLATION_NOT_PENDING", message: "The cancellation is no longer pending." } },
    ], ROWS);
    expect(result && refusalText(result)).toBe("This request is no longer waiting for your answer.");
    applyLanguage("id");
    expect(result && refusalText(result)).toBe("Pengajuan ini tidak lagi menunggu tanggapan Anda.");
  });
});

describe("the cancel preview's rate", () => {
  it("reads now → after", () => {
    expect(messages.sfcrMove("0%", "25%")).toBe("Your rate: 0% now → 25% after this cancellation.");
  });
});
