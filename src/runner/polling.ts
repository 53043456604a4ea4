/**
 * Adaptive polling: fast while resources change, slower during long quiet waits, never slower than 3 × pollSeconds.
 * Pure, so the schedule is tested without time passing.
 */
export function nextPollDelay(o: { pollMs: number; progressed: boolean; quietMs: number }): number {
  const fastest = Math.max(1000, Math.round(o.pollMs / 2));
  if (o.progressed) return Math.min(fastest, o.pollMs);
  // Grows from 1× to 3× the poll interval over two quiet minutes.
  const factor = Math.min(3, 1 + Math.max(0, o.quietMs) / 60_000);
  return Math.round(o.pollMs * factor);
}

/** Back-off after a transient AWS error (throttling, 5xx, network): doubles, capped at 3 × pollSeconds. */
export function transientBackoff(pollMs: number, consecutive: number): number {
  return Math.min(pollMs * 3, pollMs * 2 ** Math.max(0, consecutive - 1));
}
