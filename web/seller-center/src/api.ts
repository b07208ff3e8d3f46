// The public API, as the page uses it: bearer token on every call, errors in the contract's shape.
import type {
  ActionNeeded, ApiErrorBody, Cancellation, Order, Page, ReasonCatalogue, SellerOrder, Sfcr,
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
}

export type Tab = "all" | "unpaid" | "to_ship" | "shipped" | "completed" | "cancelled";

export class Api {
  constructor(
    private readonly root: string,
    private readonly token: () => string | null,
    private readonly networkMessage: string,
  ) {}

  private async call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
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

  reasons(): Promise<ReasonCatalogue> {
    return this.call("GET", "cancellation-reasons");
  }

  actionNeeded(): Promise<ActionNeeded> {
    return this.call("GET", "seller/action-needed");
  }

  orders(tab: Tab, filter: boolean, cursor: string | null): Promise<Page<Order>> {
    const query = new URLSearchParams({ tab });
    if (filter) query.set("filter", "cancellation");
    if (cursor) query.set("cursor", cursor);
    return this.call("GET", `seller/orders?${query}`);
  }

  order(orderId: string): Promise<SellerOrder> {
    return this.call("GET", `seller/orders/${encodeURIComponent(orderId)}`);
  }

  cancellations(status: string, cursor: string | null): Promise<Page<Cancellation>> {
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

  reject(cancelId: string, reason: string, comment: string | null): Promise<Cancellation> {
    return this.call("POST", `seller/cancellations/${encodeURIComponent(cancelId)}/reject`,
      comment ? { reason, comment } : { reason });
  }

  acknowledge(cancelId: string): Promise<Cancellation> {
    return this.call("POST", `seller/cancellations/${encodeURIComponent(cancelId)}/acknowledge`);
  }

  cancel(orderId: string, reason: string, comment: string | null): Promise<Cancellation> {
    return this.call("POST", `seller/orders/${encodeURIComponent(orderId)}/cancel`,
      comment ? { reason, comment } : { reason });
  }
}
