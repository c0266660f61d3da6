/**
 * What a CLI path argument names: a SQLite workspace file or a Python data folder. Opened
 * read-only in both cases: the CLI audits, it never changes what it reads.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RuntimeError } from '../../runtime/errors';
import { openPythonDataFolder, type PythonDataFolder } from '../../runtime/storage/files/index';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { CliUsageError } from './cli-io';

export type InputKind = 'sqlite' | 'python-folder';

export function inputKind(path: string): InputKind {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliUsageError(code === 'ENOENT' ? `${path} does not exist.` : `cannot read ${path}: ${(err as Error).message}`);
  }
  return isDir ? 'python-folder' : 'sqlite';
}

/** Opens a workspace for reading; a file that is not a workspace is a usage error (exit 2). */
export function openWorkspaceReadonly(path: string): SqliteWorkspace {
  try {
    return SqliteWorkspace.open(resolve(path), { readonly: true });
  } catch (err) {
    if (err instanceof RuntimeError) throw new CliUsageError(err.message, { cause: err });
    throw err;
  }
}

export async function openFolderReadonly(path: string): Promise<PythonDataFolder> {
  try {
    return await openPythonDataFolder(resolve(path), { readOnly: true });
  } catch (err) {
    if (err instanceof RuntimeError) throw new CliUsageError(err.message);
    throw err;
  }
}
