/**
 * The optimistic like, as pure steps. A click flips `liked` and moves the count at once (`toggle`);
 * the server's LikeState then settles it (`settle`), or an error puts back what was there
 * (`rollback`). The count never goes below 0.
 */
export interface LikeView {
  liked: boolean;
  likesCount: number;
}

/** What the button shows right after a click. */
export function toggle(view: LikeView): LikeView {
  const liked = !view.liked;
  return { liked, likesCount: Math.max(0, view.likesCount + (liked ? 1 : -1)) };
}

/** The server's word wins. */
export function settle(_optimistic: LikeView, server: LikeView): LikeView {
  return { liked: server.liked, likesCount: server.likesCount };
}

/** Undo an optimistic toggle after an error: back to the view before the click. */
export function rollback(before: LikeView): LikeView {
  return { ...before };
}
