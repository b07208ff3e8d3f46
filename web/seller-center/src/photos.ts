// Photos for a reject or an appeal (docs/evidence.md E1, E3, E5; docs/appeals.md A1): the files a seller picks,
// checked on the page before any call (type, size, how many), and the refusals of S3 and the API told about the
// file they name. The server checks every file again on attach and has the last word (INVALID_EVIDENCE).
import type { ContentType, Limits, ReasonCatalogue } from "./types";

/** The types the API declares (E1): the page's own copy, as the file chooser's `accept` needs them. */
export const PHOTO_TYPES: readonly ContentType[] = ["image/jpeg", "image/png", "image/webp"];
export const ACCEPT = PHOTO_TYPES.join(",");

/** What the page reads of a chosen file: a `File` has these, and the tests give plain objects. */
export interface PickedFile {
  readonly name: string;
  readonly type: string;
  readonly size: number;
}

export type PhotoProblem = "wrong_type" | "too_large" | "empty" | "too_many";

export interface PhotoRefusal {
  name: string;
  problem: PhotoProblem;
}

export interface PhotoChoice<F extends PickedFile> {
  accepted: F[];
  refused: PhotoRefusal[];
}

export type PhotoLimits = Pick<Limits, "max_evidence_files" | "max_evidence_bytes">;

export function isPhotoType(type: string): type is ContentType {
  return (PHOTO_TYPES as readonly string[]).includes(type);
}

/** The newly chosen `files` split into those the page keeps and those it refuses at once, each refusal naming
 * its file: a type other than the three, an empty file, one over `max_evidence_bytes`, or one past
 * `max_evidence_files` counting the `kept` ones already chosen. */
export function choosePhotos<F extends PickedFile>(kept: number, files: readonly F[],
  limits: PhotoLimits): PhotoChoice<F> {
  const accepted: F[] = [];
  const refused: PhotoRefusal[] = [];
  for (const file of files) {
    const problem: PhotoProblem | null = !isPhotoType(file.type) ? "wrong_type"
      : file.size === 0 ? "empty"
        : file.size > limits.max_evidence_bytes ? "too_large"
          : kept + accepted.length >= limits.max_evidence_files ? "too_many"
            : null;
    if (problem) refused.push({ name: file.name, problem });
    else accepted.push(file);
  }
  return { accepted, refused };
}

/** Whether rejecting for `code` needs at least one photo (E5): the catalogue's `evidence_required`. */
export function needsPhoto(catalogue: ReasonCatalogue, code: string): boolean {
  return catalogue.reject.some((reason) => reason.reason === code && reason.evidence_required);
}

/** A size as a seller reads it: "820 KB", "4.8 MB" (1 MB = 1,048,576 bytes, as the limit is counted). */
export function megabytes(bytes: number): number {
  return Math.round((bytes / 1_048_576) * 10) / 10;
}

/** S3's refusal of an upload: its `<Code>` (EntityTooLarge, AccessDenied, ...), or null when the answer has none. */
export function s3ErrorCode(xml: string): string | null {
  const match = /<Code>([^<]+)<\/Code>/.exec(xml);
  return match?.[1] ?? null;
}
