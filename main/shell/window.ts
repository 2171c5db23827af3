import fs from 'node:fs';
import path from 'node:path';
import { BrowserWindow, nativeTheme, screen, type Rectangle } from 'electron';

/**
 * The one window, and where it was last time. The size and position are kept in
 * `<userData>/window-state.json`; a position is only reused if it is still on a connected
 * display (a laptop unplugged from its monitor must not open the window off-screen).
 */

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1200, height: 800 };
// Three panes need about 960 px; narrower and the reader column collapses.
export const MIN_SIZE = { width: 960, height: 560 };
/** How much of the window must overlap a display's work area to count as visible. */
const MIN_VISIBLE = { width: 120, height: 60 };

// Matches --bs-bg in renderer/theme.css, so the first frame is already the page's colour.
const BACKGROUND = { light: '#ffffff', dark: '#1c1d1f' };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

/** Reads the saved state; anything missing, damaged or absurd gives null (defaults are used). */
export function readWindowState(file: string): WindowState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as Record<string, unknown>;
  if (!isInt(s.width) || !isInt(s.height) || s.width < MIN_SIZE.width || s.height < MIN_SIZE.height) return null;
  if (s.width > 100_000 || s.height > 100_000) return null;
  const state: WindowState = { width: s.width, height: s.height, maximized: s.maximized === true };
  if (isInt(s.x) && isInt(s.y)) {
    state.x = s.x;
    state.y = s.y;
  }
  return state;
}

/** Writes the state atomically: a crash mid-write leaves the old file, never half a file. */
export function writeWindowState(file: string, state: WindowState): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(state)}\n`);
  fs.renameSync(tmp, file);
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * The bounds to open with: the saved size (capped to the largest display), and the saved
 * position only when enough of the window would be on some display's work area.
 */
export function placeWindow(state: WindowState | null, workAreas: Rectangle[]): Partial<Rectangle> & { width: number; height: number } {
  if (!state) return { ...DEFAULT_SIZE };
  const maxW = Math.max(0, ...workAreas.map((a) => a.width));
  const maxH = Math.max(0, ...workAreas.map((a) => a.height));
  const width = maxW ? Math.min(state.width, maxW) : state.width;
  const height = maxH ? Math.min(state.height, maxH) : state.height;
  if (state.x === undefined || state.y === undefined) return { width, height };
  const rect = { x: state.x, y: state.y, width, height };
  const visible = workAreas.some((area) => {
    const o = overlap(rect, area);
    return o.width >= MIN_VISIBLE.width && o.height >= MIN_VISIBLE.height;
  });
  return visible ? rect : { width, height };
}

export interface MainWindowOptions {
  /** The built preload script (out/preload/index.cjs). */
  preload: string;
  /** Where the window's size and position are kept. */
  stateFile: string;
  /** The address to open. */
  url: string;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const state = readWindowState(options.stateFile);
  const bounds = placeWindow(state, screen.getAllDisplays().map((d) => d.workArea));

  const win = new BrowserWindow({
    ...bounds,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Broadsheet',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? BACKGROUND.dark : BACKGROUND.light,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  });

  win.once('ready-to-show', () => {
    if (state?.maximized) win.maximize();
    win.show();
  });

  win.on('close', () => {
    try {
      const normal = win.getNormalBounds();
      writeWindowState(options.stateFile, {
        x: normal.x,
        y: normal.y,
        width: normal.width,
        height: normal.height,
        maximized: win.isMaximized(),
      });
    } catch (err) {
      // Losing the window position is no reason to stop the app from closing.
      console.warn(`Broadsheet: could not save the window position (${(err as Error).message})`);
    }
  });

  win.loadURL(options.url).catch((err: Error) => {
    console.error(`Broadsheet: could not load ${options.url} (${err.message})`);
  });
  return win;
}
