/**
 * Phrases whose words would otherwise feed a rule, blanked before any rule runs: programming
 * ("kill the child process"), cooking ("beat the eggs"), sport, make-up, education and prevention
 * ("suicide prevention hotline"), and negations ("nothing explicit").
 */
export const SUPPRESS: readonly string[] = [
  'child|parent|zombie|orphan|background|worker|idle process|processes|thread|threads|node|nodes|element|elements|widget|widgets|component|components|task|tasks|job|jobs|pid|pids',
  'zombie|orphan|orphaned child|children|kids',
  'kill|killer switch|feature|features|app|apps|move|combo|shot|signal',
  'kill|killing|killed time',
  'dressed to kill',
  'beat+|whip+|whisk+ ~2 egg+|cream|batter|butter|sugar|mixture|whites|yolks|dough',
  'sex education|ed|educator|educators|therapist|therapy|worker|workers',
  'sex of ~2 chick|chicks|baby|fetus|foetus|animal|puppy|kitten',
  'suicide prevention|hotline|lifeline|helpline|awareness|watch|hotlines',
  'crisis line|lifeline|hotline|helpline',
  'self defense|defence|defensive',
  'nothing|not|no|non|without|never explicit|graphic',
  'photo shoot',
  'shoot+|shot ~2 video|videos|photo|photos|film|scene|footage|pictures|commercial|hoops|pointer|basket|goal|email|message|notification|notifications',
  'shooting range|gallery|star|guard|pains',
  'flu|booster|vaccine|shot glass',
  'penetration test+',
  'master slave',
  'attack surface|vector|vectors|tree',
  'blow+|blew up ~2 balloon|balloons|photo|image|picture',
  'nude lipstick|color|colour|colors|colours|shade|shades|tones|heels|palette',
  'dick cheney|van|tracy|grayson',
  'moby dick',
  'die|dies|died|dying laughing',
  'dying to',
];
