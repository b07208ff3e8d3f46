import { afterEach, describe, expect, it, vi } from "vitest";
import {
  countdownText, formatDate, formatLocalTime, formatMoney, formatPercent, responseWindowText, setMarketTimeZone,
} from "../src/format";
import en from "../src/i18n/en";
import id from "../src/i18n/id";
import { ApiError } from "../src/api";
import {
  applyLanguage, CATALOGUES, codeText, errorText, languageOf, lookup, messages, pickLanguage, type Sentence,
} from "../src/messages";

/** Every key of a catalogue, nested ones as paths; a sentence function by its number of arguments. */
function shape(value: unknown, path = ""): string[] {
  if (typeof value === "function") return [`${path}(${value.length})`];
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [path];
  return Object.entries(value).flatMap(([key, inner]) => shape(inner, path ? `${path}.${key}` : key)).sort();
}

/** Every string of a catalogue, at any depth (objects and lists), by its path. */
function strings(value: unknown, path = ""): [string, string][] {
  if (typeof value === "string") return [[path, value]];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => strings(inner, path ? `${path}.${key}` : key));
}

const NOW = Date.parse("2026-11-27T07:00:00Z");
const HOUR = 3_600_000;

afterEach(() => applyLanguage("en"));

describe("the catalogues", () => {
  it("are English first, Indonesian among them (a third language is one more file)", () => {
    const tags = CATALOGUES.map((c) => c.locale);
    expect(tags[0]).toBe("en");
    expect(tags).toContain("id");
    expect(new Set(tags).size).toBe(tags.length);
  });

  it("hold exactly the same keys, nested ones and each sentence's arguments too", () => {
    for (const catalogue of CATALOGUES) expect(shape(catalogue)).toEqual(shape(en));
  });

  it("leave no string empty, nested ones too, and each its own tag and name", () => {
    for (const catalogue of CATALOGUES) {
      const found = strings(catalogue);
      expect(found.map(([path]) => path)).toContain("errors.NETWORK");  // the walk reaches nested strings
      expect(found.filter(([, text]) => text.trim() === "").map(([path]) => `${catalogue.locale}: ${path}`))
        .toEqual([]);
    }
    expect(new Set(CATALOGUES.map((c) => c.languageName)).size).toBe(CATALOGUES.length);
  });

  it("hold no reason text: the API labels reasons", () => {
    for (const catalogue of CATALOGUES) expect(JSON.stringify(shape(catalogue))).not.toMatch(/\breason\(/);
  });
});

describe("choosing the language", () => {
  it("matches tags by RFC 4647 lookup, with the retired `in` for Indonesian", () => {
    expect(["id", "ID", "id-ID", "id_ID", "in", "in-ID", "id-Latn-ID"].map(lookup)).toEqual(Array(7).fill("id"));
    expect(["en", "en-GB", "EN-us"].map(lookup)).toEqual(["en", "en", "en"]);
    expect(["fr", "", "-", "ind"].map(lookup)).toEqual([null, null, null, null]);
  });

  it("starts with the seller's earlier choice, else the first of the browser's languages it has", () => {
    expect(pickLanguage(null, ["id-ID", "en-US"])).toBe("id");
    expect(pickLanguage(null, ["fr-FR", "id", "en"])).toBe("id");
    expect(pickLanguage(null, ["en-US", "id"])).toBe("en");
    expect(pickLanguage(null, ["fr", "de"])).toBe("en");
    expect(pickLanguage(null, [])).toBe("en");
    expect(pickLanguage("en", ["id-ID"])).toBe("en");
    expect(pickLanguage("id", ["en-US"])).toBe("id");
    expect(pickLanguage("klingon", ["id-ID"])).toBe("id");
  });

  it("says the language in <html lang> and the tab's title", () => {
    const page = { documentElement: { lang: "en" }, title: "Seller Center · Manage Orders" };
    vi.stubGlobal("document", page);
    try {
      applyLanguage("id");
      expect(page).toEqual({ documentElement: { lang: "id" }, title: "Seller Center · Kelola Pesanan" });
      applyLanguage("en");
      expect(page).toEqual({ documentElement: { lang: "en" }, title: "Seller Center · Manage Orders" });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("switches every string the page reads", () => {
    applyLanguage("id");
    expect(messages.heading).toBe("Kelola Pesanan");
    expect(messages.languageLabel).toBe("Bahasa");
    applyLanguage("en");
    expect(messages.heading).toBe("Manage Orders");
    expect(messages.languageLabel).toBe("Language");
  });
});

describe("Indonesian", () => {
  it("writes rupiah without sen, the symbol against the number, with Indonesian grouping", () => {
    expect(formatMoney({ amount: 150_000, currency: "IDR" }, "id")).toBe("Rp1.500");
    expect(formatMoney({ amount: 150_000_000, currency: "IDR" }, "id-ID")).toBe("Rp1.500.000");
    applyLanguage("id");
    expect(formatMoney({ amount: 150_000, currency: "IDR" })).toBe("Rp1.500");
  });

  it("keeps sen rather than lose them, and writes other currencies as Intl does in Indonesian", () => {
    expect(formatMoney({ amount: 150_050, currency: "IDR" }, "id")).toBe("Rp1.500,50");
    expect(formatMoney({ amount: 1250, currency: "USD" }, "id")).toBe(
      new Intl.NumberFormat("id", { style: "currency", currency: "USD" }).format(12.5).replace(/\s/g, ""));
  });

  it("counts down in days and hours: Tanggapi dalam 1 hari 4 jam", () => {
    applyLanguage("id");
    const at = (ms: number) => new Date(NOW + ms).toISOString();
    expect(countdownText(at(28 * HOUR + 59 * 60_000), NOW)).toBe("Tanggapi dalam 1 hari 4 jam");
    expect(countdownText(at(5 * HOUR + 12 * 60_000), NOW)).toBe("Tanggapi dalam 5 jam 12 menit");
    expect(countdownText(at(-HOUR), NOW)).toBe("Waktu tanggapan sudah habis");
  });

  it("has one plural form, through Intl.PluralRules", () => {
    applyLanguage("id");
    expect(responseWindowText(2 * 86_400)).toBe("Anda punya waktu 2 hari kalender untuk menanggapi");
    expect(responseWindowText(86_400)).toBe("Anda punya waktu 1 hari kalender untuk menanggapi");
    expect(messages.selectedCount(1)).toBe("1 pengajuan dipilih");
    expect(messages.sfcrCounts(1, 1200)).toBe("1 pembatalan oleh penjual dari 1.200 pesanan");
  });

  it("writes times, dates and rates the Indonesian way, in the market's zone", () => {
    const iso = "2026-11-27T23:30:00Z";
    expect(formatLocalTime(iso, "id", "Asia/Jakarta")).toBe("28 Nov 2026, 06.30");
    expect(formatDate(iso, "id", "Asia/Jakarta")).toBe("28 Nov 2026");
    expect(formatPercent(0.025, "id")).toBe("2,5%");
  });

  it("writes every time in the market's zone once the configuration names it", () => {
    const iso = "2026-11-27T23:30:00Z";
    applyLanguage("id");
    setMarketTimeZone("Asia/Jakarta");
    try {
      expect(formatLocalTime(iso)).toBe("28 Nov 2026, 06.30");
      expect(formatDate(iso)).toBe("28 Nov 2026");
      setMarketTimeZone("UTC");
      expect(formatLocalTime(iso)).toBe("27 Nov 2026, 23.30");
    } finally {
      setMarketTimeZone(undefined);
    }
  });
});

describe("English", () => {
  it("keeps its plural forms and countdown", () => {
    expect(messages.selectedCount(1)).toBe("1 request selected");
    expect(messages.selectedCount(2)).toBe("2 requests selected");
    expect(messages.sfcrCounts(1, 1200)).toBe("1 seller-fault cancellation of 1,200 orders");
    expect(countdownText(new Date(NOW + 28 * HOUR).toISOString(), NOW)).toBe("Respond within 1 day 4 h");
  });
});

describe("errors", () => {
  it("are the page's sentence for each code it knows, in the seller's language", () => {
    const error = new ApiError(409, "CANCELLATION_NOT_PENDING", "Only a pending request can be approved.");
    expect(errorText(error)).toBe("This request is no longer waiting for your answer.");
    applyLanguage("id");
    expect(errorText(error)).toBe("Pengajuan ini tidak lagi menunggu tanggapan Anda.");
    expect(errorText(new ApiError(0, "NETWORK", ""))).toBe(id.errors.NETWORK);
  });

  it("are the API's own message for a code the page does not know", () => {
    applyLanguage("id");
    expect(codeText("SOMETHING_NEW", "A rule added after this page.")).toBe("A rule added after this page.");
    expect(codeText(undefined, "HTTP 502")).toBe("HTTP 502");
    expect(errorText(new Error("boom"))).toBe("boom");
    expect(errorText("not an error")).toBe(id.unexpected);
  });

  it("kept to be shown later (an alert, a notice), are worded in the language in use when shown", () => {
    const error = new ApiError(409, "CANCELLATION_NOT_PENDING", "Only a pending request can be approved.");
    const kept: Sentence = () => `${errorText(error)} ${messages.conflict("O-1")}`;
    expect(kept()).toBe("This request is no longer waiting for your answer. Someone else acted on order O-1 first; "
      + "it now shows its current state.");
    applyLanguage("id");
    expect(kept()).toBe(`${id.errors.CANCELLATION_NOT_PENDING} ${id.conflict("O-1")}`);
  });

  it("have a sentence in every language for every code", () => {
    for (const catalogue of CATALOGUES) {
      expect(Object.keys(catalogue.errors).sort()).toEqual(Object.keys(en.errors).sort());
    }
    expect(languageOf("id-ID")).toBe(id);
    expect(languageOf("fr")).toBeNull();
  });
});
