import { formatLocalTime, formatUtc } from "../format";

/** An instant in the market's zone (L4), whatever the browser's; its UTC value on hover (title) and in the
 * machine-readable datetime. */
export function Time({ iso }: { iso: string }) {
  return <time dateTime={iso} title={formatUtc(iso)}>{formatLocalTime(iso)}</time>;
}
