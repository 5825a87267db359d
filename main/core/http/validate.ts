import type { z } from 'zod';
import { HttpError } from './http-error';

/**
 * Validates input against a shared schema; a failure is a 400 whose message names the first offending field
 * (`routingStrategy: Invalid option: expected one of …`), which is what a user fixing a request needs.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue ? `${path ? `${path}: ` : ''}${issue.message}` : 'Invalid request.';
  return throwInvalid(message, path);
}

function throwInvalid(message: string, param: string | undefined): never {
  throw new HttpError(400, 'invalid_request', message, param === undefined ? {} : { param });
}
