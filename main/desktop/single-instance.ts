import { app } from 'electron';

/**
 * Takes the single-instance lock: two copies would fight over the port and the database. Returns false when
 * another instance already runs (this one should quit at once); that instance then gets `onSecondInstance`,
 * which brings its window forward so the second launch still does what the user wanted.
 */
export function setupSingleInstance(onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => onSecondInstance());
  return true;
}
