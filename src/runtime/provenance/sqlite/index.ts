/** Provenance over a SQLite workspace: the schema (a migration to add) and the stores on its connection. */
export { PROVENANCE_SCHEMA_SQL, provenanceMigration } from './provenance-schema';
export { SqliteChainCheckpointStore, SqliteKeyRecordStore, SqliteRecordSignatureSink } from './sqlite-provenance-stores';
