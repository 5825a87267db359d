import { HttpError } from '../http/http-error';
import { describeStorageProblem, type StorageProblem } from '../store/storage-health';

/** Seconds a client is told to wait before retrying a write the disk refused. */
const STORAGE_RETRY_AFTER_S = 30;

/**
 * The answer to a change the disk refused: 507 Insufficient Storage for a full disk, 503 for a read-only or
 * failing one, with a message that says nothing was saved and what to do; never the bare `internal_error`.
 */
export function storageHttpError(problem: StorageProblem): HttpError {
  const { reason, fix } = describeStorageProblem(problem.code);
  const message = `This change was not saved: ${reason}. ${fix} and try again.`;
  return problem.code === 'disk_full'
    ? new HttpError(507, 'storage_full', message, { retryAfter: STORAGE_RETRY_AFTER_S })
    : new HttpError(503, `storage_${problem.code}`, message, { retryAfter: STORAGE_RETRY_AFTER_S });
}
