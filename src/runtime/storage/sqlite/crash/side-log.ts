import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

/** One execution of an effect handler, as the crash test's stub handlers log it. */
export interface Execution {
  /** Unique id of this execution; a completed result carries it as `exec_id`. */
  x: string;
  /** The process that executed it. */
  p: number;
  /** Run id and idempotency key of the effect. */
  r: string;
  k: string;
  /** Effect type, and the attempt number within that process (flaky calls). */
  t: string;
  a: number;
}

/**
 * An append-only file of executions, fsync'd before the handler returns: an effect whose
 * completion is committed has its line on disk, so double executions cannot hide. The file is
 * written by one child at a time, so its line order is the order executions happened in.
 */
export class SideLog {
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'a');
  }

  append(e: Execution): void {
    writeSync(this.fd, `${JSON.stringify(e)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The complete lines of a side log (a line cut short by a kill is ignored). */
export function readSideLog(path: string): Execution[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n');
  if (end < 0) return [];
  return text
    .slice(0, end)
    .split('\n')
    .map((line) => JSON.parse(line) as Execution);
}
