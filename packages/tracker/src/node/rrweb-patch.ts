import fs from 'node:fs';
import type { Plugin } from 'esbuild';

/**
 * A correction to @rrweb/record 2.1.6 applied when t.replay.js is bundled. Before it trusts the page's DOM
 * prototypes, rrweb checks that each listed accessor is a native getter; its list for Element names two
 * methods (`querySelector`, `querySelectorAll`), which have no getter, so the check always fails and rrweb
 * creates, appends and removes a hidden iframe on every page to borrow a clean Element prototype. That
 * iframe was about a third of the recorder's start on the bench's shop page (bench/README.md "Session
 * replay"). Without the two names the check tests what it means to (`shadowRoot` is a native getter) and
 * the iframe is still used on pages that did patch it. Bundling fails if the text is not found, so an rrweb
 * upgrade has to look again.
 */
const ELEMENT_ACCESSORS = /Element: \[\s*"shadowRoot",\s*"querySelector",\s*"querySelectorAll"\s*\]/;

/** The recorder's source with the correction; throws when the text to correct is not there. */
export function patchRrwebRecord(source: string): string {
  if (!ELEMENT_ACCESSORS.test(source)) throw new Error('@rrweb/record: the Element accessor list to correct was not found');
  return source.replace(ELEMENT_ACCESSORS, 'Element: ["shadowRoot"]');
}

/** esbuild plugin: @rrweb/record's ES module build, corrected. */
export const rrwebRecordPatch: Plugin = {
  name: 'rrweb-record-patch',
  setup(build) {
    build.onLoad({ filter: /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/ }, (args) => ({
      contents: patchRrwebRecord(fs.readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};
