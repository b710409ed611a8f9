import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface RuntimeReport {
  outcome: 'result' | 'error' | 'timeout';
  value?: unknown;
  /** how long the invocation held the runtime, in milliseconds */
  ms: number;
}

/**
 * Invokes `handlerName` of a bundled function in a fresh process that reports the result the way
 * the Lambda runtime does (see runtime/bootstrap.js): for tests of behaviour only a real process
 * shows, such as an open socket holding an invocation to its timeout.
 */
export function invokeInLambdaRuntime(bundlePath: string, handlerName: string, event: unknown, timeoutMs: number): Promise<RuntimeReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, '../runtime/bootstrap.js'), bundlePath, handlerName, String(timeoutMs)], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', () => {
      const last = stderr.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as RuntimeReport);
      } catch {
        reject(new Error(`the runtime stand-in reported nothing: ${stderr}`));
      }
    });
    child.stdin.end(JSON.stringify(event));
  });
}
