// A platform access token kept until shortly before it expires, fetched once for any number of cold callers.
export interface TokenHolder {
  get(): Promise<string>;
  /** Drops `token` if it is still the cached one (a concurrent caller may already hold a newer token). */
  invalidate(token: string): void;
}

/** `fetchToken` answers the token and its life; it is refreshed `marginMs` early (at most half the life for short ones). */
export function cachedToken(
  fetchToken: () => Promise<{ value: string; lifeMs: number }>,
  marginMs: number,
  now: () => number = Date.now,
): TokenHolder {
  let cached: { value: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  const refresh = async () => {
    const started = now();
    const t = await fetchToken();
    cached = { value: t.value, refreshAt: started + t.lifeMs - Math.min(marginMs, t.lifeMs / 2) };
    return t.value;
  };

  return {
    get() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.value);
      if (!inflight) {
        const p = refresh();
        inflight = p;
        // a failed fetch is not remembered: the next caller tries again
        const clear = () => {
          if (inflight === p) inflight = undefined;
        };
        p.then(clear, clear);
      }
      return inflight;
    },
    invalidate(token) {
      if (cached?.value === token) cached = undefined;
    },
  };
}
