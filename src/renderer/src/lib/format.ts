/** Small formatters shared by the screens. Pure, so they are tested without a DOM. */

const intFormat = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return intFormat.format(n);
}

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** A hash short enough to scan in a column, long enough to tell two apart. */
export function shortHash(hash: string | null, length = 10): string {
  if (!hash) return '—';
  return hash.length <= length ? hash : hash.slice(0, length);
}

/** Run ids are UUIDs; the first group plus the last four characters are enough to recognise one. */
export function shortId(id: string): string {
  if (id.length <= 13) return id;
  return `${id.slice(0, 8)}…${id.slice(-4)}`;
}

/** "3m ago", "in 2h" — relative to `nowMs`, for lists where exact times would be noise. */
export function formatRelative(iso: string | null, nowMs: number): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const diff = t - nowMs;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 45_000) return diff > 0 ? 'in a few s' : 'just now';
  if (abs < 3_600_000) text = `${Math.round(abs / 60_000)}m`;
  else if (abs < 86_400_000) text = `${Math.round(abs / 3_600_000)}h`;
  else text = `${Math.round(abs / 86_400_000)}d`;
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

/** Local date and time with seconds: engineers compare these with logs. */
export function formatTimestamp(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Time left until a due time, for wait_until countdowns. */
export function formatCountdown(untilIso: string | null, nowMs: number): { text: string; due: boolean } {
  if (!untilIso) return { text: '—', due: false };
  const t = Date.parse(untilIso);
  if (Number.isNaN(t)) return { text: untilIso, due: false };
  const left = t - nowMs;
  if (left <= 0) return { text: 'due now', due: true };
  const s = Math.ceil(left / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const parts = d > 0 ? [`${d}d`, `${h}h`, `${m}m`] : h > 0 ? [`${h}h`, `${m}m`, `${sec}s`] : m > 0 ? [`${m}m`, `${sec}s`] : [`${sec}s`];
  return { text: `in ${parts.join(' ')}`, due: false };
}
