/**
 * Where the CLI writes, and how it ends. Commands return an exit code instead of calling
 * `process.exit`, so they can be driven in-process and their output captured.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: progress then redraws one line instead of printing many. */
  readonly errIsTty: boolean;
}

export const EXIT_OK = 0;
/** A chain did not verify (or a file of the data folder could not be read). */
export const EXIT_FAILED = 1;
/** Bad usage, or input that cannot be read at all. */
export const EXIT_USAGE = 2;
/** An audit bundle verified, but no trusted key authenticates its signer (`--allow-untrusted` accepts it). */
export const EXIT_UNAUTHENTICATED = 3;

/** Bad usage or unusable input: reported in one line (no stack trace) with exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliUsageError';
  }
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    errIsTty: process.stderr.isTTY === true,
  };
}
