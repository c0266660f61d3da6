import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../runtime/storage/files/atomic-write';
import { type RunStop } from '../../shared/contract/run-stop';

/**
 * What the Studio keeps beside a workspace file (`<file>.studio.json`): the workflow folders it
 * loads, the LLM settings, and the debugger's pauses and breakpoints, so a paused run stays paused
 * across a restart. Secrets never go here (see the settings issue).
 */
export interface LlmHeaderConfig {
  name: string;
  secret: boolean;
  /** Only for non-secret headers; secret values live in the SecretStore. */
  value: string | null;
}

export interface WorkspaceConfig {
  workflowDirs: string[];
  llm: { baseUrl: string | null; model: string | null; timeoutS: number; headers: LlmHeaderConfig[] };
  /** Per tool: true when a person must approve each call; absent means the tool's own default. */
  toolApproval: Record<string, boolean>;
  /** Per million tokens, for the cost shown beside LLM calls; null: not set. */
  pricing: { promptPerMillion: number | null; completionPerMillion: number | null };
  paused: string[];
  breakpoints: Record<string, string[]>;
  /** Paused runs held by a restore (their header says "held after restore" after a restart too). */
  heldAfterRestore: string[];
  /** Paused runs held at a breakpoint or after a Step (the node is said after a restart too); checked when read (run-driver.ts). */
  heldStops: Record<string, Extract<RunStop, { kind: 'breakpoint' | 'stepped' }>>;
  /** Per run: the version (hash) of its workflow's module when it started, so its header can say which. */
  runVersions: Record<string, string>;
}

export const defaultWorkspaceConfig = (): WorkspaceConfig => ({
  workflowDirs: [],
  llm: { baseUrl: null, model: null, timeoutS: 60, headers: [] },
  toolApproval: {},
  pricing: { promptPerMillion: null, completionPerMillion: null },
  paused: [],
  breakpoints: {},
  heldAfterRestore: [],
  heldStops: {},
  runVersions: {},
});

export function configPath(workspacePath: string): string {
  return `${workspacePath}.studio.json`;
}

export async function readWorkspaceConfig(workspacePath: string): Promise<WorkspaceConfig> {
  let text: string;
  try {
    text = await readFile(configPath(workspacePath), 'utf8');
  } catch {
    return defaultWorkspaceConfig();
  }
  try {
    const raw = JSON.parse(text) as Partial<WorkspaceConfig>;
    const base = defaultWorkspaceConfig();
    return {
      workflowDirs: Array.isArray(raw.workflowDirs) ? raw.workflowDirs.filter((d): d is string => typeof d === 'string') : base.workflowDirs,
      llm: {
        baseUrl: typeof raw.llm?.baseUrl === 'string' ? raw.llm.baseUrl : null,
        model: typeof raw.llm?.model === 'string' ? raw.llm.model : null,
        timeoutS: typeof raw.llm?.timeoutS === 'number' ? raw.llm.timeoutS : base.llm.timeoutS,
        headers: Array.isArray(raw.llm?.headers)
          ? raw.llm.headers
              .filter((h): h is LlmHeaderConfig => typeof h?.name === 'string')
              .map((h) => ({ name: h.name, secret: h.secret === true, value: h.secret === true ? null : typeof h.value === 'string' ? h.value : null }))
          : [],
      },
      toolApproval: typeof raw.toolApproval === 'object' && raw.toolApproval !== null ? raw.toolApproval : {},
      pricing: { promptPerMillion: price(raw.pricing?.promptPerMillion), completionPerMillion: price(raw.pricing?.completionPerMillion) },
      paused: Array.isArray(raw.paused) ? raw.paused.filter((d): d is string => typeof d === 'string') : [],
      breakpoints: typeof raw.breakpoints === 'object' && raw.breakpoints !== null ? raw.breakpoints : {},
      heldAfterRestore: Array.isArray(raw.heldAfterRestore) ? raw.heldAfterRestore.filter((d): d is string => typeof d === 'string') : [],
      heldStops: typeof raw.heldStops === 'object' && raw.heldStops !== null && !Array.isArray(raw.heldStops) ? raw.heldStops : {},
      runVersions: stringRecord(raw.runVersions),
    };
  } catch {
    // A damaged sidecar must not lock the user out of the workspace: start from defaults.
    return defaultWorkspaceConfig();
  }
}

/** A price read from the sidecar: a finite number ≥ 0, else not set (a hand-edited file must not show a NaN cost). */
function price(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

export async function writeWorkspaceConfig(workspacePath: string, config: WorkspaceConfig): Promise<void> {
  // Owner only, like the workspace: it names the LLM server and the workspace's code folders.
  await writeFileAtomic(configPath(workspacePath), JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
}

function stringRecord(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
