import { isLoopbackHost, type CoreConfig } from '../core/config';
import { createCore, type Core } from '../core/create-core';

/** `codex-pool serve`: runs the core until SIGINT/SIGTERM, then stops it gracefully. */
export async function serveCommand(
  config: CoreConfig,
  beforeStart?: (core: Core) => Promise<void>,
): Promise<number> {
  const core = createCore(config);
  await core.start();
  // Listen before announcing: whoever reads the banner and signals at once must still get a graceful stop.
  const signalled = untilSignal();
  await beforeStart?.(core);
  printBanner(core);
  await signalled;
  process.stdout.write('Stopping: letting requests in flight finish…\n');
  await core.stop();
  return 0;
}

function printBanner(core: Core): void {
  const demo = core.config.demo;
  const lines = [
    demo
      ? 'Codex Pool is running in DEMO mode: simulated accounts and a simulated ChatGPT backend, no real traffic.'
      : 'Codex Pool is running.',
    `  Codex base_url:   ${core.url}/backend-api/codex`,
    `  OpenAI base URL:  ${core.url}/v1`,
    `  Dashboard login:  ${core.createLoginUrl()}  (one-time link, valid 10 minutes)`,
    `  Data directory:   ${core.config.dataDir}${demo ? '  (temporary, deleted on exit)' : ''}`,
    ...(isLoopbackHost(core.config.host)
      ? []
      : [
          `  Network:          bound to ${core.config.host}, so this server is REACHABLE FROM THE NETWORK.`,
          '                    Proxy API keys are enforced for every client (Authorization: Bearer cp-…);',
          '                    create them in the dashboard under Routing → API keys. Use --host 127.0.0.1 to stay local.',
        ]),
    'Press Ctrl+C to stop.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
