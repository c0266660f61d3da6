/**
 * Secrets out of effect errors. A server's error body may echo the key it was sent ("invalid
 * key: Bearer sk-…"); the error becomes the run's error, a ledger record (hash-chained: it can
 * never be redacted there afterwards) and an event. So the effect handlers' errors are cleaned
 * before the runtime sees them: every configured secret value, and anything shaped like a bearer
 * token or an API key, becomes [REDACTED].
 */
import { EffectOutcome, type EffectHandler } from '../../../runtime/index';

export const REDACTED = '[REDACTED]';

// "Bearer <token>" / "Basic <token>" in any case, and the common API key shapes (OpenAI-style
// sk-…, GitHub ghp_…, Slack xox…-, AWS access key ids): long enough not to hit ordinary words.
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\bsk-[A-Za-z0-9_-]{12,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
];

/** Secrets shorter than this are not matched as values (they would blank ordinary text); the patterns still apply. */
const MIN_SECRET_LENGTH = 6;

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is replaced whole.
  for (const s of [...new Set(secrets)].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(REDACTED);
    // A header value "Bearer <key>": the bare key may be echoed alone too.
    const bare = /^(Bearer|Basic|Token)\s+(.+)$/i.exec(s)?.[2];
    if (bare && bare.length >= MIN_SECRET_LENGTH) out = out.split(bare).join(REDACTED);
  }
  for (const p of TOKEN_PATTERNS) out = out.replace(p, (m, scheme?: string) => (typeof scheme === 'string' && /^(bearer|basic|token)$/i.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED));
  return out;
}

/** `inner`, with the error of a failed outcome (or of a throw) redacted; results pass as they are. */
export function redactingHandler(inner: EffectHandler, secrets: () => readonly string[]): EffectHandler {
  return async (run, effect, next, ctx) => {
    let outcome: EffectOutcome;
    try {
      outcome = await inner(run, effect, next, ctx);
    } catch (e) {
      throw redactError(e, secrets());
    }
    return outcome.status === 'failed' && outcome.error !== null ? EffectOutcome.failed(redactSecrets(outcome.error, secrets())) : outcome;
  };
}

function redactError(e: unknown, secrets: readonly string[]): unknown {
  if (!(e instanceof Error)) return typeof e === 'string' ? new Error(redactSecrets(e, secrets)) : e;
  e.message = redactSecrets(e.message, secrets);
  if (e.stack) e.stack = redactSecrets(e.stack, secrets);
  return e;
}
