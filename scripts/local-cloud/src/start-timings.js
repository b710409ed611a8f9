// @ts-check
'use strict';

// Where a start's time goes: each phase's wall-clock span from the start of `up`, so that the
// ready line can say what took the time (phases overlap when they run side by side).

class StartTimings {
  constructor(now = () => performance.now()) {
    this.now = now;
    this.origin = now();
    /** @type {Map<string, {from: number, to?: number}>} */
    this.spans = new Map();
  }

  /** Marks `name` begun; returns the function that marks it done. @param {string} name */
  begin(name) {
    const span = { from: this.now() - this.origin, to: /** @type {number | undefined} */ (undefined) };
    this.spans.set(name, span);
    return () => {
      span.to = this.now() - this.origin;
    };
  }

  /**
   * Times `work` as phase `name`.
   * @template T
   * @param {string} name
   * @param {() => Promise<T>} work
   * @returns {Promise<T>}
   */
  async time(name, work) {
    const end = this.begin(name);
    try {
      return await work();
    } finally {
      end();
    }
  }

  /** {phase: {fromS, toS, seconds}} in the order they began. */
  toJSON() {
    /** @type {Record<string, {fromS: number, toS: number, seconds: number}>} */
    const out = {};
    for (const [name, { from, to = from }] of this.spans) {
      out[name] = { fromS: round(from), toS: round(to), seconds: round(to - from) };
    }
    return out;
  }

  /** One line: `name 1.2s (0.3–1.5)` per phase. */
  line() {
    return Object.entries(this.toJSON())
      .map(([name, { seconds, fromS, toS }]) => `${name} ${seconds}s (${fromS}–${toS})`)
      .join(', ');
  }
}

const round = (/** @type {number} */ ms) => Math.round(ms / 100) / 10;

module.exports = { StartTimings };
