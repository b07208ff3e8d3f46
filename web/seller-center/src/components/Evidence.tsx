import { messages } from "../messages";
import { reasonLabel } from "../reasons";
import type { Cancellation, Evidence, ReasonCatalogue } from "../types";

/** A request the seller rejected (E5): its reason and the photos attached to it (E6). */
export function RejectedRequest({ cancellation, catalogue }: {
  cancellation: Cancellation; catalogue: ReasonCatalogue | null;
}) {
  return (
    <div class="request rejected">
      <span>{messages.cancellationStatus(cancellation.status)}: {reasonLabel(catalogue, cancellation.reject_reason)}</span>
      <EvidenceList evidence={cancellation.evidence} />
    </div>
  );
}

/** The photos of a cancellation, each a thumbnail of its link (a presigned GET valid 15 minutes, E6) that opens the
 * photo whole; the page reads the cancellation again on every refresh, so a link shown is never long stale. */
export function EvidenceList({ evidence }: { evidence: Evidence[] }) {
  const shown = evidence.filter((file): file is Evidence & { url: string } => typeof file.url === "string");
  if (shown.length === 0) return null;
  return (
    <ul class="evidence" aria-label={messages.photos}>
      {shown.map((file, index) => (
        <li key={file.evidence_id}>
          <a href={file.url} target="_blank" rel="noopener noreferrer">
            <img src={file.url} alt={messages.photoOf(index + 1, shown.length)} width={48} height={48} />
          </a>
        </li>
      ))}
    </ul>
  );
}
