import { describe, expect, it } from 'vitest';
import { base64ToBytes, concatBytes, hexLines, previewKind } from './hex-view';

describe('hex view', () => {
  it('lays out bytes like hexdump -C', () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x41, 0x42]);
    expect(hexLines(bytes)).toEqual([{ offset: '00000000', hex: '89 50 4e 47 0d 0a 1a 0a  41 42', ascii: '.PNG....AB' }]);
  });

  it('stops at the byte limit and continues offsets from a base', () => {
    const bytes = new Uint8Array(100);
    const lines = hexLines(bytes, 0x100, 32);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.offset).toBe('00000110');
  });

  it('decodes base64 and joins chunks', () => {
    expect([...base64ToBytes('AAEC')]).toEqual([0, 1, 2]);
    expect([...concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])])]).toEqual([1, 2, 3]);
  });

  it('chooses a preview from the content type, sniffing unknown types', () => {
    expect(previewKind('application/json; charset=utf-8')).toBe('json');
    expect(previewKind('image/png')).toBe('image');
    expect(previewKind('text/plain')).toBe('text');
    expect(previewKind('application/octet-stream', new TextEncoder().encode('hello\n'))).toBe('text');
    expect(previewKind('application/octet-stream', new Uint8Array([0, 1, 2]))).toBe('binary');
  });
});
