'use strict';

// Child processes of the local cloud, each in a process group of its own so that stopping it also
// stops whatever it started (esbuild, workers). Their group ids are written down so that
// `local-cloud stop` can clean up even after the supervisor itself was killed.

const { spawn } = require('node:child_process');
const readline = require('node:readline');

/** @param {number | undefined} pid undefined for a child that never started @param {NodeJS.Signals} signal */
function killGroup(pid, signal) {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/**
 * Spawns `args` with node; every output line goes to `write` with `label` in front.
 * @param {(line: string) => string} label
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, write: (line: string) => void }} options
 */
function spawnNode(label, args, { cwd, env, write }) {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      if (line.trim() !== '') write(label(line));
    });
  }
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    async stop(graceMs = 3_000) {
      if (!this.running) return;
      if (!killGroup(child.pid, 'SIGTERM')) return;
      const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      killGroup(child.pid, 'SIGKILL'); // whatever the leader left behind in its group
    },
  };
}

module.exports = { spawnNode, killGroup, alive };
