// The upload of one photo straight to S3 (E1, E2): the presigned POST's fields, then the file as `file`, by
// XMLHttpRequest, whose `upload.onprogress` (unlike fetch) tells how much has gone. The API never carries the bytes.
import { s3ErrorCode } from "./photos";
import type { EvidenceUpload } from "./types";

/** S3 refused the upload (`code` from its XML answer, e.g. EntityTooLarge, AccessDenied), or it never answered
 * (`status` 0, `code` NETWORK). */
export class UploadError extends Error {
  constructor(readonly status: number, readonly code: string) {
    super(`upload refused: ${code}`);
  }
}

export function uploadPhoto(upload: EvidenceUpload["upload"], file: Blob,
  onProgress: (fraction: number) => void): Promise<void> {
  const form = new FormData();
  // S3 reads the policy's fields first and the file last: anything after `file` is ignored.
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append("file", file);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", upload.url);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new UploadError(request.status, s3ErrorCode(request.responseText ?? "") ?? `HTTP ${request.status}`));
      }
    };
    request.onerror = () => reject(new UploadError(0, "NETWORK"));
    request.ontimeout = () => reject(new UploadError(0, "NETWORK"));
    request.send(form);
  });
}
