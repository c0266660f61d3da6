/**
 * How a host keeps its signing keys at rest when the OS keychain is not available to it. The web
 * host (`studio serve`) and the CLI have no keychain: with STUDIO_KEY_PASSPHRASE set, the private
 * keys are sealed with that passphrase (scrypt + AES-GCM); without it they are stored unprotected
 * in the workspace file (protection "none"), so anyone who can read the file can sign as the
 * Studio. The desktop app uses the OS keychain instead (Electron safeStorage, see electron/main.ts).
 */
import { noneProtector, passphraseProtector, type KeyProtector } from '../../../runtime/provenance/index';

export const KEY_PASSPHRASE_ENV = 'STUDIO_KEY_PASSPHRASE';

/** The passphrase from the environment, or null when unset or empty. */
export function keyPassphrase(env: NodeJS.ProcessEnv): string | null {
  const value = env[KEY_PASSPHRASE_ENV];
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function keyProtectorFromEnv(env: NodeJS.ProcessEnv): KeyProtector {
  const passphrase = keyPassphrase(env);
  return passphrase === null ? noneProtector() : passphraseProtector(passphrase);
}
