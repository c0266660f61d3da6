/**
 * Test support for the file stores (imported by the tests of this folder only, not by the
 * library): the Python reference fixture, temp folders, and the independent Python check.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** The data folder written by the Python reference (read-only on disk: copy it before changing it). */
export const FIXTURE_DIR = resolve(HERE, '../../../../test/fixtures/python-abstractruntime-0.2.0');
export const FIXTURE_MANIFEST = `${FIXTURE_DIR}.manifest.json`;
export const INDEPENDENT_VERIFY_SCRIPT = join(HERE, 'independent-verify.py');

export interface FixtureManifest {
  actor: { actor_id: string; kind: string; display_name: string | null; metadata: Record<string, string> };
  runs: Record<string, { run_id: string; workflow_id: string; status: string; parent_run_id: string | null; idempotency_key_llm?: string }>;
  snapshots: Record<string, string>;
  artifacts: {
    by_run: { artifact_id: string; content_type: string; size_bytes: number; created_at: string; run_id: string | null; tags: Record<string, string> }[];
    explicit: { artifact_id: string };
  };
  ledger_verification: Record<string, { ok: boolean; count: number; head_hash: string | null; first_bad_index: number | null }>;
  runs_without_ledger_file: string[];
}

export async function readManifest(): Promise<FixtureManifest> {
  return JSON.parse(await readFile(FIXTURE_MANIFEST, 'utf8')) as FixtureManifest;
}

export function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `ar-files-${label}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Copies a folder's files into `dest` with ordinary (writable) permissions: the fixture is
 * read-only on disk and a plain copy would keep that.
 */
export async function copyFolder(src: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  for (const entry of await readdir(src, { withFileTypes: true })) {
    const from = join(src, entry.name);
    const to = join(dest, entry.name);
    if (entry.isDirectory()) await copyFolder(from, to);
    else await writeFile(to, await readFile(from));
  }
}

/** A writable copy of the fixture in a fresh temp folder. */
export async function copyFixture(): Promise<string> {
  const dir = await tempDir('fixture');
  await copyFolder(FIXTURE_DIR, dir);
  return dir;
}

/** Every file under `dir`, as relative path → bytes. */
export async function snapshotTree(dir: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) for (const [k, v] of await snapshotTree(join(dir, entry.name), rel)) out.set(k, v);
    else out.set(rel, await readFile(join(dir, entry.name)));
  }
  return out;
}

export interface IndependentReport {
  path: string;
  bytes_match_python: boolean;
  ok?: boolean;
  count?: number;
  first_bad_index?: number | null;
  head_hash?: string | null;
  errors?: { index: number; type: string }[];
}

/**
 * Runs the stdlib-only Python check over `paths`. Fails loudly (no skip) when python3 is missing:
 * the point of the check is that it is independent of our code.
 */
export function runIndependentVerify(paths: readonly string[]): Promise<IndependentReport[]> {
  return new Promise((resolvePromise, reject) => {
    execFile('python3', [INDEPENDENT_VERIFY_SCRIPT, ...paths], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('python3 was not found on PATH: this test needs Python 3 (stdlib only) to check our files independently. Install python3.'));
      } else if (err) {
        reject(new Error(`independent-verify.py failed: ${err.message}\n${stderr}`));
      } else {
        resolvePromise(stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as IndependentReport));
      }
    });
  });
}
