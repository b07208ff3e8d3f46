import { afterEach, describe, expect, it } from "vitest";
import { ApiError } from "../src/api";
import { applyLanguage, errorText, messages } from "../src/messages";
import { ACCEPT, choosePhotos, megabytes, needsPhoto, type PickedFile, s3ErrorCode } from "../src/photos";
import type { ReasonCatalogue } from "../src/types";

const LIMITS = { max_evidence_files: 6, max_evidence_bytes: 5_242_880 };
const file = (name: string, type = "image/jpeg", size = 1024): PickedFile => ({ name, type, size });
const names = (files: PickedFile[]) => files.map((f) => f.name);

afterEach(() => applyLanguage("en"));

describe("choosing photos", () => {
  it("keeps JPEG, PNG and WebP files up to the size limit, the limit itself included", () => {
    const chosen = [file("a.jpg"), file("b.png", "image/png"), file("c.webp", "image/webp", LIMITS.max_evidence_bytes)];
    expect(choosePhotos(0, chosen, LIMITS)).toEqual({ accepted: chosen, refused: [] });
    expect(ACCEPT).toBe("image/jpeg,image/png,image/webp");
  });

  it("refuses another type, an empty file and one byte over the limit, naming each file", () => {
    const { accepted, refused } = choosePhotos(0, [
      file("notes.pdf", "application/pdf"), file("anim.gif", "image/gif"), file("raw.heic", ""),
      file("empty.jpg", "image/jpeg", 0), file("huge.png", "image/png", LIMITS.max_evidence_bytes + 1), file("ok.jpg"),
    ], LIMITS);
    expect(names(accepted)).toEqual(["ok.jpg"]);
    expect(refused).toEqual([
      { name: "notes.pdf", problem: "wrong_type" }, { name: "anim.gif", problem: "wrong_type" },
      { name: "raw.heic", problem: "wrong_type" }, { name: "empty.jpg", problem: "empty" },
      { name: "huge.png", problem: "too_large" },
    ]);
  });

  it("keeps at most the catalogue's number of files, counting those already chosen", () => {
    const seven = Array.from({ length: 7 }, (_, i) => file(`p${i + 1}.jpg`));
    const first = choosePhotos(0, seven, LIMITS);
    expect(names(first.accepted)).toEqual(["p1.jpg", "p2.jpg", "p3.jpg", "p4.jpg", "p5.jpg", "p6.jpg"]);
    expect(first.refused).toEqual([{ name: "p7.jpg", problem: "too_many" }]);
    const more = choosePhotos(5, [file("x.jpg"), file("y.jpg")], LIMITS);
    expect(names(more.accepted)).toEqual(["x.jpg"]);
    expect(more.refused).toEqual([{ name: "y.jpg", problem: "too_many" }]);
    // A refused file takes no place: the good one after it still fits.
    expect(names(choosePhotos(5, [file("bad.gif", "image/gif"), file("z.jpg")], LIMITS).accepted)).toEqual(["z.jpg"]);
  });

  it("follows the limits the catalogue answers, not a copy of its own", () => {
    const small = { max_evidence_files: 2, max_evidence_bytes: 100 };
    const { accepted, refused } = choosePhotos(0, [file("a.jpg", "image/jpeg", 100), file("b.jpg", "image/jpeg", 101),
      file("c.jpg", "image/jpeg", 1), file("d.jpg", "image/jpeg", 1)], small);
    expect(names(accepted)).toEqual(["a.jpg", "c.jpg"]);
    expect(refused.map((r) => r.problem)).toEqual(["too_large", "too_many"]);
  });

  it("tells each refusal with the file's name, in both languages", () => {
    expect(messages.photoRefused("huge.png", "too_large", 6, megabytes(LIMITS.max_evidence_bytes)))
      .toBe("huge.png is larger than 5 MB.");
    expect(messages.photoRefused("notes.pdf", "wrong_type", 6, 5)).toBe("notes.pdf is not a JPEG, PNG or WebP image.");
    expect(messages.photoRefused("p7.jpg", "too_many", 6, 5)).toBe("p7.jpg was not added: at most 6 photos.");
    applyLanguage("id");
    expect(messages.photoRefused("besar.png", "too_large", 6, 5)).toBe("besar.png lebih besar dari 5 MB.");
    expect(messages.photoRefused("catatan.pdf", "wrong_type", 6, 5)).toBe("catatan.pdf bukan gambar JPEG, PNG, atau WebP.");
    expect(messages.photosHint(6, 5)).toBe("JPEG, PNG, atau WebP: paling banyak 6 foto, masing-masing paling besar 5 MB.");
  });
});

describe("refusals after the choice", () => {
  it("reads S3's error code from its XML answer", () => {
    expect(s3ErrorCode('<?xml version="1.0"?><Error><Code>EntityTooLarge</Code><Message>x</Message></Error>'))
      .toBe("EntityTooLarge");
    expect(s3ErrorCode("")).toBeNull();
  });

  it("names the file the API refuses by its name, with the problem in the seller's language", () => {
    const refused = new ApiError(400, "INVALID_EVIDENCE", "Evidence evd_2 cannot be attached: WRONG_TYPE.",
      { evidence_id: "evd_2", problem: "WRONG_TYPE" });
    const files = new Map([["evd_1", "parcel.jpg"], ["evd_2", "label.jpg"]]);
    expect(errorText(refused, files)).toBe(
      "label.jpg is not the image its type says: remove it and choose a JPEG, PNG or WebP photo.");
    applyLanguage("id");
    expect(errorText(refused, files)).toBe(
      "label.jpg bukan gambar sesuai jenisnya: hapus, lalu pilih foto JPEG, PNG, atau WebP.");
    expect(errorText(new ApiError(400, "INVALID_EVIDENCE", "x", { evidence_id: "evd_9", problem: "NOT_UPLOADED" })))
      .toBe("evd_9 tidak sampai: hapus, lalu pilih lagi.");
  });
});

describe("reasons that need a photo", () => {
  it("are the catalogue's evidence_required ones", () => {
    const catalogue = { reject: [
      { reason: "PRODUCT_PACKED", label: "Packed", seller_may_use: true, evidence_required: true },
      { reason: "DELIVERY_ON_SCHEDULE", label: "On time", seller_may_use: true, evidence_required: false },
    ] } as unknown as ReasonCatalogue;
    expect(needsPhoto(catalogue, "PRODUCT_PACKED")).toBe(true);
    expect(needsPhoto(catalogue, "DELIVERY_ON_SCHEDULE")).toBe(false);
    expect(needsPhoto(catalogue, "UNKNOWN")).toBe(false);
  });

  it("sizes are told in MB as the limit counts them", () => {
    expect(megabytes(5_242_880)).toBe(5);
    expect(megabytes(1_572_864)).toBe(1.5);
  });
});
