/**
 * AbstractRuntime for TypeScript: a durable workflow runtime, a faithful port of the Python
 * AbstractRuntime 0.2.0. No Electron, no React: plain Node.
 */
export * from './errors';
export * from './json/index';

export * from './core/enums';
export * from './core/models';
export * from './core/codecs';
export * from './core/outcome';
export * from './core/spec';
export * from './core/config';
export * from './core/vars';
export * from './core/limits';
export * from './core/policy';
export * from './core/effect-handler';
export * from './core/runtime-events';
export * from './core/step-records';
export * from './core/run-control';
export * from './core/system-records';
export { Runtime, type RuntimeOptions, type StartOptions, type ResumeOptions, type StopPredicate, type TickOptions } from './core/runtime';

export * from './ledger/record-hash';
export * from './ledger/chain-verifier';
export * from './ledger/hash-chained-ledger-store';

export * from './storage/run-store';
export * from './storage/ledger-store';
export * from './storage/run-queries';
export * from './storage/memory/memory-run-store';
export * from './storage/memory/memory-ledger-store';
export * from './storage/memory/memory-artifact-store';
export * from './storage/memory/memory-snapshot-store';
export * from './storage/files/index';

export * from './artifacts/artifact';
export * from './artifacts/artifact-store';
export * from './snapshots/snapshot';
export * from './identity/actor-fingerprint';

export * from './scheduler/workflow-registry';
export * from './scheduler/scheduler';
export * from './scheduler/scheduled-runtime';
export * from './requests/index';
export * from './integrations/index';
export * from './telemetry/index';
