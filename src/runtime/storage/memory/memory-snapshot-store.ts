import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { cloneSnapshot, searchSnapshots, type Snapshot, type SnapshotQuery, type SnapshotStore } from '../../snapshots/snapshot';

export class InMemorySnapshotStore implements SnapshotStore {
  private readonly items = new Map<string, Snapshot>();

  constructor(private readonly clock: Clock = systemClock) {}

  async save(snapshot: Snapshot): Promise<void> {
    snapshot.updatedAt = formatIsoTimestamp(this.clock.nowMicros());
    this.items.set(snapshot.snapshotId, cloneSnapshot(snapshot));
  }

  async load(snapshotId: string): Promise<Snapshot | null> {
    const s = this.items.get(snapshotId);
    return s ? cloneSnapshot(s) : null;
  }

  async delete(snapshotId: string): Promise<boolean> {
    return this.items.delete(snapshotId);
  }

  async list(query: SnapshotQuery = {}): Promise<Snapshot[]> {
    return searchSnapshots(this.items.values(), query).map(cloneSnapshot);
  }
}
