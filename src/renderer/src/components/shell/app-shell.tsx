import * as Tooltip from '@radix-ui/react-tooltip';
import { selectView } from '../../stores/ui-store';
import { useUi } from '../../stores/stores-context';
import { Inspector } from '../inspector/inspector';
import { ArtifactsPage, SnapshotsPage } from '../library/library-pages';
import { PromptInbox } from '../prompts/prompt-inbox';
import { RunView } from '../run/run-view';
import { SettingsPage } from '../settings/settings-page';
import { Sidebar } from '../sidebar/sidebar';
import { AppHeader } from './app-header';
import { HelpDialog } from './help-dialog';
import { ToastStack } from './toast-stack';
import { useHashRoute } from './use-hash-route';
import { useShortcuts } from './use-shortcuts';
import { useTheme } from './use-theme';

/** Header, sidebar, main area and inspector; plus the overlays every screen shares. */
export function AppShell() {
  useTheme();
  useShortcuts();
  useHashRoute();
  const view = useUi(selectView);
  return (
    <Tooltip.Provider delayDuration={450} skipDelayDuration={200}>
      <div className="app">
        <AppHeader />
        <Sidebar />
        <main className="main" aria-label="Main area">
          {view === 'run' ? <RunView /> : null}
          {view === 'inbox' ? <PromptInbox /> : null}
          {view === 'artifacts' ? <ArtifactsPage /> : null}
          {view === 'snapshots' ? <SnapshotsPage /> : null}
          {view === 'settings' ? <SettingsPage /> : null}
        </main>
        <Inspector />
        <HelpDialog />
        <ToastStack />
      </div>
    </Tooltip.Provider>
  );
}
