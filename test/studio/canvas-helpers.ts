import type { Page } from 'playwright-core';

export const node = (page: Page, name: string) => page.locator(`[data-testid="node-${name}"]`);
export const handle = (page: Page, nodeName: string, port: string) => node(page, nodeName).locator(`[data-port="${port}"] .react-flow__handle`);

/** Drags a wire from one handle to another with the mouse, as a user does. */
export async function wire(page: Page, from: ReturnType<typeof handle>, to: ReturnType<typeof handle>): Promise<void> {
  // A node just dropped opens the inspector, and the canvas may still move under it: aim only at
  // handles that have stopped moving, or the drag can start or end off them.
  const a = await settledBox(page, from);
  const b = await settledBox(page, to);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}

/** A locator's box once two reads a few frames apart agree. */
async function settledBox(page: Page, target: ReturnType<typeof handle>): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = await target.boundingBox();
  for (let i = 0; i < 50; i++) {
    await page.waitForTimeout(50);
    const now = await target.boundingBox();
    if (now && last && now.x === last.x && now.y === last.y && now.width === last.width && now.height === last.height) return now;
    last = now;
  }
  throw new Error('a handle kept moving for 2.5 s; the canvas never settled');
}

/** Drags a node type from the palette onto the canvas at (x, y) of the canvas pane. */
export async function dropNode(page: Page, type: string, x: number, y: number): Promise<void> {
  await page.getByTestId(`palette-${type}`).dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
}

/** Replaces the text of a CodeMirror editor (select all, then type). */
export async function setCode(page: Page, label: string, text: string): Promise<void> {
  const content = page.locator(`[aria-label="${label}"] .cm-content`);
  await content.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** The drawn edges from one box to another (React Flow labels each "Edge from <source> to <target>"; the flow's boxes are __inputs/__outputs). */
export const edgesBetween = (page: Page, source: string, target: string) => page.locator(`.react-flow__edge[aria-label="Edge from ${source} to ${target}"]`);

/** Drags a node box by its title bar, by (dx, dy) screen pixels, with the mouse. */
export async function dragNode(page: Page, name: string, dx: number, dy: number): Promise<void> {
  const b = (await node(page, name).locator('.wnode-head').boundingBox())!;
  const x = b.x + b.width / 2;
  const y = b.y + b.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y + dy / 2, { steps: 6 });
  await page.mouse.move(x + dx, y + dy, { steps: 6 });
  await page.mouse.up();
}

/** Where React Flow draws a node (its transform), in flow coordinates. */
export async function drawnAt(page: Page, id: string): Promise<[number, number]> {
  const t = await page.locator(`.react-flow__node[data-id="${id}"]`).evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform);
  const m = /translate\(\s*(-?[\d.]+)px,\s*(-?[\d.]+)px\)/.exec(t);
  return m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
}
