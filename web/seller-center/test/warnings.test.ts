import { afterEach, describe, expect, it } from "vitest";
import { applyLanguage } from "../src/messages";
import type { CancelPreview, Handover, Sfcr } from "../src/types";
import { handoverText, previewWarningText } from "../src/warnings";

afterEach(() => applyLanguage("en"));

const handover = (fields: Partial<Handover>): Handover => ({
  hand_over_to_logistics: false, warning: "(the API's English)", warning_code: null, cancelled_items: [], ...fields,
});

describe("the handover warning, from its code", () => {
  it("is each code's sentence in English, word for word the API's", () => {
    expect(handoverText(handover({ warning_code: "NO_HANDOVER" })))
      .toBe("You don't need to hand over this order to logistics.");
    expect(handoverText(handover({ warning_code: "PENDING_REQUEST" })))
      .toBe("The buyer asked to cancel this order: answer the request before handing it to logistics.");
    expect(handoverText(handover({ hand_over_to_logistics: true, warning_code: "PARTLY_CANCELLED",
      cancelled_items: [{ sku: "SKU-B", quantity: 2 }, { sku: "SKU-C", quantity: 1 }] })))
      .toBe("Don't pack the cancelled items: SKU-B × 2, SKU-C × 1.");
  });

  it("is each code's sentence in Indonesian", () => {
    applyLanguage("id");
    expect(handoverText(handover({ warning_code: "NO_HANDOVER" })))
      .toBe("Anda tidak perlu menyerahkan pesanan ini ke logistik.");
    expect(handoverText(handover({ warning_code: "PENDING_REQUEST" }))).toBe(
      "Pembeli mengajukan pembatalan pesanan ini: tanggapi pengajuannya sebelum menyerahkan pesanan ke logistik.");
    expect(handoverText(handover({ hand_over_to_logistics: true, warning_code: "PARTLY_CANCELLED",
      cancelled_items: [{ sku: "SKU-B", quantity: 2 }] })))
      .toBe("Jangan kemas barang yang dibatalkan: SKU-B × 2.");
  });

  it("is none without a code and the API's sentence, and the API's own for a code the page lacks", () => {
    expect(handoverText(handover({ warning: null }))).toBeNull();
    const unknown = handover({ warning_code: "SOMETHING_NEW" as Handover["warning_code"] });
    expect(handoverText(unknown)).toBe("(the API's English)");
  });
});

const sfcr = (rate: number, standing: string, cap: number): Sfcr => ({
  window: { from: "2026-11-17T00:00:00Z", to: "2026-11-23T23:59:59Z", days: 7 },
  orders: 4, seller_fault_cancellations: Math.round(rate * 4), rate, target: 0.025, standing,
  order_volume_cap: cap,
} as Sfcr);

const preview = (now: Sfcr, after: Sfcr): CancelPreview => ({
  allowed: true, problem: null, fault: "SELLER", counts_toward_sfcr: true, refund: null, sfcr_now: now,
  sfcr_after: after, warning: "(the API's English)", warning_code: "SFCR_BAND_WORSENS",
});

describe("the cancel preview's warning, from its code", () => {
  const worse = preview(sfcr(0, "GOOD", 1), sfcr(0.25, "RESTRICTED", 0.75));
  const capOnly = preview(sfcr(0.05, "AT_RISK", 1), sfcr(0.125, "AT_RISK", 0.5));

  it("says in English what the API says, with its figures", () => {
    expect(previewWarningText(worse)).toBe("This cancellation would raise your seller-fault cancellation rate from "
      + "0.0% to 25.0%: your standing goes from GOOD to RESTRICTED, and your order volume cap drops from 100% to 75%.");
    expect(previewWarningText(capOnly)).toBe("This cancellation would raise your seller-fault cancellation rate from "
      + "5.0% to 12.5%: your standing stays AT_RISK, and your order volume cap drops from 100% to 50%.");
  });

  it("says it in Indonesian, the rates in its digits and the standings by their names", () => {
    applyLanguage("id");
    expect(previewWarningText(worse)).toBe("Pembatalan ini akan menaikkan tingkat pembatalan oleh penjual Anda dari "
      + "0,0% menjadi 25,0%: status akun Anda berubah dari Baik menjadi Dibatasi, dan batas volume pesanan Anda "
      + "turun dari 100% menjadi 75%.");
    expect(previewWarningText(preview(sfcr(0.05, "GOOD", 1), sfcr(0.125, "AT_RISK", 1)))).toBe(
      "Pembatalan ini akan menaikkan tingkat pembatalan oleh penjual Anda dari 5,0% menjadi 12,5%: status akun "
      + "Anda berubah dari Baik menjadi Berisiko.");
  });

  it("is none without a code", () => {
    expect(previewWarningText({ ...worse, warning: null, warning_code: null })).toBeNull();
  });
});
