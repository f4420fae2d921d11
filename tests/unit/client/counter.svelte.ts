/** A rune-backed counter: the smallest state module, proving `.svelte.ts` files compile under test. */
export function counter(start = 0) {
  let value = $state(start);
  return {
    get value() {
      return value;
    },
    increment() {
      value += 1;
    },
  };
}
