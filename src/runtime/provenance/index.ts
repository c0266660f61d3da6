/**
 * Provenance you can prove: actor keys (Ed25519), signed checkpoints of each run's chain head,
 * per-record signatures, verification with located findings, and the audit bundle.
 */
export { fromBase64, sha256Hex, toBase64 } from './encoding';
export { ProvenanceError, type ProvenanceErrorReason } from './provenance-errors';

export { checkActorKey, decodeActorKey, encodeActorKey, keyIdOf, KEY_METADATA_FIELD, sameActorKey, selfCertifiedActor, type ActorKey, type ActorKeyCheck, type KeyBinding } from './keys/actor-key';
export { generateEd25519, type Ed25519KeyPair } from './keys/ed25519';
export { noneProtector, passphraseProtector, safeStorageProtector, type KeyProtector, type PassphraseOptions, type ProtectorKind, type SafeStorageLike } from './keys/key-protector';
export { InMemoryKeyRecordStore, JsonFileKeyRecordStore, decodeStoredKey, encodeStoredKey, type KeyRecordStore, type SealedPrivateKey, type StoredKeyRecord } from './keys/key-record-store';
export { ensureSigningKey } from './keys/ensure-key';
export { generateActorKey, ProtectedKeyStore, signingKeyFromSeed, type CreateActorKeyOptions, type KeyStore, type ProtectedKeyStoreOptions, type SigningKey } from './keys/key-store';

export { CHECKPOINT_BATCH_TYPE, merkleTree, rootFromProof, type CheckpointBatchSignature } from './checkpoints/checkpoint-batch';
export { CHECKPOINT_TYPE, checkpointStatement, encodeCheckpoint, parseCheckpoint, signCheckpoint, signCheckpoints, storedCheckpoint, verifyCheckpointSignature, type CheckpointClaim, type ParsedCheckpoint, type SignedCheckpoint } from './checkpoints/checkpoint';
export { assertNextCheckpoint, InMemoryChainCheckpointStore, JsonFileCheckpointStore, type ChainCheckpointStore, type JsonFileCheckpointStoreOptions } from './checkpoints/checkpoint-store';

export { RECORD_SIGNATURE_TYPE, parseRecordSignature, recordSignatureStatement, signRecordHash, verifyRecordSignature, type RecordSignatureSink } from './signing/record-signature';
export { LedgerSigner, type LedgerReader, type LedgerSignerOptions } from './signing/ledger-signer';
export { attestDecisionsOf, isDecisionRecord } from './signing/attest-decisions';
export { checkpointUncovered } from './signing/checkpoint-uncovered';

export { firstBad, findingSeq, type FindingCode, type FindingLocation, type ProvenanceFinding } from './verify/findings';
export { type CheckpointStatus, type CheckpointVerdict } from './verify/checkpoint-checks';
export { recordBadges, type RecordBadge } from './verify/record-badges';
export { verifyProvenance, type ActorSummary, type ProvenanceReport, type SignerSummary, type VerifyProvenanceInput } from './verify/verify-provenance';

export { BUNDLE_FILE_SUFFIX, BUNDLE_TYPE, artifactRefs, parseManifest, type BundleArtifactEntry, type BundleManifest } from './bundle/bundle-format';
export { DEFAULT_TOOL, exportBundle, writeBundleFile, type ExportBundleOptions, type ExportedBundle, type LedgerDictSource } from './bundle/export-bundle';
export { readBundleText, type BundleFinding, type BundleFindingCode, type BundleFindingLocation, type ReadBundle } from './bundle/read-bundle';
export { type ArtifactVerdict } from './bundle/artifact-checks';
export { isBundleFile, readTrustedKeys } from './bundle/bundle-files';
export { verifyBundle, verifyBundleText, type BundleReport, type VerifyBundleOptions } from './bundle/verify-bundle';
export { bundleSigner, type BundleSigner } from './bundle/bundle-signer';
export { bundleVerdict, formatBundleReport, formatProvenanceReport } from './report-text';
