import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hookFastSerializer,
  MOVE_OBSERVER_END,
  MOVE_OBSERVER_END_LEAN,
  MOVE_OBSERVER_START,
  MOVE_OBSERVER_START_LEAN,
  patchRrwebRecord,
} from './rrweb-patch';

const require = createRequire(import.meta.url);
// The package exports no package.json: its CommonJS build sits beside the ES module one bundling reads.
const recordJs = path.join(path.dirname(require.resolve('@rrweb/record')), 'record.js');

describe('the @rrweb/record correction', () => {
  it('drops the two methods from the Element accessors, lets the selection observer skip a field’s own changes, the scroll observer end on scrollend without repeating a position, the move observer emit kept positions at once, and the canvas worker’s Blob wait for that worker, nothing else', () => {
    const source = fs.readFileSync(recordJs, 'utf8');
    const patched = patchRrwebRecord(source);
    // Undoing the corrections gives the installed text back: nothing else changed.
    const undone = patched
      .replace('Element: ["shadowRoot"]', 'Element: ["shadowRoot", "querySelector", "querySelectorAll"]')
      .replace('callbackWrapper((event) => {\n    if (collapsed && event && event.target !== doc) return;\n', 'callbackWrapper(() => {\n')
      .replace(
        '  const scrollEnds = "onscrollend" in window;\n  let recordPosition;\n  const positions = new Map();\n  const recordScroll = scrollCb;\n  scrollCb = (p) => {\n    const at = p.x + "," + p.y;\n    if (positions.get(p.id) === at) return;\n    positions.set(p.id, at);\n    recordScroll(p);\n  };\n',
        '',
      )
      .replace('      recordPosition = callbackWrapper((evt) => {', '      callbackWrapper((evt) => {')
      .replace(
        '      sampling.scroll || 100,\n      scrollEnds ? { trailing: false } : {}\n    )\n  );\n  if (!scrollEnds) return on("scroll", updatePosition, doc);\n  const offs = [on("scroll", updatePosition, doc), on("scrollend", recordPosition, doc)];\n  return () => offs.forEach((off) => off());\n',
        '      sampling.scroll || 100\n    )\n  );\n  return on("scroll", updatePosition, doc);\n',
      )
      .replace(MOVE_OBSERVER_START_LEAN, MOVE_OBSERVER_START)
      .replace(MOVE_OBSERVER_END_LEAN, MOVE_OBSERVER_END)
      .replace(
        'let blob;\n',
        'const blob = typeof self !== "undefined" && self.Blob && new Blob([jsContent], { type: "text/javascript;charset=utf-8" });\n',
      )
      .replace(
        '    blob || (blob = typeof self !== "undefined" && self.Blob && new Blob([jsContent], { type: "text/javascript;charset=utf-8" }));\n',
        '',
      );
    expect(patched).not.toBe(source);
    expect(undone).toBe(source);
    // The skip sits in the selection observer, where `collapsed` and `doc` are its own.
    const observer = patched.slice(
      patched.indexOf('function initSelectionObserver('),
      patched.indexOf('function initCustomElementObserver('),
    );
    expect(observer).toContain('let collapsed = true;');
    expect(observer).toContain('if (collapsed && event && event.target !== doc) return;');
    // The scroll observer's trailing call gives way to scrollend only where the browser has it.
    const scroll = patched.slice(patched.indexOf('function initScrollObserver('), patched.indexOf('function initViewportResizeObserver('));
    expect(scroll).toContain('scrollEnds ? { trailing: false } : {}');
    expect(scroll).toContain('on("scrollend", recordPosition, doc)');
    expect(scroll).toContain('if (positions.get(p.id) === at) return;');
    // The move observer throttles on the event's time and emits a kept position at once when nothing gathers them.
    const moves = patched.slice(patched.indexOf('function initMoveObserver('), patched.indexOf('function initMouseInteractionObserver('));
    expect(moves).toContain('const moveAt = evt.timeStamp;');
    expect(moves).toContain('if (callbackThreshold <= 0) {');
    // The canvas worker's Blob is made inside the function that starts that worker, not at the module's load.
    const wrapper = patched.slice(patched.indexOf('function WorkerWrapper('), patched.indexOf('class CanvasManager'));
    expect(wrapper).toContain('blob || (blob = typeof self');
    expect(patched.slice(0, patched.indexOf('function WorkerWrapper('))).not.toMatch(/new Blob\(/);
  });

  it('refuses a recorder without one of the texts it corrects (an upgrade must be looked at)', () => {
    const source = fs.readFileSync(recordJs, 'utf8');
    expect(() => patchRrwebRecord('const testableAccessors = { Element: ["shadowRoot"] };')).toThrow(/not found/);
    expect(() =>
      patchRrwebRecord(source.replace('const updateSelection = callbackWrapper(() => {', 'const updateSelection = () => {')),
    ).toThrow(/selection observer/);
    expect(() =>
      patchRrwebRecord(source.replace('return on("scroll", updatePosition, doc);', 'return on("scroll", updatePosition);')),
    ).toThrow(/scroll observer/);
    expect(() => patchRrwebRecord(source.replace('const blob = typeof self', 'const blob = typeof globalThis'))).toThrow(/canvas worker/);
    expect(() => patchRrwebRecord(source.replace('on("mousemove", updatePosition, doc)', 'on("mousemove", updatePosition)'))).toThrow(
      /pointer move observer/,
    );
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
