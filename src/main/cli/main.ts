/**
 * The `studio` command line (bin/studio.mjs runs it through tsx). Every command returns its exit
 * code; only usage problems and unreadable input are reported without a stack trace (exit 2).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isBundleFile } from '../../runtime/provenance/index';
import { RuntimeError } from '../../runtime/errors';
import { CliUsageError, EXIT_OK, EXIT_USAGE, processIo, type CliIo } from './cli-io';
import { bundleExportCommand } from './bundle-export-command';
import { bundleVerifyCommand } from './bundle-verify-command';
import { copyCommand } from './copy-command';
import { exportCommand } from './export-command';
import { otlpExportCommand } from './otlp-export-command';
import { keysCommand } from './keys-command';
import { runsCommand } from './runs-command';
import { serveCommand } from './serve-command';
import { USAGE } from './usage';
import { verifyCommand } from './verify-command';
import { workerCommand } from './worker-command';

export interface CliContext {
  /** The package root (where out/renderer and resources/ are). */
  packageRoot: string;
  io?: CliIo;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

const COMMANDS: Record<string, { options: Options; positionals: number; names: string[] }> = {
  serve: { options: { port: { type: 'string' }, workspace: { type: 'string' } }, positionals: 0, names: [] },
  verify: {
    options: { run: { type: 'string' }, json: { type: 'boolean' }, 'require-chain': { type: 'boolean' }, trusted: { type: 'string' }, 'require-seal': { type: 'boolean' }, 'allow-unsigned': { type: 'boolean' }, 'allow-untrusted': { type: 'boolean' } },
    positionals: 1,
    names: ['a workspace file, a Python data folder or SQLite store, or an audit bundle'],
  },
  runs: {
    options: { status: { type: 'string' }, workflow: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
    positionals: 1,
    names: ['a workspace file, a Python data folder or a Python SQLite store'],
  },
  export: { options: { out: { type: 'string' }, bundle: { type: 'boolean' }, 'no-artifacts': { type: 'boolean' }, otlp: { type: 'string' } }, positionals: 2, names: ['a workspace file', 'a run id'] },
  keys: { options: { json: { type: 'boolean' } }, positionals: 1, names: ['a workspace file'] },
  copy: { options: {}, positionals: 2, names: ['a source workspace', 'a target workspace (a file or a postgres:// URL each)'] },
  worker: { options: { workspace: { type: 'string' }, workflows: { type: 'string' }, concurrency: { type: 'string' }, id: { type: 'string' } }, positionals: 0, names: [] },
};

export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  const io = context.io ?? processIo();
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    io.out(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  try {
    const spec = COMMANDS[command];
    if (!spec) throw new CliUsageError(`unknown command ${JSON.stringify(command)}.`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(USAGE);
      return EXIT_OK;
    }
    const { values, positionals } = parse(command, rest, spec);
    return await dispatch(command, values, positionals, io, context);
  } catch (err) {
    return report(err, io);
  }
}

function parse(command: string, args: string[], spec: (typeof COMMANDS)[string]): { values: Values; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: spec.options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliUsageError(`${command}: ${(err as Error).message}`);
  }
  if (parsed.positionals.length !== spec.positionals) {
    const want = spec.names.length > 0 ? spec.names.join(' and ') : 'no arguments';
    throw new CliUsageError(`${command} takes ${want} (got ${parsed.positionals.length} argument${parsed.positionals.length === 1 ? '' : 's'}).`);
  }
  return { values: parsed.values as Values, positionals: parsed.positionals };
}

const text = (v: string | boolean | undefined): string | null => (typeof v === 'string' ? v : null);

function positiveInt(name: string, v: string | boolean | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER, min = 1): number {
  if (typeof v !== 'string') return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) throw new CliUsageError(`--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)}).`);
  return n;
}

const BUNDLE_ONLY = { verify: ['trusted', 'require-seal', 'allow-unsigned', 'allow-untrusted'], export: ['no-artifacts'] } as const;

function refuseBundleOnly(command: keyof typeof BUNDLE_ONLY, values: Values, what: string): void {
  const given = BUNDLE_ONLY[command].filter((o) => values[o] !== undefined);
  if (given.length > 0) throw new CliUsageError(`${command}: --${given.join(', --')} ${given.length === 1 ? 'applies' : 'apply'} to ${what} only.`);
}

function exportOtlp(values: Values, path: string, runId: string, io: CliIo): Promise<number> {
  const mixed = ['out', 'bundle', 'no-artifacts'].filter((o) => values[o] !== undefined);
  if (mixed.length > 0) throw new CliUsageError(`export --otlp sends spans and writes no file: drop --${mixed.join(', --')}.`);
  return otlpExportCommand(io, { path, runId, url: text(values['otlp']) ?? '' });
}

/** A bundle is told by its first line (a folder or a missing path is left to the other checks). */
async function isBundle(path: string): Promise<boolean> {
  const full = resolve(path);
  return statSync(full, { throwIfNoEntry: false })?.isFile() === true && (await isBundleFile(full));
}

async function verifyAny(values: Values, path: string, io: CliIo): Promise<number> {
  // Before the file-or-folder detection, which takes any file for a SQLite workspace.
  if (await isBundle(path)) {
    if (values['run'] !== undefined) throw new CliUsageError('verify: --run does not apply to an audit bundle (it holds one run).');
    if (values['require-chain'] !== undefined) throw new CliUsageError('verify: --require-chain does not apply to an audit bundle (its chain is always checked).');
    const flag = (name: string): boolean => values[name] === true;
    return bundleVerifyCommand(io, { path, trusted: text(values['trusted']), requireSeal: flag('require-seal'), allowUnsigned: flag('allow-unsigned'), allowUntrusted: flag('allow-untrusted'), json: flag('json') });
  }
  refuseBundleOnly('verify', values, 'an audit bundle');
  return verifyCommand(io, { path, runId: text(values['run']), json: values['json'] === true, requireChain: values['require-chain'] === true });
}

function dispatch(command: string, values: Values, positionals: string[], io: CliIo, context: CliContext): Promise<number> {
  const [first = '', second = ''] = positionals;
  switch (command) {
    case 'verify':
      return verifyAny(values, first, io);
    case 'keys':
      return keysCommand(io, { path: first, json: values['json'] === true });
    case 'runs':
      return runsCommand(io, {
        path: first,
        status: text(values['status']),
        workflowId: text(values['workflow']),
        limit: positiveInt('limit', values['limit'], 100),
        json: values['json'] === true,
      });
    case 'export':
      if (values['otlp'] !== undefined) return exportOtlp(values, first, second, io);
      if (values['bundle'] === true) return bundleExportCommand(io, { path: first, runId: second, out: text(values['out']), includeArtifacts: values['no-artifacts'] !== true });
      refuseBundleOnly('export', values, 'export --bundle');
      return exportCommand(io, { path: first, runId: second, out: text(values['out']) });
    case 'copy':
      return copyCommand(io, { from: first, to: second });
    case 'worker':
      return workerCommand(io, {
        workspace: text(values['workspace']),
        workflows: text(values['workflows']),
        concurrency: positiveInt('concurrency', values['concurrency'], 4, 256),
        id: text(values['id']),
      });
    default:
      return serveCommand(io, {
        port: values['port'] === undefined ? 0 : positiveInt('port', values['port'], 0, 65535, 0), // 0: any free port
        workspace: text(values['workspace']),
        packageRoot: context.packageRoot,
      });
  }
}

/** Usage problems and typed runtime errors in one line; anything else is a bug: show it all. Exit 2 either way. */
function report(err: unknown, io: CliIo): number {
  if (err instanceof CliUsageError) {
    io.err(`studio: ${err.message}\nRun "studio --help" for usage.\n`);
    return EXIT_USAGE;
  }
  if (err instanceof RuntimeError) {
    io.err(`studio: ${err.message}\n`);
    return EXIT_USAGE;
  }
  // Not "verification failed" (1): nothing was checked, so the caller must not read it as a result.
  io.err(`studio: unexpected error (please report it):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT_USAGE;
}
