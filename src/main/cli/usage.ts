export const USAGE = `Usage: studio <command> [options]

Commands:
  serve [--port N] [--workspace file.sqlite | postgres://user:password@host:port/db?schema=name]
      Serve the Studio to a browser on 127.0.0.1 and print its URL (with a per-launch token).
      Default workspace: the desktop app's (user data folder)/workspaces/default.studio.sqlite.
      Environment: STUDIO_USER_DATA (user data folder), STUDIO_RENDERER_DIR (built page),
      STUDIO_KEY_PASSPHRASE (protects the Studio's signing keys; without it they are stored
      unprotected in the workspace file).
  verify <workspace.sqlite | python-data-folder | python-store.sqlite3> [--run ID] [--require-chain] [--json]
      Re-hash every ledger chain (or one run's): each run is verified, BROKEN, or not chained
      (no record carries a hash, as Python AbstractRuntime 0.4 writes by default). Exit 0 when
      nothing is broken, 1 when a chain is broken or a file damaged, 2 for bad usage, input
      that cannot be read, or nothing found to verify. --require-chain: unchained runs fail.
      Python data folders of 0.2 and 0.4 and 0.4 SQLite stores are read, never written.
      This checks integrity only, not who wrote the records: for that, verify a bundle.
  runs <workspace.sqlite | python-data-folder | python-store.sqlite3> [--status S] [--workflow W] [--limit N] [--json]
      List runs, most recently updated first (default limit 100).
  verify <bundle.arbundle.jsonl> [--trusted keys.json] [--require-seal] [--allow-unsigned] [--allow-untrusted] [--json]
      Check an audit bundle offline: the hash chain, the signed checkpoints, the keys, the seal
      and the artifacts; names any changed, missing, inserted, reordered or cut record.
      --trusted: the keys you trust (from "studio keys --json" on the signer's workspace, got
      apart from the bundle); only they authenticate who signed. Exit 0 when everything holds
      and the signer is authenticated, 1 when anything does not verify, 2 for bad usage or a
      file that is not a bundle, 3 when it verifies but no --trusted key authenticates its signer
      ("integrity verified; signer not authenticated"). --allow-untrusted: accept that (exit 0).
      --require-seal: an unsealed bundle is an error. --allow-unsigned: records no signature
      covers are a warning, not an error (a bundle nothing signed then exits 0: no signer to
      authenticate, and the report says nothing vouches for who wrote it).
  export <workspace.sqlite> <run-id> [--out folder]
      Write a run as a Python-compatible data folder (run_<id>.json, ledger_<id>.jsonl,
      artifacts/), default folder ./run-<run-id>. It verifies with the Python reference.
  export <workspace.sqlite> <run-id> --bundle [--out file] [--no-artifacts]
      Write a run as one audit bundle file (default ./<run-id>.arbundle.jsonl), checkpointed and
      sealed with a signing key first; prints its path and sha256. --no-artifacts: hashes only.
      Environment: STUDIO_KEY_PASSPHRASE (the passphrase that protects the CLI's signing key;
      without it, only a key the workspace keeps unprotected can sign, else nothing new is signed).
  export <workspace.sqlite> <run-id> --otlp <url>
      Send a run to a tracing tool as OTLP/HTTP (e.g. --otlp http://127.0.0.1:4318/v1/traces): a
      run span, a span per finished ledger record (node, status, attempt, seq, record hash) and
      effect spans under them (LLM calls with model and tokens). Exit 1 when it is not taken.
  keys <workspace.sqlite> [--json]
      List the workspace's public signing keys; --json writes what "verify --trusted" reads.
  copy <from> <to>
      Copy a workspace, SQLite file to PostgreSQL (postgres://user:password@host:port/db?schema=name)
      or back: every run with every saved state, record (and who wrote it), trace link, archive
      mark, artifact, snapshot, key, checkpoint and tombstone of a deleted run.
      The copy is built apart and put in place only once every run verifies on it as at the
      source. The target must be new or an empty workspace (one with data is refused, never
      merged into); a source whose chain does not verify is refused. Exit 0 when copied, 2 else.
  worker --workspace postgres://user:password@host:port/db[?schema=name] --workflows <folder>
         [--concurrency N] [--id NAME]
      Drive the runs of a PostgreSQL workspace with the workflow modules of a folder, until
      SIGINT or SIGTERM. Start any number, on any machines: each run is leased to one worker at
      a time, and a dead worker's runs are taken over when its leases expire (30 s). Records
      say which worker wrote them (NAME@host; NAME defaults to worker-<pid>).

Options:
  -h, --help     Show this help.
`;
