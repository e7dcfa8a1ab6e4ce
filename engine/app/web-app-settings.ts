/**
 * A deployment's web app settings (PATCH /api/deployments/{name} `web_app`): each field checked at
 * the edge, the stored settings merged with a patch, and the JSON the API shows.
 */
import { z } from 'zod';
import { WeirError } from '../errors.ts';
import type { WebAppSettings } from '../store/types.ts';

/** A logo is shown in the app's header: an https URL, or a small image inlined as a data URL. */
export const MAX_LOGO_BYTES = 64 * 1024;
export const DEFAULT_VISITOR_RPM = 20;
const DATA_LOGO = /^data:image\/(png|svg\+xml|jpeg|webp);base64,([A-Za-z0-9+/]*={0,2})$/;

function logoProblem(logo: string): string | undefined {
  if (logo.startsWith('data:')) {
    const m = DATA_LOGO.exec(logo);
    if (!m) return 'a data URL logo must be data:image/png, svg+xml, jpeg or webp with ;base64, and base64 data';
    const bytes = Math.floor((m[2].length * 3) / 4) - (m[2].endsWith('==') ? 2 : m[2].endsWith('=') ? 1 : 0);
    if (bytes > MAX_LOGO_BYTES) return `the logo is ${Math.ceil(bytes / 1024)} KB; at most ${MAX_LOGO_BYTES / 1024} KB (or give an https URL)`;
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(logo);
  } catch {
    return 'the logo must be an https URL or a data:image/… URL';
  }
  return url.protocol === 'https:' ? undefined : `the logo URL must use https, not ${url.protocol.replace(':', '')}`;
}

export const WebAppPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    title: z.string().trim().min(1, 'the title may not be empty').max(120, 'the title is at most 120 characters').optional(),
    description: z.string().max(2000, 'the description is at most 2000 characters').nullable().optional(),
    // A base64 data URL of 64 KB is about 87 400 characters.
    logo: z.string().max(90_000, `the logo is larger than ${MAX_LOGO_BYTES / 1024} KB`).superRefine((v, ctx) => {
      const problem = logoProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }).nullable().optional(),
    accent: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'the accent is a colour written #rrggbb').nullable().optional(),
    auth: z.enum(['public', 'key'], { message: 'auth is "public" or "key"' }).optional(),
    rpm: z.number().int('rpm is a whole number').min(1, 'rpm is at least 1').max(100_000, 'rpm is at most 100000').optional(),
  })
  .strict();
export type WebAppPatch = z.output<typeof WebAppPatchSchema>;

/** The stored settings with a patch applied; a first patch must say whether the app is enabled. */
export function mergeWebApp(name: string, current: WebAppSettings | undefined, patch: WebAppPatch): WebAppSettings {
  if (!current && patch.enabled === undefined) {
    throw new WeirError('invalid_request', 'web_app.enabled is required the first time a web app is set up', { status: 400, path: ['web_app', 'enabled'] });
  }
  const base: WebAppSettings = current ?? { enabled: false, title: name, description: null, logo: null, accent: null, auth: 'public', rpm: DEFAULT_VISITOR_RPM };
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<WebAppSettings>;
  return { ...base, ...defined };
}

export function webAppJson(s: WebAppSettings | undefined) {
  if (!s) return null;
  return { enabled: s.enabled, title: s.title, description: s.description, logo: s.logo, accent: s.accent, auth: s.auth, rpm: s.rpm };
}

export const appUrl = (name: string, s: WebAppSettings | undefined): string | null => (s?.enabled ? `/apps/${name}` : null);
