// The language the page speaks: one catalogue per language in src/i18n/ (each file found at build time, so a new
// language is a new file there and nothing else), chosen from what the seller picked, else the first of the
// browser's languages the page has, else English. Components read `messages`, which follows the choice.
import { ApiError } from "./api";
import type { Catalogue } from "./i18n/en";

const found = import.meta.glob<Catalogue>("./i18n/*.ts", { eager: true, import: "default" });

const DEFAULT = "en";
const STORAGE_KEY = "seller-center.language";

/** Every language the page has, English first, then by tag. */
export const CATALOGUES: readonly Catalogue[] = Object.values(found)
  .sort((a, b) => (a.locale === DEFAULT ? -1 : b.locale === DEFAULT ? 1 : a.locale.localeCompare(b.locale)));

function catalogue(tag: string): Catalogue {
  const chosen = CATALOGUES.find((c) => c.locale === tag) ?? CATALOGUES.find((c) => c.locale === DEFAULT);
  if (!chosen) throw new Error("the English catalogue is missing");
  return chosen;
}

/** The catalogue in use: an ES module live binding, so every importer reads the current language. */
export let messages: Catalogue = catalogue(DEFAULT);
export type Messages = Catalogue;

/** RFC 4647 lookup of one language tag among the page's languages: `id-ID` → `id`, `in` → `id`; null if none. */
export function lookup(tag: string): string | null {
  const subtags = tag.trim().replace(/_/g, "-").toLowerCase().split("-");
  while (subtags.length > 0 && subtags[0]) {
    const range = subtags.join("-");
    const match = CATALOGUES.find((c) => c.locale.toLowerCase() === range
      || c.aliases.some((alias) => alias.toLowerCase() === range));
    if (match) return match.locale;
    subtags.pop();
  }
  return null;
}

/** The page's catalogue for a tag (`id-ID` → Indonesian), null for a language it does not have. */
export function languageOf(tag: string): Catalogue | null {
  const match = lookup(tag);
  return match ? catalogue(match) : null;
}

/** The language to start in: the one the seller picked before, else the first of the browser's it has. */
export function pickLanguage(picked: string | null, browser: readonly string[]): string {
  if (picked && lookup(picked)) return lookup(picked) ?? DEFAULT;
  for (const tag of browser) {
    const match = lookup(tag);
    if (match) return match;
  }
  return DEFAULT;
}

/** Speaks `tag` from now on; `<html lang>` and the tab's title follow (index.html's English title is only what
 * shows before the script runs). */
export function applyLanguage(tag: string): void {
  messages = catalogue(tag);
  if (typeof document === "undefined") return;
  document.documentElement.lang = messages.locale;
  document.title = messages.pageTitle;
}

/** The language picked in this browser before, if any (localStorage; unreadable storage means none). */
export function rememberedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Speaks `tag` and remembers it for the next visit. */
export function chooseLanguage(tag: string): void {
  applyLanguage(tag);
  try {
    localStorage.setItem(STORAGE_KEY, messages.locale);
  } catch {
    // Storage refused (a private window's quota): the choice lasts until the page is left.
  }
}

/** A sentence the page keeps to show until something replaces it (an alert, a notice, the sign-in's message): how
 * to word it rather than its words, worded again at each render, so a language switch re-words it with every other
 * string (L1). It reads the live `messages`. */
export type Sentence = () => string;

/** An error code's sentence in the seller's language; the API's own (English) message for a code the page does
 * not know. */
export function codeText(code: string | null | undefined, message: string): string {
  const sentences: Record<string, string> = messages.errors;
  return (code && sentences[code]) || message;
}

/** What to tell the seller about a failed call; `files`: the names of the photos sent, by evidence id, so a refused
 * one (E3) is named as the seller knows it. */
export function errorText(error: unknown, files: ReadonlyMap<string, string> = new Map()): string {
  // An offer's refusal names its field (OF2): the sentence names it too.
  if (error instanceof ApiError && error.code === "INVALID_OFFER" && typeof error.details?.field === "string") {
    return messages.invalidOffer(error.details.field);
  }
  if (error instanceof ApiError && error.code === "INVALID_EVIDENCE" && typeof error.details?.evidence_id === "string"
    && typeof error.details.problem === "string") {
    const id = error.details.evidence_id;
    return messages.invalidEvidence(files.get(id) ?? id, error.details.problem);
  }
  if (error instanceof ApiError) return codeText(error.code, error.message);
  return error instanceof Error ? error.message : messages.unexpected;
}
