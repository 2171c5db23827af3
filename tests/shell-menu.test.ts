import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { menuTemplate } from '../main/shell/menu.js';

/** Every item of a template, submenus included, in order. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((i) => [i, ...items(Array.isArray(i.submenu) ? i.submenu : [])]);
}
const roles = (template: MenuItemConstructorOptions[]) => items(template).flatMap((i) => (i.role ? [i.role] : []));
const labels = (template: MenuItemConstructorOptions[]) => items(template).flatMap((i) => (i.label ? [i.label] : []));

describe('the application menu', () => {
  for (const platform of ['darwin', 'win32', 'linux'] as const) {
    it(`on ${platform}: Print, Edit, zoom and full screen, and nothing that leads out of the app`, () => {
      const print = vi.fn();
      const template = menuTemplate({ platform, packaged: true, print });
      const printItem = items(template).find((i) => i.label === 'Print…')!;
      expect(printItem.accelerator).toBe('CmdOrCtrl+P');
      printItem.click!({} as never, undefined, {} as never);
      expect(print).toHaveBeenCalledTimes(1);
      expect(roles(template)).toEqual(expect.arrayContaining(['editMenu', 'windowMenu', 'zoomIn', 'zoomOut', 'resetZoom', 'togglefullscreen']));
      // Electron's default menu has these; a packaged reader does not.
      expect(roles(template).filter((r) => /devtools|reload/i.test(r))).toEqual([]);
      expect(labels(template).filter((l) => /learn more|documentation|electron/i.test(l))).toEqual([]);
    });
  }

  it('follows each platform: the app menu on macOS, Quit in File and About in Help elsewhere', () => {
    const print = () => {};
    const mac = menuTemplate({ platform: 'darwin', packaged: true, print });
    expect(mac[0]!.role).toBe('appMenu');
    expect(roles(mac)).toContain('close');
    expect(roles(mac)).not.toContain('quit'); // Quit is in the app menu there
    for (const platform of ['win32', 'linux'] as const) {
      const other = menuTemplate({ platform, packaged: true, print });
      expect(other.map((m) => m.label ?? m.role)).toEqual(['File', 'editMenu', 'View', 'windowMenu', 'Help']);
      expect(roles(other)).toEqual(expect.arrayContaining(['quit', 'about']));
    }
  });

  it('keeps Reload and the developer tools in an unpackaged (development) build', () => {
    const template = menuTemplate({ platform: 'linux', packaged: false, print: () => {} });
    expect(roles(template)).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
  });
});
