import {
  CONNECT_CLIENTS,
  connectApplyRequestSchema,
  connectPreviewRequestSchema,
  connectUndoRequestSchema,
  type ConnectClient,
} from '../../../shared/api';
import type { Route } from '../http/router';
import { sendJson } from '../http/respond';
import { readJson } from '../http/body';
import { parseOrThrow } from '../http/validate';
import { HttpError } from '../http/http-error';
import type { ConnectService } from '../connect/connect-service';
import type { SelfTest } from '../connect/self-test';
import { adminOnly } from './admin-routes';
import type { GuardOptions } from './guard';

/** What the connect routes need. */
export interface ConnectRoutesContext {
  guard: GuardOptions;
  connect: ConnectService;
  selfTest: SelfTest;
  /** This server's origin, for the test request. */
  origin: () => string;
  /** The model the test request asks for. */
  testModel: () => Promise<string>;
  accountEmail: (id: string) => string | null;
  nowMs: () => number;
}

/**
 * `GET /api/connect`, `POST /api/connect/:client/preview|apply|undo`, `POST /api/connect/test`: the Connect
 * view's, the tray's and the CLI's one way to edit coding agents' config files.
 */
export function connectRoutes(ctx: ConnectRoutesContext): Route[] {
  const client = (name: string | undefined): ConnectClient => {
    if ((CONNECT_CLIENTS as readonly string[]).includes(name ?? '')) return name as ConnectClient;
    throw new HttpError(
      404,
      'not_found',
      `No client "${name}". Choose one of: ${CONNECT_CLIENTS.join(', ')}.`,
    );
  };
  return [
    {
      method: 'GET',
      path: '/api/connect',
      handler: adminOnly(ctx.guard, async (_req, res) => sendJson(res, 200, await ctx.connect.overview())),
    },
    {
      method: 'POST',
      path: '/api/connect/test',
      handler: adminOnly(ctx.guard, async (_req, res) => {
        const result = await ctx.selfTest.run(
          ctx.origin(),
          await ctx.testModel(),
          ctx.accountEmail,
          ctx.nowMs,
        );
        sendJson(res, 200, result);
      }),
    },
    {
      method: 'POST',
      path: '/api/connect/:client/preview',
      handler: adminOnly(ctx.guard, async (req, res, params) => {
        const { profile } = parseOrThrow(connectPreviewRequestSchema, await readJson(req, 16 * 1024));
        sendJson(res, 200, await ctx.connect.preview(client(params.client), profile));
      }),
    },
    {
      method: 'POST',
      path: '/api/connect/:client/apply',
      handler: adminOnly(ctx.guard, async (req, res, params) => {
        const body = parseOrThrow(connectApplyRequestSchema, await readJson(req, 16 * 1024));
        sendJson(res, 200, await ctx.connect.apply(client(params.client), body.profile, body.baseHash));
      }),
    },
    {
      method: 'POST',
      path: '/api/connect/:client/undo',
      handler: adminOnly(ctx.guard, async (req, res, params) => {
        const { profile } = parseOrThrow(connectUndoRequestSchema, await readJson(req, 16 * 1024));
        sendJson(res, 200, ctx.connect.undo(client(params.client), profile));
      }),
    },
  ];
}
