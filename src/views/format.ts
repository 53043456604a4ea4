/** "45s", "3m 05s", "1h 02m": compact durations for Slack lines. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Rounded minutes for estimates: "about 4 min". */
export function formatMinutes(ms: number): string {
  const m = ms / 60_000;
  if (m < 1) return '<1 min';
  return `${Math.round(m)} min`;
}
