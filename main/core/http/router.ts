import type { IncomingMessage, ServerResponse } from 'node:http';

/** Path parameters captured by `:name` segments. */
export type Params = Record<string, string>;
/** A route handler. Throw an {@link HttpError} for a client-visible error. */
export type Handler = (req: IncomingMessage, res: ServerResponse, params: Params) => Promise<void> | void;

/** One route: method, path pattern (`/api/accounts/:id/pause`) and handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  handler: Handler;
}

/** What {@link Router.match} found. */
export type Match =
  | { kind: 'found'; handler: Handler; params: Params }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

/**
 * A small router: exact paths are one map lookup (the proxy's hot routes), patterned paths a short scan.
 * Thirty-odd routes do not justify a framework on the hot path.
 */
export class Router {
  private readonly exact = new Map<string, Map<string, Handler>>();
  private readonly patterned: Compiled[] = [];

  constructor(routes: Route[] = []) {
    for (const route of routes) this.add(route);
  }

  add(route: Route): void {
    if (!route.path.includes(':')) {
      const byMethod = this.exact.get(route.path) ?? new Map<string, Handler>();
      byMethod.set(route.method, route.handler);
      this.exact.set(route.path, byMethod);
      return;
    }
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.patterned.push({ route, regex: new RegExp(`^${source}$`), names });
  }

  match(method: string, pathname: string): Match {
    // HEAD is GET without a body (Node drops the body itself): monitors and `curl -I` work on every GET route.
    if (method === 'HEAD') {
      const asGet = this.match('GET', pathname);
      if (asGet.kind !== 'method_not_allowed') return asGet;
    }
    const byMethod = this.exact.get(pathname);
    if (byMethod) {
      const handler = byMethod.get(method);
      return handler
        ? { kind: 'found', handler, params: {} }
        : { kind: 'method_not_allowed', allowed: [...byMethod.keys()] };
    }
    const allowed: string[] = [];
    for (const { route, regex, names } of this.patterned) {
      const m = regex.exec(pathname);
      if (!m) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params = decodeParams(names, m);
      return params ? { kind: 'found', handler: route.handler, params } : { kind: 'not_found' };
    }
    return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
  }
}

function decodeParams(names: string[], m: RegExpExecArray): Params | null {
  const params: Params = {};
  try {
    names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
  } catch {
    return null; // malformed percent-encoding: no such resource
  }
  return params;
}
