/**
 * The rarely visited pages, in one lazily loaded chunk: fetched on the first visit to any of them,
 * so the main bundle stays the feed's. One chunk compresses smaller than four (gzip works per file
 * and the four share their components and styles).
 */
export { default as Admin } from '../pages/Admin.svelte';
export { default as Dashboard } from '../pages/Dashboard.svelte';
export { default as Moderation } from '../pages/Moderation.svelte';
export { default as Profile } from '../pages/Profile.svelte';
export { default as Settings } from '../pages/Settings.svelte';
