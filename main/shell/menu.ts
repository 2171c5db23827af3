import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu. Electron's default one sends "Learn More" to electronjs.org and offers
 * Reload and the developer tools to everyone; ours has what a reader uses a menu bar for: Print
 * (the page's print styles print the open article alone), the Edit commands (copy a quote, select
 * all), zoom and full screen, and the platform's own app and window menus. Reload and the
 * developer tools only in an unpackaged build, where they are for us.
 */

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** A packaged app (app.isPackaged): no developer items. */
  packaged: boolean;
  /** Prints the window's page (webContents.print): the open article, as Ctrl+P in the page does. */
  print: () => void;
}

export function menuTemplate({ platform, packaged, print }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const separator: MenuItemConstructorOptions = { type: 'separator' };
  const developer: MenuItemConstructorOptions[] = packaged ? [] : [{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, separator];
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [{ label: 'Print…', accelerator: 'CmdOrCtrl+P', click: () => print() }, separator, mac ? { role: 'close' } : { role: 'quit' }],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [...developer, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, separator, { role: 'togglefullscreen' }],
  };
  return [
    ...(mac ? [{ role: 'appMenu' } satisfies MenuItemConstructorOptions] : []),
    file,
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    // On macOS "About Broadsheet" is in the app menu.
    ...(mac ? [] : [{ label: 'Help', submenu: [{ role: 'about' }] } satisfies MenuItemConstructorOptions]),
  ];
}
