import { artifactRef, defineTool, isJsonObject, type ArtifactStore, type ToolFunction } from '../../runtime/index';

/**
 * Tools the Studio gives every workspace, beside those its modules export. `save_artifact` keeps a
 * large or binary value out of the run state: it stores text or JSON in the workspace's artifact
 * store for the calling run and returns a `{"$artifact": id}` reference. Going through a
 * tool call means the store is recorded in the ledger like any other effect.
 */
export function studioTools(artifacts: ArtifactStore): ToolFunction[] {
  return [
    defineTool(
      {
        name: 'save_artifact',
        description: 'Store text or JSON as an artifact of this run and return a reference to it.',
        parameters: {
          type: 'object',
          properties: {
            data: { description: 'A JSON value to store (application/json).' },
            text: { type: 'string', description: 'Text to store (text/plain unless content_type says otherwise).' },
            content_type: { type: 'string' },
            tags: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
      },
      async (args, ctx) => {
        const tags: Record<string, string> = {};
        if (isJsonObject(args['tags'])) for (const [k, v] of Object.entries(args['tags'])) tags[k] = String(v);
        const meta =
          typeof args['text'] === 'string'
            ? await artifacts.storeText(args['text'], { runId: ctx.runId, tags, contentType: typeof args['content_type'] === 'string' ? args['content_type'] : 'text/plain' })
            : 'data' in args
              ? await artifacts.storeJson(args['data'] ?? null, { runId: ctx.runId, tags })
              : null;
        if (!meta) throw new Error('save_artifact needs "text" or "data"');
        return artifactRef(meta.artifactId);
      },
    ),
  ];
}
