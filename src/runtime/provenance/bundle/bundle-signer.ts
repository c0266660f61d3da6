/**
 * Who vouches for a bundle, apart from whether it is intact. A bundle whose chain and signatures
 * all check out proves only that the holders of the keys *in the bundle* signed it: anyone can make
 * a key and re-sign a rewritten ledger. The signer is authenticated only against keys the auditor
 * trusts, obtained apart from the bundle.
 */
import { type BundleReport } from './verify-bundle';

/**
 * - `authenticated`: trusted keys were given and everything verified against them;
 * - `not-authenticated`: something is signed, but no trusted keys were given (or it did not verify);
 * - `unsigned`: no valid signature and no seal: nothing says who wrote the records.
 */
export type BundleSigner = 'authenticated' | 'not-authenticated' | 'unsigned';

export function bundleSigner(r: BundleReport): BundleSigner {
  const signed = r.provenance.signedThrough !== null || r.sealed;
  if (!signed) return 'unsigned';
  return r.ok && r.provenance.trust === 'trusted-keys' ? 'authenticated' : 'not-authenticated';
}
