/**
 * The everyday pages other than the feed, in one lazily loaded chunk (lib/routes.ts): fetched on
 * the first visit to any of them, so a first visit to the feed downloads only the feed.
 */
export { default as Compose } from '../pages/Compose.svelte';
export { default as Notifications } from '../pages/Notifications.svelte';
export { default as Post } from '../pages/Post.svelte';
export { default as Recover } from '../pages/Recover.svelte';
export { default as Search } from '../pages/Search.svelte';
export { default as SignIn } from '../pages/SignIn.svelte';
export { default as SignUp } from '../pages/SignUp.svelte';
export { default as Verify } from '../pages/Verify.svelte';
