import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { StudioError } from '../../shared/contract/errors';

/**
 * Paths the renderer names (workspaces, Python folders) must lie under one of the allowed roots,
 * after resolving `..` and symlinks, so a compromised or buggy renderer cannot make the backend
 * open files elsewhere.
 */
export class PathGuard {
  private readonly roots: string[];

  constructor(roots: readonly string[]) {
    this.roots = roots.map((r) => realOrResolved(r));
  }

  check(path: string): string {
    if (!isAbsolute(path)) throw new StudioError('PATH_NOT_ALLOWED', `"${path}" is not an absolute path. Give the full path of the file or folder.`);
    const real = realOrResolved(path);
    if (!this.roots.some((root) => isInside(real, root))) {
      throw new StudioError('PATH_NOT_ALLOWED', `"${path}" is outside the folders the Studio may open (${this.roots.join(', ')}).`, { path });
    }
    return real;
  }
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The real path if it exists; otherwise the real path of the nearest existing parent + the rest. */
function realOrResolved(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    const parent = dirname(abs);
    if (parent === abs) return abs;
    return resolve(realOrResolved(parent), relative(parent, abs));
  }
}
