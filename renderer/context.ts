import { createContext } from '@lit/context';
import type { BroadsheetBridge } from '../preload/api.js';

/**
 * The library bridge, provided once by <bs-app> (from getBridge()) and consumed by any element
 * that loads or changes data. Tests and harnesses can provide a fake instead.
 */
export const bridgeContext = createContext<BroadsheetBridge>(Symbol('bs-bridge'));
