// Runtime configuration, served by the app beside the page (GET /app/config.json): nothing is baked into the build.

export interface OidcConfig {
  authority: string;
  client_id: string;
  scope: string;
}

export interface PageConfig {
  /** Where the API is; empty means the page's own origin and stage (same-origin, no CORS). */
  api_base_url: string;
  /** The seller's response window, for "You have N calendar days to respond". */
  response_window_seconds: number;
  /** The market's zone: the SFCR window is in its calendar days. */
  market_timezone: string;
  /** The identity provider's hosted login; null where sellers paste a token (local, tests). */
  oidc: OidcConfig | null;
}

export interface DemoSeller {
  seller_id: string;
  token: string;
}

/** The API root: the configured URL, or the folder the page is served from. */
export function apiRoot(config: PageConfig, pageUrl: string): string {
  const base = config.api_base_url || ".";
  const root = new URL(base, pageUrl).toString();
  return root.endsWith("/") ? root : `${root}/`;
}

export async function loadConfig(pageUrl: string): Promise<PageConfig> {
  const response = await fetch(new URL("app/config.json", pageUrl), { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return (await response.json()) as PageConfig;
}

/** Demo sellers' tokens: only the local runner serves this file; anywhere else it is absent and the list empty. */
export async function loadDemoSellers(pageUrl: string): Promise<DemoSeller[]> {
  try {
    const response = await fetch(new URL("app/demo-sellers.json", pageUrl), { cache: "no-store" });
    if (!response.ok) return [];
    const body = (await response.json()) as { sellers?: DemoSeller[] };
    return body.sellers ?? [];
  } catch {
    return [];
  }
}
