import { formatPercent } from "../format";
import type { PreviewState } from "../hooks/useCancelPreview";
import { codeText, messages } from "../messages";
import { previewWarningText } from "../warnings";

/**
 * What the Cancel dialog says about a seller-fault reason: that it counts, then, from the cancel preview of this
 * very body (T3, T4), the rate now → after and the warning, from its code, when the standing or cap would get worse. A
 * preview that fails leaves the sentence alone: the cancel itself still answers for itself.
 */
export function SfcrWarning({ preview }: { preview: PreviewState }) {
  const { shown, pending } = preview;
  const now = shown ? formatPercent(shown.sfcr_now.rate) : "";
  const after = shown ? formatPercent(shown.sfcr_after.rate) : "";
  const warning = shown ? previewWarningText(shown) : null;
  return (
    <div class="warning" id="sfcr-warning">
      <p><span class="warn-mark" aria-hidden="true">!</span> {messages.sfcrWarning}</p>
      <div aria-live="polite" aria-busy={pending} class="sfcr-preview">
        {shown && !shown.allowed && shown.problem && <p>{codeText(shown.problem.code, shown.problem.message)}</p>}
        {shown?.allowed && (
          <p class="sfcr-move">{shown.sfcr_now.rate === shown.sfcr_after.rate
            ? messages.sfcrUnchanged(now) : messages.sfcrMove(now, after)}</p>
        )}
        {shown?.allowed && warning && <p class="sfcr-preview-warning"><strong>{warning}</strong></p>}
      </div>
    </div>
  );
}
