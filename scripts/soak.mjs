#!/usr/bin/env node
// `npm run test:soak`: proves the suite does not flake. Runs the whole e2e suite SOAK_ROUNDS
// times in a row (default 5), then the crash test (`npm run test:crash`) SOAK_CRASH_ROUNDS times
// (default 3), each with its own CRASH_SEED (SOAK_SEED, SOAK_SEED+1, …; SOAK_SEED defaults to a
// random number and is printed). It goes on after a failure, so one soak shows every failure:
// each is listed at the end with its test, its error and its Playwright trace (or the crash
// round's seed and log). Exit code 1 when anything failed.
//
// Playwright's `retries` stay 0: a retry would hide exactly what this looks for. Arguments after
// `--` go to Playwright (`npm run test:soak -- e2e/artifacts.spec.ts`). Run a CPU hog beside it
// (`stress --cpu 2`) to find what only fails on a busy machine.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test-results', 'soak');

function count(name, raw, fallback) {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`${name} must be a whole number of 0 or more (it is "${raw}").\n`);
    process.exit(2);
  }
  return n;
}

const e2eRounds = count('SOAK_ROUNDS', process.env['SOAK_ROUNDS'], 5);
const crashRounds = count('SOAK_CRASH_ROUNDS', process.env['SOAK_CRASH_ROUNDS'], 3);
const baseSeed = count('SOAK_SEED', process.env['SOAK_SEED'], Math.floor(Math.random() * 2 ** 30));
const playwrightArgs = process.argv.slice(2);

/** Runs a command, its output both on screen and in `logFile`; resolves with its exit code. */
function run(cmd, args, env, logFile) {
  return new Promise((done) => {
    const log = createWriteStream(logFile);
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
      from.on('data', (b) => {
        to.write(b);
        log.write(b);
      });
    }
    child.on('close', (code, signal) => log.end(() => done(code ?? (signal ? 128 : 1))));
  });
}

/** The failed tests of a Playwright JSON report, each with its first error line and its trace. */
function playwrightFailures(reportFile) {
  if (!existsSync(reportFile)) return [];
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const testDir = report.config?.rootDir ?? root;
  const found = [];
  const walk = (suite, titles) => {
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests ?? []) {
        if (t.status === 'expected' || t.status === 'skipped') continue;
        const last = t.results?.at(-1);
        const error = (last?.error?.message ?? last?.status ?? t.status).split('\n').find((l) => l.trim()) ?? '';
        const at = last?.error?.location ? ` (at ${relative(root, last.error.location.file)}:${last.error.location.line})` : '';
        const trace = last?.attachments?.find((a) => a.name === 'trace')?.path ?? null;
        found.push({ test: `${relative(root, join(testDir, spec.file))}:${spec.line} › ${spec.title}`, error: stripColor(error) + at, trace });
      }
    }
  };
  for (const suite of report.suites ?? []) walk(suite, [suite.title]);
  for (const e of report.errors ?? []) found.push({ test: 'the run itself', error: stripColor(String(e.message ?? '').split('\n')[0]), trace: null });
  return found;
}

/** The failed tests of a vitest JSON report. */
function vitestFailures(reportFile) {
  if (!existsSync(reportFile)) return [];
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const found = [];
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status !== 'failed') continue;
      found.push({ test: `${relative(root, file.name)} › ${t.fullName ?? t.title}`, error: stripColor(String(t.failureMessages?.[0] ?? '').split('\n')[0]) });
    }
    if (file.status === 'failed' && (file.assertionResults ?? []).every((t) => t.status !== 'failed')) {
      found.push({ test: relative(root, file.name), error: stripColor(String(file.message ?? 'the file failed to run').split('\n')[0]) });
    }
  }
  return found;
}

// eslint-disable-next-line no-control-regex
const stripColor = (s) => s.replace(/\u001b\[[0-9;]*m/g, '');

async function main() {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const rounds = [];
  process.stdout.write(`soak: ${e2eRounds} e2e round(s), ${crashRounds} crash round(s) from seed ${baseSeed} (replay: SOAK_SEED=${baseSeed}); results in ${relative(root, out)}/\n`);

  for (let i = 1; i <= e2eRounds; i++) {
    const dir = join(out, `e2e-${i}`);
    const report = join(out, `e2e-${i}.json`);
    process.stdout.write(`\n── soak e2e round ${i}/${e2eRounds} ──\n`);
    // The first round builds the page; the others test that same build.
    const env = { PLAYWRIGHT_JSON_OUTPUT_NAME: report, ...(i > 1 ? { E2E_SKIP_BUILD: '1' } : {}) };
    const args = ['playwright', 'test', '-c', 'e2e/playwright.config.ts', '--retries=0', '--reporter=list,json', `--output=${dir}`, ...playwrightArgs];
    const code = await run('npx', args, env, join(out, `e2e-${i}.log`));
    const failures = playwrightFailures(report);
    if (code !== 0 && failures.length === 0) failures.push({ test: 'the run itself', error: `playwright exited with ${code}`, trace: null });
    rounds.push({ name: `e2e round ${i}`, code, failures, log: join(out, `e2e-${i}.log`) });
  }

  for (let i = 1; i <= crashRounds; i++) {
    const seed = baseSeed + i - 1;
    const report = join(out, `crash-${i}.json`);
    process.stdout.write(`\n── soak crash round ${i}/${crashRounds}, CRASH_SEED=${seed} ──\n`);
    const args = ['run', 'test:crash', '--', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
    const code = await run('npm', args, { CRASH_SEED: String(seed) }, join(out, `crash-${i}.log`));
    const failures = vitestFailures(report).map((f) => ({ ...f, seed }));
    if (code !== 0 && failures.length === 0) failures.push({ test: 'the crash test', error: `exited with ${code}`, seed });
    rounds.push({ name: `crash round ${i} (CRASH_SEED=${seed})`, code, failures, log: join(out, `crash-${i}.log`) });
  }

  process.stdout.write('\n── soak summary ──\n');
  let failed = 0;
  for (const r of rounds) {
    process.stdout.write(`${r.failures.length === 0 ? 'pass' : 'FAIL'}  ${r.name} (exit ${r.code}, log ${relative(root, r.log)})\n`);
    for (const f of r.failures) {
      failed++;
      process.stdout.write(`      ${f.test}\n        ${f.error}\n`);
      if (f.trace) process.stdout.write(`        trace: ${relative(root, f.trace)} (npx playwright show-trace <path>)\n`);
      if (f.seed !== undefined) process.stdout.write(`        replay: CRASH_SEED=${f.seed} npm run test:crash\n`);
    }
  }
  process.stdout.write(failed === 0 ? `soak passed: ${rounds.length} round(s), no failure\n` : `soak FAILED: ${failed} failure(s) in ${rounds.filter((r) => r.failures.length).length} of ${rounds.length} round(s)\n`);
  process.exit(failed === 0 ? 0 : 1);
}

await main();
