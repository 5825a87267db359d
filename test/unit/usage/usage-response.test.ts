import { describe, expect, it } from 'vitest';
import { classifyUsageResponse } from '../../../main/core/usage/usage-response';
import { statusTransition } from '../../../main/core/events/admin-events';

describe('classifyUsageResponse (PROTOCOL.md §9)', () => {
  it.each([
    [200, {}, 'ok', undefined],
    [401, { error: { code: 'token_expired' } }, 'unauthorized', undefined],
    [403, { error: { code: 'forbidden' } }, 'forbidden', undefined],
    [402, {}, 'permanent', 'deactivated'],
    [404, {}, 'permanent', 'deactivated'],
    [400, { error: { code: 'account_suspended' } }, 'permanent', 'deactivated'],
    [400, { error: { code: 'refresh_token_expired' } }, 'permanent', 'reauth_required'],
    [400, { detail: 'This account has been deactivated.' }, 'permanent', 'deactivated'],
    [403, { error: { message: 'Your OpenAI account has been deactivated' } }, 'permanent', 'deactivated'],
    [429, {}, 'transient', undefined],
    [503, undefined, 'transient', undefined],
    [418, { error: { code: 'teapot' } }, 'transient', undefined],
  ])('%i %j → %s %s', (status, body, kind, to) => {
    const verdict = classifyUsageResponse(status, body);
    expect(verdict.kind).toBe(kind);
    if (to) expect(verdict).toMatchObject({ status: to });
  });
});

describe('statusTransition', () => {
  it.each([
    ['active', 'quota_exceeded', 'exhausted'],
    ['active', 'rate_limited', 'exhausted'],
    ['rate_limited', 'quota_exceeded', 'other'],
    ['quota_exceeded', 'active', 'recovered'],
    ['quota_exceeded', 'rate_limited', 'other'],
    ['reauth_required', 'active', 'recovered'],
    ['active', 'reauth_required', 'reauth_required'],
    ['active', 'deactivated', 'deactivated'],
    ['active', 'paused', 'paused'],
    ['paused', 'active', 'resumed'],
  ] as const)('%s → %s = %s', (from, to, transition) => {
    expect(statusTransition(from, to)).toBe(transition);
  });
});
