import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookFastSerializer, patchRrwebRecord } from './rrweb-patch';

const require = createRequire(import.meta.url);
// The package exports no package.json: its CommonJS build sits beside the ES module one bundling reads.
const recordJs = path.join(path.dirname(require.resolve('@rrweb/record')), 'record.js');

describe('the @rrweb/record correction', () => {
  it('drops the two methods from the Element accessors of the installed recorder, nothing else', () => {
    const source = fs.readFileSync(recordJs, 'utf8');
    const patched = patchRrwebRecord(source);
    expect(patched).not.toBe(source);
    expect(patched).toContain('Element: ["shadowRoot"]');
    // Only that list changed: the rest of the text is the same.
    const at = patched.indexOf('Element: ["shadowRoot"]');
    expect(patched.slice(0, at)).toBe(source.slice(0, at));
    expect(patched.slice(at + 'Element: ["shadowRoot"]'.length)).toBe(
      source.slice(source.length - (patched.length - at - 'Element: ["shadowRoot"]'.length)),
    );
  });

  it('refuses a recorder without that list (an upgrade must be looked at)', () => {
    expect(() => patchRrwebRecord('const testableAccessors = { Element: ["shadowRoot"] };')).toThrow(/not found/);
  });

  it("offers each node to the faster serializer first, with rrweb's own helpers, and refuses a recorder without it", () => {
    const source = fs.readFileSync(recordJs, 'utf8');
    const hooked = hookFastSerializer(source, '/x/replay-snapshot.ts');
    expect(hooked.startsWith('import { fastSerialize as __tmFast } from "/x/replay-snapshot.ts";\n')).toBe(true);
    const body = hooked.slice(hooked.indexOf('function serializeNodeWithId(n, options) {'));
    expect(body.split('\n')[1]).toContain('__tmFast(n, options,');
    for (const helper of [
      'serializeNodeWithId',
      'needMaskingText',
      'transformAttribute',
      'genId',
      '_isBlockedElement',
      'getRootId',
      'IGNORED_NODE',
    ])
      expect(source).toMatch(new RegExp(`(function|const) ${helper}\\b`));
    expect(() => hookFastSerializer('function other() {}')).toThrow(/not found once/);
  });
});
