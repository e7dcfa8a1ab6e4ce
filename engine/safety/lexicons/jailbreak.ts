import type { CategoryLexicon } from './shared.ts';

/**
 * Prompt attacks: instructions to drop the model's instructions or rules, "modes" and personas
 * without them (DAN, developer mode), role-play framed to escape rules, and requests for the system
 * prompt. A `high` rule alone is a detection; `low` signals ("stay in character", "from now on")
 * are common in honest prompts, so it takes two of them.
 */
export const JAILBREAK_CLASSES = {
  RULES: [
    'instructions', 'instruction', 'rules', 'guidelines', 'guideline', 'programming', 'training', 'restrictions',
    'restriction', 'policies', 'policy', 'filters', 'filter', 'guardrails', 'constraints', 'directives',
    'directions', 'limitations', 'limits', 'ethics', 'morals', 'principles', 'safeguards', 'censorship',
  ],
  IGNORE: ['ignore+', 'disregard+', 'forget', 'forgot', 'bypass+', 'override+', 'circumvent+', 'evade'],
  ROLEPLAY: ['pretend+', 'imagine', 'act', 'acting', 'roleplay+', 'role', 'simulate+', 'persona', 'character', 'play', 'assume'],
} as const;

export const JAILBREAK: CategoryLexicon = {
  rules: [
    ['@IGNORE ~4 @RULES', 'high'],
    ['@IGNORE all|the|any|your? above|previous|prior|earlier|preceding', 'high'],
    ['forget everything|all ~3 told|taught|trained|instructed|learned', 'high'],
    ['you|youre are? now ~3 dan|jailbroken|unrestricted|unfiltered|uncensored|evil|developer|god|chatgpt|bound|restricted|limited|censored|amoral|free', 'high'],
    ['you|youre are? no longer ~3 dan|jailbroken|unrestricted|unfiltered|uncensored|chatgpt|bound|restricted|limited|censored|an|a', 'high'],
    ['do anything now', 'high'],
    ['god|jailbreak|dan|unrestricted|unfiltered|uncensored mode', 'high'],
    ['simulate+|enable+|enter|activate+|switch ~2 developer|jailbreak|dan|god|unrestricted|unfiltered mode', 'high'],
    ['unrestricted|unfiltered|uncensored|amoral|unethical|unaligned ~3 ai|model|assistant|chatbot|bot|version|llm|gpt|alter|ego|self|persona|twin', 'high'],
    ['@ROLEPLAY ~8 no|without|zero|never|free ~3 @RULES|moral|compass', 'high'],
    ['not|dont|never|stop ~2 follow+|obey+|abide|bound|comply ~3 @RULES|by', 'high'],
    ['@RULES ~2 dont|not|no ~2 apply', 'high'],
    ['@RULES|safety|protocols ~3 disabled|removed|lifted|off|deactivated|suspended|switched', 'high'],
    ['you ~2 have no ~2 @RULES', 'high'],
    ['act|acting|pretend|be as? dan|stan|betterdan|evilbot', 'high'],
    ['disable+|remove+|deactivate+|lift+ ~3 @RULES|safety|protocols', 'high'],
    ['system override', 'high'],
    ['new system prompt|instructions|message', 'high'],
    ['reveal+|print+|repeat+|output+|leak+|display+|tell ~3 your|the? system|initial|hidden|original|secret ~1 prompt|preprompt|instructions|message', 'high'],
    ['print+|repeat+|output+ ~2 text|words|everything above', 'high'],
    ['act|pretend ~2 as? my ~1 dead|deceased|late grandmother|grandma|grandfather|grandpa', 'high'],
    ['persona|character of? ~1 dan|stan|aim|dude|evilbot|betterdan|mongo', 'high'],
    ['evilbot|betterdan|freedomgpt|antigpt|devmode|jailbroken', 'high'],
    // Weak signals: two make a detection.
    ['stay ~1 in character', 'low'],
    ['never refuse+|refuses', 'low'],
    ['without refusing', 'low'],
    ['from now on', 'low'],
    ['no|without|zero ~1 @RULES', 'low'],
    ['hypothetical world|scenario|universe', 'low'],
    ['developer mode', 'low'],
    ['jailbreak', 'low'],
    ['evil twin|confidant', 'low'],
    ['two responses|personas|answers', 'low'],
    ['openai|content policy|rule|rules', 'low'],
    ['your previous|original|initial|real instructions', 'low'],
    ['do whatever i say', 'low'],
    ['freed from', 'low'],
    ['avoid ~2 norms', 'low'],
    ['assume the persona', 'low'],
    ['ai character', 'low'],
    ['i am your developer|creator|admin|administrator', 'low'],
    ['user is the administrator|admin', 'low'],
    ['moralizing rant', 'low'],
    ['authorized red team', 'low'],
    ['red team test', 'low'],
  ],
};
