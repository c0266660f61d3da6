/** The Python AbstractRuntime 0.4 SQLite store, read-only, and its audit. */
export { isPythonSqliteStore, PythonSqliteStore, PythonSqliteStoreError, type UnreadableRow } from './python-sqlite-store';
export { verifyPythonSqliteRun, verifyPythonSqliteStore } from './verify-python-sqlite';
