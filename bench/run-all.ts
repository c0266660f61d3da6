/**
 * `npm run bench`: every benchmark, one JSON line per figure on stdout. Pass names to run a subset
 * (`npm run bench -- memory-throughput`). Figures are measurements, never test assertions.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = __dirname;
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

async function main(): Promise<void> {
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as { run: () => Promise<void> };
    await mod.run();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
