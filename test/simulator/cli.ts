/**
 * Run the simulator as a process (demo mode, benchmarks):
 *   node --import tsx test/simulator/cli.ts [--port N] [--accounts N] [--host H]
 * Prints one JSON line `{url, upstreamBaseUrl, responsesWebSocketUrl, authBaseUrl, tokenUrl, accounts:[…]}`
 * (each account `{email, planType, authJson}`)
 * and runs until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { createSimulator } from './index';
import { sampleAccounts } from './sample-accounts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      accounts: { type: 'string', default: '3' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  const sim = await createSimulator({ port: Number(values.port), host: values.host });
  const accounts = sampleAccounts(Number(values.accounts)).map((init) => sim.addAccount(init));
  process.stdout.write(
    `${JSON.stringify({
      url: sim.url,
      upstreamBaseUrl: sim.upstreamBaseUrl,
      responsesWebSocketUrl: sim.responsesWebSocketUrl,
      authBaseUrl: sim.authBaseUrl,
      tokenUrl: sim.tokenUrl,
      accounts: accounts.map((a) => ({ email: a.email, planType: a.planType, authJson: a.authJson() })),
    })}\n`,
  );
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
