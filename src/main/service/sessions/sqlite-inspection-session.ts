import { basename } from 'node:path';
import { SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';
import { type ReadSession } from './session';
import { SqliteWorkspaceReads } from './sqlite-workspace-reads';
import { READ_ONLY_CAPABILITIES, type SessionCapabilities } from './session-capabilities';

/**
 * A SQLite workspace opened for inspection only: the file cannot or must not be written (it is
 * read-only, or damaged), or its workflow code is not trusted. Runs, ledgers, states and
 * artifacts read as usual; no workflow module is loaded, no scheduler runs, nothing is written.
 */
export class SqliteInspectionSession extends SqliteWorkspaceReads implements ReadSession {
  /** Nothing is written, so nothing is driven or changed; its keys are not offered as trusted either. */
  readonly capabilities: SessionCapabilities = READ_ONLY_CAPABILITIES;

  private constructor(
    ws: SqliteWorkspace,
    readonly info: WorkspaceInfo,
  ) {
    super(ws);
  }

  /** `reason`: why it is read-only, in words the header and the READ_ONLY errors show. */
  static open(path: string, reason: string, workflowDirs: string[] = []): SqliteInspectionSession {
    const ws = SqliteWorkspace.open(path, { readonly: true });
    return new SqliteInspectionSession(ws, {
      id: path,
      name: basename(path).replace(/\.studio\.sqlite$|\.sqlite$/, ''),
      path,
      kind: 'sqlite',
      readOnly: true,
      readOnlyReason: reason,
      workflowDirs,
      loadErrors: [],
    });
  }

  workflows(): WorkflowInfo[] {
    return [];
  }
  isPaused(): boolean {
    return false;
  }
  breakpointsOf(): string[] {
    return [];
  }
  async close(): Promise<void> {
    this.ws.close();
  }
}
