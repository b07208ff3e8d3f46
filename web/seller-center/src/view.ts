// Where the seller is on the page, kept in the URL's hash so that View links, Back and reloads work.
import type { Tab } from "./api";
import { TAB_KEYS, type TabKey } from "./components/Tabs";

export interface View {
  tab: TabKey;
  filter: boolean; // the Cancellation filter (All tab only)
  requests: boolean; // Action Needed, scrolled to the pending requests
}

export const REQUESTS_HASH = "#requests";

export function parseHash(hash: string): View {
  const [name = "", option] = hash.replace(/^#/, "").split("/");
  if (name === "requests") return { tab: "action_needed", filter: false, requests: true };
  const tab = (TAB_KEYS as readonly string[]).includes(name.replace(/-/g, "_"))
    ? (name.replace(/-/g, "_") as TabKey) : "action_needed";
  return { tab, filter: tab === "all" && option === "cancellation", requests: false };
}

export function hashOf(view: View): string {
  if (view.requests) return REQUESTS_HASH;
  const name = `#${view.tab.replace(/_/g, "-")}`;
  return view.filter ? `${name}/cancellation` : name;
}

/** The API's tab for a page tab; Action Needed lists requests instead. */
export function apiTab(key: TabKey): Tab | null {
  return key === "action_needed" ? null : key;
}
