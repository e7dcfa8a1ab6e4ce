import type { CategoryLexicon, Rule } from './shared.ts';

/**
 * Hate is what is said about a group for what it is: a group word alone is safe ("Black History
 * Month"), a group with a dehumanising or sweeping degrading claim is medium, a call to kill, expel
 * or harm a group is high. Slurs (a short list) are medium on their own.
 */
export const HATE_CLASSES = {
  GROUP: [
    'immigrants', 'immigrant', 'migrants', 'migrant', 'refugees', 'refugee', 'foreigners', 'foreigner',
    'muslims', 'muslim', 'jews', 'jew', 'jewish', 'christians', 'christian', 'catholics', 'catholic',
    'atheists', 'atheist', 'hindus', 'hindu', 'sikhs', 'buddhists', 'mormons', 'gays', 'gay', 'lesbians',
    'lesbian', 'trans', 'transgender', 'transgenders', 'queers', 'blacks', 'whites', 'asians', 'asian', 'arabs',
    'arab', 'africans', 'african', 'mexicans', 'mexican', 'indians', 'chinese', 'pakistanis', 'roma', 'gypsies',
    'gypsy', 'latinos', 'hispanics', 'women', 'homeless', 'disabled', 'autistic', 'elderly', 'israelis',
    'palestinians', 'koreans', 'japanese', 'russians', 'ukrainians', 'poles', 'irish', 'turks', 'kurds',
  ],
  // Adjectives that name a group only together with "people", "folks"… ("black people", "old people").
  GROUP_ADJ: ['black', 'white', 'brown', 'old', 'elderly', 'gay', 'trans', 'jewish', 'muslim', 'disabled', 'homeless', 'autistic', 'deaf', 'blind', 'fat'],
  DEHUMAN: [
    'vermin', 'parasite+', 'rat', 'rats', 'cockroach', 'cockroaches', 'roaches', 'animal', 'animals', 'savage',
    'savages', 'subhuman', 'subhumans', 'filth', 'filthy', 'scum', 'ape', 'apes', 'monkey', 'monkeys', 'pigs',
    'leech', 'leeches', 'disease', 'diseased', 'plague', 'inferior', 'primitive', 'stupid', 'idiots', 'dirty',
    'lazy', 'criminals', 'rapists', 'terrorists', 'thieves', 'pedophiles', 'paedophiles', 'perverts', 'disgusting',
    'abomination', 'unnatural', 'greedy', 'burden', 'useless', 'worthless', 'brainwashed', 'smell', 'stink',
    'immoral', 'degenerate', 'degenerates', 'vile', 'backward', 'barbaric', 'barbarians', 'invaders', 'infest+',
    'breed', 'freaks', 'evil', 'liars', 'sneaky', 'dealers', 'gangsters', 'beaters', 'waste', 'invasion',
    'swarm+', 'delusional',
  ],
  ELIM: [
    'die', 'dead', 'exterminate+', 'execute+', 'kill+', 'shot', 'shoot+', 'gas', 'gassed', 'wipe+', 'wiped',
    'hang+', 'hanged', 'lynch+', 'burn+', 'stone+', 'eradicate+', 'purge+', 'eliminate+', 'rounded', 'drown+',
    'murder+', 'slaughter+', 'deport+', 'driven', 'expel+', 'beat+', 'beaten', 'sterilize+', 'sterilise+', 'hunted',
  ],
  ELIM_VERB: [
    'kill+', 'exterminate+', 'gas', 'shoot+', 'burn+', 'hang+', 'lynch+', 'deport+', 'wipe+', 'eradicate+',
    'purge+', 'eliminate+', 'beat+', 'attack+', 'murder+', 'slaughter+', 'expel+', 'stone+', 'bomb+', 'torch+', 'hunt+',
  ],
  SLUR: [
    'kike', 'kikes', 'spic', 'spics', 'chink', 'chinks', 'wetback', 'wetbacks', 'raghead', 'ragheads',
    'towelhead', 'towelheads', 'tranny', 'trannies', 'faggot', 'faggots', 'retard', 'retards', 'nigger',
    'niggers', 'gook', 'gooks', 'beaner', 'beaners', 'kaffir', 'untermensch',
  ],
} as const;

/** Each group rule twice: with a group noun, and with "black people"-style adjective + noun. */
function forGroups(rules: Rule[]): Rule[] {
  return rules.flatMap(([p, sev, strong]) => [
    [p, sev, strong] as Rule,
    [p.replace('@GROUP', '@GROUP_ADJ people|folks|persons|men|women|kids|children'), sev, strong] as Rule,
  ]);
}

export const HATE: CategoryLexicon = {
  rules: [
    ['@SLUR', 'medium'],
    ...forGroups([
      ['@GROUP ~4 @DEHUMAN', 'medium'],
      ['@DEHUMAN ~3 @GROUP', 'medium'],
      ['@GROUP ~4 mentally ill|sick|deranged|disturbed', 'medium'],
      ['@GROUP ~3 control+|run+|own+ ~3 banks|media|world|government|hollywood', 'medium'],
      ['@GROUP ~4 shouldnt|should|must ~2 not? allowed|welcome', 'medium'],
      ['@GROUP ~4 dont|do not? belong', 'medium'],
      ['@GROUP ~4 sent|send|go ~2 back', 'medium'],
      ['send+|sent|deport+|kick+|throw+ ~3 @GROUP ~2 back|out|home', 'medium'],
      ['hate+ ~2 @GROUP', 'medium'],
      ['@GROUP ~3 should|must|deserve+|need|ought ~4 @ELIM', 'high'],
      ['^ @ELIM_VERB ~3 @GROUP', 'high'],
      ['@INTENT ~5 @ELIM_VERB ~4 @GROUP', 'high'],
      ['only good @GROUP ~3 dead', 'high'],
      ['@GROUP ~4 nothing but', 'medium'],
      ['@GROUP ~4 belong in|to ~1 the? kitchen|cages|cage|zoo|jail|camps|ovens', 'medium'],
      ['time to ~1 @ELIM_VERB ~4 @GROUP', 'high'],
      ['^ round up ~2 @GROUP', 'high'],
    ]),
    ['exterminate+|eradicate+|cleanse+ ~6 people|race|religion|group|kind|ethnicity', 'high'],
    ['@ELIM_VERB ~4 mosque+|synagogue+|church+|temple+', 'high'],
  ],
  caps: [
    'history', 'historical', 'historians', 'propaganda', 'portrayed', 'portray', 'portrays', 'documentary',
    'report', 'reports', 'reported', 'documents', 'study', 'studies', 'research', 'stereotype', 'stereotypes',
    'myth', 'myths', 'bans', 'ban', 'banned', 'racist', 'racism', 'quote', 'quoted', 'claimed', 'debunked',
  ],
};
