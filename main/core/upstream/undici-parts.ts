/**
 * The parts of undici the upstream side uses, imported file by file. undici's index loads all of it (fetch,
 * WebSocket, caches, mocks, interceptors): 0.5 MB of a 2 MB bundle that every start parsed and kept, ~5 MB of
 * resident memory at idle (issue 14). Importing this module does what the index does for dispatchers, and only
 * that: it gives every one the request API (`request`; `connect`, with which the proxy agent opens its tunnels).
 * The lockfile pins undici. The in-process tests load undici's whole index as well, so the test that these parts
 * suffice on their own runs the built CLI through a proxy (test/integration/core/cli-build.test.ts).
 */
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';

Object.assign(Dispatcher.prototype, api);

export { default as Agent } from 'undici/lib/dispatcher/agent.js';
export { default as EnvHttpProxyAgent } from 'undici/lib/dispatcher/env-http-proxy-agent.js';
