/**
 * The byte encodings every provenance format shares: base64 (RFC 4648 §4, standard alphabet,
 * with padding) for keys, signatures and artifact content; lowercase hex for hashes, as the ledger.
 *
 * Decoding is strict: only the one canonical base64 text of a byte string is accepted, so a
 * signature or key that was edited can never decode to the same bytes and pass unnoticed.
 */
import { hash } from 'node:crypto';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The bytes of a canonical base64 text, or null for anything else (bad characters, wrong padding, stray bits). */
export function fromBase64(text: unknown): Uint8Array | null {
  if (typeof text !== 'string' || !BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : null;
}

/** sha256 as 64 lowercase hex characters; a string is hashed as its UTF-8 bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength), 'hex');
}

export function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

const HEX64 = /^[0-9a-f]{64}$/;

/** A record hash or statement hash: 64 lowercase hex characters. */
export function isHash(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}
