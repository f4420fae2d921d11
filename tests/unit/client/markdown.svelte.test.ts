import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINK_REL, preview, renderMarkdown, safeHref } from '../../../client/src/lib/markdown.ts';

/** The rendered HTML of `text` (what the page's DOM would serialise to). */
function html(text: string, options = {}): string {
  const box = document.createElement('div');
  box.append(renderMarkdown(text, options));
  return box.innerHTML;
}

function box(text: string, options = {}): HTMLDivElement {
  const element = document.createElement('div');
  element.append(renderMarkdown(text, options));
  return element;
}

const ALLOWED = new Set([
  'P',
  'EM',
  'STRONG',
  'DEL',
  'CODE',
  'PRE',
  'BLOCKQUOTE',
  'UL',
  'OL',
  'LI',
  'A',
  'BR',
  'MARK',
]);

describe('renderMarkdown: the subset', () => {
  it('paragraphs, emphasis, strong and inline code', () => {
    expect(html('One *two* **three** `four`\n\nFive')).toBe(
      '<p>One <em>two</em> <strong>three</strong> <code>four</code></p><p>Five</p>',
    );
  });

  it('code blocks keep their text as typed, markup included', () => {
    expect(html('```\nif (a < b) { <b>x</b> }\n```')).toBe(
      '<pre><code>if (a &lt; b) { &lt;b&gt;x&lt;/b&gt; }</code></pre>',
    );
  });

  it('quotes and lists', () => {
    expect(html('> quoted\n\n- a\n- b\n\n3. c\n4. d')).toBe(
      '<blockquote><p>quoted</p></blockquote><ul><li>a</li><li>b</li></ul><ol start="3"><li>c</li><li>d</li></ol>',
    );
  });

  it('links, typed and bare, with rel="nofollow ugc noopener"', () => {
    const links = [
      ...box('[docs](https://appwrite.io/docs) and https://svelte.dev/x?a=1&b=2').querySelectorAll(
        'a',
      ),
    ];
    expect(
      links.map((a) => [a.getAttribute('href'), a.textContent, a.getAttribute('rel')]),
    ).toEqual([
      ['https://appwrite.io/docs', 'docs', LINK_REL],
      ['https://svelte.dev/x?a=1&b=2', 'https://svelte.dev/x?a=1&b=2', LINK_REL],
    ]);
    expect(LINK_REL).toBe('nofollow ugc noopener');
  });

  it('a javascript:, data: or vbscript: link is its text, not a link', () => {
    for (const href of [
      'javascript:alert(1)',
      ' JaVaScRiPt:alert(1)',
      'data:text/html,x',
      'vbscript:x',
    ]) {
      const rendered = box(`[click](${href})`);
      expect(rendered.querySelector('a'), href).toBeNull();
      expect(rendered.textContent).toBe('click');
    }
    expect(safeHref('javascript:alert(1)')).toBe('');
    expect(safeHref('mailto:ada@example.com')).toBe('mailto:ada@example.com');
    expect(safeHref('#/post/1')).toBe('#/post/1');
  });

  it('raw HTML is shown as the text it is', () => {
    const rendered = box('<img src=x onerror=alert(1)> and <script>alert(1)</script>');
    expect(rendered.querySelector('img, script')).toBeNull();
    expect(rendered.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(rendered.textContent).toContain('<script>alert(1)</script>');
  });

  it('what the subset leaves out reads as text: a heading is a bold line, an image a link', () => {
    expect(html('# Title')).toBe('<p><strong>Title</strong></p>');
    const image = box('![a cat](https://example.com/cat.png)');
    expect(image.querySelector('img')).toBeNull();
    expect(image.querySelector('a')?.getAttribute('href')).toBe('https://example.com/cat.png');
  });

  it('marks search words in text nodes only', () => {
    const rendered = box('Agora **rocks** at `agora`', { highlight: 'agora' });
    expect([...rendered.querySelectorAll('mark')].map((m) => m.textContent)).toEqual([
      'Agora',
      'agora',
    ]);
    const tricky = box('<b onclick=x>agora</b>', { highlight: '<b onclick=x>' });
    expect(tricky.querySelector('b, [onclick]')).toBeNull();
  });

  it('a preview renders about maxChars, cut at a paragraph break', () => {
    const long = `${'First paragraph words. '.repeat(10)}\n\n${'Second. '.repeat(200)}`;
    const cut = preview(long, 400);
    expect(cut.length).toBeLessThanOrEqual(402);
    expect(cut.endsWith(' …')).toBe(true);
    expect(box(long, { maxChars: 400 }).textContent?.length).toBeLessThan(410);
    expect(preview('short', 400)).toBe('short');
  });
});

/** Pieces of Markdown and of attacks, so random input often forms links, HTML and code. */
const piece = fc.constantFrom(
  '[',
  ']',
  '(',
  ')',
  '](',
  '<',
  '>',
  '`',
  '```',
  '*',
  '**',
  '_',
  '> ',
  '- ',
  '1. ',
  '\n',
  '\n\n',
  ' ',
  '"',
  "'",
  '!',
  '&',
  '&#106;',
  '\\',
  'javascript:',
  'JavaScript:',
  'java\tscript:',
  'vbscript:',
  'data:text/html;base64,PHNjcmlwdD4=',
  'https://example.com/',
  'www.example.com',
  'alert(1)',
  '<script>',
  '</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">',
  ' onclick=',
  'onmouseover="x"',
  '<svg onload=alert(1)>',
  '<iframe src=x>',
  '<style>',
  'text',
);
const scheme = fc.constantFrom(
  'javascript:',
  'JAVASCRIPT:',
  ' javascript:',
  'java\tscript:',
  'java&#115;cript:',
  '&#106;avascript:',
  'vbscript:',
  'data:text/html,',
  'https://',
  '',
);
const text = fc
  .array(fc.oneof(piece, fc.string({ maxLength: 8 })), { maxLength: 30 })
  .map((parts) => parts.join(''));
/** A link or image in each of Markdown's spellings, with a hostile or harmless address. */
const link = fc
  .tuple(
    fc.constantFrom('[t](%)', '![t](%)', '<%>', '[t](<%>)', '[t][r]\n\n[r]: %', '[t](% "x")'),
    scheme,
    text,
  )
  .map(([shape, start, rest]) => shape.replace('%', `${start}${rest.replace(/\s/g, '')}`));
const markdownish = fc.oneof(
  fc.string({ maxLength: 300 }),
  text,
  fc.array(fc.oneof(link, text), { maxLength: 6 }).map((parts) => parts.join(' ')),
);

describe('renderMarkdown: for any input', () => {
  it('no <script>, no on* attributes, no javascript: URLs, only the subset’s elements', () => {
    fc.assert(
      fc.property(
        markdownish,
        fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
        (text, query) => {
          const rendered = box(text, { highlight: query });
          const serialised = rendered.innerHTML;
          expect(serialised).not.toMatch(/<script/i);
          for (const element of rendered.querySelectorAll('*')) {
            expect(ALLOWED.has(element.tagName), element.tagName).toBe(true);
            for (const attribute of element.attributes) {
              expect(attribute.name.toLowerCase().startsWith('on'), attribute.name).toBe(false);
              expect(['href', 'rel', 'start']).toContain(attribute.name);
            }
            const href = element.getAttribute('href');
            if (href !== null) {
              // As a browser reads it: tabs and newlines dropped, leading spaces and controls trimmed.
              const scheme = href
                .replace(/[\t\n\r]/g, '')
                .replace(/^[\s\p{Cc}]+/u, '')
                .toLowerCase();
              expect(scheme).not.toMatch(/^(javascript|vbscript|data):/);
            }
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('mentions', () => {
  it('@handle links to that member’s profile; an email address, a link’s text and code do not', () => {
    expect(html('Thanks @Ada_L, and (@grace).')).toBe(
      '<p>Thanks <a href="#/u/@ada_l">@Ada_L</a>, and (<a href="#/u/@grace">@grace</a>).</p>',
    );
    const mail = box('mail bob@example.com or @ab');
    expect([...mail.querySelectorAll('a')].map((a) => a.getAttribute('href'))).toEqual([
      'mailto:bob@example.com',
    ]);
    expect(box('[see @ada](https://example.com)').querySelectorAll('a')).toHaveLength(1);
    expect(box('`@ada`').querySelectorAll('a')).toHaveLength(0);
  });

  it('search results show mentions as text, words marked', () => {
    expect(html('hi @ada', { highlight: 'ada' })).toBe('<p>hi @<mark>ada</mark></p>');
  });
});
