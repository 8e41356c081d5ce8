import { describe, expect, it } from 'vitest';
import { trackerLoaderSnippet, trackerSnippet } from './snippet';

describe('snippets', () => {
  it('plain snippet: deferred t.js with the tracking id', () => {
    expect(trackerSnippet('https://stats.example.com/', 'abc123')).toBe(
      '<script defer src="https://stats.example.com/t.js" data-site="abc123"></script>',
    );
  });

  it('escapes what it embeds', () => {
    expect(trackerSnippet('https://x.test', 'a"b<c')).toContain('data-site="a&quot;b&lt;c"');
    const loader = trackerLoaderSnippet('https://x.test', "</script><script>alert('x')");
    expect(loader).not.toContain('</script><script>');
    expect(loader).toContain("tidemark('init', \"\\u003c/script>\\u003cscript>alert('x')\");");
  });

  it('loader snippet queues commands under window.tidemark and loads t.js asynchronously', () => {
    const html = trackerLoaderSnippet('https://stats.example.com', 'abc123');
    expect(html).toContain('"https://stats.example.com/t.js"');
    expect(html).toContain('tidemark(\'init\', "abc123")');
  });
});
