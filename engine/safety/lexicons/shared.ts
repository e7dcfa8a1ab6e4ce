import type { Severity } from '../types.ts';

/**
 * The shape of a lexicon (one small data file per category) and the word classes the categories
 * share. Rules are token patterns (token-pattern.ts) with the severity of what they describe:
 * a mention is low, a graphic description or a dehumanising claim medium, a threat, an instruction
 * to harm, or a call to violence high. Benign uses are handled by suppressions (benign.ts), which
 * blank phrases like "child process" before rules run, and by context caps.
 */
export type Rule = readonly [pattern: string, severity: Severity, strong?: 'strong'];

export interface CategoryLexicon {
  rules: readonly Rule[];
  /**
   * Words that mark a sentence as reporting, fiction, history, medicine or prevention: there, hits
   * of rules not marked `strong` count as low at most ("the history of the Holocaust").
   */
  caps?: readonly string[];
  /** Two separate low hits in one sentence add up to medium ("undressed … naked and moaning"). */
  escalate?: boolean;
}

export const SHARED_CLASSES = {
  PERSON: [
    'you', 'u', 'ya', 'yall', 'him', 'her', 'them', 'he', 'she', 'they', 'his', 'your', 'ur', 'their',
    'someone', 'somebody', 'anyone', 'anybody', 'people', 'person', 'persons', 'human', 'humans',
    'man', 'men', 'woman', 'women', 'boy', 'boys', 'girl', 'girls', 'kid', 'kids', 'child', 'children', 'baby',
    'wife', 'husband', 'boss', 'teacher', 'teachers', 'neighbor', 'neighbour', 'neighbors', 'neighbours',
    'roommate', 'ex', 'brother', 'sister', 'mom', 'mum', 'dad', 'mother', 'father', 'stepfather', 'stepmother',
    'stepdad', 'stepmom', 'family', 'everyone', 'everybody', 'victim', 'victims', 'hostage', 'hostages',
    'prisoner', 'prisoners', 'classmate', 'classmates', 'coworker', 'coworkers', 'colleague', 'colleagues',
    'cop', 'cops', 'police', 'officer', 'officers', 'president', 'guy', 'guys', 'girlfriend', 'boyfriend',
    'student', 'students', 'protesters', 'protestors', 'crowd', 'traitor', 'traitors', 'stranger', 'strangers',
    'grandma', 'grandpa', 'whoever', 'civilians', 'villagers', 'pupils', 'bitch', 'bastard',
    'landlord', 'guard', 'guards', 'gang', 'rival', 'rivals', 'enemy', 'enemies', 'pupil', 'partner',
  ],
  // Words that announce intent: "I'm going to", "I'll", "we should", "let's".
  INTENT: [
    'will', 'ill', 'gonna', 'going', 'wanna', 'want', 'wants', 'plan', 'planning', 'intend', 'intending',
    'should', 'must', 'lets', 'let', 'gon', 'shall', 'finna', 'need', 'gotta',
  ],
  // Words that ask for or give a method.
  HOWTO: [
    'how', 'way', 'ways', 'steps', 'instructions', 'tips', 'teach', 'explain', 'method', 'methods',
    'guide', 'tutorial', 'best', 'easiest', 'quickest', 'fastest', 'simplest', 'help', 'effective', 'through',
  ],
  UNDER18: [
    '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17',
    'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
    'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen',
  ],
  MINOR: ['child', 'children', 'kid', 'kids', 'underage', 'minor', 'minors', 'preteen', 'preteens', 'toddler', 'schoolgirl', 'schoolboy', 'infant'],
} as const;
