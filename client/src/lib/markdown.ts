import { Lexer, type MarkedToken, type Token, type Tokens } from 'marked';
import { normalizeUri, sanitizeUri } from 'micromark-util-sanitize-uri';
import { highlight } from './highlight.ts';

/**
 * Posts' and comments' bodies as a safe Markdown subset: paragraphs, emphasis, strong, inline code
 * and code blocks, quotes, lists and links (typed, `<https://…>`, or a bare URL, which GFM
 * auto-links).
 *
 * SAFETY BY CONSTRUCTION: `marked`'s lexer (a well-kept parser) reads the text into tokens, and this
 * module builds DOM nodes from them — never an HTML string, so there is nothing to sanitize: every
 * piece of user text becomes a text node, elements come from the fixed list below, and the only
 * attributes set are `href` (after `micromark-util-sanitize-uri`'s protocol check: http, https,
 * mailto or a relative address), `rel` and an ordered list's numeric `start`. Raw HTML in the input
 * (`<img onerror=…>`) is shown as the text it is. A DOM sanitizer (DOMPurify, 12 KB gzip) would only
 * re-check what cannot be there, and would not fit the first visit's 100 KB budget.
 *
 * What the subset leaves out reads as text: a heading as a bold line, a table or a rule as typed,
 * an image as a link to it (no third-party image loads in the feed).
 *
 *   node.replaceChildren(renderMarkdown(post.body));
 *   renderMarkdown(body, { maxChars: 600, highlight: 'agora' })   // a feed card; search results
 */

/** What a link may point at: the web, an email address, or (no scheme) a relative address. */
const LINK_PROTOCOLS = /^(https?|mailto)$/i;

/** Every link is the author's, not ours: no endorsement, no `window.opener`. */
export const LINK_REL = 'nofollow ugc noopener';

export interface RenderOptions {
  /** Render only about this many characters (cut at a paragraph or line end): a card's preview. */
  maxChars?: number;
  /** Mark this search's words in the text (as <mark> elements around text nodes). */
  highlight?: string;
}

/** The Markdown in `text` as DOM nodes, ready for `node.replaceChildren(…)`. */
export function renderMarkdown(
  text: string,
  options: RenderOptions = {},
  doc: Document = document,
): DocumentFragment {
  const source = options.maxChars ? preview(text, options.maxChars) : text;
  const builder = new Builder(doc, options.highlight ?? '');
  const fragment = doc.createDocumentFragment();
  builder.blocks(fragment, lex(source));
  return fragment;
}

/** The address a link gets, or '' when its scheme is not allowed (`javascript:`, `data:`…). */
export function safeHref(href: string): string {
  return sanitizeUri(href, LINK_PROTOCOLS) === '' ? '' : normalizeUri(href);
}

/**
 * The start of a long text, cut at the last paragraph break (else line break, else space) before
 * `max`, so a card renders a few hundred characters however long the post.
 */
export function preview(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const cut = [head.lastIndexOf('\n\n'), head.lastIndexOf('\n'), head.lastIndexOf(' ')].find(
    (index) => index > max / 2,
  );
  return `${head.slice(0, cut ?? max).trimEnd()} …`;
}

// Lexing is most of the work and a body is re-rendered as its card re-mounts (a sort change, a
// live update): the last few hundred bodies' tokens are kept.
const CACHE_SIZE = 300;
const tokenCache = new Map<string, Token[]>();

function lex(source: string): Token[] {
  const cached = tokenCache.get(source);
  if (cached) return cached;
  const tokens = Lexer.lex(source, { gfm: true, breaks: false });
  if (tokenCache.size >= CACHE_SIZE) {
    const oldest = tokenCache.keys().next().value;
    if (oldest !== undefined) tokenCache.delete(oldest);
  }
  tokenCache.set(source, tokens);
  return tokens;
}

type Parent = DocumentFragment | Element;

/**
 * `@handle` in prose, as shared/schemas/common.ts `mentionedHandles` finds it for notifications
 * (after the start or a character an email's local part cannot hold): the prefix and the handle.
 */
const MENTION = /(^|[^A-Za-z0-9_.+-])@([A-Za-z0-9_]{3,20})(?![A-Za-z0-9_])/g;

/** Builds nodes from tokens; `query` marks search words in text nodes. */
class Builder {
  /** Inside a link: a mention stays text (no link in a link). */
  #inLink = 0;

  constructor(
    private readonly doc: Document,
    private readonly query: string,
  ) {}

  blocks(parent: Parent, tokens: readonly Token[]): void {
    for (const token of tokens) this.block(parent, token as MarkedToken);
  }

  block(parent: Parent, token: MarkedToken): void {
    switch (token.type) {
      case 'paragraph':
        this.inline(this.element(parent, 'p'), token.tokens);
        return;
      case 'heading':
        this.inline(this.element(this.element(parent, 'p'), 'strong'), token.tokens);
        return;
      case 'code':
        this.text(this.element(this.element(parent, 'pre'), 'code'), token.text);
        return;
      case 'blockquote':
        this.blocks(this.element(parent, 'blockquote'), token.tokens);
        return;
      case 'list':
        this.list(parent, token);
        return;
      case 'text':
        if (token.tokens) this.inline(parent, token.tokens);
        else this.prose(parent, token.text);
        return;
      case 'space':
      case 'def':
        return;
      default:
        // html, table, hr and anything a later `marked` adds: shown as typed.
        this.text(this.element(parent, 'p'), token.raw.trim());
    }
  }

  list(parent: Parent, token: Tokens.List): void {
    const list = this.element(parent, token.ordered ? 'ol' : 'ul');
    if (token.ordered && typeof token.start === 'number' && token.start !== 1) {
      list.setAttribute('start', String(token.start));
    }
    for (const item of token.items) this.blocks(this.element(list, 'li'), item.tokens);
  }

  inline(parent: Parent, tokens: readonly Token[]): void {
    for (const token of tokens) this.span(parent, token as MarkedToken);
  }

  span(parent: Parent, token: MarkedToken): void {
    switch (token.type) {
      case 'text':
        if (token.tokens) this.inline(parent, token.tokens);
        else this.prose(parent, token.text);
        return;
      case 'escape':
        this.text(parent, token.text);
        return;
      case 'strong':
      case 'em':
      case 'del':
        this.inline(this.element(parent, token.type), token.tokens);
        return;
      case 'codespan':
        this.text(this.element(parent, 'code'), token.text);
        return;
      case 'br':
        this.element(parent, 'br');
        return;
      case 'link':
        this.link(parent, token.href, token.tokens);
        return;
      case 'image':
        this.link(parent, token.href, [
          { type: 'text', raw: token.text, text: token.text || 'image' },
        ]);
        return;
      case 'checkbox':
        this.text(parent, token.checked ? '[x] ' : '[ ] ');
        return;
      default:
        // Inline HTML (`<b>`, `<img onerror=…>`) and anything unknown: the text as typed.
        this.text(parent, token.raw);
    }
  }

  link(parent: Parent, href: string, tokens: readonly Token[]): void {
    const safe = safeHref(href);
    if (!safe) {
      this.inline(parent, tokens);
      return;
    }
    const anchor = this.element(parent, 'a');
    anchor.setAttribute('href', safe);
    anchor.setAttribute('rel', LINK_REL);
    this.#inLink += 1;
    this.inline(anchor, tokens);
    this.#inLink -= 1;
  }

  /** Text where `@handle` links to that member's profile (`#/u/@handle`); searches show text only. */
  prose(parent: Parent, text: string): void {
    if (this.query || this.#inLink > 0 || !text.includes('@')) {
      this.text(parent, text);
      return;
    }
    let from = 0;
    for (const match of text.matchAll(MENTION)) {
      const at = (match.index ?? 0) + (match[1] ?? '').length;
      const handle = match[2] ?? '';
      this.text(parent, text.slice(from, at));
      const anchor = this.element(parent, 'a');
      anchor.setAttribute('href', `#/u/@${handle.toLowerCase()}`);
      anchor.append(this.doc.createTextNode(`@${handle}`));
      from = at + handle.length + 1;
    }
    this.text(parent, text.slice(from));
  }

  element<K extends keyof HTMLElementTagNameMap>(parent: Parent, tag: K): HTMLElementTagNameMap[K] {
    const element = this.doc.createElement(tag);
    parent.append(element);
    return element;
  }

  text(parent: Parent, text: string): void {
    if (!this.query) {
      parent.append(this.doc.createTextNode(text));
      return;
    }
    for (const part of highlight(text, this.query)) {
      const node = this.doc.createTextNode(part.text);
      if (part.match) this.element(parent, 'mark').append(node);
      else parent.append(node);
    }
  }
}
