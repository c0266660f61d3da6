import { type ArtifactStore } from '../artifacts/artifact-store';
import { UnknownNodeError } from '../errors';
import { type EffectType } from './enums';
import { type RunState, type StepPlan } from './models';

/**
 * Passed to every node handler: the runtime's clock, as an ISO timestamp (the reference's whole
 * context), and the runtime's artifact store so nodes can keep large values out of `vars`.
 */
export interface RunContext {
  nowIso(): string;
  readonly artifactStore?: ArtifactStore | null;
}

export type NodeHandler = (run: RunState, ctx: RunContext) => StepPlan | Promise<StepPlan>;

/** How the Studio draws a node before any run has visited it. */
export type NodeKind = 'start' | 'step' | 'effect' | 'subworkflow' | 'terminal';

export interface NodeDeclaration {
  label?: string;
  kind?: NodeKind;
  /** The effect this node issues, if any (drawn as a badge). */
  effectType?: EffectType;
  description?: string;
  /** For subworkflow nodes: the child workflow id. */
  workflowId?: string;
}

export interface EdgeDeclaration {
  from: string;
  to: string;
  label?: string;
}

export interface WorkflowGraphDeclaration {
  nodes?: Record<string, NodeDeclaration>;
  edges?: EdgeDeclaration[];
}

/** The graph as the Studio receives it: every node of the spec, with declared kinds and edges. */
export interface WorkflowGraph {
  workflowId: string;
  entryNode: string;
  nodes: Array<{ id: string; label: string; kind: NodeKind; effectType: EffectType | null; description: string | null; workflowId: string | null }>;
  edges: Array<{ from: string; to: string; label: string | null }>;
}

export interface WorkflowSpecInit {
  workflowId: string;
  entryNode: string;
  nodes: Record<string, NodeHandler>;
  /** Optional declaration of edges, labels and kinds, so the graph can be drawn before any run. */
  graph?: WorkflowGraphDeclaration;
  description?: string;
}

/**
 * A workflow: node handlers keyed by id. Specs are code and are not persisted; the same spec must
 * be available again at resume time (looked up by `workflowId` through a registry).
 */
export class WorkflowSpec {
  readonly workflowId: string;
  readonly entryNode: string;
  readonly nodes: Readonly<Record<string, NodeHandler>>;
  readonly declaration: Readonly<WorkflowGraphDeclaration>;
  readonly description: string | null;

  constructor(init: WorkflowSpecInit) {
    this.workflowId = init.workflowId;
    this.entryNode = init.entryNode;
    this.nodes = Object.freeze({ ...init.nodes });
    this.declaration = init.graph ?? {};
    this.description = init.description ?? null;
    Object.freeze(this);
  }

  getNode(nodeId: string): NodeHandler {
    const handler = Object.hasOwn(this.nodes, nodeId) ? this.nodes[nodeId] : undefined;
    if (!handler) throw new UnknownNodeError(nodeId, this.workflowId);
    return handler;
  }

  /** Always false, as in the reference: termination is decided by `completeOutput`. */
  isTerminal(_nodeId: string): boolean {
    return false;
  }

  graph(): WorkflowGraph {
    const decl = this.declaration.nodes ?? {};
    const ids = [...new Set([...Object.keys(this.nodes), ...Object.keys(decl)])];
    return {
      workflowId: this.workflowId,
      entryNode: this.entryNode,
      nodes: ids.map((id) => {
        const d = decl[id] ?? {};
        return {
          id,
          label: d.label ?? id,
          kind: d.kind ?? (id === this.entryNode ? 'start' : 'step'),
          effectType: d.effectType ?? null,
          description: d.description ?? null,
          workflowId: d.workflowId ?? null,
        };
      }),
      edges: (this.declaration.edges ?? []).map((e) => ({ from: e.from, to: e.to, label: e.label ?? null })),
    };
  }
}
