#!/usr/bin/env node
// Runs the compiled CLI (dist/cli/cli.js, built by `npm run build`): plain JavaScript starts in a fraction of the
// time TypeScript compiled at start-up takes (issue 14). A checkout that has not been built yet still works, through
// tsx's loader on the sources, only slower to start.
import { existsSync } from 'node:fs';

// `codex-pool accounts | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const compiled = new URL('../dist/cli/cli.js', import.meta.url);
let main;
if (existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../main/cli.ts'));
}
process.exitCode = await main(process.argv.slice(2));
