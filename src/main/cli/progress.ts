import { type CliIo } from './cli-io';

export interface Progress {
  /** Progress within the current item (records of one run). */
  update(label: string, done: number, total: number): void;
  /** One item finished. */
  item(label: string): void;
  end(): void;
}

/**
 * Progress on stderr, so stdout stays clean for `--json` and pipes. On a terminal one line is
 * redrawn (throttled: a million-record ledger reports a thousand pages); elsewhere (CI logs,
 * files) one line per finished item, never redraw codes.
 */
export function stderrProgress(io: CliIo): Progress {
  let lastDraw = 0;
  let drawn = false;
  const clear = (): void => {
    if (drawn) io.err('\r\x1b[K');
    drawn = false;
  };
  return {
    update(label, done, total) {
      if (!io.errIsTty) return;
      const now = Date.now();
      if (done < total && now - lastDraw < 100) return;
      lastDraw = now;
      io.err(`\r\x1b[K${label} ${done}/${total} records`);
      drawn = true;
    },
    item(label) {
      if (io.errIsTty) return;
      io.err(`${label}\n`);
    },
    end: clear,
  };
}
