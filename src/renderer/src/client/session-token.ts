/** Where the web client finds the per-launch token, kept injectable for tests. */
export interface TokenEnvironment {
  href: string;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  replaceUrl(url: string): void;
}

export const TOKEN_STORAGE_KEY = 'studio.token';

/**
 * Reads the token the web host printed in the URL (`?token=`), remembers it for this tab (so a
 * reload keeps working) and removes it from the address bar so it is not shared by copy-paste or
 * kept in history. Falls back to the remembered one.
 */
export function takeSessionToken(env: TokenEnvironment): string | null {
  const url = new URL(env.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    env.storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    env.replaceUrl(url.pathname + (url.search === '?' ? '' : url.search) + url.hash);
    return fromUrl;
  }
  return env.storage.getItem(TOKEN_STORAGE_KEY);
}
