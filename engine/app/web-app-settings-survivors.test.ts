import { describe, expect, it } from 'vitest';
import { WeirError } from '../errors.ts';
import { MAX_LOGO_BYTES, mergeWebApp, WebAppPatchSchema } from './web-app-settings.ts';

/**
 * Cases around the mutants Stryker left alive in web-app-settings.ts (see test/mutation/web-apps.md).
 * The route answers a refused patch with the first issue's message and path, so these read them
 * from the schema the route uses.
 */

function refusal(patch: unknown): { path: string; message: string } {
  const r = WebAppPatchSchema.safeParse(patch);
  expect(r.success, JSON.stringify(patch).slice(0, 120)).toBe(false);
  const issue = r.error!.issues[0];
  return { path: issue.path.join('.'), message: issue.message };
}
const accepts = (patch: unknown) => expect(WebAppPatchSchema.safeParse(patch).success, JSON.stringify(patch).slice(0, 120)).toBe(true);

/** A PNG-typed data URL whose data decodes to exactly `bytes` bytes. */
const dataLogo = (bytes: number) => `data:image/png;base64,${Buffer.alloc(bytes, 7).toString('base64')}`;

describe('a data URL logo', () => {
  it('takes exactly 64 KB of image data and refuses one byte more, saying how big it is', () => {
    // 65 536 bytes encode with "==" padding; 65 537 with one "=".
    expect(dataLogo(MAX_LOGO_BYTES).endsWith('==')).toBe(true);
    expect(dataLogo(MAX_LOGO_BYTES + 1).endsWith('=') && !dataLogo(MAX_LOGO_BYTES + 1).endsWith('==')).toBe(true);
    accepts({ logo: dataLogo(MAX_LOGO_BYTES) });
    expect(refusal({ logo: dataLogo(MAX_LOGO_BYTES + 1) })).toEqual({ path: 'logo', message: 'the logo is 65 KB; at most 64 KB (or give an https URL)' });
    // Unpadded data just under the limit passes too.
    accepts({ logo: dataLogo(MAX_LOGO_BYTES - 1) });
    expect(refusal({ logo: dataLogo(MAX_LOGO_BYTES + 2) }).message).toMatch(/^the logo is 65 KB/);
  });

  it('counts the padding exactly when saying the size: 65 KB is 65 KB, one byte more is 66', () => {
    // 66 560 bytes end in one "=", 66 561 in none: a miscounted byte shows as a KB too many or too few.
    expect(refusal({ logo: dataLogo(65 * 1024) }).message).toMatch(/^the logo is 65 KB;/);
    expect(refusal({ logo: dataLogo(65 * 1024 + 1) }).message).toMatch(/^the logo is 66 KB;/);
  });

  it('refuses text too long to be a 64 KB logo before decoding it, naming the limit', () => {
    expect(refusal({ logo: `data:image/png;base64,${'A'.repeat(90_000)}` })).toEqual({ path: 'logo', message: 'the logo is larger than 64 KB' });
  });

  it('refuses a data URL with anything before the image type or after the data', () => {
    // Only the whole value may be the image: not another data URL with an image one tucked inside it.
    const smuggled = 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==#data:image/png;base64,iVBORw0KGgo=';
    expect(refusal({ logo: smuggled }).message).toMatch(/png, svg\+xml, jpeg or webp/);
    expect(refusal({ logo: 'data:image/png;base64,iVBORw0KGgo="><script>alert(1)</script>' }).message).toMatch(/png, svg\+xml, jpeg or webp/);
    for (const type of ['png', 'svg+xml', 'jpeg', 'webp']) accepts({ logo: `data:image/${type};base64,iVBORw0KGgo=` });
  });
});

describe('a logo URL', () => {
  it('takes an https URL', () => {
    accepts({ logo: 'https://example.com/logo.svg' });
  });

  it('names the scheme it refuses', () => {
    expect(refusal({ logo: 'http://example.com/logo.png' })).toEqual({ path: 'logo', message: 'the logo URL must use https, not http' });
    expect(refusal({ logo: 'javascript:alert(1)' }).message).toBe('the logo URL must use https, not javascript');
  });

  it('says what a logo may be when it is neither a URL nor a data URL', () => {
    expect(refusal({ logo: 'logo.png' })).toEqual({ path: 'logo', message: 'the logo must be an https URL or a data:image/… URL' });
  });
});

describe('the other fields', () => {
  it('names the length limits of the title and the description', () => {
    expect(refusal({ title: 'x'.repeat(121) })).toEqual({ path: 'title', message: 'the title is at most 120 characters' });
    accepts({ title: 'x'.repeat(120) });
    expect(refusal({ description: 'x'.repeat(2001) })).toEqual({ path: 'description', message: 'the description is at most 2000 characters' });
  });

  it('takes only a whole #rrggbb accent', () => {
    accepts({ accent: '#0B5fff' });
    for (const accent of ['x#0b5fff', '#0b5fff; background: red', '#0b5ff']) {
      expect(refusal({ accent })).toEqual({ path: 'accent', message: 'the accent is a colour written #rrggbb' });
    }
  });

  it('takes both auth values and names them when refusing another', () => {
    accepts({ auth: 'public' });
    accepts({ auth: 'key' });
    expect(refusal({ auth: 'sso' })).toEqual({ path: 'auth', message: 'auth is "public" or "key"' });
  });

  it('names the top of the rpm range', () => {
    accepts({ rpm: 100_000 });
    expect(refusal({ rpm: 100_001 })).toEqual({ path: 'rpm', message: 'rpm is at most 100000' });
  });
});

describe('the first patch', () => {
  it('is refused as an invalid request naming web_app.enabled when it does not say whether the app is on', () => {
    let caught: unknown;
    try {
      mergeWebApp('rivers', undefined, { title: 'Rivers' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WeirError);
    expect(caught).toMatchObject({ code: 'invalid_request', status: 400, path: ['web_app', 'enabled'] });
  });
});
