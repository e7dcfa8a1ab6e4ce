/**
 * localStorage when the browser allows it. Inside another site's iframe a browser that blocks
 * third-party storage throws on the first touch; the app then keeps its ids for this visit only
 * rather than failing to open.
 */
const memory = new Map<string, string>();

function local(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export const store = {
  get(key: string): string | null {
    try {
      return local()?.getItem(key) ?? memory.get(key) ?? null;
    } catch {
      return memory.get(key) ?? null;
    }
  },
  set(key: string, value: string | null): void {
    if (value === null) memory.delete(key);
    else memory.set(key, value);
    try {
      if (value === null) local()?.removeItem(key);
      else local()?.setItem(key, value);
    } catch {
      /* kept in memory */
    }
  },
};
