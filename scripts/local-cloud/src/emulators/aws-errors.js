'use strict';

/** An error an AWS API answers with: its code, the HTTP status and who is at fault. */
class AwsError extends Error {
  /** @param {string} code @param {string} message @param {{ status?: number, fault?: 'Sender' | 'Receiver' }} [options] */
  constructor(code, message, { status = 400, fault = 'Sender' } = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.fault = fault;
  }
}

module.exports = { AwsError };
