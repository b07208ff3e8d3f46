import { describe, expect, it } from "vitest";
import { checkToken, isExpired, readClaims } from "../src/session";

const b64 = (value: object) =>
  btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const token = (claims: object) => `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}.signature`;
const NOW = Date.parse("2026-11-27T07:00:00Z");
const exp = (ms: number) => Math.floor((NOW + ms) / 1000);

describe("tokens at sign-in", () => {
  it("accepts a seller's token that has not expired, and keeps its shop and expiry", () => {
    const result = checkToken(` ${token({ role: "seller", seller_id: "S1", exp: exp(60_000) })}\n`, NOW);
    expect(result).toEqual({ ok: true, session: expect.objectContaining({ sellerId: "S1", expiresAt: exp(60_000) * 1000 }) });
  });

  it("refuses other roles' tokens, naming the role", () => {
    expect(checkToken(token({ role: "buyer", buyer_id: "B1", exp: exp(60_000) }), NOW))
      .toEqual({ ok: false, problem: "role", role: "buyer" });
    expect(checkToken(token({ role: "platform", exp: exp(60_000) }), NOW))
      .toEqual({ ok: false, problem: "role", role: "platform" });
    expect(checkToken(token({ role: "seller", exp: exp(60_000) }), NOW)).toMatchObject({ ok: false, problem: "role" });
  });

  it("refuses an expired token and anything that is not a JWT", () => {
    expect(checkToken(token({ role: "seller", seller_id: "S1", exp: exp(-1000) }), NOW))
      .toEqual({ ok: false, problem: "expired" });
    expect(checkToken("not a token", NOW)).toEqual({ ok: false, problem: "unreadable" });
    expect(checkToken("a.%%%.c", NOW)).toEqual({ ok: false, problem: "unreadable" });
    expect(readClaims("a.bnVsbA.c")).toBeNull(); // "null"
  });

  it("tells when a session has expired", () => {
    expect(isExpired({ token: "t", sellerId: "S1", expiresAt: NOW }, NOW)).toBe(true);
    expect(isExpired({ token: "t", sellerId: "S1", expiresAt: NOW + 1 }, NOW)).toBe(false);
    expect(isExpired({ token: "t", sellerId: "S1", expiresAt: null }, NOW)).toBe(false);
  });
});
