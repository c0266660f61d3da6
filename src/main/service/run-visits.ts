import { type RunVisits } from '../../shared/contract/domain';

/**
 * Counts a run's path from the nodes its saved states name, in save order. Each state names the
 * node to run next, so every change of node is one visit of the new node and one transition; the
 * first state's node is the entry's visit. The same node saved twice in a row (a wait and its
 * resume, a retry) is one visit, so a node looping straight to itself counts once.
 */
export class VisitCounter {
  private readonly visits = new Map<string, number>();
  private readonly transitions = new Map<string, { from: string; to: string; count: number }>();
  private last: string | null = null;
  states = 0;

  add(nodeId: string): void {
    this.states++;
    if (nodeId === this.last) return;
    this.visits.set(nodeId, (this.visits.get(nodeId) ?? 0) + 1);
    if (this.last !== null) {
      const key = `${this.last}\u0000${nodeId}`;
      const t = this.transitions.get(key) ?? { from: this.last, to: nodeId, count: 0 };
      t.count++;
      this.transitions.set(key, t);
    }
    this.last = nodeId;
  }

  /**
   * A state the run was put into rather than stepped to (a restore): a visit of its node if it
   * differs from the last (that node runs again), but no transition, which would draw an edge
   * the workflow never took.
   */
  jump(nodeId: string): void {
    this.states++;
    if (nodeId === this.last) return;
    this.visits.set(nodeId, (this.visits.get(nodeId) ?? 0) + 1);
    this.last = nodeId;
  }

  result(runId: string, complete: boolean): RunVisits {
    return {
      runId,
      visits: [...this.visits].map(([nodeId, count]) => ({ nodeId, count })),
      transitions: [...this.transitions.values()],
      states: this.states,
      complete,
    };
  }
}
