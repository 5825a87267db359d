/**
 * Terminal questions for the CLI: a yes/no confirmation and a passphrase typed without echo. Only used when
 * stdin is a TTY; scripts pass flags instead.
 */
import { createInterface } from 'node:readline/promises';

/** What the backup commands need from the terminal; tests pass their own. */
export interface Terminal {
  /** True when a person can answer (stdin and stdout are TTYs). */
  interactive: boolean;
  /** Asks a question and returns the answer. */
  ask(question: string): Promise<string>;
  /** Asks for a secret without echoing what is typed. */
  askHidden(question: string): Promise<string>;
}

/** The process's own terminal. */
export function processTerminal(): Terminal {
  return {
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    askHidden: (question) => readHidden(question),
  };
}

/** Reads one line in raw mode, printing nothing of it; Ctrl-C aborts, Backspace edits. */
function readHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  // Raw mode before the question: a fast typist (or a script) answering at once must not be echoed.
  stdin.setRawMode(true);
  process.stdout.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (err?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003') return finish(new Error('Cancelled.'));
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** True for "y" / "yes" in any case. */
export const isYes = (answer: string): boolean => /^\s*y(es)?\s*$/i.test(answer);
