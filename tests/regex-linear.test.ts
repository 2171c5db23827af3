/**
 * No regular expression in the app can be made to backtrack: every regex literal in main/, db/,
 * preload/ and renderer/ is checked by recheck (a ReDoS checker) for exponential and polynomial
 * matching time. Imported files (up to 16 MB), feeds, pictures and pages come from anyone; one
 * prolog regex once took minutes on 250 hostile bytes (tests/sniff.test.ts), and a trailing-run
 * regex like /[\s|]+$/ took ~8 minutes on a 1 MB line.
 *
 * Regexes built at run time with `new RegExp` cannot be checked this way, so they are held to a
 * list: two classes of fixed letters (db/fold.ts, renderer/highlight.ts). A pattern built from
 * input is the worst kind (the site-name match built one from og:site_name; a long name made it
 * fail to compile), and a new one fails the last test here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

interface Literal {
  where: string;
  text: string;
  source: string;
  flags: string;
}

/** Where `new RegExp(` / `RegExp(` is called, as "file:line". */
function builtRegexes(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && node.expression.getText(sf) === 'RegExp') {
      found.push(path.relative(root, file));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function regexLiterals(file: string): Literal[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Literal[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = node.getText(sf);
      const end = text.lastIndexOf('/');
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      found.push({ where: `${path.relative(root, file)}:${line}`, text, source: text.slice(1, end), flags: text.slice(end + 1) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const files = ['main', 'db', 'preload', 'renderer'].flatMap(sourceFiles);
const literals = files.flatMap(regexLiterals);

describe('regular expressions', () => {
  it('finds the regexes it checks', () => {
    expect(literals.length).toBeGreaterThan(200);
    expect(literals.map((l) => l.text)).toContain('/<svg[\\s>/]/iy');
  });

  it('have none that recheck can make backtrack', { timeout: 300_000 }, () => {
    const slow: string[] = [];
    for (const l of literals) {
      // A sticky regex is tried once, where lastIndex stands: that is the regex anchored there.
      const source = l.flags.includes('y') ? `^(?:${l.source})` : l.source;
      const result = checkSync(source, l.flags.replace(/[gy]/g, ''), { randomSeed: 1, timeout: 60_000 });
      if (result.status !== 'safe') {
        const attack = result.status === 'vulnerable' ? ` (${result.complexity.summary}; attack: ${result.attack.pattern})` : ` (${result.status}: ${JSON.stringify(result.error)})`;
        slow.push(`${l.where} ${l.text}${attack}`);
      }
    }
    expect(slow).toEqual([]);
  });

  it('builds none at run time but the two fixed letter classes', () => {
    expect(files.flatMap(builtRegexes).sort()).toEqual(['db/fold.ts', 'renderer/highlight.ts']);
  });

  it('would have caught the ones that were fixed (control)', () => {
    for (const old of ['^\\s*(?:<!--[\\s\\S]*?-->\\s*)*<(?:html|body)[\\s>]', '[\\s|]+$', '>\\s*\\n\\s*<']) {
      expect(checkSync(old, 'i', { randomSeed: 1 }).status, old).toBe('vulnerable');
    }
  });
});
