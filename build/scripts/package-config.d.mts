// Types for package-config.mjs, for tests/packaging-config.test.ts.

/** electron-builder.yml as js-yaml reads it; only the parts the rules look at are typed. */
export interface BuilderTarget {
  target: string;
  arch?: string | string[];
}
export interface BuilderConfig {
  appId?: string;
  productName?: string;
  copyright?: string;
  asar?: boolean;
  asarUnpack?: string | string[];
  npmRebuild?: boolean;
  files?: (string | { from: string; to: string; filter?: string[] })[];
  electronFuses?: Record<string, boolean> | null;
  extraMetadata?: Record<string, unknown>;
  fileAssociations?: unknown;
  mac?: Record<string, unknown> & { target?: (string | BuilderTarget)[] | string | BuilderTarget };
  win?: Record<string, unknown> & { target?: (string | BuilderTarget)[] | string | BuilderTarget };
  linux?: Record<string, unknown> & { target?: (string | BuilderTarget)[] | string | BuilderTarget };
  nsis?: Record<string, unknown>;
  [key: string]: unknown;
}

export const root: string;
export function requireFromBuilder(id: string): any;
export function loadBuilderConfig(file?: string): BuilderConfig;
export const REQUIRED_FUSES: Readonly<Record<string, boolean>>;
export const LINUX_ICON_SIZES: readonly number[];
export const REQUIRED_ASAR_UNPACK: readonly string[];
export const REQUIRED_FILE_EXCLUSIONS: readonly string[];
export function targetsOf(platformConfig: BuilderConfig['mac']): Record<string, string[]>;
export function configProblems(config: BuilderConfig): string[];
