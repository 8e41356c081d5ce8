import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pages = path.dirname(fileURLToPath(import.meta.url));

describe("a site's pages", () => {
  it('share one width, so the site navigation stays in place from page to page', () => {
    const withHeader = fs
      .readdirSync(pages)
      .filter((f) => f.endsWith('.tsx'))
      .filter((f) => fs.readFileSync(path.join(pages, f), 'utf8').includes('<SiteHeader'));
    expect(withHeader.length).toBeGreaterThan(15);
    const widths = withHeader.map((f) => [f, /<section className="(page[^"]*)"/.exec(fs.readFileSync(path.join(pages, f), 'utf8'))?.[1]]);
    expect(widths.filter(([, w]) => w !== 'page wide')).toEqual([]);
  });
});
