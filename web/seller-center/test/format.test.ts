import { describe, expect, it } from "vitest";
import { countdown, countdownText, formatLocalTime, formatMoney, formatPercent, formatUtc, responseWindowText }
  from "../src/format";

const NOW = Date.parse("2026-11-27T07:00:00Z");
const later = (ms: number) => new Date(NOW + ms).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe("countdown", () => {
  it("says days and hours while a day or more is left", () => {
    expect(countdownText(later(DAY + 3 * HOUR + 59 * MIN), NOW)).toBe("Respond within 1 day 3 h");
    expect(countdownText(later(2 * DAY), NOW)).toBe("Respond within 2 days 0 h");
  });

  it("says hours and minutes under a day, minutes under an hour", () => {
    expect(countdownText(later(5 * HOUR + 12 * MIN + 30_000), NOW)).toBe("Respond within 5 h 12 min");
    expect(countdownText(later(4 * MIN), NOW)).toBe("Respond within 4 min");
  });

  it("never shows more time than is left: rounds down, and the last seconds count as a minute", () => {
    expect(countdown(later(DAY - 1), NOW)).toEqual({ overdue: false, days: 0, hours: 23, minutes: 59 });
    expect(countdownText(later(20_000), NOW)).toBe("Respond within 1 min");
  });

  it("says the time is over at and after the deadline", () => {
    expect(countdown(later(0), NOW).overdue).toBe(true);
    expect(countdownText(later(-HOUR), NOW)).toBe("Response time is over");
  });
});

describe("the response window sentence", () => {
  it("is in calendar days from a day on, in hours below", () => {
    expect(responseWindowText(172_800)).toBe("You have 2 calendar days to respond");
    expect(responseWindowText(86_400)).toBe("You have 1 calendar day to respond");
    expect(responseWindowText(7_200)).toBe("You have 2 hours to respond");
    expect(responseWindowText(600)).toBe("You have 1 hour to respond");
  });
});

describe("money", () => {
  it("reads the API's minor units with the currency's own exponent", () => {
    expect(formatMoney({ amount: 150_000, currency: "IDR" }, "en-US")).toBe("IDR\u00a01,500.00");
    expect(formatMoney({ amount: 1999, currency: "USD" }, "en-US")).toBe("$19.99");
    expect(formatMoney({ amount: 1999, currency: "JPY" }, "en-US")).toBe("¥1,999");
    expect(formatMoney({ amount: 1234, currency: "KWD" }, "en-US")).toBe("KWD\u00a01.234");
    expect(formatMoney({ amount: 10 ** 15 + 1, currency: "USD" }, "en-US")).toBe("$10,000,000,000,000.01");
  });

  it("follows the locale's conventions", () => {
    expect(formatMoney({ amount: 123_456, currency: "EUR" }, "de-DE")).toBe("1.234,56\u00a0€");
  });
});

describe("times", () => {
  it("shows an instant in the given zone, and its UTC value for the hover text", () => {
    const iso = "2026-11-27T23:30:00Z";
    expect(formatLocalTime(iso, "en-US", "Asia/Jakarta")).toBe("Nov 28, 2026, 6:30 AM");
    expect(formatUtc(iso, "en-US")).toBe("Nov 27, 2026, 11:30:00 PM UTC");
  });

  it("formats rates as percentages", () => {
    expect(formatPercent(0.0526, "en-US")).toBe("5.26%");
    expect(formatPercent(0.025, "en-US")).toBe("2.5%");
  });
});
