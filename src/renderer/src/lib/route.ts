/**
 * The address of what is on screen, kept in the URL hash so a reload (or a link pasted to a
 * colleague on the same host) opens the same run. The token never goes here.
 */
export type Route =
  | { view: 'run'; runId: string | null; seq: number | null }
  | { view: 'inbox' | 'artifacts' | 'snapshots' | 'settings' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [head, id, seq] = parts;
  if (head === 'inbox' || head === 'artifacts' || head === 'snapshots' || head === 'settings') return { view: head };
  if (head === 'run' && id) {
    const n = seq !== undefined && /^\d+$/.test(seq) ? Number(seq) : null;
    return { view: 'run', runId: id, seq: n };
  }
  return { view: 'run', runId: null, seq: null };
}

export function formatRoute(r: Route): string {
  if (r.view !== 'run') return `#/${r.view}`;
  if (!r.runId) return '#/';
  return `#/run/${encodeURIComponent(r.runId)}${r.seq !== null ? `/${r.seq}` : ''}`;
}
