import { expect, test } from 'vitest';
import { openDatabase } from '../../emulator/core/platform/db.ts';
import { FileStore } from '../../emulator/core/storage/files.ts';
import { checkFolder } from '../../emulator/core/storage/uploads.ts';

// Virtual folders (web SDK 27+'s `folder`): the stored form, and data folders from before them.

test('a folder is stored with one trailing slash; the bucket root is empty', () => {
  expect(checkFolder(undefined)).toBe('');
  expect(checkFolder('')).toBe('');
  expect(checkFolder('photos')).toBe('photos/');
  expect(checkFolder('photos/2026/')).toBe('photos/2026/');
  for (const bad of [
    '/',
    '/a',
    'a//b',
    './a',
    'a/../b',
    'a\u0000b',
    'a\u007fb',
    7,
    'x'.repeat(2048),
  ]) {
    expect(() => checkFolder(bad), String(bad)).toThrow(
      expect.objectContaining({ type: 'general_argument_invalid' }),
    );
  }
  expect(checkFolder('x'.repeat(2047))).toHaveLength(2048);
});

test('a database from before folders gains the column; its files are at the root', () => {
  const db = openDatabase(':memory:');
  db.exec(`CREATE TABLE storage_buckets (seq INTEGER PRIMARY KEY AUTOINCREMENT);
    INSERT INTO storage_buckets (seq) VALUES (1);
    CREATE TABLE storage_files (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      bucket_seq INTEGER NOT NULL REFERENCES storage_buckets(seq) ON DELETE CASCADE,
      bucket_id TEXT NOT NULL, id TEXT NOT NULL, created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL, permissions TEXT NOT NULL, name TEXT NOT NULL,
      signature TEXT NOT NULL, mime_type TEXT NOT NULL, size_original INTEGER NOT NULL,
      size_actual INTEGER NOT NULL, chunks_total INTEGER NOT NULL, chunks_uploaded INTEGER NOT NULL,
      UNIQUE (bucket_seq, id));
    INSERT INTO storage_files (bucket_seq, bucket_id, id, created_at, updated_at, permissions, name,
      signature, mime_type, size_original, size_actual, chunks_total, chunks_uploaded)
      VALUES (1, 'b', 'old', '', '', '[]', 'old.txt', '', '', 1, 1, 1, 1);`);
  const files = new FileStore(db);
  expect(files.get(1, 'old')?.folder).toBe('');
  files.create({
    bucketSeq: 1,
    bucketId: 'b',
    id: 'new',
    permissions: [],
    name: 'new.txt',
    folder: 'a/',
    sizeOriginal: 1,
    chunksTotal: 1,
  });
  expect(files.get(1, 'new')?.folder).toBe('a/');
  // Opening it again (the next start) changes nothing.
  expect(new FileStore(db).get(1, 'new')?.folder).toBe('a/');
});
