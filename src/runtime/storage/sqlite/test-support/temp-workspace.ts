import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteWorkspace, type SqliteWorkspaceOptions } from '../sqlite-workspace';

/**
 * Temp folders for tests over real SQLite files: `track` every workspace opened, `cleanup` closes
 * them and removes the folders (call it from afterEach).
 */
export class TempWorkspaces {
  private readonly dirs: string[] = [];
  private readonly opened: SqliteWorkspace[] = [];

  /** A fresh folder; returns the path of a workspace file inside it (not created yet). */
  newPath(name = 'workspace.sqlite'): string {
    const dir = mkdtempSync(join(tmpdir(), 'ar-sqlite-'));
    this.dirs.push(dir);
    return join(dir, name);
  }

  open(path: string, options: SqliteWorkspaceOptions = {}): SqliteWorkspace {
    const ws = SqliteWorkspace.open(path, options);
    this.opened.push(ws);
    return ws;
  }

  /** A new workspace in a new folder. */
  create(options: SqliteWorkspaceOptions = {}): SqliteWorkspace {
    return this.open(this.newPath(), options);
  }

  cleanup(): void {
    for (const ws of this.opened.splice(0)) ws.close();
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}
