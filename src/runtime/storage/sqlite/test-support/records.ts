/** The ledger tests' sample record: one definition, shared with the store contract. */
export { sampleRecord } from '../../testing/store-contract';
