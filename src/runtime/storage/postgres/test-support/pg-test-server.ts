/**
 * A real PostgreSQL server for tests and benchmarks, started in a temp folder on 127.0.0.1 at a
 * free port and removed afterwards. It runs Debian's PostgreSQL binaries (the `postgresql`
 * package; `.ci/run` installs it): initdb and postgres refuse to run as root, so under root they
 * run as the unprivileged `postgres` user through `setpriv` (which execs, so the child's pid is
 * the server's own and a signal reaches it directly).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface PgTestServer {
  /** postgres://test:<password>@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  password: string;
  /** The same server under another database name or user (for tests of bad credentials). */
  urlWith(over: { password?: string; database?: string }): string;
  stop(): Promise<void>;
}

export interface PgTestServerOptions {
  /** `fsync=off` makes commits cheap for tests; benchmarks keep it on (default true). */
  durable?: boolean;
  maxConnections?: number;
}

const UNPRIVILEGED_USER = 'postgres';

/** The newest installed server's bin folder, or PG_BIN. */
export function findPgBin(): string | null {
  if (process.env['PG_BIN']) return process.env['PG_BIN'];
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

function asUnprivileged(cmd: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [cmd, args];
  return ['setpriv', ['--reuid', UNPRIVILEGED_USER, '--regid', UNPRIVILEGED_USER, '--clear-groups', cmd, ...args]];
}

async function chownToUnprivileged(path: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const id = async (flag: string): Promise<number> => Number((await run('id', [flag, UNPRIVILEGED_USER], { encoding: 'utf8' })).stdout.trim());
  await chown(path, await id('-u'), await id('-g'));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited with ${child.exitCode} while starting:\n${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within 20 s (${(err as Error).message}):\n${log()}`, { cause: err });
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function startPgTestServer(options: PgTestServerOptions = {}): Promise<PgTestServer> {
  const bin = findPgBin();
  if (!bin) throw new Error('No PostgreSQL server binaries found (install Debian\'s "postgresql" package, or set PG_BIN).');
  // Everything here is asynchronous on purpose: a test worker whose event loop is blocked (initdb
  // takes seconds on a loaded machine) cannot read vitest's replies in time, and vitest then fails
  // the whole run with an unhandled RPC timeout although every test passed.
  const dir = await mkdtemp(join(tmpdir(), 'ar-pg-'));
  const data = join(dir, 'data');
  const password = `pw-${Math.random().toString(36).slice(2, 12)}`;
  await writeFile(join(dir, 'pwfile'), `${password}\n`);
  await chownToUnprivileged(dir);
  await chownToUnprivileged(join(dir, 'pwfile'));
  const [initCmd, initArgs] = asUnprivileged(join(bin, 'initdb'), [
    '-D', data, '-U', 'test', '--pwfile', join(dir, 'pwfile'), '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--locale=C', '--no-sync',
  ]);
  try {
    await run(initCmd, initArgs, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    const e = err as { code?: unknown; stderr?: string };
    throw new Error(`initdb failed (${String(e.code)}): ${e.stderr ?? String(err)}`, { cause: err });
  }
  const port = await freePort();
  const durable = options.durable ?? true;
  const [cmd, args] = asUnprivileged(join(bin, 'postgres'), [
    '-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', `fsync=${durable ? 'on' : 'off'}`,
    '-c', 'synchronous_commit=on', '-c', `max_connections=${options.maxConnections ?? 100}`, '-c', 'shared_buffers=128MB',
  ]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (b: Buffer): void => {
    output = (output + b.toString()).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const urlWith = (over: { password?: string; database?: string }): string =>
    `postgres://test:${encodeURIComponent(over.password ?? password)}@127.0.0.1:${port}/${over.database ?? 'postgres'}`;
  const url = urlWith({});
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT'); // fast shutdown: roll back open transactions, close connections
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  try {
    await waitReady(url, child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, password, urlWith, stop };
}
