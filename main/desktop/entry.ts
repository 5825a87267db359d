// The bundle's entry point (dist/main/main.js): nothing but the call, so main.ts stays importable in tests.
import { startDesktop } from './main';

void startDesktop();
