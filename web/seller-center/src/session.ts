// The signed-in seller: the bearer token, what its claims say, and where it is kept (this tab only).

export interface Claims {
  role?: string;
  seller_id?: string;
  exp?: number;
}

export interface Session {
  token: string;
  sellerId: string;
  expiresAt: number | null; // ms since the epoch
}

export type TokenCheck =
  | { ok: true; session: Session }
  | { ok: false; problem: "unreadable" | "expired" | "role"; role?: string };

const KEY = "seller-center.session";

function base64UrlDecode(part: string): string {
  const padded = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The token's claims, read without verifying (the API verifies): enough to refuse the obvious early. */
export function readClaims(token: string): Claims | null {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const claims: unknown = JSON.parse(base64UrlDecode(parts[1]));
    return claims && typeof claims === "object" ? (claims as Claims) : null;
  } catch {
    return null;
  }
}

export function checkToken(raw: string, now: number): TokenCheck {
  const token = raw.trim();
  const claims = readClaims(token);
  if (!claims) return { ok: false, problem: "unreadable" };
  if (claims.role !== "seller" || !claims.seller_id) return { ok: false, problem: "role", role: claims.role ?? "" };
  const expiresAt = typeof claims.exp === "number" ? claims.exp * 1000 : null;
  if (expiresAt !== null && expiresAt <= now) return { ok: false, problem: "expired" };
  return { ok: true, session: { token, sellerId: claims.seller_id, expiresAt } };
}

export function isExpired(session: Session, now: number): boolean {
  return session.expiresAt !== null && session.expiresAt <= now;
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

export function restoreSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return null;
  }
}
