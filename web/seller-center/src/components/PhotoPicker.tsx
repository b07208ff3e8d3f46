import { useRef, useState } from "preact/hooks";
import type { Photos } from "../hooks/usePhotos";
import { messages } from "../messages";
import { ACCEPT, megabytes, type PhotoLimits } from "../photos";

interface Props {
  photos: Photos;
  limits: PhotoLimits;
  /** The reject's reason chosen needs a photo and none is chosen yet (E5): said beside the chooser. */
  needed: boolean;
  disabled: boolean;
}

/** Photos for a reject or an appeal: a labelled button opens the file chooser (the input itself is hidden), or files
 * are dropped on the zone around it; each chosen photo shows its preview, its upload's progress and a Remove button
 * (Delete or Backspace on it too). Files the page refuses are named at once in an alert. */
export function PhotoPicker({ photos, limits, needed, disabled }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const chooser = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const [over, setOver] = useState(false);
  const full = photos.list.length >= limits.max_evidence_files;

  const remove = (key: number, index: number) => {
    photos.remove(key);
    // The focus goes to the next photo's Remove, else the previous one's, else the chooser.
    window.requestAnimationFrame(() => {
      const buttons = list.current?.querySelectorAll<HTMLButtonElement>("button.remove") ?? [];
      (buttons[Math.min(index, buttons.length - 1)] ?? chooser.current)?.focus();
    });
  };

  return (
    <fieldset class="photos" aria-describedby="photos-hint">
      <legend>{messages.photos}</legend>
      <div
        class={over ? "drop-zone over" : "drop-zone"}
        onDragOver={(event) => {
          event.preventDefault();
          if (!disabled) setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          if (!disabled && event.dataTransfer) photos.add([...event.dataTransfer.files]);
        }}
      >
        <input ref={input} type="file" multiple accept={ACCEPT} hidden tabIndex={-1}
          onChange={(event) => {
            const chosen = event.currentTarget as HTMLInputElement;
            photos.add([...(chosen.files ?? [])]);
            chosen.value = ""; // the same file chosen again after a removal is a change too
          }} />
        <button ref={chooser} type="button" class="secondary" disabled={disabled || full}
          aria-describedby="photos-hint" onClick={() => input.current?.click()}>
          {messages.choosePhotos}
        </button>
        <span class="hint">{messages.dropPhotos}</span>
      </div>
      <p id="photos-hint" class="hint">
        {messages.photosHint(limits.max_evidence_files, megabytes(limits.max_evidence_bytes))}
      </p>
      {needed && <p class="hint needed">{messages.photoNeeded}</p>}
      {photos.refusals.length > 0 && (
        <div role="alert" class="error">{photos.refusals.map((text) => <p key={text}>{text}</p>)}</div>
      )}
      {photos.list.length > 0 && (
        <ul ref={list} class="photo-list" aria-label={messages.chosenPhotos}>
          {photos.list.map((photo, index) => (
            <li key={photo.key}>
              <img src={photo.url} alt={photo.file.name} width={64} height={64} />
              <span class="photo-name">{photo.file.name}</span>
              {photo.progress !== null && (
                <progress max={1} value={photo.progress} aria-label={messages.uploadingPhoto(photo.file.name)} />
              )}
              {photo.evidenceId !== null && <span class="hint">{messages.photoUploaded}</span>}
              {photo.error && <span class="error">{photo.error}</span>}
              <button type="button" class="icon remove" aria-label={messages.removePhoto(photo.file.name)}
                disabled={disabled}
                onClick={() => remove(photo.key, index)}
                onKeyDown={(event) => {
                  if (event.key === "Delete" || event.key === "Backspace") {
                    event.preventDefault();
                    remove(photo.key, index);
                  }
                }}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
