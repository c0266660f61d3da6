import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { pickClient } from './client/pick-client';
import { AppShell } from './components/shell/app-shell';
import { StoresProvider } from './stores/stores-context';
import { createStudioStores } from './stores/studio-stores';
import { wireStores } from './stores/wire-stores';
import './styles/theme.css';
import './styles/base.css';
import './styles/badges.css';
import './styles/shell.css';
import './styles/sidebar.css';
import './styles/run.css';
import './styles/graph.css';
import './styles/timeline.css';
import './styles/inspector.css';
import './styles/conversation.css';
import './styles/pages.css';
import './styles/settings.css';

// One client and one set of stores per window; the client is chosen by what hosts us.
const client = pickClient();
const stores = createStudioStores(client, { storage: window.localStorage });
wireStores(stores);
void stores.workspace.getState().load();
stores.runs.getState().setFilters({});
void stores.prompts.getState().load();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <AppShell />
    </StoresProvider>
  </StrictMode>,
);
