import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The faster path through rrweb's serializer for plain elements and text (browser/replay-snapshot.ts). */
const FAST_SERIALIZER = path.resolve(here, '../browser/replay-snapshot.ts');

/**
 * Corrections to @rrweb/record 2.1.6 applied when t.replay.js is bundled. Bundling fails if a text to
 * correct is not found, so an rrweb upgrade has to look again.
 *
 * 1. Before it trusts the page's DOM prototypes, rrweb checks that each listed accessor is a native getter;
 *    its list for Element names two methods (`querySelector`, `querySelectorAll`), which have no getter, so
 *    the check always fails and rrweb creates, appends and removes a hidden iframe on every page to borrow a
 *    clean Element prototype. That iframe was about a third of the recorder's start on the bench's shop page
 *    (bench/README.md "Session replay"). Without the two names the check tests what it means to
 *    (`shadowRoot` is a native getter) and the iframe is still used on pages that did patch it.
 * 2. `serializeNodeWithId` first offers the node to our faster path for plain elements and text, with
 *    rrweb's own helpers for ids, URLs and masking; the path takes the node or leaves it to rrweb.
 * 3. rrweb reads the document's selection on every `selectionchange`, including those a text field fires
 *    for its own caret on each key typed, and asking whether that selection is collapsed lays the page out
 *    again (the field's value just changed). Seen from the document, a selection inside a text field is
 *    always collapsed, so while the last selection rrweb saw was collapsed such a read can only return
 *    early: the observer skips it. A change of the document's own selection still fires at the document.
 * 4. rrweb's scroll throttle keeps a trailing call for the position after the last throttled event: a
 *    timer about one in two scroll gestures, whose read of the position often lays out a page a click has
 *    just changed. Where the browser has `scrollend`, that event gives the final position instead (after
 *    the scroll, smooth or instant, of the page or an element), and the throttle keeps no trailing call.
 *    A position equal to the last one recorded for the same node is not recorded again (a scroll too short
 *    for the throttle to drop ends where its first event was).
 * 5. rrweb builds a Blob of its canvas worker's code when the module loads, on every page: a synchronous
 *    call to the browser's blob registry (about a millisecond here) for a worker only canvas recording
 *    starts, which t.replay.js never turns on. The Blob is made when that worker first starts.
 * 6. The pointer move observer runs on every move the browser dispatches, most of which its sampling drops:
 *    it throttles on the event's own `timeStamp` (no clock read, no wrapper with rest arguments), and where
 *    each kept position goes out at once (`mousemoveCallback: 0`, as t.replay.js sets it) it emits that one
 *    position directly instead of gathering it into a list behind a second throttle and three more clock
 *    reads. The same positions, nodes and events (a Chromium test compares both builds); on this machine's
 *    Chromium an event costs about 15 % less (bench/README.md "Session replay").
 */
const ELEMENT_ACCESSORS = /Element: \[\s*"shadowRoot",\s*"querySelector",\s*"querySelectorAll"\s*\]/;
const SELECTION_UPDATE = 'const updateSelection = callbackWrapper(() => {\n    const selection = doc.getSelection();';
const SELECTION_UPDATE_SKIPPING_FIELDS =
  'const updateSelection = callbackWrapper((event) => {\n    if (collapsed && event && event.target !== doc) return;\n    const selection = doc.getSelection();';
const SCROLL_OBSERVER_START =
  '  const updatePosition = callbackWrapper(\n    throttle(\n      callbackWrapper((evt) => {\n        const target = getEventTarget(evt);\n        if (!target || isBlocked(target, blockClass, blockSelector, true)) {';
const SCROLL_OBSERVER_END = '      sampling.scroll || 100\n    )\n  );\n  return on("scroll", updatePosition, doc);\n}';
const SCROLL_OBSERVER_START_ENDING = SCROLL_OBSERVER_START.replace(
  'const updatePosition = callbackWrapper(\n    throttle(\n      callbackWrapper(',
  'const scrollEnds = "onscrollend" in window;\n  let recordPosition;\n  const positions = new Map();\n  const recordScroll = scrollCb;\n  scrollCb = (p) => {\n    const at = p.x + "," + p.y;\n    if (positions.get(p.id) === at) return;\n    positions.set(p.id, at);\n    recordScroll(p);\n  };\n  const updatePosition = callbackWrapper(\n    throttle(\n      recordPosition = callbackWrapper(',
);
const CANVAS_WORKER_BLOB =
  'const blob = typeof self !== "undefined" && self.Blob && new Blob([jsContent], { type: "text/javascript;charset=utf-8" });';
const CANVAS_WORKER_URL = '    objURL = blob && (self.URL || self.webkitURL).createObjectURL(blob);';
const CANVAS_WORKER_URL_MAKING_BLOB = `    blob || (blob = ${CANVAS_WORKER_BLOB.slice('const blob = '.length, -1)});\n${CANVAS_WORKER_URL}`;
const SCROLL_OBSERVER_END_ENDING =
  '      sampling.scroll || 100,\n      scrollEnds ? { trailing: false } : {}\n    )\n  );\n  if (!scrollEnds) return on("scroll", updatePosition, doc);\n  const offs = [on("scroll", updatePosition, doc), on("scrollend", recordPosition, doc)];\n  return () => offs.forEach((off) => off());\n}';
export const MOVE_OBSERVER_START =
  '  const updatePosition = callbackWrapper(\n    throttle(\n      callbackWrapper((evt) => {\n        const target = getEventTarget(evt);';
export const MOVE_OBSERVER_END =
  '      }),\n      threshold,\n      {\n        trailing: false\n      }\n    )\n  );\n  const handlers = [\n    on("mousemove", updatePosition, doc),';
export const MOVE_OBSERVER_START_LEAN = `  let lastMove = -Infinity;
  const updatePosition = (evt) => {
    const moveAt = evt.timeStamp;
    if (moveAt - lastMove < threshold && moveAt >= lastMove) return;
    lastMove = moveAt;
    if (callbackThreshold <= 0) {
      const point = legacy_isTouchEvent(evt) ? evt.changedTouches[0] : evt;
      const source = typeof DragEvent !== "undefined" && evt instanceof DragEvent ? IncrementalSource.Drag : evt instanceof MouseEvent ? IncrementalSource.MouseMove : IncrementalSource.TouchMove;
      mousemoveCb([{ x: point.clientX, y: point.clientY, id: mirror2.getId(getEventTarget(evt)), timeOffset: 0 }], source);
      return;
    }
    ((evt) => {
        const target = getEventTarget(evt);`;
export const MOVE_OBSERVER_END_LEAN = '      })(evt);\n  };\n  const handlers = [\n    on("mousemove", updatePosition, doc),';
const SERIALIZE_NODE_WITH_ID = 'function serializeNodeWithId(n, options) {\n';
const FAST_HOOK = `let __tmRr;
${SERIALIZE_NODE_WITH_ID}  const __tmFastNode = __tmFast(n, options, __tmRr || (__tmRr = { sn: serializeNodeWithId, attr: transformAttribute, id: genId, root: getRootId, ignored: IGNORED_NODE }));
  if (__tmFastNode !== void 0) return __tmFastNode;
`;

/** `text` with `from` (found exactly once, else it throws naming `what`) replaced by `to`. */
function replaceOnce(text: string, from: string, to: string, what: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`@rrweb/record: ${what} to correct was not found once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The recorder's source with corrections 1, 3, 4, 5 and 6; throws when a text to correct is not there. */
export function patchRrwebRecord(source: string): string {
  if (!ELEMENT_ACCESSORS.test(source)) throw new Error('@rrweb/record: the Element accessor list to correct was not found');
  let out = source.replace(ELEMENT_ACCESSORS, 'Element: ["shadowRoot"]');
  out = replaceOnce(out, SELECTION_UPDATE, SELECTION_UPDATE_SKIPPING_FIELDS, 'the selection observer');
  out = replaceOnce(out, SCROLL_OBSERVER_START, SCROLL_OBSERVER_START_ENDING, 'the scroll observer');
  out = replaceOnce(out, SCROLL_OBSERVER_END, SCROLL_OBSERVER_END_ENDING, 'the scroll observer');
  out = replaceOnce(out, MOVE_OBSERVER_START, MOVE_OBSERVER_START_LEAN, 'the pointer move observer');
  out = replaceOnce(out, MOVE_OBSERVER_END, MOVE_OBSERVER_END_LEAN, 'the pointer move observer');
  out = replaceOnce(out, CANVAS_WORKER_BLOB, 'let blob;', "the canvas worker's Blob");
  return replaceOnce(out, CANVAS_WORKER_URL, CANVAS_WORKER_URL_MAKING_BLOB, "the canvas worker's Blob");
}

/** The recorder's source with correction 2 (the faster serializer's hook and its import); throws when not found. */
export function hookFastSerializer(source: string, modulePath = FAST_SERIALIZER): string {
  const hooked = replaceOnce(source, SERIALIZE_NODE_WITH_ID, FAST_HOOK, 'serializeNodeWithId');
  return `import { fastSerialize as __tmFast } from ${JSON.stringify(modulePath)};\n${hooked}`;
}

/**
 * esbuild plugin: @rrweb/record's ES module build with corrections 1, 3, 4, 5 and 6, and with 2 unless `fastSerializer` is
 * false (a path: that file's faster serializer, e.g. an earlier commit's for the bench).
 */
export function rrwebRecordPatches({ fastSerializer = true }: { fastSerializer?: boolean | string } = {}): Plugin {
  return {
    name: 'rrweb-record-patch',
    setup(build) {
      build.onLoad({ filter: /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, (args) => {
        const corrected = patchRrwebRecord(fs.readFileSync(args.path, 'utf8'));
        return {
          contents: fastSerializer
            ? hookFastSerializer(corrected, typeof fastSerializer === 'string' ? fastSerializer : undefined)
            : corrected,
          loader: 'js',
          resolveDir: path.dirname(args.path),
        };
      });
    },
  };
}

/** All six corrections: what t.replay.js ships. */
export const rrwebRecordPatch: Plugin = rrwebRecordPatches();
