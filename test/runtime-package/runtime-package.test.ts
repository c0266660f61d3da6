import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { askHolder } from '../../src/runtime/requests/index';
import { SqliteWorkspace } from '../../src/runtime/storage/sqlite/index';
import { OtlpReceiver } from '../../src/runtime/telemetry/testing/otlp-receiver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The runtime as a published package: build it, `npm pack` it, install the tarball into a fresh
 * project in the system temp folder (nothing in it points back into this repository), type-check
 * a consumer against the published declarations and run a workflow on SQLite there.
 */
const run = promisify(execFile);
const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const PACKAGE_README = join(REPO, 'packages/runtime/README.md');
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

/** The environment without what an enclosing `npm run` exports, so the inner npm sees only its project. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
}

async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await run(cmd, args, { cwd, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`, { cause: e });
  }
}

async function rootRange(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  const range = pkg['dependencies']?.[name] ?? pkg['devDependencies']?.[name];
  if (!range) throw new Error(`${name} is not a dependency of the repository`);
  return `${name}@${range}`;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** The first `lang` block under a heading of packages/runtime/README.md, exactly as a reader copies it. */
async function readmeBlock(heading: string, lang: 'ts' | 'sh'): Promise<string> {
  const text = await readFile(PACKAGE_README, 'utf8');
  const at = text.indexOf(`## ${heading}\n`);
  const block = at < 0 ? null : new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(text.slice(at));
  if (!block) throw new Error(`packages/runtime/README.md has no ${lang} block under "${heading}"`);
  return block[1]!;
}
const readmeApp = (): Promise<string> => readmeBlock('Use the runtime in your app', 'ts');

/** The `ts` blocks of the repository README's live-Studio journey, in order (the workflow module, then the app). */
async function liveJourneyBlocks(): Promise<string[]> {
  const text = await readFile(join(REPO, 'README.md'), 'utf8');
  const at = text.indexOf("### Watch and answer your app's runs in the Studio, live\n");
  if (at < 0) throw new Error('README.md has no live-Studio journey');
  const section = text.slice(at, text.indexOf('\n## ', at));
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}
const TRACING = 'See it in your tracing tool';

/** Strict, nodenext, and the published declarations checked too (skipLibCheck off). */
const TSCONFIG = {
  // allowImportingTsExtensions: the live journey's app imports its workflow module as `./workflows/ask-name.ts`, as Node runs it.
  compilerOptions: { target: 'ES2023', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: false, types: ['node'], noEmit: true, allowImportingTsExtensions: true },
  files: ['app.ts', 'agent.ts', 'tracing.ts', 'live.ts', 'workflows/ask-name.ts'],
};

/** The integrations entry, type-checked only (an agent needs an LLM). */
const AGENT_TS = `import { MappingToolExecutor, RemoteLlmClient, createReactAgent, defineTool } from 'abstractruntime/integrations';
import { type WorkflowSpec } from 'abstractruntime';
const upper = defineTool({ name: 'upper', description: 'Upper-cases text' }, (args) => String(args['text']).toUpperCase());
export const tools: MappingToolExecutor = MappingToolExecutor.fromTools([upper]);
export const llm = new RemoteLlmClient({ serverBaseUrl: 'http://127.0.0.1:1', model: 'any' });
export const agent: WorkflowSpec = createReactAgent({ tools: [upper.toolDefinition!] });
`;

const node = (args: string[], cwd: string): Promise<string> => sh(process.execPath, args, cwd);

let work = '';
let project = '';
let packed: string[] = [];
let rootImport = '';
let sqliteWithoutDriver = '';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ar-package-'));
  project = join(work, 'app');
  await sh('npm', ['run', 'build:runtime', '--silent'], REPO);
  const [info] = JSON.parse(await sh('npm', ['pack', './packages/runtime', '--pack-destination', work, '--json', ...NPM_FLAGS], REPO)) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  packed = info!.files.map((f) => f.path);

  await sh('mkdir', [project], work);
  // better-sqlite3 ships its binary (prebuilds/); denying its implicit `node-gyp rebuild` keeps the install compiler-free.
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', allowScripts: { 'better-sqlite3': false } }));
  await sh('npm', ['install', join(work, info!.filename), await rootRange('typescript'), await rootRange('@types/node'), ...NPM_FLAGS], project);
  rootImport = await node(['--input-type=module', '-e', "const m = await import('abstractruntime'); console.log(typeof m.Runtime, typeof m.WorkflowSpec)"], project);
  sqliteWithoutDriver = await node(['--input-type=module', '-e', "import('abstractruntime/sqlite').then(() => console.log('loaded'), (e) => console.log(e.code, e.message))"], project);
  await sh('npm', ['install', await rootRange('better-sqlite3'), await rootRange('@types/better-sqlite3'), ...NPM_FLAGS], project);
  // The README's tracing set-up: its `npm install` line as written, and its tracing.ts.
  const otelInstall = (await readmeBlock(TRACING, 'sh')).trim().split(/\s+/);
  expect(otelInstall.slice(0, 2)).toEqual(['npm', 'install']);
  await sh('npm', [...otelInstall.slice(1), ...NPM_FLAGS], project);
  await writeFile(join(project, 'tracing.ts'), await readmeBlock(TRACING, 'ts'));
  await writeFile(join(project, 'app.ts'), await readmeApp());
  await writeFile(join(project, 'agent.ts'), AGENT_TS);
  const [workflowModule, liveApp] = await liveJourneyBlocks();
  await sh('mkdir', ['workflows'], project);
  await writeFile(join(project, 'workflows', 'ask-name.ts'), workflowModule!);
  await writeFile(join(project, 'live.ts'), liveApp!);
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
}, 300_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the runtime package', () => {
  it('packs only the built runtime: ESM, declarations, its README and package.json', () => {
    expect(packed).toContain('dist/index.js');
    expect(packed).toContain('dist/index.d.ts');
    expect(packed).toContain('dist/storage/sqlite/index.js');
    expect(packed).toContain('dist/integrations/index.d.ts');
    const strays = packed.filter((p) => !/^(package\.json|README\.md|dist\/.+\.(js|d\.ts))$/.test(p));
    expect(strays).toEqual([]);
    expect(packed.filter((p) => /(\.test\.|\/testing\/|\/test-support\/|\/crash\/|(^|\/)(main|renderer|preload|shared)\/)/.test(p))).toEqual([]);
  });

  it('imports nothing but Node built-ins and its peers, and better-sqlite3 only in the SQLite stores (ours and the Python 0.4 reader), pg only in the PostgreSQL store', async () => {
    const root = join(project, 'node_modules/abstractruntime');
    const offenders: string[] = [];
    for (const file of await filesUnder(join(root, 'dist'))) {
      const rel = relative(root, file);
      const text = await readFile(file, 'utf8');
      for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
        if (spec.startsWith('.') || spec.startsWith('node:') || spec === '@opentelemetry/api') continue;
        if (spec === 'better-sqlite3' && /^dist\/((storage|provenance)\/sqlite|storage\/python-sqlite)\//.test(rel)) continue;
        if (spec === 'pg' && /^dist\/storage\/postgres\//.test(rel)) continue;
        offenders.push(`${rel} imports ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('loads its root entry without better-sqlite3 installed; the SQLite entry asks for it', () => {
    expect(rootImport.trim()).toBe('function function');
    expect(sqliteWithoutDriver).toMatch(/^ERR_MODULE_NOT_FOUND .*better-sqlite3/);
  });

  it("shows the same app and tracing set-up in the repository's README", async () => {
    const readme = await readFile(join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain('```ts\n' + (await readmeApp()) + '```');
    expect(readme).toContain('```ts\n' + (await readmeBlock(TRACING, 'ts')) + '```');
    expect(readme).toContain('```sh\n' + (await readmeBlock(TRACING, 'sh')) + '```');
  });

  it("type-checks the README's app and an agent against the published types, and runs the app on SQLite", async () => {
    await node([join(project, 'node_modules/typescript/bin/tsc'), '-p', '.'], project);
    const out = await node(['app.ts'], project);
    expect(out).toBe("Your name?\n{ message: 'Hello, Ada' } true\n");
  }, 120_000);

  it("runs the README's live app: it holds its run and carries out an answer asked through the workspace, as a Studio asks", async () => {
    const app = spawn(process.execPath, ['live.ts'], { cwd: project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: app.stdout })[Symbol.asyncIterator]();
    const first = String((await lines.next()).value);
    const runId = /^run (\S+) waits for your name/.exec(first)?.[1];
    expect(runId, first).toBeTruthy();
    const ws = SqliteWorkspace.open(join(project, 'runs.sqlite'));
    try {
      const outcome = await askHolder({
        requests: ws.requests,
        request: { runId: runId!, body: { kind: 'resume', waitKey: null, payload: { response: 'Ada' } }, actorId: 'a-studio-user', requestedBy: 'the test' },
        holderLive: () => ws.leaseHolder(runId!)?.live === true,
        holder: 'the app',
      });
      expect(outcome).toMatchObject({ kind: 'answered', request: { status: 'done' } });
    } finally {
      ws.close();
    }
    expect(String((await lines.next()).value)).toBe("{ message: 'Hello, Ada' }");
    expect(await new Promise((ok) => (app.exitCode !== null ? ok(app.exitCode) : app.once('exit', ok)))).toBe(0);
  }, 60_000);

  it("sends the app's spans to a tracing tool with the README's tracing.ts", async () => {
    const receiver = await OtlpReceiver.start();
    try {
      const endpoint = receiver.url.replace(/\/v1\/traces$/, '');
      const out = (await run(process.execPath, ['--import', './tracing.ts', 'app.ts'], { cwd: project, env: { ...cleanEnv(), OTEL_EXPORTER_OTLP_ENDPOINT: endpoint } })).stdout;
      expect(out).toBe("Your name?\n{ message: 'Hello, Ada' } true\n");
      const spans = receiver.spans();
      const runs = spans.filter((s) => s.name === 'run ask_name');
      expect(runs.map((r) => r.attributes['abstractruntime.run.status'])).toEqual(['waiting', 'completed']);
      const steps = spans.filter((s) => s.name.startsWith('step '));
      expect(steps.map((s) => s.name)).toEqual(['step ask', 'step ask', 'step greet']);
      expect(steps.every((s) => typeof s.attributes['abstractruntime.ledger.record_hash'] === 'string' && typeof s.attributes['abstractruntime.ledger.seq'] === 'number')).toBe(true);
      expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    } finally {
      await receiver.close();
    }
  }); // a full tsc run over the package's and Node's declarations
});
