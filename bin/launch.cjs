#!/usr/bin/env node
// The `lacquer` command as npm installs it (package.json "bin"; `npx lacquer …`). It runs
// bin/lacquer.ts under the project's Node 24 — the `node` package in devDependencies, found
// next to this file, not from the working directory — whatever Node runs this file: the
// system's may be older and unable to run TypeScript (DESIGN.md §3, §4.1).
//
// Plain CommonJS with nothing newer than Node 12 needs, so any Node that has npm can run it.
// The child gets the arguments and the terminal (stdio inherited, so it still sees a TTY);
// SIGINT, SIGTERM, SIGHUP and SIGQUIT are passed on; the child's exit code is ours, and a
// child killed by a signal is mirrored by killing this process with the same signal, as a
// shell's exec would show it.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ENTRY = path.join(__dirname, 'lacquer.ts');
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

/** The `node` package's binary: in this package's node_modules, else where npm hoisted it. */
function projectNode() {
  const own = path.join(__dirname, '..', 'node_modules', 'node', 'bin', 'node');
  if (fs.existsSync(own)) return own;
  try {
    return require.resolve('node/bin/node', { paths: [path.join(__dirname, '..')] });
  } catch (err) {
    return null;
  }
}

function main() {
  const node = projectNode();
  if (node === null) {
    process.stderr.write('lacquer: cannot find Node.js 24 (the "node" package); run `npm install` in ' + path.join(__dirname, '..') + '\n');
    process.exit(1);
  }
  const child = spawn(node, [ENTRY].concat(process.argv.slice(2)), { stdio: 'inherit' });
  const forward = {};
  FORWARDED.forEach(function (signal) {
    forward[signal] = function () {
      // A terminal's Ctrl-C reaches the child too (same process group); it ignores repeats.
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    process.on(signal, forward[signal]);
  });
  child.on('error', function (err) {
    process.stderr.write('lacquer: cannot start ' + node + ': ' + err.message + '\n');
    process.exit(1);
  });
  child.on('exit', function (code, signal) {
    FORWARDED.forEach(function (s) { process.removeListener(s, forward[s]); });
    if (signal === null) return process.exit(code === null ? 1 : code);
    process.kill(process.pid, signal);
    // A signal whose default is not to terminate: exit as a shell reports a signal death.
    setTimeout(function () { process.exit(128 + (os.constants.signals[signal] || 0)); }, 100);
  });
}

main();
