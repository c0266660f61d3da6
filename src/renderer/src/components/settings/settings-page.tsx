import { useEffect, type FormEvent, type ReactNode } from 'react';
import { type LlmCheck, type ToolSetting, type WorkspaceInfo, type WorkspaceSettings } from '../../../../shared/contract';
import {
  selectConnectionCheck,
  selectSavedSettings,
  selectSettingsDirty,
  selectSettingsDraft,
  selectSettingsFieldErrors,
  selectSettingsLoadError,
  selectSettingsSaveError,
  selectSettingsSaving,
  selectSettingsStatus,
  type HeaderDraft,
} from '../../stores/settings-store';
import { selectWorkspace } from '../../stores/workspace-store';
import { useSettings, useStores, useWorkspace } from '../../stores/stores-context';
import { ProgressBar } from '../common/progress-bar';

/** Why a workspace's settings cannot be changed, in one line. */
export function readOnlyReason(ws: WorkspaceInfo): string {
  if (ws.readOnlyReason) return `${ws.name} cannot be changed: ${ws.readOnlyReason}`;
  const what = ws.kind === 'bundle' ? 'an audit bundle ' : ws.kind === 'python-folder' ? 'a Python data folder ' : '';
  return `${ws.name} is ${what}opened read-only for audit, so its settings cannot be changed. Open a Studio workspace to configure an LLM server and tools.`;
}

/** The workspace's LLM server, its headers (secrets never shown), the connection check, and tool approvals. */
export function SettingsPage() {
  const { settings } = useStores();
  const workspace = useWorkspace(selectWorkspace);
  const status = useSettings(selectSettingsStatus);
  const loadError = useSettings(selectSettingsLoadError);
  const saved = useSettings(selectSavedSettings);
  const dirty = useSettings(selectSettingsDirty);
  const saving = useSettings(selectSettingsSaving);
  const saveError = useSettings(selectSettingsSaveError);
  const wsId = workspace?.id ?? null;
  const readOnly = workspace?.readOnly ?? false;
  useEffect(() => {
    if (wsId) void settings.getState().load();
  }, [settings, wsId]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void settings.getState().save();
  };
  const disabled = readOnly || status === 'read-only' || (status !== 'ready' && saved === null);
  return (
    <section className="page narrow settings-page" aria-label="Settings of the workspace" data-testid="settings-page">
      <header className="page-head">
        <h1>Settings</h1>
        <span className="faint">for {workspace?.name ?? 'no workspace'} only</span>
      </header>
      {readOnly || status === 'read-only' ? (
        <p className="settings-banner" role="note" data-testid="settings-readonly">
          {workspace && readOnly ? readOnlyReason(workspace) : loadError}
        </p>
      ) : null}
      {!workspace ? <p className="settings-banner" role="note">Open a workspace to see its settings.</p> : null}
      {status === 'error' ? (
        <p className="settings-banner error" role="alert">
          Could not load the settings: {loadError}{' '}
          <button type="button" className="btn small" onClick={() => void settings.getState().load()}>Try again</button>
        </p>
      ) : null}
      {status === 'loading' && !saved ? <ProgressBar label="Loading settings" /> : null}
      <form onSubmit={onSubmit} aria-label="Workspace settings" noValidate>
        <fieldset className="settings-fieldset" disabled={disabled}>
          <LlmSection />
          <HeadersSection secretStorage={saved?.secretStorage ?? null} />
          <ConnectionSection />
          <PricingSection />
          <ToolsSection tools={saved?.tools ?? []} />
          <footer className="settings-footer">
            {saveError ? <p className="field-error grow" role="alert" data-testid="settings-save-error">{saveError}</p> : <span className="grow faint">{dirty ? 'Unsaved changes.' : 'Saved settings apply to every LLM and tool call from now on.'}</span>}
            <button type="button" className="btn" disabled={!dirty || saving} onClick={() => settings.getState().revert()}>Revert</button>
            <button type="submit" className="btn primary" data-testid="settings-save" disabled={!dirty || saving}>{saving ? 'Saving…' : 'Save'}</button>
          </footer>
        </fieldset>
      </form>
    </section>
  );
}

function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text ? <span id={id} className="field-error" role="alert">{text}</span> : null;
}

function LlmSection() {
  const { settings } = useStores();
  const draft = useSettings(selectSettingsDraft);
  const errors = useSettings(selectSettingsFieldErrors);
  const set = settings.getState().setField;
  return (
    <Section title="LLM server" help="Any OpenAI-compatible chat server: Ollama (http://localhost:11434), LM Studio, vLLM or OpenAI. The Studio calls {URL}/v1/chat/completions.">
      <div className="settings-grid">
        <label className="field url">
          <span>Server URL</span>
          <input className="input mono" type="url" inputMode="url" placeholder="http://localhost:11434" value={draft.baseUrl} data-testid="settings-base-url" aria-invalid={errors['baseUrl'] ? true : undefined} aria-describedby={errors['baseUrl'] ? 'err-base-url' : undefined} onChange={(e) => set('baseUrl', e.target.value)} />
          <FieldError id="err-base-url" text={errors['baseUrl']} />
        </label>
        <label className="field">
          <span>Model</span>
          <input className="input mono" placeholder="llama3.1:8b" value={draft.model} data-testid="settings-model" aria-invalid={errors['model'] ? true : undefined} aria-describedby={errors['model'] ? 'err-model' : undefined} onChange={(e) => set('model', e.target.value)} />
          <FieldError id="err-model" text={errors['model']} />
        </label>
        <label className="field timeout">
          <span>Timeout (seconds)</span>
          <input className="input" type="number" min={1} max={3600} step={1} value={draft.timeoutS} data-testid="settings-timeout" aria-invalid={errors['timeoutS'] ? true : undefined} aria-describedby={errors['timeoutS'] ? 'err-timeout' : undefined} onChange={(e) => set('timeoutS', e.target.value)} />
          <FieldError id="err-timeout" text={errors['timeoutS']} />
        </label>
      </div>
    </Section>
  );
}

/** Prices per million tokens, so a conversation shows what its calls cost; empty fields mean no cost is shown. */
function PricingSection() {
  const { settings } = useStores();
  const draft = useSettings(selectSettingsDraft);
  const errors = useSettings(selectSettingsFieldErrors);
  const set = settings.getState().setField;
  return (
    <Section title="Token prices" help="What your provider charges per million tokens, in your currency. The conversation view then shows a cost per call and per run; leave empty for no cost.">
      <div className="settings-grid">
        <label className="field">
          <span>Prompt tokens, per million</span>
          <input className="input mono" inputMode="decimal" placeholder="e.g. 0.15" value={draft.promptPerMillion} data-testid="settings-price-prompt" aria-invalid={errors['promptPerMillion'] ? true : undefined} aria-describedby={errors['promptPerMillion'] ? 'err-price-prompt' : undefined} onChange={(e) => set('promptPerMillion', e.target.value)} />
          <FieldError id="err-price-prompt" text={errors['promptPerMillion']} />
        </label>
        <label className="field">
          <span>Answer tokens, per million</span>
          <input className="input mono" inputMode="decimal" placeholder="e.g. 0.60" value={draft.completionPerMillion} data-testid="settings-price-completion" aria-invalid={errors['completionPerMillion'] ? true : undefined} aria-describedby={errors['completionPerMillion'] ? 'err-price-completion' : undefined} onChange={(e) => set('completionPerMillion', e.target.value)} />
          <FieldError id="err-price-completion" text={errors['completionPerMillion']} />
        </label>
      </div>
    </Section>
  );
}

function HeadersSection({ secretStorage }: { secretStorage: WorkspaceSettings['secretStorage'] | null }) {
  const { settings } = useStores();
  const { headers } = useSettings(selectSettingsDraft);
  const errors = useSettings(selectSettingsFieldErrors);
  return (
    <Section title="Headers" help="Sent with every LLM request, for example Authorization: Bearer … for a hosted server. A secret value is never shown again once saved.">
      {headers.length > 0 ? (
        <div className="header-rows" role="list" aria-label="Request headers">
          <div className="header-row head" aria-hidden="true">
            <span>Name</span><span>Value</span><span>Secret</span><span />
          </div>
          {headers.map((h, i) => <HeaderRow key={h.key} header={h} error={errors[`headers.${i}`]} index={i} />)}
        </div>
      ) : (
        <p className="faint settings-empty">No headers. A local server (Ollama, LM Studio) usually needs none.</p>
      )}
      <div className="row settings-under">
        <button type="button" className="btn small" data-testid="settings-add-header" onClick={() => settings.getState().addHeader()}>+ Add header</button>
        <span className="faint grow" data-testid="secret-storage">
          {secretStorage === 'os-keychain' ? 'Secrets are kept in the OS keychain, never in the workspace file.' : null}
          {secretStorage === 'memory' ? 'Secrets are kept in memory only for this session — set STUDIO_LLM_API_KEY or use the desktop app to keep it.' : null}
        </span>
      </div>
    </Section>
  );
}

function HeaderRow({ header: h, error, index }: { header: HeaderDraft; error: string | undefined; index: number }) {
  const { settings } = useStores();
  const s = settings.getState();
  const label = h.name.trim() || `header ${index + 1}`;
  const errId = `err-header-${h.key}`;
  let value: ReactNode;
  if (h.secret && h.stored && h.secretAction === 'keep') {
    value = (
      <span className="secret-stored">
        <span data-testid="secret-stored" aria-label={`Secret value of ${label} is stored`}>•••• stored</span>
        <button type="button" className="btn small" aria-label={`Replace the secret value of ${label}`} onClick={() => s.replaceSecret(h.key)}>Replace</button>
        <button type="button" className="btn small ghost" aria-label={`Remove the secret value of ${label}`} onClick={() => s.removeSecret(h.key)}>Remove</button>
      </span>
    );
  } else if (h.secret && h.stored && h.secretAction === 'remove') {
    value = (
      <span className="secret-stored">
        <span className="faint">removed when you save</span>
        <button type="button" className="btn small ghost" aria-label={`Keep the secret value of ${label}`} onClick={() => s.removeSecret(h.key, false)}>Undo</button>
      </span>
    );
  } else {
    value = (
      <span className="secret-stored">
        <input
          className="input mono grow"
          type={h.secret ? 'password' : 'text'}
          autoComplete="off"
          spellCheck={false}
          placeholder={h.secret ? (h.stored ? 'new secret value' : 'secret value') : 'value'}
          aria-label={`Value of ${label}`}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errId : undefined}
          data-testid="header-value"
          value={h.value}
          onChange={(e) => s.updateHeader(h.key, { value: e.target.value })}
        />
        {h.stored && h.secretAction === 'replace' ? (
          <button type="button" className="btn small ghost" aria-label={`Keep the stored secret of ${label}`} onClick={() => s.replaceSecret(h.key, false)}>Cancel</button>
        ) : null}
      </span>
    );
  }
  return (
    <div className="header-row" role="listitem" data-testid="header-row">
      <input className="input mono" placeholder="Authorization" aria-label={`Name of ${label}`} data-testid="header-name" value={h.name} onChange={(e) => s.updateHeader(h.key, { name: e.target.value })} />
      {value}
      <Switch
        checked={h.secret}
        label={`${label} is secret`}
        testId="header-secret"
        disabled={h.stored && h.secret}
        title={h.stored && h.secret ? 'Remove the stored secret to make this header plain.' : 'Secret values go to the secret store and are never shown again.'}
        onChange={(v) => s.updateHeader(h.key, { secret: v })}
      />
      <button type="button" className="btn small icon ghost" aria-label={`Delete header ${label}`} title="Delete this header" onClick={() => s.deleteHeader(h.key)}>✕</button>
      {error ? <span id={errId} className="field-error header-error" role="alert">{error}</span> : null}
    </div>
  );
}

function ConnectionSection() {
  const { settings } = useStores();
  const check = useSettings(selectConnectionCheck);
  const dirty = useSettings(selectSettingsDirty);
  return (
    <Section title="Connection" help="Asks the server for a one-word answer with the saved URL, model and headers.">
      <div className="row llm-check-row">
        <button type="button" className="btn" data-testid="settings-test" disabled={check?.status === 'testing'} onClick={() => void settings.getState().testConnection()}>
          {dirty ? 'Save and test connection' : 'Test connection'}
        </button>
        <div className="grow" role="status" aria-live="polite" data-testid="llm-check">
          {check?.status === 'testing' ? <span className="faint">Asking the server…</span> : null}
          {check?.status === 'done' && check.result ? <CheckResult result={check.result} /> : null}
          {check?.status === 'error' ? <span className="field-error">The check itself failed: {check.error}</span> : null}
        </div>
      </div>
    </Section>
  );
}

function CheckResult({ result }: { result: LlmCheck }) {
  return (
    <div className={`llm-check ${result.ok ? 'ok' : 'failed'}`} data-ok={result.ok}>
      <strong>{result.ok ? '✓ Connected' : '✕ Failed'}</strong>
      <span className="llm-check-message">{result.message}{result.ok ? '' : ' Check the URL, the model name and the headers, then try again.'}</span>
      {result.latencyMs !== null ? <span className="faint">latency {result.latencyMs} ms</span> : null}
      {result.model ? <span className="faint">model <span className="tag mono">{result.model}</span></span> : null}
    </div>
  );
}

function ToolsSection({ tools }: { tools: readonly ToolSetting[] }) {
  const { settings } = useStores();
  const { toolApproval } = useSettings(selectSettingsDraft);
  return (
    <Section title="Tools" help="Tools an agent may call. A call to a tool that needs approval waits in the Inbox until a person approves, edits or rejects it; the others run in-process.">
      {tools.length === 0 ? <p className="faint settings-empty">No tools in this workspace.</p> : null}
      {tools.length > 0 ? (
        <table className="tools-table" data-testid="tools-table">
          <thead>
            <tr><th scope="col">Tool</th><th scope="col">Description</th><th scope="col">Defined in</th><th scope="col">Needs approval</th></tr>
          </thead>
          <tbody>
            {tools.map((t) => (
              <tr key={t.name} data-testid="tool-row" data-tool={t.name}>
                <td className="mono">{t.name}</td>
                <td>{t.description}</td>
                <td className="faint mono ellipsis" title={t.source ?? 'Built into the Studio'}>{t.source ? baseName(t.source) : 'Studio'}</td>
                <td>
                  <Switch checked={toolApproval[t.name] ?? t.requiresApproval} label={`${t.name} needs approval`} testId="tool-approval" onChange={(v) => settings.getState().setToolApproval(t.name, v)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Section>
  );
}

const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;

function Section({ title, help, children }: { title: string; help: string; children: ReactNode }) {
  const id = `settings-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section className="settings-section" aria-labelledby={id}>
      <h2 id={id} className="section-title">{title}</h2>
      <p className="settings-help">{help}</p>
      {children}
    </section>
  );
}

function Switch({ checked, label, testId, disabled, title, onChange }: { checked: boolean; label: string; testId: string; disabled?: boolean; title?: string; onChange: (v: boolean) => void }) {
  return (
    <label className="switch" title={title}>
      <input type="checkbox" role="switch" aria-label={label} data-testid={testId} checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      <span className="switch-track" aria-hidden="true" />
    </label>
  );
}
