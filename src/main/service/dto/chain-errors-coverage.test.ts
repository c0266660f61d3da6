/**
 * The one table of chain-error words (src/shared/chain-errors.ts) covers every error the
 * verifiers can produce: the runtime's chain verifier, the data-folder and Python-store checks,
 * and the contract's per-record chain errors. The code lists below are typed by those unions, so a
 * new error code fails the typecheck here until it is listed (and then this test, until it has words).
 */
import { describe, expect, it } from 'vitest';
import { type ChainError } from '../../../runtime/ledger/chain-verifier';
import { type LedgerVerificationError } from '../../../runtime/storage/files/index';
import { type ChainErrorInfo } from '../../../shared/contract/domain';
import { CHAIN_ERRORS, chainErrorAdvice, chainErrorTitle, explainChainError, type ChainErrorFacts } from '../../../shared/chain-errors';
import { toChainSummary } from './ledger-dto';

type Produced = ChainError['type'] | LedgerVerificationError['type'] | Exclude<ChainErrorInfo['type'], 'provenance'>;
const PRODUCED: Record<Produced, true> = {
  record_hash_mismatch: true,
  prev_hash_mismatch: true,
  missing_record_hash: true,
  column_mismatch: true,
  unreadable_record: true,
  run_id_mismatch: true,
  anchor_mismatch: true,
};

// What the verifiers report is what the table reads (a compile-time check).
const fromRuntime = (e: LedgerVerificationError): ChainErrorFacts => e;
const fromContract = (e: Exclude<ChainErrorInfo, { type: 'provenance' }>): ChainErrorFacts => e;

const SAMPLE: { [C in Produced]: Extract<ChainErrorFacts, { type: C }> } = {
  record_hash_mismatch: { type: 'record_hash_mismatch', stored: 'a'.repeat(64), computed: 'b'.repeat(64) },
  prev_hash_mismatch: { type: 'prev_hash_mismatch', expectedPrevHash: 'c'.repeat(64), actualPrevHash: 'd'.repeat(64) },
  missing_record_hash: { type: 'missing_record_hash' },
  column_mismatch: { type: 'column_mismatch', column: 'canonical' },
  unreadable_record: { type: 'unreadable_record', line: 8, reason: 'not JSON' },
  run_id_mismatch: { type: 'run_id_mismatch', expectedRunId: 'r1', actualRunId: 'r2' },
  anchor_mismatch: { type: 'anchor_mismatch', expectedCount: 9, actualCount: 9, expectedHeadHash: 'e'.repeat(64), actualHash: 'f'.repeat(64) },
};

describe('chain-error words', () => {
  it('has a title, an explanation naming the record, and advice for every code a verifier produces', () => {
    expect(Object.keys(CHAIN_ERRORS).sort()).toEqual(Object.keys(PRODUCED).sort());
    for (const code of Object.keys(PRODUCED) as Produced[]) {
      const facts = SAMPLE[code];
      expect(chainErrorTitle(facts), code).toMatch(/\w/);
      expect(explainChainError(facts, 7), code).toMatch(/^Record 7 /);
      expect(chainErrorAdvice(facts), code).toMatch(/\w/);
    }
    expect(fromRuntime({ index: 1, type: 'missing_record_hash' }).type).toBe('missing_record_hash');
    expect(fromContract({ index: 1, seq: 1, type: 'missing_record_hash' }).type).toBe('missing_record_hash');
  });

  it('gives the service summary the same words as the CLI, by the record the Studio shows (its seq)', () => {
    const report = { ok: false, chain: 'broken' as const, count: 9, headHash: null, computedHeadHash: null, firstBadIndex: 3, errors: [{ index: 3, ...SAMPLE.record_hash_mismatch }] };
    const summary = toChainSummary({ runId: 'r1', sourceId: 'ws' }, report, '2026-01-01T00:00:00Z', (i) => i + 10);
    expect(summary.explanation).toBe(explainChainError(SAMPLE.record_hash_mismatch, 13));
    expect(summary.explanation).toBe(`Record 13 was changed after it was written: its content hashes to ${'b'.repeat(12)}…, not to its stored hash ${'a'.repeat(12)}….`);
  });
});
