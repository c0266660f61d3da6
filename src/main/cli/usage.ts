export const USAGE = `Usage: studio <command> [options]

Commands:
  serve [--port N] [--workspace file.sqlite]
      Serve the Studio to a browser on 127.0.0.1 and print its URL (with a per-launch token).
      Default workspace: the desktop app's (user data folder)/workspaces/default.studio.sqlite.
      Environment: STUDIO_USER_DATA (user data folder), STUDIO_RENDERER_DIR (built page).
  verify <workspace.sqlite | python-data-folder> [--run ID] [--json]
      Re-hash every ledger chain (or one run's). Exit 0 when all verify, 1 when any fails,
      2 for bad usage or input that cannot be read.
  runs <workspace.sqlite | python-data-folder> [--status S] [--workflow W] [--limit N] [--json]
      List runs, most recently updated first (default limit 100).
  export <workspace.sqlite> <run-id> [--out folder]
      Write a run as a Python-compatible data folder (run_<id>.json, ledger_<id>.jsonl,
      artifacts/), default folder ./run-<run-id>. It verifies with the Python reference.

Options:
  -h, --help     Show this help.
`;
