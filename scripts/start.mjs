#!/usr/bin/env node
// `npm start`: builds the app (electron-vite build), then launches it with Electron. Electron
// downloads its binary from the internet the first time it runs; where that cannot happen, this
// says so in one paragraph and points to `npm run serve` instead of failing with a stack trace.
//
// STUDIO_START_SKIP_BUILD=1 skips the build (tests, and when you have just built).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXIT_CANNOT_LAUNCH = 1;

function build() {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules', 'electron-vite', 'package.json'), 'utf8'));
  const bin = join(root, 'node_modules', 'electron-vite', typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['electron-vite']);
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write('\nThe build failed (see its messages above), so the Studio was not launched.\n');
    process.exit(result.status ?? EXIT_CANNOT_LAUNCH);
  }
}

/**
 * `require('electron')` returns the binary's path, downloading it first when it is missing. Done
 * in a child process with its output captured: a failed download prints a stack trace we do not
 * want on screen, and its first error line is all we keep. A note is printed only when it takes
 * long (a real download), so a machine without internet sees nothing but the explanation.
 */
function resolveElectron() {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['-e', "process.stdout.write(String(require('electron')))"], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    const note = setTimeout(() => process.stderr.write('Downloading the Electron binary (first run only)…\n'), 2000);
    child.on('close', (code) => {
      clearTimeout(note);
      const path = code === 0 ? out.trim() : '';
      if (path && existsSync(path)) return done({ path });
      const reason = /^\s*\w*Error: (.+)$/m.exec(`${err}\n${out}`)?.[1] ?? (path ? `${path} does not exist` : 'no binary was found');
      done({ reason });
    });
  });
}

function explain(reason, built) {
  const lines = [
    'The Studio desktop app cannot start here: the Electron binary is not available',
    `(${reason.trim().replace(/\.$/, '')}).`,
    'Electron downloads its binary from the internet the first time it runs, and this machine',
    'could not reach the download server, so there is nothing to launch.',
    built ? 'The app itself was built without errors.' : '',
    'To use the Studio here, run `npm run serve`: it serves the same Studio to your browser on',
    '127.0.0.1 and prints the address to open.',
  ];
  process.stderr.write(`\n${lines.filter(Boolean).join(' ').replace(/ \n/g, '\n')}\n`);
}

function launch(electronPath) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set, it would make the binary a plain Node
  const child = spawn(electronPath, [root], { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const skipBuild = process.env.STUDIO_START_SKIP_BUILD === '1';
if (!skipBuild) build();
const electron = await resolveElectron();
if (electron.path) launch(electron.path);
else {
  explain(electron.reason, !skipBuild);
  process.exit(EXIT_CANNOT_LAUNCH);
}
