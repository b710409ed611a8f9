'use strict';

// Keeps the local cloud's processes running, as AWS keeps its services up: an emulator or a
// service's serverless-offline that exits (killed, crashed) is started again on its own ports and
// what it held that can be rebuilt is rebuilt (`recover`: an emulator's streams or tables, the
// seeds, the pollers re-pointed); what it held in memory is gone, and /health says so (`loses`).
// A paused process (SIGSTOP) is not restarted: it is alive, and answers again once it goes on;
// /health reports it as not answering meanwhile. Liveness is probed when asked, never remembered:
// a part is ready when its process runs and its ports answer HTTP (any status) within a second.

const http = require('node:http');
const { killGroup } = require('./children');

/**
 * A running process as its starter returns it (children.js, offline.js).
 * @typedef {object} Handle
 * @property {number | undefined} pid
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {boolean} running
 * @property {(timeoutMs?: number) => Promise<void>} ready
 * @property {() => Promise<void>} stop
 */

/**
 * @typedef {object} Entry a kept process
 * @property {string} name
 * @property {() => Handle} start
 * @property {number[]} ports
 * @property {() => Promise<void>} recover
 * @property {string} recovers
 * @property {string} loses
 * @property {'starting' | 'running' | 'restarting'} state
 * @property {{ at: string, reason: string, recoveredInMs: number }[]} restarts
 * @property {Handle} handle
 * @property {boolean} stopped
 */

const PROBE_TIMEOUT_MS = 1_000;
const RESTART_DELAY_MS = 250; // the first restart's wait; doubled per failed restart, at most 5 s

/**
 * True when something answers an HTTP request on `port` within the timeout, whatever its status.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
function answersHttp(port, timeoutMs = PROBE_TIMEOUT_MS) {
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port, method: 'GET', path: '/', agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(true);
    });
    // A stopped process's kernel still accepts the connection; only an answer tells it is alive.
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
    request.end();
  });
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * `onChange()` is called whenever a process's pid changes (the state file lists them, for
 * `local-cloud stop` and for the tests' faults).
 * @param {{ log: (line: string) => void, onChange?: () => void, restartDelayMs?: number }} options
 */
function createSupervisor({ log, onChange = () => {}, restartDelayMs = RESTART_DELAY_MS }) {
  /** @type {Map<string, Entry>} */
  const kept = new Map(); // name -> entry
  let stopping = false;

  /** @param {Entry} entry */
  function watch(entry) {
    const { handle } = entry;
    handle.exited.then(({ code, signal }) => {
      if (stopping || entry.handle !== handle || entry.stopped) return;
      killGroup(handle.pid, 'SIGKILL'); // whatever it started (esbuild, workers) goes with it
      restart(entry, `exited (${signal ?? `code ${code}`})`);
    });
  }

  /** @param {Entry} entry @param {string} reason */
  async function restart(entry, reason) {
    entry.state = 'restarting';
    const began = Date.now();
    log(`${entry.name} ${reason}: restarting it`);
    for (let attempt = 0; ; attempt += 1) {
      await sleep(Math.min(restartDelayMs * 2 ** attempt, 5_000));
      if (stopping || entry.stopped) return;
      entry.handle = entry.start();
      onChange();
      try {
        await entry.handle.ready();
        await entry.recover();
        break;
      } catch (error) {
        log(`${entry.name}: restart ${attempt + 1} failed: ${/** @type {Error} */ (error).message}`);
        await entry.handle.stop();
      }
    }
    entry.restarts.push({ at: new Date(began).toISOString(), reason, recoveredInMs: Date.now() - began });
    entry.state = 'running';
    log(`${entry.name} restarted and recovered in ${Date.now() - began} ms`);
    watch(entry);
  }

  return {
    /**
     * Starts a process and keeps it running. `start()` returns a handle { pid, exited, running,
     * ready(), stop() }; `ports` are probed for /health; `recover()` rebuilds what a restart lost;
     * `recovers` and `loses` say, for /health, what a restart gives back and what it cannot.
     * @param {string} name
     * @param {{ start: () => Handle, ports: number[], recover?: () => Promise<void>, recovers: string, loses: string }} part
     * @returns {Promise<Entry>}
     */
    async keep(name, { start, ports, recover = async () => {}, recovers, loses }) {
      /** @type {Entry} */
      const entry = { name, start, ports, recover, recovers, loses, state: 'starting', restarts: [], handle: start(), stopped: false };
      kept.set(name, entry);
      onChange();
      watch(entry);
      await entry.handle.ready();
      entry.state = 'running';
      return entry;
    },
    pids: () => [...kept.values()].map((entry) => entry.handle.pid),
    has: (/** @type {string} */ name) => kept.has(name),
    /** The part's liveness now: ready, restarting, starting, not answering (alive but silent, e.g. paused), or down. */
    /** @param {string} name a kept part's @returns {Promise<string>} */
    async probe(name) {
      const entry = /** @type {Entry} */ (kept.get(name));
      if (entry.state !== 'running') return entry.state;
      if (!entry.handle.running) return 'down';
      const answers = await Promise.all(entry.ports.map((port) => answersHttp(port)));
      return answers.every(Boolean) ? 'ready' : 'not answering';
    },
    /** What /health shows of each kept process besides its state. */
    details() {
      return Object.fromEntries(
        [...kept.values()].map((entry) => [entry.name, { pid: entry.handle.pid, restarts: entry.restarts.length, lastRestart: entry.restarts.at(-1), onRestart: { recovers: entry.recovers, loses: entry.loses } }]),
      );
    },
    /** @param {string} name */
    async stop(name) {
      const entry = kept.get(name);
      if (!entry) return;
      entry.stopped = true;
      await entry.handle.stop();
    },
    stopAll() {
      stopping = true;
    },
  };
}

module.exports = { createSupervisor, answersHttp };
