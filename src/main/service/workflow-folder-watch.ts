import { watch, type FSWatcher } from 'node:fs';

/** Editors save in bursts (write, rename, chmod): one reload after the burst, not one per event. */
export const WORKFLOW_RELOAD_DEBOUNCE_MS = 150;

/**
 * Watches a workspace's workflow folders and calls `onChange` once a burst of file changes has
 * settled. Only trusted workspaces are watched (the session that owns this was opened trusted),
 * so a change never makes untrusted code run. A folder that cannot be watched (gone, no
 * permission) is skipped: its modules still load on open, they just do not hot-reload.
 */
export class WorkflowFolderWatch {
  private watchers: FSWatcher[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly onChange: () => void,
    private readonly debounceMs = WORKFLOW_RELOAD_DEBOUNCE_MS,
  ) {}

  watch(dirs: readonly string[]): string[] {
    this.stop();
    const unwatched: string[] = [];
    for (const dir of dirs) {
      try {
        const w = watch(dir, { persistent: false }, () => this.schedule());
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        unwatched.push(dir);
      }
    }
    return unwatched;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onChange();
    }, this.debounceMs);
    this.timer.unref?.();
  }

  stop(): void {
    for (const w of this.watchers) w.close();
    this.watchers = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
