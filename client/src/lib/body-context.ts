/**
 * The Svelte context key under which `<Markdown>` shows bodies as typed instead of formatted: set
 * only by the render bench (client/src/bench/feed-render.ts), which times the same feed page both ways.
 */
export const PLAIN_BODIES = Symbol('agora:plain-bodies');
