/**
 * The baseline the load benchmark holds Codex Pool to: the least a proxy can do. It adds one account's
 * credentials and pipes bytes both ways with node:http, nothing else. Run as a child process:
 *   node bench/load/bare-proxy.ts-as-js UPSTREAM_ORIGIN ACCESS_TOKEN ACCOUNT_ID
 * and prints its port on stdout.
 */
import { Agent, createServer, request } from 'node:http';

const [upstreamOrigin, accessToken, accountId] = process.argv.slice(2) as [string, string, string];
const upstream = new URL(upstreamOrigin);
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

const server = createServer((req, res) => {
  const headers: Record<string, string | string[] | undefined> = {
    ...req.headers,
    host: upstream.host,
    authorization: `Bearer ${accessToken}`,
    'chatgpt-account-id': accountId,
  };
  const out = request(
    { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers, agent },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  out.on('error', () => res.destroy());
  res.on('close', () => out.destroy());
  req.pipe(out);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => process.exit(0));
