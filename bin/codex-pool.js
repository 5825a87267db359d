#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the headless server needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../main/cli.ts');
process.exitCode = await main(process.argv.slice(2));
