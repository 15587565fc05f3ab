// First, so the stylesheets of the modules below (the first screen's) come after the base rules they refine.
import './styles/tokens.css';
import './styles/base.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { adoptTokenFromUrl } from './api/client';
import { App } from './ui/shell/app';

// Before the first render: move the web mode's token out of the address bar (client.ts).
adoptTokenFromUrl();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
