/** Calls through the real gateway as an app makes them, for the Usage and Safety browser tests. */

/** One chat call on a model deployment with one of its keys; its status (the body is read and dropped). */
export async function chat(url: string, deployment: string, key: string, question: string): Promise<number> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: deployment, messages: [{ role: 'system', content: '[1] Vienna lies on the Danube. [2] The Rhine ends in the North Sea.' }, { role: 'user', content: question }] }),
  });
  await res.text();
  return res.status;
}

/** Waits (bounded) until `check` holds; usable outside a test, where expect.poll cannot run. */
export async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; !(await check()); ) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
