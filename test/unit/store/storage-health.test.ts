import { describe, expect, it } from 'vitest';
import { classifyStorageError } from '../../../main/core/store/storage-health';

const sqlite = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('classifyStorageError', () => {
  it.each([
    [sqlite('SQLITE_FULL', 'database or disk is full'), 'disk_full'],
    [sqlite('ENOSPC'), 'disk_full'],
    [sqlite('SQLITE_IOERR_WRITE', 'disk I/O error'), 'io_error'],
    [sqlite('SQLITE_READONLY_DBMOVED'), 'read_only'],
    [sqlite('EROFS'), 'read_only'],
    // The write queue wraps the cause of a failed batch commit.
    [new Error('Could not commit 3 queued writes', { cause: sqlite('SQLITE_FULL') }), 'disk_full'],
    [sqlite('SQLITE_CONSTRAINT_FOREIGNKEY'), null],
    [new Error('boom'), null],
    ['not an error', null],
  ])('%s → %s', (err, expected) => {
    expect(classifyStorageError(err)).toBe(expected);
  });
});
