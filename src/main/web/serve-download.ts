import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { type ServerResponse } from 'node:http';
import { type StudioService } from '../service/studio-service';

/**
 * Sends a file the service offered as a download (an exported bundle) as an attachment, once:
 * the browser saves it where the user chooses, and the server's copy is deleted after sending.
 */
export async function serveDownload(service: StudioService, id: string, res: ServerResponse): Promise<void> {
  const file = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? service.takeDownload(id) : null;
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('This download is gone: it was fetched already or has expired. Export the bundle again.');
    return;
  }
  let size: number;
  try {
    size = (await stat(file.path)).size;
  } catch {
    file.done();
    res.writeHead(410, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('The exported file is missing on the server. Export the bundle again.');
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'application/jsonl; charset=utf-8',
    'Content-Length': String(size),
    'Content-Disposition': contentDisposition(file.fileName),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  const stream = createReadStream(file.path);
  stream.on('error', () => res.destroy());
  res.on('close', () => file.done());
  stream.pipe(res);
}

/** RFC 6266: an ASCII fallback name plus the exact name in UTF-8 (run ids are ASCII, but a name must never break the header). */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
