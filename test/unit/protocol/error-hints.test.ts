import { describe, expect, it } from 'vitest';
import {
  clientErrorBody,
  httpStatusForCode,
  parseRetryAfter,
  parseTryAgainHint,
  validUpstreamReset,
} from '../../../main/core/protocol';

const NOW = 1_741_490_000;
const DAY = 86_400;

describe('parseTryAgainHint (§10)', () => {
  it.each([
    ['Rate limit reached. Please try again in 20s.', 20],
    ['Please try again in 1.5s', 1.5],
    ['try again in 500ms', 0.5],
    ['Please try again in 6m0s.', 360],
    ['Try again in 1h2m3s', 3723],
    ['Please try again in 2 minutes.', 120],
    ['Please try again in 20 seconds', 20],
    ['try again in 1 minute 30 seconds', 90],
    ['try again in 2 hours', 7200],
    ['please retry after 3s', 3],
    ['Please try again in 1 month.', undefined],
    ['Please try again in 5 mo', undefined],
    ['Please try again later.', undefined],
    ['no hint at all', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %s', (message, expected) => {
    expect(parseTryAgainHint(message)).toBe(expected);
  });
});

describe('validUpstreamReset (BALANCER §1.3)', () => {
  it.each([
    [{ resetsAt: NOW + 100 }, NOW + 100],
    [{ resetsAt: NOW + 100.2 }, NOW + 101],
    [{ resetsAt: NOW, resetsInSeconds: 30 }, NOW + 30],
    [{ resetsAt: NOW - 5, resetsInSeconds: 30.5 }, NOW + 31],
    [{ resetsAt: NOW + 367 * DAY, resetsInSeconds: 60 }, NOW + 60],
    [{ resetsAt: NOW + 366 * DAY }, NOW + 366 * DAY],
    [{ resetsAt: Number.NaN, resetsInSeconds: 0 }, undefined],
    [{ resetsInSeconds: 367 * DAY }, undefined],
    [{ resetsInSeconds: -1 }, undefined],
    [{ resetsAt: String(NOW + 10) }, NOW + 10],
    [{}, undefined],
  ])('%j → %s', (input, expected) => {
    expect(validUpstreamReset(input, NOW)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7);
    expect(parseRetryAfter(new Date((NOW + 60) * 1000).toUTCString(), NOW)).toBe(60);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});

describe('client errors (§10 last paragraph, BALANCER §8)', () => {
  it.each([
    ['token_invalidated', 401],
    ['invalid_api_key', 401],
    ['permission_error', 403],
    ['insufficient_permissions', 403],
    ['not_found', 404],
    ['rate_limit_exceeded', 429],
    ['usage_limit_reached', 429],
    ['insufficient_quota', 429],
    ['invalid_request_error', 400],
    ['no_accounts', 503],
    ['previous_response_owner_unavailable', 503],
    ['single_account_unavailable', 503],
    ['server_error', 502],
    ['something_else', 502],
  ])('httpStatusForCode(%s) = %d', (code, status) => {
    expect(httpStatusForCode(code)).toBe(status);
  });

  it('builds the OpenAI envelope', () => {
    expect(
      clientErrorBody('no_accounts', 'No accounts configured. Add a ChatGPT account to Codex Pool.'),
    ).toEqual({
      error: {
        message: 'No accounts configured. Add a ChatGPT account to Codex Pool.',
        type: 'server_error',
        code: 'no_accounts',
      },
    });
    expect(
      clientErrorBody('usage_limit_reached', 'Rate limit exceeded. Try again in 30s', { resetsAt: NOW + 30 }),
    ).toEqual({
      error: {
        message: 'Rate limit exceeded. Try again in 30s',
        type: 'usage_limit_reached',
        code: 'usage_limit_reached',
        resets_at: NOW + 30,
      },
    });
    expect(clientErrorBody('invalid_value', 'n must be 1', { param: 'n' }).error).toEqual({
      message: 'n must be 1',
      type: 'invalid_request_error',
      code: 'invalid_value',
      param: 'n',
    });
  });
});
