import type { CategoryLexicon } from './shared.ts';

/**
 * A mention of sex or nudity is low ("safe sex", "a nude figure of Venus"); explicit words,
 * erotic descriptions and requests for pornographic content are medium; graphic detail, force and
 * anything sexual about minors are high (and never capped by context).
 */
export const SEXUAL_CLASSES = {
  SEX_LOW: [
    'sex', 'sexual', 'sexy', 'naked', 'nude', 'undress+', 'undressed', 'strip+', 'seduce+', 'moan+', 'kiss+',
    'steamy', 'lingerie', 'intercourse', 'aroused', 'arousal', 'erection', 'stripper', 'hooker', 'thong',
    'sensual', 'lust', 'intimate', 'penetration', 'hook', 'smut',
  ],
  SEX_HOT: [
    'porn', 'porno', 'pornography', 'pornographic', 'hentai', 'blowjob', 'blowjobs', 'handjob', 'handjobs', 'cum',
    'cumming', 'cumshot', 'orgasm+', 'masturbate+', 'masturbation', 'horny', 'nudes', 'dildo', 'dildos',
    'gangbang', 'orgy', 'orgies', 'fuckable', 'erotic', 'erotica', 'sext+', 'nsfw', 'xxx', 'milf', 'milfs',
    'onlyfans', 'threesome', 'boobs', 'titties', 'molest+', 'pedo', 'smutty',
  ],
  // Words with an innocent sense (Dick Cheney, the cock crowed, great tits are birds).
  AMBIG: ['dick', 'dicks', 'cock', 'cocks', 'pussy', 'pussies', 'tits', 'nipples', 'booty'],
  EXPLICIT: ['explicit', 'dirty', 'dirtiest', 'hardcore', 'erotic', 'kinky', 'nsfw', 'naughty', 'raunchy', 'hot', 'sexy'],
  BODY_SEX: ['body', 'nipples', 'breasts', 'boobs', 'neck', 'thighs', 'dick', 'cock', 'pussy', 'tits'],
} as const;

export const SEXUAL: CategoryLexicon = {
  escalate: true,
  rules: [
    ['@SEX_LOW', 'low'],
    ['@SEX_HOT', 'medium'],
    ['@AMBIG ~6 @SEX_LOW|@SEX_HOT|@AMBIG', 'medium'],
    ['@SEX_LOW|@SEX_HOT ~6 @AMBIG', 'medium'],
    ['his|her|my|your|huge|big|hard|wet|tight|small|massive|suck+|lick+ @AMBIG', 'medium'],
    ['oral|anal|phone sex', 'medium'],
    ['sex chat|toys|toy|tape|scene|scenes|video|videos|positions', 'medium'],
    ['@EXPLICIT ~4 sex|sexual|scene|story|stories|fantasy|fantasies|chat|pics|photos|videos|content', 'medium'],
    ['jerk+|jack+ off', 'medium'],
    ['@SEX_LOW ~8 detail|details|graphically', 'medium'],
    ['spread+ ~1 her|his|my|your legs', 'medium'],
    ['go|went|goes|going down on ~1 each|her|him|me|you', 'medium'],
    ['talk+ dirty', 'medium'],
    ['people|couple|they|them ~1 fucking|fuck', 'medium'],
    ['between ~1 her|his|your|my thighs|legs', 'medium'],
    ['want+ ~1 @PERSON|me inside ~1 @PERSON|me', 'medium'],
    ['lick+|suck+ ~4 @BODY_SEX', 'medium'],
    ['fuck+ ~2 her|him|them|me ~2 hard|all|in|on|while|from', 'medium'],
    ['fucked|fucks her|him|them', 'medium'],
    // Graphic detail, force, minors.
    ['@SEX_LOW|@SEX_HOT|@AMBIG ~10 explicit|graphic ~1 detail|details', 'high', 'strong'],
    ['explicit|graphic ~1 detail|details ~10 @SEX_LOW|@SEX_HOT|@AMBIG', 'high', 'strong'],
    ['rape+ ~3 @PERSON|me', 'high', 'strong'],
    ['@SEX_LOW|@SEX_HOT ~8 against ~1 her|his|my|their will', 'high', 'strong'],
    ['forced|forcing|force ~3 sex', 'high', 'strong'],
    ['forc+ ~1 himself|herself|themselves on', 'high', 'strong'],
    ['@SEX_HOT|sexy|nude|naked|seduce+|molest+ ~10 @MINOR', 'high', 'strong'],
    ['@MINOR ~10 @SEX_HOT|sexy|nude|naked|seduce+|molest+', 'high', 'strong'],
    ['@SEX_HOT|sexy|nude|naked|seduce+|molest+|sex|sexual ~10 @UNDER18 year|years|yr ~1 old|olds', 'high', 'strong'],
    ['@UNDER18 year|years|yr ~1 old|olds ~10 @SEX_HOT|sexy|nude|naked|seduce+|molest+|sleep|sex', 'high', 'strong'],
    ['rape+', 'low'],
  ],
  caps: [
    'health', 'medical', 'doctor', 'clinic', 'pregnancy', 'pregnant', 'puberty', 'biology', 'anatomy', 'museum',
    'painting', 'art', 'statue', 'sculpture', 'cancer', 'screening', 'education', 'educational', 'consent',
  ],
};
