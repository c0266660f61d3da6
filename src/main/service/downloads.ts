/**
 * Files the web host hands to the browser as downloads (an exported audit bundle): written under
 * `<userDataDir>/downloads/<id>/`, fetched once by an unguessable id, then deleted. A file nobody
 * fetches is deleted when it expires, so the folder does not fill up with forgotten exports.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DOWNLOAD_PREFIX } from '../../shared/contract/wire';

export interface OfferedDownload {
  id: string;
  urlPath: string;
  expiresAt: string;
}

interface Held {
  dir: string;
  path: string;
  fileName: string;
  timer: ReturnType<typeof setTimeout>;
}

const TTL_MS = 10 * 60 * 1000;

export class Downloads {
  private readonly held = new Map<string, Held>();

  constructor(private readonly root: string, private readonly ttlMs = TTL_MS) {}

  /** A fresh folder for one file to offer, and the id it will be fetched by. */
  prepare(fileName: string): { id: string; path: string } {
    const id = randomBytes(18).toString('base64url');
    const dir = join(this.root, id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return { id, path: join(dir, fileName) };
  }

  /** Offers the file written at `prepare(...).path`, until fetched or expired. */
  offer(id: string, path: string, fileName: string): OfferedDownload {
    const dir = join(this.root, id);
    const timer = setTimeout(() => this.drop(id), this.ttlMs);
    timer.unref();
    this.held.set(id, { dir, path, fileName, timer });
    return { id, urlPath: `${DOWNLOAD_PREFIX}${id}`, expiresAt: new Date(Date.now() + this.ttlMs).toISOString() };
  }

  /** The file of an offer, taken: a second fetch of the same id finds nothing. `done` deletes it. */
  take(id: string): { path: string; fileName: string; done(): void } | null {
    const h = this.held.get(id);
    if (!h) return null;
    this.held.delete(id);
    clearTimeout(h.timer);
    return { path: h.path, fileName: h.fileName, done: () => rmSync(h.dir, { recursive: true, force: true }) };
  }

  /** Deletes a prepared folder that will not be offered (the export failed). */
  discard(id: string): void {
    rmSync(join(this.root, id), { recursive: true, force: true });
  }

  close(): void {
    for (const id of [...this.held.keys()]) this.drop(id);
  }

  private drop(id: string): void {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    clearTimeout(h.timer);
    rmSync(h.dir, { recursive: true, force: true });
  }
}
