import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeAtomically } from '../../src/write-atomically';

describe('writeAtomically', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-atomically-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replaces the file by a rename (a reader holding the old one keeps it whole), and leaves no temporary file', () => {
    const file = path.join(dir, 'nested', 'state.json');
    writeAtomically(file, '{"pid":1}');
    const before = fs.openSync(file, 'r');
    writeAtomically(file, '{"pid":2,"children":[3,4]}');
    // The old inode is untouched: a rename, not a truncate and rewrite of the same file.
    expect(fs.readFileSync(before, 'utf8')).toBe('{"pid":1}');
    fs.closeSync(before);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"pid":2,"children":[3,4]}');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['state.json']);
  });

  it('removes its temporary file when the rename fails', () => {
    const target = path.join(dir, 'a-directory');
    fs.mkdirSync(path.join(target, 'not-empty'), { recursive: true });
    expect(() => writeAtomically(target, 'x')).toThrow();
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
