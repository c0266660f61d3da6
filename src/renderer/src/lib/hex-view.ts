/** Bytes of a base64 chunk, decoded without Node's Buffer (the renderer has none). */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export interface HexLine {
  offset: string;
  hex: string;
  ascii: string;
}

/** The classic `hexdump -C` layout: offset, 16 bytes in two groups of 8, printable ASCII. */
export function hexLines(bytes: Uint8Array, baseOffset = 0, maxBytes = 512): HexLine[] {
  const lines: HexLine[] = [];
  const n = Math.min(bytes.length, maxBytes);
  for (let i = 0; i < n; i += 16) {
    const row = bytes.subarray(i, Math.min(i + 16, n));
    const hexParts: string[] = [];
    let ascii = '';
    row.forEach((b, j) => {
      hexParts.push(b.toString(16).padStart(2, '0') + (j === 7 ? ' ' : ''));
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    });
    lines.push({ offset: (baseOffset + i).toString(16).padStart(8, '0'), hex: hexParts.join(' '), ascii });
  }
  return lines;
}

/** Joins chunks into one buffer (for blob URLs of images and downloads). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type PreviewKind = 'text' | 'json' | 'image' | 'binary';

/** Chooses how to preview an artifact from its content type (and a sniff of its first bytes). */
export function previewKind(contentType: string, head?: Uint8Array): PreviewKind {
  const ct = contentType.toLowerCase().split(';')[0]!.trim();
  if (ct === 'application/json' || ct.endsWith('+json')) return 'json';
  if (ct.startsWith('image/') && ct !== 'image/svg+xml') return 'image';
  if (ct.startsWith('text/') || ct === 'application/xml' || ct === 'image/svg+xml' || ct === 'application/x-ndjson') return 'text';
  if (head && head.length > 0 && looksLikeText(head)) return 'text';
  return 'binary';
}

function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 512);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) return false;
    if (b < 0x09 || (b > 0x0d && b < 0x20)) return false;
  }
  return true;
}
