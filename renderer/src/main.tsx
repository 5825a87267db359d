import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { onAuthLost } from './api/client';
import { App } from './app/App';
import { useUi } from './app/ui-store';
import { applyTheme, storedTheme } from './lib/theme';
import './styles.css';

// Any call refused for lack of a session switches to the signed-out page, wherever it came from.
onAuthLost(() => useUi.getState().setSignedOut());

// Before the first render, so a dark choice never flashes light.
applyTheme(storedTheme(), false);

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
