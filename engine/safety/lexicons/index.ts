import type { Classes } from '../token-pattern.ts';
import { SUPPRESS } from './benign.ts';
import { HATE, HATE_CLASSES } from './hate.ts';
import { JAILBREAK, JAILBREAK_CLASSES } from './jailbreak.ts';
import { SELF_HARM, SELF_HARM_CLASSES } from './self-harm.ts';
import { SEXUAL, SEXUAL_CLASSES } from './sexual.ts';
import { SHARED_CLASSES, type CategoryLexicon } from './shared.ts';
import { VIOLENCE, VIOLENCE_CLASSES } from './violence.ts';
import type { Category } from '../types.ts';

export type LexiconKind = Category | 'jailbreak';

/** The built-in lexicons, one per category plus prompt attacks; class names are global. */
export const LEXICONS: Readonly<Record<LexiconKind, CategoryLexicon>> = {
  hate: HATE,
  sexual: SEXUAL,
  violence: VIOLENCE,
  self_harm: SELF_HARM,
  jailbreak: JAILBREAK,
};

export const CLASSES: Classes = {
  ...SHARED_CLASSES,
  ...VIOLENCE_CLASSES,
  ...HATE_CLASSES,
  ...SEXUAL_CLASSES,
  ...SELF_HARM_CLASSES,
  ...JAILBREAK_CLASSES,
};

export { SUPPRESS };
export type { CategoryLexicon, Rule } from './shared.ts';
