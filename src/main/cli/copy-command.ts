/** `studio copy <from> <to>`: a workspace SQLite -> PostgreSQL or back, everything in it, checked on the copy. */
import { redactUrl } from '../../runtime/storage/postgres/pg-errors';
import { copyWorkspace, type CopyCounts } from '../../runtime/storage/copy/copy-workspace';
import { isPostgresUrl } from '../../runtime/storage/copy/copy-endpoints';
import { CliUsageError, EXIT_OK, type CliIo } from './cli-io';

export interface CopyCommandOptions {
  from: string;
  to: string;
}

/** How a workspace is shown: a URL without its password, a path as given. */
const shown = (spec: string): string => (isPostgresUrl(spec) ? redactUrl(spec) : spec);

const summary = (c: CopyCounts): string =>
  `${c.runs} runs, ${c.records} records, ${c.states} saved states, ${c.artifacts} artifacts, ${c.snapshots} snapshots, ${c.keys} keys, ${c.checkpoints} checkpoints, ${c.tombstones} tombstones of deleted runs`;

/**
 * Copies into a target that does not exist yet or is an empty workspace; a target with data is
 * refused (COPY_TARGET_NOT_EMPTY), never merged into: two workspaces' runs, keys and checkpoint
 * chains cannot be merged without rewriting history. Exit 0 once the copy is in place and every
 * run verifies on it as at the source; any failure leaves no copy (exit 2, one line, no password).
 */
export async function copyCommand(io: CliIo, options: CopyCommandOptions): Promise<number> {
  const { from, to } = options;
  if (!from || !to) throw new CliUsageError('copy takes a source and a target: a workspace file or a postgres:// URL each.');
  if (from === to) throw new CliUsageError('copy: the source and the target are the same workspace.');
  io.err(`studio copy: ${shown(from)} -> ${shown(to)}\n`);
  const result = await copyWorkspace(from, to, {
    onProgress: (c) => {
      if (io.errIsTty) io.err(`\r  ${summary(c)}`);
    },
  });
  if (io.errIsTty) io.err('\n');
  io.out(`Copied ${summary(result)} to ${result.target}; ${result.verifiedRuns} runs verify on the copy as at the source.\n`);
  return EXIT_OK;
}
