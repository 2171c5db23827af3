// The page's entry: paint the remembered theme first, then start the app.
import { applyTheme, cachedSettings } from './theme.js';
import './bs-app.js';

applyTheme(cachedSettings().theme);
