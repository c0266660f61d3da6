/**
 * `npm run bench`: every benchmark, one JSON line per figure on stdout. Pass names to run a subset
 * (`npm run bench -- memory-throughput`). Figures are measurements, never test assertions.
 *
 * Each benchmark file runs in a process of its own. In one shared process a figure depends on the
 * ones before it: V8's type feedback for the runtime's hot paths turns polymorphic once several
 * store implementations have run through them, and earlier benchmarks leave a larger heap to
 * collect (measured: the SQLite durable loop ran at 18.7k steps/s after the others, 21-22k alone).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = __dirname;
const ONE = '--one';

async function runOne(file: string): Promise<void> {
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run: () => Promise<void> };
  await mod.run();
}

function runEach(wanted: readonly string[]): number {
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  if (files.length === 0) {
    console.error(`no benchmark matches ${wanted.join(', ')}; the files are bench/*.bench.ts`);
    return 1;
  }
  for (const f of files) {
    // The same Node and loader as this process (the project's Node 22 and tsx).
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, ONE, f], { stdio: 'inherit' });
    if (child.status !== 0) {
      console.error(`${f} failed (${child.signal ?? `exit ${child.status}`})`);
      return 1;
    }
  }
  return 0;
}

const args = process.argv.slice(2);
if (args[0] === ONE && args[1]) {
  runOne(args[1]).catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
} else {
  process.exitCode = runEach(args);
}
