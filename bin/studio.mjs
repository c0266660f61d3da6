#!/usr/bin/env node
// `npx studio …` from a clone: runs the TypeScript CLI (src/main/cli) through the tsx of this
// package's node_modules, so nothing has to be compiled first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);

// better-sqlite3 13 needs Node 22+; the package brings one (the `node` devDependency). A shell
// whose PATH finds an older node (not through npx) is sent to it instead of crashing.
if (major < 22) {
  const bundled = join(packageRoot, 'node_modules', '.bin', process.platform === 'win32' ? 'node.cmd' : 'node');
  if (!existsSync(bundled)) {
    process.stderr.write(`studio: Node ${process.versions.node} is too old (Node 22 or newer is needed). Run "npm install" in ${packageRoot}, then use "npx studio".\n`);
    process.exit(2);
  }
  const child = spawnSync(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(child.status ?? 2);
}

// tsx for the whole process and both module systems: this package is CommonJS, so its .ts files
// load as CommonJS, and commands import their modules lazily (a namespaced tsImport would not see those).
(await import('tsx/esm/api')).register();
(await import('tsx/cjs/api')).register();
// `studio runs … | head` closes the pipe early: that is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const cli = await import(pathToFileURL(join(packageRoot, 'src', 'main', 'cli', 'main.ts')).href);
process.exitCode = await cli.runCli(process.argv.slice(2), { packageRoot });
