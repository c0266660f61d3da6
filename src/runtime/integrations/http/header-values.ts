import { type JsonObject } from '../../json/json-value';
import { pyJsonDumps } from '../../json/py-dumps';

/**
 * HTTP header values must be bytes. The reference's client (httpx) encodes them as ASCII and
 * raises `UnicodeEncodeError` on anything else, so a session id such as "café" made its LLM call
 * fail before anything was sent; `fetch` likewise refuses characters above U+00FF. We never fail
 * a call over a header, and we keep every header ASCII, so proxies and servers read it the same:
 *
 * - JSON headers are written as `json.dumps(v, separators=(",", ":"))` with `ensure_ascii=True`:
 *   non-ASCII becomes `\uXXXX`, which any JSON reader turns back into the same object. For ASCII
 *   data this is byte for byte the reference's `ensure_ascii=False` text.
 * - Plain-text headers that are printable ASCII are sent as they are (what the reference sends).
 *   Any other value is percent-encoded as UTF-8 (RFC 3986 style, `%` included, so the encoding can
 *   be undone): `sess-1` stays `sess-1`, `café` becomes `caf%C3%A9`.
 */
export function jsonHeaderValue(value: JsonObject): string {
  return pyJsonDumps(value, { separators: [',', ':'], ensureAscii: true });
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// Kept as is inside an encoded value: printable ASCII except '%', which must be encoded to be undone.
const SAFE = /^[\x20-\x24\x26-\x7e]$/;

export function textHeaderValue(value: string): string {
  if (PRINTABLE_ASCII.test(value)) return value;
  let out = '';
  for (const ch of value) {
    if (SAFE.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
