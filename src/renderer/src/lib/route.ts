/**
 * The address of what is on screen, kept in the URL hash so a reload (or a link pasted to a
 * colleague on the same host) opens the same run, record and runs filter. The token never goes here.
 */
export type Route = (
  | { view: 'run'; runId: string | null; seq: number | null }
  | { view: 'inbox' | 'artifacts' | 'snapshots' | 'settings' }
) & {
  /** The runs filter field's text (`status:waiting workflow:x`), when it is not empty. */
  q?: string;
};

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const qAt = raw.indexOf('?');
  const path = qAt === -1 ? raw : raw.slice(0, qAt);
  const q = qAt === -1 ? '' : (new URLSearchParams(raw.slice(qAt + 1)).get('q') ?? '');
  const extra = q ? { q } : {};
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id, seq] = parts;
  if (head === 'inbox' || head === 'artifacts' || head === 'snapshots' || head === 'settings') return { view: head, ...extra };
  if (head === 'run' && id) {
    const n = seq !== undefined && /^\d+$/.test(seq) ? Number(seq) : null;
    return { view: 'run', runId: id, seq: n, ...extra };
  }
  return { view: 'run', runId: null, seq: null, ...extra };
}

export function formatRoute(r: Route): string {
  const q = r.q ? `?${new URLSearchParams({ q: r.q }).toString()}` : '';
  if (r.view !== 'run') return `#/${r.view}${q}`;
  if (!r.runId) return `#/${q}`;
  return `#/run/${encodeURIComponent(r.runId)}${r.seq !== null ? `/${r.seq}` : ''}${q}`;
}
