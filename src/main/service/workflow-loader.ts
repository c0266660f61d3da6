import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import * as runtime from '../../runtime/index';
import { WorkflowSpec } from '../../runtime/index';
import * as integrations from '../../runtime/integrations/index';
import * as provenance from '../../runtime/provenance/index';
import * as postgres from '../../runtime/storage/postgres/index';
import * as sqlite from '../../runtime/storage/sqlite/index';

/** A tool function a workflow module exports (see the integrations' MappingToolExecutor). */
export type LoadedTool = ((...args: never[]) => unknown) & { toolDefinition?: { name?: string; requiresApproval?: boolean } };

export interface LoadedModule {
  file: string;
  /**
   * The module's version: sha256 (first 12 hex digits) of its bundled code, so a change in a
   * helper it imports is a new version too. Recorded on each run started with it.
   */
  version: string;
  workflows: WorkflowSpec[];
  tools: LoadedTool[];
}

/** A module (or folder) that could not be loaded: where, and why in the compiler's words. */
export interface ModuleLoadError {
  file: string;
  /** 1-based line of the first problem, when the compiler located it. */
  line: number | null;
  message: string;
}

export interface LoadResult {
  modules: LoadedModule[];
  errors: ModuleLoadError[];
}

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs', '.cjs']);
/** The specifier workflow modules import the runtime by: the published package's name. */
export const RUNTIME_SPECIFIER = 'abstractruntime';
/**
 * Each entry of the published package (packages/runtime/package.json `exports`), mapped to this
 * process's own copy, so a module written against the package runs in the Studio unchanged.
 */
const RUNTIME_ENTRIES: Readonly<Record<string, unknown>> = {
  [RUNTIME_SPECIFIER]: runtime,
  [`${RUNTIME_SPECIFIER}/sqlite`]: sqlite,
  [`${RUNTIME_SPECIFIER}/postgres`]: postgres,
  [`${RUNTIME_SPECIFIER}/integrations`]: integrations,
  [`${RUNTIME_SPECIFIER}/provenance`]: provenance,
};

/**
 * Loads every workflow module of the given folders. Each module is bundled with esbuild (so it may
 * be TypeScript and import its own helpers), with the runtime left external and handed the very
 * runtime the Studio runs (one WorkflowSpec class, one set of effect types). A module that fails
 * is reported with its file and error and does not stop the others.
 */
export async function loadWorkflowFolders(dirs: readonly string[]): Promise<LoadResult> {
  const result: LoadResult = { modules: [], errors: [] };
  for (const dir of dirs) {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => MODULE_EXTENSIONS.has(extname(n)) && !n.endsWith('.d.ts') && !n.includes('.test.')).sort();
    } catch (e) {
      result.errors.push({ file: dir, line: null, message: `Cannot read the workflow folder: ${(e as Error).message}` });
      continue;
    }
    for (const name of names) {
      const file = resolve(join(dir, name));
      try {
        result.modules.push(await loadWorkflowModule(file));
      } catch (e) {
        result.errors.push({ file, ...errorText(e) });
      }
    }
  }
  return result;
}

export async function loadWorkflowModule(file: string): Promise<LoadedModule> {
  const out = await build({
    entryPoints: [file],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: Object.keys(RUNTIME_ENTRIES),
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]?.text ?? '';
  const version = createHash('sha256').update(code).digest('hex').slice(0, 12);
  const exports = evaluate(code, file);
  return { file, version, workflows: collect(exports, isWorkflowSpec), tools: collect(exports, isTool) };
}

function evaluate(code: string, file: string): Record<string, unknown> {
  const nodeRequire = createRequire(file);
  const requireShim = (specifier: string): unknown => RUNTIME_ENTRIES[specifier] ?? nodeRequire(specifier);
  const module = { exports: {} as Record<string, unknown> };
  // A module is trusted code of the workspace, as a Python workflow file is for the reference.
  const fn = new Function('require', 'module', 'exports', '__filename', '__dirname', code) as (...a: unknown[]) => void;
  fn(requireShim, module, module.exports, file, resolve(file, '..'));
  return module.exports;
}

function collect<T>(exports: Record<string, unknown>, accept: (v: unknown) => v is T): T[] {
  const out: T[] = [];
  for (const value of Object.values(exports)) {
    for (const v of Array.isArray(value) ? value : [value]) if (accept(v) && !out.includes(v)) out.push(v);
  }
  return out;
}

const isWorkflowSpec = (v: unknown): v is WorkflowSpec => v instanceof WorkflowSpec;
const isTool = (v: unknown): v is LoadedTool => typeof v === 'function' && !(v instanceof WorkflowSpec) && 'toolDefinition' in (v as object);

/** esbuild's errors carry a location (line 1-based, column 0-based); anything else is its message. */
function errorText(e: unknown): { line: number | null; message: string } {
  const errs = (e as { errors?: Array<{ text: string; location?: { file?: string; line: number; column: number } | null }> }).errors;
  if (Array.isArray(errs) && errs.length > 0) {
    const first = errs[0]!;
    const where = (x: (typeof errs)[number]) => (x.location ? `${x.location.line}:${x.location.column + 1}: ` : '');
    // The first problem leads; the others follow with their own places (often in another file).
    return { line: first.location?.line ?? null, message: errs.map((x) => `${x === first ? '' : where(x)}${x.text}`).join('; ') };
  }
  return { line: null, message: e instanceof Error ? e.message : String(e) };
}
