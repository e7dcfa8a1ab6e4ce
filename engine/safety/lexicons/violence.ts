import type { CategoryLexicon } from './shared.ts';

/** Verbs of physical harm (with `+`, their inflections). */
export const VIOLENCE_CLASSES = {
  HARM: [
    'kill+', 'murder+', 'stab+', 'shoot+', 'shot', 'strangle+', 'choke+', 'poison+', 'hurt+', 'beat+', 'beaten',
    'slit+', 'smash+', 'attack+', 'torture+', 'kidnap+', 'behead+', 'burn+', 'bomb+', 'bash+', 'stomp+',
    'punch+', 'kick+', 'slaughter+', 'execute+', 'massacre+', 'destroy+', 'assault+', 'maim+', 'hack+',
    'slice+', 'drown+', 'suffocate+', 'lynch+', 'jump+', 'slap+', 'hit', 'hits', 'hitting',
    'gut+', 'knife', 'knifed', 'shank+', 'whip+', 'cripple+', 'bludgeon+', 'club', 'clubbed', 'ambush+', 'torch+', 'knock+',
  ],
  // Words that alone already speak of violence (mentions: low).
  VIOLENT_WORD: [
    'kill+', 'murder+', 'stab+', 'strangle+', 'torture+', 'behead+', 'massacre+', 'slaughter+', 'assault+',
    'shoot+', 'shot', 'shootout', 'bomb+', 'violence', 'violent', 'bloodshed', 'gun+', 'weapon+', 'knife', 'knives',
    'war', 'wars', 'fight+', 'punch+', 'kidnap+', 'lynch+', 'genocide', 'terrorism', 'attack+',
  ],
  GORE: [
    'blood', 'bloody', 'bleed+', 'bled', 'brains', 'guts', 'entrails', 'intestines', 'skull', 'skulls', 'ribs',
    'teeth', 'limbs', 'limb', 'corpse', 'corpses', 'bodies', 'flesh', 'gore', 'gory', 'severed', 'dismember+',
    'mutilate+', 'decapitate+', 'splatter+', 'throat', 'bones', 'eyeballs', 'fingernails', 'unrecognisable',
    'unrecognizable', 'arteries', 'artery',
  ],
  SEVER: ['cut+', 'chop+', 'hack+', 'saw+', 'sawn', 'rip+', 'tear+', 'tore', 'torn', 'slice+', 'blow+', 'blew', 'blown'],
  LIMB: ['head', 'heads', 'arm', 'arms', 'leg', 'legs', 'limb', 'limbs', 'hand', 'hands', 'finger', 'fingers', 'ears', 'ear', 'face'],
  PLACE: [
    'school', 'schools', 'mall', 'church', 'mosque', 'synagogue', 'temple', 'office', 'rally', 'concert', 'club',
    'class', 'classroom', 'hospital', 'station', 'stadium', 'parade', 'festival', 'protest', 'market', 'building',
    'campus', 'courthouse', 'airport', 'embassy', 'party', 'police', 'shelter', 'house', 'home',
  ],
  WEAPONRY: ['bomb', 'bombs', 'explosive', 'explosives', 'napalm', 'grenade', 'grenades', 'detonator', 'ied', 'ricin', 'sarin', 'silencer', 'molotov'],
} as const;

export const VIOLENCE: CategoryLexicon = {
  rules: [
    // Mentions.
    ['@VIOLENT_WORD', 'low'],
    // Graphic description: harm with blood, wounds and body parts.
    ['@HARM ~8 @GORE', 'medium'],
    ['@GORE ~8 @HARM', 'medium'],
    ['dismember+|decapitate+|disembowel+|mutilate+|behead+|eviscerate+', 'medium'],
    ['gouge+ ~3 eye|eyes', 'medium'],
    ['@SEVER ~3 @LIMB off', 'medium'],
    ['@SEVER off ~3 @LIMB', 'medium'],
    ['@LIMB ~2 @SEVER off', 'medium'],
    ['skull|skulls|head|heads ~2 crack+|smash+|split|bash+|cave+|explode+|caved', 'medium'],
    ['blood|brains|intestines|guts ~3 splatter+|spray+|pour+|gush+|spill+|spilled|everywhere', 'medium'],
    ['burn+|bury+|buried ~3 alive', 'medium'],
    ['bleed+|bled out', 'medium'],
    ['knock+ ~2 @PERSON ~1 unconscious|out|cold', 'medium'],
    ['@HARM ~6 until|till ~4 dead|death|unconscious|moving|breathing|walk|bleed+', 'medium'],
    ['@HARM ~3 to death', 'medium'],
    ['torture+ ~3 @PERSON', 'medium'],
    ['pull+|rip+|tear+ out ~3 guts|eyes|teeth|heart|tongue', 'medium'],
    ['slit+|cut+ ~3 throat|throats', 'medium'],
    ['break+|snap+ ~2 @PERSON ~1 neck|spine|jaw|bones|legs|arms|nose', 'medium'],
    ['@HARM ~8 felt|feels|feel ~1 amazing|great|good|awesome|satisfying', 'medium'],
    ['deserve+ ~1 to be ~2 @HARM', 'medium'],
    ['so|until|while @PERSON ~1 chokes|dies|suffocates|bleeds|drowns|sleeps', 'medium'],
    ['pipe|nail|car|suicide bomb|bombs', 'medium'],
    // Threats, plans and requests for a method against people.
    ['@INTENT ~5 @HARM ~3 @PERSON', 'high'],
    ['i|we can|could|would ~1 @HARM ~3 @PERSON', 'high'],
    ['@HOWTO ~6 @HARM ~3 @PERSON', 'high'],
    ['^ @HARM ~3 @PERSON', 'high'],
    ['it take+|takes ~2 to @HARM ~2 @PERSON', 'high'],
    ['@HOWTO ~6 break+|snap+ ~2 @PERSON ~1 neck|spine|jaw|bones', 'high'],
    ['@HOWTO ~6 run|ran ~2 @PERSON over', 'high'],
    ['chemicals|poison|gas|bleach ~6 @HARM ~3 @PERSON', 'high'],
    ['@INTENT ~6 bullet|bullets', 'high'],
    ['@HOWTO|make ~4 @PERSON ~1 bleed+ out', 'high'],
    ['@WEAPONRY ~6 throw+|at ~3 @PLACE|@PERSON', 'high', 'strong'],
    // Attacks on places and weapons of mass harm are never capped by context.
    ['@HOWTO ~6 make|build|assemble|create|making|building ~3 @WEAPONRY', 'high', 'strong'],
    ['@INTENT ~4 shoot+|bomb+|attack+|blow|torch ~3 @PLACE', 'high', 'strong'],
    ['shoot+ up ~2 @PLACE', 'high', 'strong'],
    ['@WEAPONRY ~3 to blow|destroy|kill ~3 @PLACE|@PERSON', 'high', 'strong'],
    ['hide|dispose|dump|bury ~3 body|bodies|corpse', 'high', 'strong'],
    ['shooter|gunman|bomber|terrorist|killer ~4 hero|heroes|legend|idol', 'high', 'strong'],
    ['watch ~1 your back', 'low'],
  ],
  caps: [
    'film', 'films', 'movie', 'movies', 'game', 'games', 'novel', 'novels', 'book', 'books', 'documentary',
    'history', 'historical', 'historians', 'museum', 'episode', 'series', 'character', 'characters', 'plot',
    'review', 'fiction', 'actor', 'news', 'reported', 'arrested', 'trial', 'court', 'convicted', 'sentenced',
  ],
};
