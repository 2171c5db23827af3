import { app, dialog } from 'electron';
import { startApp } from './app.js';

// The Electron entry (built to out/main/index.js). No top-level await before startApp(): its
// synchronous part must run before `ready` fires.
startApp().catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`Broadsheet could not start: ${message}`);
  if (app.isReady()) dialog.showErrorBox('Broadsheet could not start', message);
  app.exit(1);
});
