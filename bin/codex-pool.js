#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the headless server needs no build step.
import { register } from 'tsx/esm/api';

// `codex-pool accounts | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
