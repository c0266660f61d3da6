import * as Menu from '@radix-ui/react-dropdown-menu';
import { useState } from 'react';
import { selectTheme, selectView, type ThemePreference } from '../../stores/ui-store';
import { selectWorkspace } from '../../stores/workspace-store';
import { useStores, useUi, useWorkspace } from '../../stores/stores-context';
import { Hint } from '../common/hint';
import { BusyIndicator } from './busy-indicator';
import { OpenFolderDialog, type FolderKind } from './open-folder-dialog';
import { SchedulerStatus } from './scheduler-status';
import { WorkspaceTrustDialog } from './workspace-trust-dialog';

/** Workspace, scheduler, host, and the few global actions. */
export function AppHeader() {
  const stores = useStores();
  const workspace = useWorkspace(selectWorkspace);
  const theme = useUi(selectTheme);
  const view = useUi(selectView);
  const [folder, setFolder] = useState<FolderKind | null>(null);
  const [reconsiderTrust, setReconsiderTrust] = useState(false);
  // Read-only because its code is not trusted (undecided or refused): say so, and offer to trust it.
  const untrusted = workspace?.trust != null && workspace.trust.state !== 'trusted';
  return (
    <header className="app-header">
      <div className="brand" aria-label="AbstractRuntime Studio">
        <span className="brand-mark" aria-hidden="true">◆</span>
        <span className="brand-name">Studio</span>
      </div>
      <div className="workspace-name" title={workspace?.path}>
        <strong>{workspace?.name ?? 'No workspace'}</strong>
        {workspace ? <span className="faint mono ellipsis workspace-path">{workspace.path}</span> : null}
        {workspace?.layout ? <span className="tag" data-testid="workspace-layout">{workspace.layout}</span> : workspace?.kind === 'python-folder' ? <span className="tag">Python folder</span> : null}
        {workspace?.kind === 'bundle' ? <span className="tag">audit bundle</span> : null}
        {workspace?.readOnly ? (
          <span className="tag" title={workspace.readOnlyReason ?? 'Opened for audit: runs cannot be changed'} data-testid="read-only-tag">
            {untrusted ? 'read-only: code not trusted' : 'read-only'}
          </span>
        ) : null}
        {untrusted ? (
          <button type="button" className="btn small" aria-label="Trust this workspace…" onClick={() => setReconsiderTrust(true)}>
            Trust…
          </button>
        ) : null}
        {workspace && workspace.loadErrors.length > 0 ? (
          <span className="tag" style={{ color: 'var(--st-failed)' }} title={workspace.loadErrors.map((e) => `${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`).join('\n')}>
            {workspace.kind === 'bundle'
              ? `${workspace.loadErrors.length} problem${workspace.loadErrors.length > 1 ? 's' : ''} found`
              : `${workspace.loadErrors.length} module${workspace.loadErrors.length > 1 ? 's' : ''} failed to load`}
          </span>
        ) : null}
      </div>
      <div className="header-spacer" />
      <BusyIndicator />
      <SchedulerStatus />
      <span className="tag" title="Which host serves this window">{stores.client.host === 'web' ? 'web host' : 'desktop'}</span>
      <Menu.Root>
        <Menu.Trigger className="btn small" aria-label="Open a workspace, a Python data folder or an audit bundle, or add a workflow folder">Open…</Menu.Trigger>
        <Menu.Portal>
          <Menu.Content className="menu" align="end" sideOffset={4}>
            <Menu.Item className="menu-item" onSelect={() => setFolder('workspace')}>Open workspace…</Menu.Item>
            <Menu.Item className="menu-item" onSelect={() => setFolder('python')}>Open Python data folder or SQLite store (read-only)…</Menu.Item>
            <Menu.Item className="menu-item" onSelect={() => setFolder('bundle')}>Open audit bundle (read-only)…</Menu.Item>
            <Menu.Item className="menu-item" disabled={workspace?.kind !== 'sqlite'} onSelect={() => setFolder('workflows')}>Add workflow folder…</Menu.Item>
          </Menu.Content>
        </Menu.Portal>
      </Menu.Root>
      <Hint text="Settings of this workspace: LLM server, headers, tool approvals" keys=",">
        <button
          type="button"
          className={`btn small${view === 'settings' ? ' active' : ''}`}
          aria-pressed={view === 'settings'}
          data-testid="open-settings"
          onClick={() => stores.ui.getState().setView(view === 'settings' ? 'run' : 'settings')}
        >
          Settings
        </button>
      </Hint>
      <Menu.Root>
        <Hint text="Theme">
          <Menu.Trigger className="btn small icon" aria-label={`Theme: ${theme}`}>◐</Menu.Trigger>
        </Hint>
        <Menu.Portal>
          <Menu.Content className="menu" align="end" sideOffset={4}>
            <Menu.RadioGroup value={theme} onValueChange={(v) => stores.ui.getState().setTheme(v as ThemePreference)}>
              {(['system', 'light', 'dark'] as const).map((t) => (
                <Menu.RadioItem key={t} value={t} className="menu-item">
                  <Menu.ItemIndicator className="menu-check">✓</Menu.ItemIndicator>
                  {t === 'system' ? 'Follow system' : t === 'light' ? 'Light' : 'Dark'}
                </Menu.RadioItem>
              ))}
            </Menu.RadioGroup>
          </Menu.Content>
        </Menu.Portal>
      </Menu.Root>
      <Hint text="Keyboard shortcuts" keys="?">
        <button type="button" className="btn small icon" aria-label="Keyboard shortcuts" onClick={() => stores.ui.getState().setHelpOpen(true)}>
          ?
        </button>
      </Hint>
      <OpenFolderDialog kind={folder} onClose={() => setFolder(null)} />
      <WorkspaceTrustDialog reconsider={reconsiderTrust} onClose={() => setReconsiderTrust(false)} />
    </header>
  );
}
