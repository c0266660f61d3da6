import { type LlmHeaderSetting, type WorkspaceSettings } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { control, type ServiceContext } from '../service-context';
import { type ControlCapability } from '../sessions/session-capabilities';
import { effectiveBaseUrl, secretKey } from '../sessions/workspace-effects';
import { type WorkspaceConfig } from '../workspace-config';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

async function settingsOf(s: ControlCapability): Promise<WorkspaceSettings> {
  const c = s.settings;
  const base = effectiveBaseUrl(c);
  const headers: LlmHeaderSetting[] = [];
  for (const h of c.llm.headers) {
    // `stored` is for the current server: a secret entered for another origin does not count.
    headers.push({ name: h.name, secret: h.secret, value: h.secret ? null : h.value, stored: h.secret ? (await s.secrets.get(secretKey(s.ws.path, h.name, base))) !== null : h.value !== null });
  }
  return {
    llm: { baseUrl: c.llm.baseUrl, model: c.llm.model, timeoutS: c.llm.timeoutS, headers },
    tools: s.effects.toolSettings(c.toolApproval),
    secretStorage: s.secrets.kind,
    pricing: { ...c.pricing },
  };
}

export const getSettings: Handler<'settings.get'> = async (ctx) => settingsOf(control(ctx));

/**
 * Applies a settings change. Secret header values go to the SecretStore (the OS keychain in the
 * desktop app); leaving a secret's value out keeps the stored one; `null` removes it.
 */
export const updateSettings: Handler<'settings.update'> = async (ctx, req) => {
  const s = control(ctx);
  const cur = s.settings;
  const next: WorkspaceConfig = { ...cur, llm: { ...cur.llm }, toolApproval: { ...cur.toolApproval, ...(req.toolApproval ?? {}) }, pricing: req.pricing ? { ...req.pricing } : { ...cur.pricing } };
  const llm = req.llm;
  if (llm) {
    if (llm.baseUrl !== undefined) next.llm.baseUrl = llm.baseUrl ? llm.baseUrl.replace(/\/+$/, '') : null;
    if (llm.model !== undefined) next.llm.model = llm.model;
    if (llm.timeoutS !== undefined) next.llm.timeoutS = llm.timeoutS;
    if (llm.headers) {
      const names = new Set<string>();
      for (const h of llm.headers) {
        if (names.has(h.name.toLowerCase())) throw new StudioError('BAD_REQUEST', `Header ${h.name} is given twice.`);
        names.add(h.name.toLowerCase());
      }
      // A secret that is dropped, or turned into a plain header, leaves the secret store.
      const stillSecret = new Set(llm.headers.filter((h) => h.secret).map((h) => h.name.toLowerCase()));
      for (const old of cur.llm.headers) {
        if (old.secret && !stillSecret.has(old.name.toLowerCase())) {
          for (const base of new Set([effectiveBaseUrl(cur), effectiveBaseUrl(next)])) await s.secrets.set(secretKey(s.ws.path, old.name, base), null);
        }
      }
      next.llm.headers = [];
      for (const h of llm.headers) {
        // Stored for the server the settings now name (the URL in this same request, if any).
        if (h.secret && h.value !== undefined) await s.secrets.set(secretKey(s.ws.path, h.name, effectiveBaseUrl(next)), h.value);
        next.llm.headers.push({ name: h.name, secret: h.secret, value: h.secret ? null : (h.value ?? null) });
      }
    }
  }
  const known = new Set(s.effects.toolSettings({}).map((t) => t.name));
  const unknown = Object.keys(req.toolApproval ?? {}).filter((n) => !known.has(n));
  if (unknown.length) throw new StudioError('NOT_FOUND', `No tool named ${unknown.join(', ')} in this workspace.`);
  await s.updateSettings(next);
  return settingsOf(s);
};

/** Asks the configured server for a one-word answer, to check URL, model and credentials. */
export const testLlm: Handler<'settings.testLlm'> = async (ctx) => {
  const s = control(ctx);
  // What the runs would use: the workspace's settings, else the STUDIO_LLM_* defaults.
  const model = s.settings.llm.model ?? process.env['STUDIO_LLM_MODEL'] ?? null;
  if (!effectiveBaseUrl(s.settings) || !model) return { ok: false, message: 'Set a server URL and a model first.', latencyMs: null, model };
  const t0 = Date.now();
  const outcome = await s.effects.llmHandler(
    { runId: 'settings-check', workflowId: 'settings', status: 'running', currentNode: 'check', vars: {}, waiting: null, output: null, error: null, createdAt: '', updatedAt: '', actorId: null, sessionId: null, parentRunId: null },
    { type: 'llm_call', payload: { prompt: 'Reply with the single word: ok', params: { max_tokens: 5, temperature: 0 } } },
    null,
    { nowIso: () => new Date().toISOString(), signal: AbortSignal.timeout(30_000) },
  );
  const latencyMs = Date.now() - t0;
  if (outcome.status === 'completed') {
    const m = outcome.result?.['model'];
    return { ok: true, message: `The server answered in ${latencyMs} ms.`, latencyMs, model: typeof m === 'string' ? m : model };
  }
  return { ok: false, message: outcome.error ?? 'The server did not answer.', latencyMs, model };
};
