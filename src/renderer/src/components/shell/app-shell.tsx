import * as Tooltip from '@radix-ui/react-tooltip';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { selectView } from '../../stores/ui-store';
import { useUi } from '../../stores/stores-context';
import { Inspector } from '../inspector/inspector';
import { ArtifactsPage, SnapshotsPage } from '../library/library-pages';
import { PromptInbox } from '../prompts/prompt-inbox';
import { RunView } from '../run/run-view';
import { SettingsPage } from '../settings/settings-page';
import { Sidebar } from '../sidebar/sidebar';
import { AppHeader } from './app-header';
import { useFocusAfterAnswer } from './focus-next';
import { HelpDialog } from './help-dialog';
import { SkipLinks } from './skip-links';
import { ToastStack } from './toast-stack';
import { useHashRoute } from './use-hash-route';
import { useShortcuts } from './use-shortcuts';
import { useTheme } from './use-theme';

/**
 * Header, then the runs pane, main area and inspector side by side, each resizable (the layout is
 * remembered per browser); plus the overlays every screen shares.
 */
export function AppShell() {
  useTheme();
  useShortcuts();
  useHashRoute();
  useFocusAfterAnswer();
  const view = useUi(selectView);
  const layout = useDefaultLayout({ id: 'studio-panes', storage: localStorage });
  return (
    <Tooltip.Provider delayDuration={450} skipDelayDuration={200}>
      <div className="app">
        <SkipLinks />
        <AppHeader />
        <Group orientation="horizontal" className="panes" defaultLayout={layout.defaultLayout} onLayoutChanged={layout.onLayoutChanged}>
          <Panel id="runs" className="pane" defaultSize="30" minSize={260} maxSize="60">
            <Sidebar />
          </Panel>
          <Separator className="pane-handle" aria-label="Resize the runs pane" />
          <Panel id="main" className="pane" defaultSize="45" minSize={420}>
            <main className="main" id="main" aria-label="Main area" tabIndex={-1}>
              {view === 'run' ? <RunView /> : null}
              {view === 'inbox' ? <PromptInbox /> : null}
              {view === 'artifacts' ? <ArtifactsPage /> : null}
              {view === 'snapshots' ? <SnapshotsPage /> : null}
              {view === 'settings' ? <SettingsPage /> : null}
            </main>
          </Panel>
          <Panel id="inspector" className="pane" defaultSize="25" minSize={340} maxSize="45">
            <Inspector />
          </Panel>
        </Group>
        <HelpDialog />
        <ToastStack />
      </div>
    </Tooltip.Provider>
  );
}
