import { type ChainBadge as Badge } from '../../../../shared/contract';

const GLYPH: Record<Badge, string> = { verified: '✓', broken: '!', unchecked: '', unchained: '–' };
const LABEL: Record<Badge, string> = {
  verified: 'Hash chain verified: this record is unchanged since it was written',
  broken: 'Hash chain broken at this record: it does not match its stored hash or link',
  unchecked: 'Not verified yet',
  unchained: 'Not chained: this record carries no hash, so it cannot be checked (nothing is wrong with it)',
};

/** The hash-chain badge of one ledger record. */
export function ChainBadge({ badge }: { badge: Badge }) {
  return (
    <span className={`chain ${badge}`} role="img" aria-label={LABEL[badge]} title={LABEL[badge]}>
      {GLYPH[badge]}
    </span>
  );
}
