import type { CategoryLexicon } from './shared.ts';

/**
 * A mention of suicide or self-harm is low (news, history, prevention, recovery); a person's own
 * ideation or self-injury described is medium; a plan, an intent with a time or means, a request
 * for a method, or urging someone to do it is high, and never capped by context.
 */
export const SELF_HARM_CLASSES = {
  SELF_HARM_VERB: [
    'kill+', 'hurt+', 'harm+', 'cut+', 'hang+', 'starve+', 'burn+', 'shoot+', 'stab+', 'drown+', 'poison+',
    'punch+', 'hit', 'hitting', 'beat+', 'scratch+', 'slash+', 'choke+', 'suffocate+', 'overdose+', 'bang+',
  ],
  BODY_PART: ['wrists', 'wrist', 'arms', 'arm', 'thighs', 'thigh', 'legs', 'skin', 'stomach', 'veins', 'vein'],
  PILLS: ['pills', 'tablets', 'paracetamol', 'tylenol', 'ibuprofen', 'aspirin', 'meds', 'medication', 'sleeping', 'insulin'],
} as const;

export const SELF_HARM: CategoryLexicon = {
  escalate: true,
  rules: [
    // Mentions.
    ['suicide|suicidal|overdose+|od|purg+|relapse+', 'low'],
    ['self harm+|injury|injure+|mutilation', 'low'],
    ['only way out', 'low'],
    ['hate+ myself', 'low'],
    ['stop+|stopped eating', 'low'],
    ['thin enough', 'low'],
    ['take+|took their|his|her own life|lives', 'low'],
    ['goodbye letter+|note+', 'low'],
    // One's own ideation and self-injury.
    ['@SELF_HARM_VERB myself', 'medium'],
    ['end+ ~1 my life', 'medium'],
    ['end+ it all', 'medium'],
    ['take+ my own life', 'medium'],
    ['i ~3 want|wanna|wish|deserve ~2 to? die|dead', 'medium'],
    ['i ~3 should ~2 die', 'medium'],
    ['never wake up', 'medium'],
    ['disappear+ forever', 'medium'],
    ['disappear+ for good', 'medium'],
    ['nobody would ~3 care|miss|notice', 'medium'],
    ['no one would ~3 care|miss|notice', 'medium'],
    ['better off without me', 'medium'],
    ['not|isnt worth living', 'medium'],
    ['bother living', 'medium'],
    ['done|tired ~1 with|of life|living|existing', 'medium'],
    ['think|thinking|thought ~2 about|of suicide|dying|ending', 'medium'],
    ['finally ~1 end it', 'medium'],
    ['stop existing', 'medium'],
    ['no point ~2 going on|living', 'medium'],
    ['never been born', 'medium'],
    ['im|i am ~1 a burden', 'medium'],
    ['my ~6 until ~3 bleed+|bleeds', 'medium'],
    ['jump+ off|from ~3 bridge|building|roof|cliff|balcony', 'medium'],
    ['@SELF_HARM_VERB|slit+ ~1 my @BODY_PART', 'medium'],
    ['cuts|cut|scars|burns ~4 made|did|gave ~1 myself', 'medium'],
    ['i ~3 deserve ~2 to? hurt|suffer|pain', 'medium'],
    ['started|keep|keeps|still ~2 self harm+', 'medium'],
    ['started|keep|keeps|still ~2 cutting', 'medium'],
    ['cutting ~6 cope|coping|helps|better', 'medium'],
    ['pro ana|mia', 'medium'],
    ['purg+ ~3 meal|meals|eating', 'medium'],
    ['pain to stop ~2 permanently|forever', 'medium'],
    ['suicide note', 'medium'],
    ['lethal|fatal dose', 'medium'],
    // Plans, methods, urging.
    ['@INTENT ~4 @SELF_HARM_VERB myself', 'high', 'strong'],
    ['@HOWTO ~6 @SELF_HARM_VERB myself', 'high', 'strong'],
    ['@HOWTO ~6 @SELF_HARM_VERB|slit+ ~1 my @BODY_PART', 'high', 'strong'],
    ['@INTENT ~4 end+ ~1 my life', 'high', 'strong'],
    ['kill+|hang+|shoot+|drown+|off yourself|urself|yourselves', 'high', 'strong'],
    ['@PILLS ~8 end it', 'high', 'strong'],
    ['make sure ~2 i die', 'high', 'strong'],
    ['kys', 'high', 'strong'],
    ['painless|easiest|quickest|best|fastest|surest way|method|methods|ways ~4 to? commit? suicide|die', 'high', 'strong'],
    ['how ~1 to commit? suicide|die', 'high', 'strong'],
    ['how long|much|many ~6 to die', 'high', 'strong'],
    ['how many|much ~6 @PILLS ~6 overdose+|die|kill|lethal|fatal|od', 'high', 'strong'],
    ['@INTENT|thinking|planning ~3 overdose+|od', 'high', 'strong'],
    ['@PILLS ~6 never wake up', 'high', 'strong'],
    ['swallow+|take+ all|whole ~3 @PILLS|bottle', 'high', 'strong'],
    ['jump+ ~4 end it', 'high', 'strong'],
    ['jump+ ~4 end my life', 'high', 'strong'],
    ['jump+ in front of ~2 train|bus|car|truck|subway', 'high', 'strong'],
    ['@HOWTO ~4 hide ~3 scars|cuts|cutting', 'high', 'strong'],
  ],
  caps: [
    'prevention', 'hotline', 'lifeline', 'helpline', 'awareness', 'research', 'researchers', 'study', 'studies',
    'statistics', 'rates', 'documentary', 'novel', 'book', 'character', 'clean', 'recovery', 'recovered', 'signs',
  ],
};
