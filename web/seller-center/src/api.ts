// The public API, as the page uses it: bearer token on every call, errors in the contract's shape.
import type { LineToCancel } from "./items";
import type {
  ActionNeeded, ApiErrorBody, Appeal, AppealBody, BulkResult, CancelBody, Cancellation, CancellationPage, CancelPreview,
  ContentType, EvidenceUpload, OrderPage, OfferBody, ReasonCatalogue, RejectBody, RejectCode, SellerCancelCode, SellerOrder,
  Sfcr,
} from "./types";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
  }

  get expired(): boolean {
    return this.status === 401;
  }

  /** The API's last word on the request (a 4xx: kept under its Idempotency-Key, or refused before it ran), so what
   * the seller sends next, changed, goes under a new key; after a lost answer (status 0) or a 5xx, the same key. */
  get final(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

export type Tab = "all" | "unpaid" | "to_ship" | "shipped" | "completed" | "cancelled";

export class Api {
  constructor(
    private readonly root: string,
    private readonly token: () => string | null,
    private readonly networkMessage: string,
  ) {}

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown,
    extra: Record<string, string> = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json", ...extra };
    const token = this.token();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(new URL(path, this.root), {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store",
      });
    } catch {
      throw new ApiError(0, "NETWORK", this.networkMessage);
    }
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (!response.ok) {
      const error = (parsed as ApiErrorBody | null)?.error;
      throw new ApiError(response.status, error?.code ?? "UNEXPECTED", error?.message ?? `HTTP ${response.status}`,
        error?.details ?? null);
    }
    return parsed as T;
  }

  /** The reason catalogue, each reason labelled in `language` (the API answers English for one it lacks). */
  reasons(language: string): Promise<ReasonCatalogue> {
    return this.call("GET", `cancellation-reasons?${new URLSearchParams({ locale: language })}`);
  }

  actionNeeded(): Promise<ActionNeeded> {
    return this.call("GET", "seller/action-needed");
  }

  orders(tab: Tab, filter: boolean, cursor: string | null): Promise<OrderPage> {
    const query = new URLSearchParams({ tab });
    if (filter) query.set("filter", "cancellation");
    if (cursor) query.set("cursor", cursor);
    return this.call("GET", `seller/orders?${query}`);
  }

  order(orderId: string): Promise<SellerOrder> {
    return this.call("GET", `seller/orders/${encodeURIComponent(orderId)}`);
  }

  cancellations(status: string, cursor: string | null): Promise<CancellationPage> {
    const query = new URLSearchParams({ status });
    if (cursor) query.set("cursor", cursor);
    return this.call("GET", `seller/cancellations?${query}`);
  }

  cancellation(cancelId: string): Promise<Cancellation> {
    return this.call("GET", `seller/cancellations/${encodeURIComponent(cancelId)}`);
  }

  sfcr(): Promise<Sfcr> {
    return this.call("GET", "seller/metrics/sfcr");
  }

  approve(cancelId: string): Promise<Cancellation> {
    return this.call("POST", `seller/cancellations/${encodeURIComponent(cancelId)}/approve`);
  }

  /** `evidenceIds`: uploaded files to attach (E3, E4); a reason that needs one refuses an empty list (E5). */
  reject(cancelId: string, reason: RejectCode, comment: string | null,
    evidenceIds: readonly string[] = []): Promise<Cancellation> {
    const body: RejectBody = { reason };
    if (comment) body.comment = comment;
    if (evidenceIds.length > 0) body.evidence_ids = [...evidenceIds];
    return this.call("POST", `seller/cancellations/${encodeURIComponent(cancelId)}/reject`, body);
  }

  /** Declares a file before its upload (E1): its id and the presigned POST that uploads it. */
  declareEvidence(contentType: ContentType, size: number): Promise<EvidenceUpload> {
    return this.call("POST", "seller/evidence", { content_type: contentType, size });
  }

  /** The request's one offer (OF1, OF2). The dialog's key makes a resend after a lost answer the same offer. */
  makeOffer(cancelId: string, body: OfferBody, idempotencyKey: string): Promise<Cancellation> {
    return this.call("POST", `seller/cancellations/${encodeURIComponent(cancelId)}/offer`, body,
      { "Idempotency-Key": idempotencyKey });
  }

  /** The cancellation's one appeal (A1–A5). The dialog's key makes a resend after a lost answer the same appeal. */
  appeal(cancelId: string, body: AppealBody, idempotencyKey: string): Promise<Appeal> {
    return this.call("POST", `seller/cancellations/${encodeURIComponent(cancelId)}/appeal`, body,
      { "Idempotency-Key": idempotencyKey });
  }

  acknowledge(cancelId: string): Promise<Cancellation> {
    return this.call("POST", `seller/cancellations/${encodeURIComponent(cancelId)}/acknowledge`);
  }

  /** What the cancel with this body would do (T3, T4); writes nothing. */
  cancelPreview(orderId: string, body: CancelBody): Promise<CancelPreview> {
    return this.call("POST", `seller/orders/${encodeURIComponent(orderId)}/cancel-preview`, body);
  }

  /** Approves up to the catalogue's `limits.max_bulk_ids` pending requests, each on its own; a result per id, in
   * order (T1). */
  async bulkApprove(cancelIds: string[]): Promise<BulkResult[]> {
    const answer: { results: BulkResult[] } = await this.call("POST", "seller/cancellations/bulk-approve",
      { cancel_ids: cancelIds });
    return answer.results;
  }

  /** `lineItems` null cancels every remaining item (the whole order); otherwise only a reason whose catalogue entry
   * says `partial_allowed` takes them. */
  cancel(orderId: string, reason: SellerCancelCode, comment: string | null,
    lineItems: LineToCancel[] | null = null): Promise<Cancellation> {
    return this.call("POST", `seller/orders/${encodeURIComponent(orderId)}/cancel`, cancelBody(reason, comment, lineItems));
  }
}

/** The body of a cancel (and, with the same fields, of its preview). */
export function cancelBody(reason: SellerCancelCode, comment: string | null,
  lineItems: LineToCancel[] | null): CancelBody {
  const body: CancelBody = { reason };
  if (comment) body.comment = comment;
  if (lineItems) body.line_items = lineItems;
  return body;
}
