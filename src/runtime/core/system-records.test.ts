import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../json/parse';
import { decodeStepRecord } from './codecs';
import { recordKind } from './step-records';
import { systemRecordText } from './system-records';

const FOLDER = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/python-abstractruntime-0.4.28/folder');
const ANSWERED = '7c4fa5d5-b376-47cc-8e94-b82655b9fcbd';

describe('Python 0.4 system records, as its 0.4.28 runtime wrote them', () => {
  const records = readFileSync(join(FOLDER, `ledger_${ANSWERED}.jsonl`), 'utf8').split('\n').filter(Boolean).map((l) => decodeStepRecord(parseJson(l)));

  it('reads the resume record (effect type "resume", outside the enum) as a resume with its answer', () => {
    expect(records.map(recordKind)).toEqual(['effect', 'effect', 'resume', 'completion', 'status']);
    expect(systemRecordText(records[2]!)).toBe(`resumed user:${ANSWERED}:confirm with {"response": "deploy"}`);
  });

  it('reads the abstract.status event as the run ending, and leaves node steps alone', () => {
    expect(systemRecordText(records[4]!)).toBe('run ended: completed');
    expect(systemRecordText(records[0]!)).toBeNull();
  });

  it('keeps an unknown effect type raw, never an error', () => {
    const raw = { ...records[0]!, effect: { type: 'model_residency', payload: { model: 'x' }, resultKey: null } };
    expect(recordKind(raw)).toBe('effect');
    expect(systemRecordText(raw)).toBeNull();
  });
});
