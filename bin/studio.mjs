#!/usr/bin/env node
// `npx studio …` from a clone: runs the TypeScript CLI (src/main/cli) through the tsx of this
// package's node_modules, so nothing has to be compiled first.
import { spawn } from 'node:child_process';
import os from 'node:os';
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
  // Asynchronous, so this process stays able to hear signals: a SIGTERM or SIGINT sent to the
  // wrapper (by a service manager, `kill`, or npm stopping `npm run serve`) goes on to the real
  // server, and the wrapper ends with it instead of leaving it orphaned on its port.
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`studio: cannot start ${bundled}: ${err.message}\n`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 2)));
} else {
  await main();
}

async function main() {
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
}
