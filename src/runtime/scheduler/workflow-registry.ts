import { RuntimeError, UnknownWorkflowError } from '../errors';
import { type WorkflowSpec } from '../core/spec';

export class WorkflowAlreadyRegisteredError extends RuntimeError {
  constructor(readonly workflowId: string) {
    super(
      'WORKFLOW_ALREADY_REGISTERED',
      `Workflow '${workflowId}' is already registered. Use unregister() first if you want to replace it.`,
      { workflowId },
    );
  }
}

/** Workflow specs by id: how a run finds its code again after a restart. */
export class WorkflowRegistry {
  private readonly specs = new Map<string, WorkflowSpec>();

  register(workflow: WorkflowSpec): void {
    if (this.specs.has(workflow.workflowId)) throw new WorkflowAlreadyRegisteredError(workflow.workflowId);
    this.specs.set(workflow.workflowId, workflow);
  }

  unregister(workflowId: string): void {
    if (!this.specs.delete(workflowId)) throw new UnknownWorkflowError(workflowId, `Workflow '${workflowId}' is not registered.`);
  }

  get(workflowId: string): WorkflowSpec | null {
    return this.specs.get(workflowId) ?? null;
  }

  getOrRaise(workflowId: string): WorkflowSpec {
    const spec = this.specs.get(workflowId);
    if (!spec) throw new UnknownWorkflowError(workflowId);
    return spec;
  }

  listIds(): string[] {
    return [...this.specs.keys()];
  }

  has(workflowId: string): boolean {
    return this.specs.has(workflowId);
  }

  get size(): number {
    return this.specs.size;
  }

  values(): WorkflowSpec[] {
    return [...this.specs.values()];
  }
}
