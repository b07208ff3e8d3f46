// Money, times and countdowns, written the way the page's language writes them (Intl, with its locale) and in
// the market's time zone (from the page's configuration).
import { languageOf, messages } from "./messages";
import type { Money } from "./types";

// ISO 4217 minor units where they are not 2. The API's amounts are in these units; Intl's own currency digits
// follow CLDR's display habits (it shows IDR without decimals, say), so they cannot say what an amount means.
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0,
  VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export function minorUnitExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

let marketTimeZone: string | undefined;

/** The market's zone (`market_timezone` of the page's configuration): every time is shown in it. */
export function setMarketTimeZone(zone: string | undefined): void {
  marketTimeZone = zone || undefined;
}

/** The zone times are shown in: the market's, or the browser's when the configuration names none. */
export function marketZone(): string {
  return marketTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const formatters = new Map<string, Intl.NumberFormat>();

function currencyFormat(currency: string, locale: string, digits: number): Intl.NumberFormat {
  const key = `${locale}|${currency}|${digits}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: "currency", currency, minimumFractionDigits: digits, maximumFractionDigits: digits,
    });
    formatters.set(key, format);
  }
  return format;
}

/** The API's integer minor units in the currency's format for the language (Intl.NumberFormat): with the ISO 4217
 * decimals, but in whole units for a currency the language writes so (Rp1.500) when no fraction is lost. */
export function formatMoney(money: Money, locale: string = messages.locale): string {
  const exponent = minorUnitExponent(money.currency);
  // Integer division keeps large amounts exact: no float step on the whole value.
  const scale = 10 ** exponent;
  const whole = Math.trunc(money.amount / scale);
  const fraction = Math.abs(money.amount % scale);
  const inWholeUnits = fraction === 0 && wholeUnits(locale).includes(money.currency);
  const digits = inWholeUnits ? 0 : exponent;
  const text = digits === 0 ? String(whole) : `${whole}.${String(fraction).padStart(digits, "0")}`;
  const parts = currencyFormat(money.currency, locale, digits).formatToParts(text as unknown as number);
  const spaced = spacesCurrency(locale);
  // Some languages write the symbol against the number (Rp1.500) where Intl puts a space.
  return parts.filter((part, i) => spaced || !(part.type === "literal" && /^\s+$/.test(part.value)
    && (parts[i - 1]?.type === "currency" || parts[i + 1]?.type === "currency"))).map((part) => part.value).join("");
}

function wholeUnits(locale: string): readonly string[] {
  return languageOf(locale)?.wholeUnitCurrencies ?? [];
}

function spacesCurrency(locale: string): boolean {
  return languageOf(locale)?.currencySpace ?? true;
}

/** A UTC instant in the market's zone (or `timeZone`), date and time. */
export function formatLocalTime(iso: string, locale: string = messages.locale, timeZone = marketTimeZone): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

/** The same instant as UTC, for the hover text. */
export function formatUtc(iso: string, locale: string = messages.locale): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "long", timeZone: "UTC" })
    .format(new Date(iso));
}

export function formatDate(iso: string, locale: string = messages.locale, timeZone = marketTimeZone): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone }).format(new Date(iso));
}

export function formatPercent(rate: number, locale: string = messages.locale): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(rate);
}

/** A rate with exactly `digits` decimals ("25.0%", "25,0%"). */
export function formatPercentTo(rate: number, digits: number, locale: string = messages.locale): string {
  return new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits })
    .format(rate);
}

export interface Countdown {
  overdue: boolean;
  days: number;
  hours: number;
  minutes: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Time left until `deadline`, rounded down to the minute (a deadline is never shown later than it is). */
export function countdown(deadline: string, now: number): Countdown {
  const left = Date.parse(deadline) - now;
  if (left <= 0) return { overdue: true, days: 0, hours: 0, minutes: 0 };
  return {
    overdue: false,
    days: Math.floor(left / DAY),
    hours: Math.floor((left % DAY) / HOUR),
    minutes: Math.floor((left % HOUR) / MINUTE),
  };
}

/** "Respond within 1 day 3 h", "Respond within 5 h 12 min", "Respond within 4 min", or the deadline passed. */
export function countdownText(deadline: string, now: number): string {
  return messages.countdown(countdown(deadline, now));
}

/** "You have N calendar days to respond", in hours when the window is under a day. */
export function responseWindowText(windowSeconds: number): string {
  const days = windowSeconds / 86_400;
  if (days >= 1) return messages.respondInDays(Math.floor(days));
  return messages.respondInHours(Math.max(1, Math.round(windowSeconds / 3600)));
}
