import { execFileSync } from 'node:child_process';

/** The command-line tests run the real `broadsheet` binary, so build it once before the suite. */
export default function setup(): void {
  execFileSync(process.execPath, ['build/scripts/build-cli.mjs'], { stdio: 'inherit' });
}
