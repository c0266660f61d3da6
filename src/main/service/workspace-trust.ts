import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../runtime/storage/files/atomic-write';

export type TrustState = 'trusted' | 'refused' | 'undecided';

interface TrustDecision {
  trusted: boolean;
  /** The folders the user was shown: a workspace that later names other folders is asked again. */
  folders: string[];
}

/**
 * The user's answer, per workspace file, to "load and run the code in these folders?" (like an
 * editor's workspace trust). A workspace's sidecar can name any folder, and its modules run in
 * the backend, so nothing is loaded until the user has trusted that workspace with those folders.
 * Kept in the user's data folder (0600), never beside the workspace, where its sender could
 * pre-answer it.
 */
export class WorkspaceTrust {
  private decisions = new Map<string, TrustDecision>();

  constructor(private readonly file: string) {}

  async load(): Promise<void> {
    try {
      const raw = JSON.parse(await readFile(this.file, 'utf8')) as Record<string, Partial<TrustDecision>>;
      for (const [path, d] of Object.entries(raw)) {
        if (typeof d?.trusted === 'boolean' && Array.isArray(d.folders)) this.decisions.set(path, { trusted: d.trusted, folders: d.folders.filter((f): f is string => typeof f === 'string') });
      }
    } catch {
      this.decisions.clear(); // no file yet, or unreadable: every workspace with code is asked
    }
  }

  stateOf(workspacePath: string, folders: readonly string[]): TrustState {
    const d = this.decisions.get(workspacePath);
    if (!d || !sameFolders(d.folders, folders)) return 'undecided';
    return d.trusted ? 'trusted' : 'refused';
  }

  async decide(workspacePath: string, folders: readonly string[], trusted: boolean): Promise<void> {
    this.decisions.set(workspacePath, { trusted, folders: [...folders] });
    // A first start with STUDIO_USER_DATA naming a new folder: the answer must still be kept.
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.decisions), null, 2), { mode: 0o600 });
  }
}

function sameFolders(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((f, i) => f === y[i]);
}
