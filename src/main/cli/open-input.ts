/**
 * What a CLI path argument names: a SQLite workspace file, a Python data folder (0.2 or 0.4), or
 * a Python 0.4 SQLite store (told from a workspace by its content). Opened read-only in every
 * case: the CLI audits, it never changes what it reads.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { RuntimeError } from '../../runtime/errors';
import { openPythonDataFolder, type PythonDataFolder } from '../../runtime/storage/files/index';
import { isPythonSqliteStore, PythonSqliteStore } from '../../runtime/storage/python-sqlite/index';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { CliUsageError } from './cli-io';

export type InputKind = 'sqlite' | 'python-folder' | 'python-sqlite';

export function inputKind(path: string): InputKind {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliUsageError(code === 'ENOENT' ? `${path} does not exist.` : `cannot read ${path}: ${(err as Error).message}`);
  }
  if (isDir) return 'python-folder';
  return isPythonSqliteStore(path) ? 'python-sqlite' : 'sqlite';
}

/** How a report names the source. */
export const INPUT_LABEL: Readonly<Record<InputKind, string>> = {
  sqlite: 'SQLite workspace',
  'python-folder': 'Python AbstractRuntime data folder',
  'python-sqlite': 'Python AbstractRuntime 0.4 SQLite store',
};

/** Opens a Python 0.4 SQLite store for reading (in memory when it has no pending WAL). */
export function openPythonSqliteReadonly(path: string): PythonSqliteStore {
  try {
    return new PythonSqliteStore(resolve(path));
  } catch (err) {
    if (err instanceof RuntimeError) throw new CliUsageError(err.message);
    throw err;
  }
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
