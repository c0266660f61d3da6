import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Edits one ledger record inside an audit bundle as someone holding the file would: the record's
 * JSON text changed in place (its `attempt`), its hashes left as they were. The line stays
 * canonical JSON, so only the record's own hash can tell.
 */
export function tamperBundleRecord(bundlePath: string, seq: number): void {
  const lines = readFileSync(bundlePath, 'utf8').split('\n');
  let seen = -1;
  const at = lines.findIndex((line) => line.includes('"section":"record"') && ++seen === seq);
  if (at < 0) throw new Error(`No record ${seq} in ${bundlePath} to tamper with.`);
  const entry = JSON.parse(lines[at]!) as Record<string, unknown>;
  const key = Object.keys(entry).find((k) => typeof entry[k] === 'string' && (entry[k] as string).includes('"attempt"'));
  if (!key) throw new Error(`Record ${seq} of ${bundlePath} has no attempt to change.`);
  entry[key] = (entry[key] as string).replace(/"attempt":\s*\d+/, '"attempt": 7');
  lines[at] = JSON.stringify(entry);
  writeFileSync(bundlePath, lines.join('\n'));
}
