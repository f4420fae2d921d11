import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArchiveError,
  unpackDeployment,
} from '../../emulator/core/functions/deployment-archive.ts';

/**
 * A deployment archive unpacks with the owner's bits only (the server may run as root): no setuid,
 * setgid or sticky bit survives, nothing is readable by group or others, executables stay
 * executable; device nodes and FIFOs are refused before anything is written. The archives are built
 * header by header, so they can say what a real packer would refuse to write.
 */

interface Entry {
  path: string;
  type: 'File' | 'Directory' | 'FIFO' | 'CharacterDevice' | 'BlockDevice';
  mode: number;
  body?: string;
}

function tarGz(entries: Entry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.body ?? '');
    const block = Buffer.alloc(512);
    new tar.Header({
      path: entry.path,
      type: entry.type,
      mode: entry.mode,
      size: data.length,
      uid: 0,
      gid: 0,
      mtime: new Date(0),
      devmaj: entry.type.endsWith('Device') ? 1 : 0,
      devmin: entry.type.endsWith('Device') ? 3 : 0,
    }).encode(block, 0);
    blocks.push(block, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

let root = '';
let previousUmask = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'deployment-archive-test-'));
  // A permissive umask, as a developer's shell has: the modes must not depend on it.
  previousUmask = process.umask(0o022);
});
afterAll(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

let archives = 0;
async function unpack(entries: Entry[]): Promise<string> {
  archives += 1;
  const archive = join(root, `code-${archives}.tar.gz`);
  const folder = join(root, `unpacked-${archives}`);
  writeFileSync(archive, tarGz(entries));
  await unpackDeployment(archive, folder);
  return folder;
}

const modeOf = (path: string) => statSync(path).mode & 0o7777;

describe('modes of unpacked entries', () => {
  const rows: Array<{ name: string; entry: Entry; mode: number }> = [
    {
      name: 'a setuid executable (4755) → 0700',
      entry: { path: 'suid', type: 'File', mode: 0o4755, body: '#!/bin/sh\n' },
      mode: 0o700,
    },
    {
      name: 'a setgid executable (2755) → 0700',
      entry: { path: 'sgid', type: 'File', mode: 0o2755, body: 'x' },
      mode: 0o700,
    },
    {
      name: 'a setuid file without x bits (4644) → 0600',
      entry: { path: 'suid-plain', type: 'File', mode: 0o4644, body: 'x' },
      mode: 0o600,
    },
    {
      name: 'a world-writable file (0666) → 0600',
      entry: { path: 'open.txt', type: 'File', mode: 0o666, body: 'x' },
      mode: 0o600,
    },
    {
      name: 'a sticky, setgid, world-writable folder (3777) → 0700',
      entry: { path: 'shared', type: 'Directory', mode: 0o3777 },
      mode: 0o700,
    },
  ];
  it.each(rows)('$name', async ({ entry, mode }) => {
    const folder = await unpack([entry]);
    expect(modeOf(join(folder, entry.path)).toString(8)).toBe(mode.toString(8));
    expect(modeOf(folder).toString(8)).toBe('700');
  });

  it('keeps the content, and folders the archive implies are 0700', async () => {
    const folder = await unpack([
      { path: 'dist/bin/tool', type: 'File', mode: 0o6755, body: 'echo hi\n' },
    ]);
    expect(readFileSync(join(folder, 'dist/bin/tool'), 'utf8')).toBe('echo hi\n');
    expect(modeOf(join(folder, 'dist/bin/tool')).toString(8)).toBe('700');
    expect(modeOf(join(folder, 'dist')).toString(8)).toBe('700');
    expect(modeOf(join(folder, 'dist/bin')).toString(8)).toBe('700');
  });
});

describe('entries that are not files, folders or links', () => {
  const rows: Array<{ name: string; entry: Entry }> = [
    { name: 'a FIFO', entry: { path: 'pipe', type: 'FIFO', mode: 0o644 } },
    { name: 'a character device', entry: { path: 'null', type: 'CharacterDevice', mode: 0o666 } },
    { name: 'a block device', entry: { path: 'sda', type: 'BlockDevice', mode: 0o660 } },
  ];
  it.each(rows)(
    '$name is refused with a message naming it, nothing unpacked',
    async ({ entry }) => {
      archives += 1;
      const archive = join(root, `bad-${archives}.tar.gz`);
      const folder = join(root, `bad-unpacked-${archives}`);
      writeFileSync(
        archive,
        tarGz([{ path: 'main.js', type: 'File', mode: 0o644, body: 'x' }, entry]),
      );
      const refusal = await unpackDeployment(archive, folder).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ArchiveError);
      expect((refusal as Error).message).toContain(`"${entry.path}" is a ${entry.type}`);
      expect(existsSync(folder)).toBe(false);
    },
  );
});
