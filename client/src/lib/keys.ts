/**
 * Keyboard shortcuts of the writing forms: Ctrl+Enter (Cmd+Enter on a Mac) sends what is written —
 * a comment, a post — through the form's own submit, so validation and the busy state apply as for
 * a click. Not while an input method is composing (Enter then confirms a character).
 */

/** Whether a keydown is Ctrl+Enter or Cmd+Enter. */
export function isSendShortcut(event: KeyboardEvent): boolean {
  return event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.isComposing;
}

/** An attachment (`{@attach sendOnCtrlEnter}`) for a field: the shortcut submits its form. */
export function sendOnCtrlEnter(node: HTMLElement): () => void {
  const onkeydown = (event: KeyboardEvent) => {
    if (!isSendShortcut(event)) return;
    event.preventDefault();
    node.closest('form')?.requestSubmit();
  };
  node.addEventListener('keydown', onkeydown);
  return () => node.removeEventListener('keydown', onkeydown);
}
