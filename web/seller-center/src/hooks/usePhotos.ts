import { useEffect, useRef, useState } from "preact/hooks";
import { errorText, messages } from "../messages";
import { choosePhotos, isPhotoType, megabytes, type PhotoLimits } from "../photos";
import type { ContentType, EvidenceUpload } from "../types";
import { UploadError, uploadPhoto } from "../upload";

/** A photo the seller chose: its preview (an object URL, revoked when it goes), how far its upload is, the
 * evidence id once uploaded (kept, so a reject tried again does not upload it twice), and what went wrong. */
export interface Photo {
  key: number;
  file: File;
  /** The file's type, one of the three the page takes (checked when it was chosen). */
  contentType: ContentType;
  url: string;
  progress: number | null;
  evidenceId: string | null;
  error: string | null;
}

export type Declare = (contentType: ContentType, size: number) => Promise<EvidenceUpload>;

/** The uploads' outcome: each file's evidence id with its name (to word the API's refusal of one), or the
 * sentence saying which file failed. */
export type Uploaded = { ok: true; ids: string[]; names: Map<string, string> } | { ok: false; error: string };

export interface Photos {
  list: Photo[];
  /** Sentences for the files just refused on the page, each naming its file. */
  refusals: string[];
  uploading: boolean;
  add: (files: readonly File[]) => void;
  remove: (key: number) => void;
  /** Declares and uploads, one after the other, every photo not uploaded yet (E1, E2). */
  upload: (declare: Declare) => Promise<Uploaded>;
}

let nextKey = 1;

export function usePhotos(limits: PhotoLimits): Photos {
  const [list, setList] = useState<Photo[]>([]);
  const [refusals, setRefusals] = useState<string[]>([]);
  const [uploading, setUploading] = useState(false);
  // The uploads run across renders: they read and change the latest list through this.
  const current = useRef<Photo[]>([]);
  const commit = (next: Photo[]) => {
    current.current = next;
    setList(next);
  };
  const change = (key: number, fields: Partial<Photo>) =>
    commit(current.current.map((photo) => (photo.key === key ? { ...photo, ...fields } : photo)));

  // The dialog closing drops every preview still shown.
  useEffect(() => () => current.current.forEach((photo) => URL.revokeObjectURL(photo.url)), []);

  const add = (files: readonly File[]) => {
    const { accepted, refused } = choosePhotos(current.current.length, files, limits);
    setRefusals(refused.map(({ name, problem }) => messages.photoRefused(name, problem, limits.max_evidence_files,
      megabytes(limits.max_evidence_bytes))));
    commit([...current.current, ...accepted.flatMap((file) => (isPhotoType(file.type) ? [{
      key: nextKey++, file, contentType: file.type, url: URL.createObjectURL(file), progress: null,
      evidenceId: null, error: null,
    }] : []))]);
  };

  const remove = (key: number) => {
    const gone = current.current.find((photo) => photo.key === key);
    if (gone) URL.revokeObjectURL(gone.url);
    setRefusals([]);
    commit(current.current.filter((photo) => photo.key !== key));
  };

  const upload = async (declare: Declare): Promise<Uploaded> => {
    setUploading(true);
    setRefusals([]); // told when the files were chosen; what Confirm meets is told instead
    const names = new Map<string, string>();
    try {
      for (const photo of current.current) {
        const { file } = photo;
        if (photo.evidenceId === null) {
          change(photo.key, { progress: 0, error: null });
          try {
            const declared = await declare(photo.contentType, file.size);
            await uploadPhoto(declared.upload, file, (fraction) => change(photo.key, { progress: fraction }));
            change(photo.key, { evidenceId: declared.evidence_id, progress: 1 });
            names.set(declared.evidence_id, file.name);
          } catch (error) {
            const text = error instanceof UploadError ? messages.uploadRefused(file.name, error.code)
              : `${file.name}: ${errorText(error)}`;
            change(photo.key, { progress: null, error: text });
            return { ok: false, error: text };
          }
        } else {
          names.set(photo.evidenceId, file.name);
        }
      }
      return { ok: true, ids: [...names.keys()], names };
    } finally {
      setUploading(false);
    }
  };

  return { list, refusals, uploading, add, remove, upload };
}
