/**
 * Seeded, deterministic synthetic text for the data benchmarks: English-like sentences drawn from
 * templates over a few hundred words and ~30 topics, so chunks differ (identical chunks would be
 * deduplicated by content hash), keyword search has words that are rare or common, and vectors
 * of related passages sit near each other. Same seed, same bytes.
 */

/** mulberry32: a small, fast, seeded PRNG returning [0, 1). */
export function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const w = (s: string) => s.trim().split(/\s+/);

const TOPICS: Record<string, string[]> = {
  rivers: w('river delta floodplain levee current estuary tributary sediment dam weir canal barge ferry bank meander watershed'),
  baking: w('dough flour oven crust yeast butter loaf starter pastry glaze batter whisk rye sourdough crumb proofing'),
  astronomy: w('telescope comet nebula orbit galaxy eclipse asteroid quasar planet moon satellite observatory parallax spectrum'),
  finance: w('ledger invoice dividend bond portfolio audit budget revenue margin equity loan interest payroll refund'),
  gardening: w('compost seedling trellis mulch perennial hedge orchard pruning soil greenhouse tulip fern bulb irrigation'),
  networking: w('router packet latency firewall gateway socket protocol bandwidth switch subnet proxy certificate handshake'),
  medicine: w('clinic dosage symptom vaccine diagnosis therapy patient nurse fracture allergy prescription ward antibody'),
  sailing: w('hull mast rudder keel sail harbor anchor tide compass knot jib mooring galley deck'),
  railways: w('locomotive timetable platform signal carriage junction freight sleeper viaduct conductor depot gauge'),
  chemistry: w('molecule catalyst solvent reaction isotope polymer acid enzyme crystal compound titration oxide'),
  music: w('melody chord rhythm orchestra tempo violin score harmony rehearsal choir cadence percussion'),
  law: w('contract statute plaintiff verdict clause tribunal appeal testimony warrant license liability'),
  weather: w('forecast drizzle cyclone humidity pressure front thunderstorm frost monsoon breeze drought'),
  databases: w('index query transaction schema replica cursor migration shard backup table column snapshot'),
  farming: w('tractor harvest barley cattle silo pasture fence irrigation plough wheat dairy fertilizer'),
  architecture: w('facade arch column vault beam courtyard staircase atrium cornice foundation scaffold'),
  geology: w('basalt fault magma glacier fossil quarry stratum erosion granite volcano mineral'),
  cooking: w('saucepan broth skillet marinade garlic simmer recipe spice ladle stew roast'),
  libraries: w('catalog archive manuscript shelf librarian periodical reading loan folio binding'),
  aviation: w('runway cockpit fuselage altitude hangar propeller turbulence pilot glider airfield'),
  energy: w('turbine battery grid solar inverter transformer kilowatt reactor pipeline substation'),
  textiles: w('loom wool spindle dye linen weave thread cotton tailor stitch fabric'),
  robotics: w('actuator sensor gripper servo controller lidar encoder firmware chassis manipulator'),
  oceans: w('reef current plankton trench kelp whale coral salinity tide lagoon'),
  education: w('curriculum lecture syllabus exam tutor semester campus thesis seminar grade'),
  forestry: w('timber canopy sapling logging ranger lumber birch oak pine clearing'),
  mining: w('shaft ore tunnel drill seam miner lantern pit smelter excavation'),
  translation: w('glossary idiom dialect grammar lexicon syntax vocabulary accent phrase manuscript'),
  retail: w('checkout warehouse inventory discount shelf customer receipt supplier storefront barcode'),
  photography: w('lens shutter aperture exposure tripod darkroom negative flash portrait focus'),
};
export const TOPIC_NAMES = Object.keys(TOPICS);

const ADJ = w(`old new large small quiet busy narrow wide early late careful simple complex bright dark heavy light
  northern southern eastern western rare common modern ancient local remote steady rapid fragile sturdy hidden
  public private seasonal annual detailed rough smooth familiar strange useful costly cheap damp dry warm cold`);
const VERB = w(`inspects repairs measures records describes replaces moves protects follows crosses carries builds
  studies tests maps cleans checks joins divides supplies reaches shapes guards lifts opens closes drains feeds`);
const VERB_PAST = w(`inspected repaired measured recorded described replaced moved protected followed crossed carried
  built studied tested mapped cleaned checked joined divided supplied reached shaped guarded lifted opened closed`);
const PERSON = w(`Ada Bram Chiara Dmitri Esme Farid Greta Hugo Ines Jonas Kaveh Lotte Mateo Nadia Oskar Priya Quentin
  Rosa Sven Tamsin Ugo Vera Wen Xavier Yara Zoltan`);
const PLACE = w(`Amberley Brackwater Coldharbour Dunmore Eastwick Fallowfield Greystone Hollins Inverley Kestrel
  Longmere Marrow Northgate Oakhurst Pellham Redbourne Saltmarsh Thornbury Upton Westmere`);
const GENERIC = w(`team report plan season council village city method tool map note morning week year office committee
  summary survey route record letter sample project budget meeting station`);
const ADV = w(`slowly quickly carefully rarely often usually quietly openly gradually suddenly nearly barely`);
const LINK = w(`because although while after before unless since whenever once`);
const PREP = w(`near beside behind across under over along through beyond around inside`);

const SYLLABLES = w('ka lo ri an te vo mer sil dra bel tor nu fen gal pri os ul ven ci dar mo lin ske har qui bo zel ter mas ro bri cal dun eth fro gis hol jan kes lum nor pel rav sut tam vir wex yor zan');

/**
 * Made-up words (part numbers, place and product names, jargon: the rare terms real documents are
 * full of), drawn by a Zipf law so a few are common and most are rare, as in real text. Keyword
 * search cost depends on how many chunks a query's words occur in, so a small closed vocabulary
 * alone would make BM25 look slower than it is on real documents.
 */
const LEXICON: string[] = (() => {
  const r = prng(424242);
  const known = new Set([...Object.values(TOPICS).flat(), ...ADJ, ...GENERIC].map((x) => x.toLowerCase()));
  const out = new Set<string>();
  while (out.size < 20_000) {
    const n = 2 + Math.floor(r() * 3);
    let word = '';
    for (let i = 0; i < n; i++) word += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
    if (!known.has(word)) out.add(word);
  }
  return [...out];
})();
const ZIPF_CDF: Float64Array = (() => {
  const cdf = new Float64Array(LEXICON.length);
  let sum = 0;
  for (let i = 0; i < cdf.length; i++) cdf[i] = sum += 1 / (i + 1);
  for (let i = 0; i < cdf.length; i++) cdf[i] /= sum;
  return cdf;
})();

export class TextGen {
  readonly rand: () => number;
  constructor(seed: number) {
    this.rand = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** A topic word most of the time, a generic one otherwise: topics stay recognisable but overlap. */
  noun(topic: string): string {
    const r = this.rand();
    return r < 0.65 ? this.pick(TOPICS[topic]) : r < 0.85 ? this.term(topic) : this.pick(GENERIC);
  }
  /** A made-up word by Zipf rank; each topic ranks the lexicon differently. */
  term(topic: string): string {
    const x = this.rand();
    let lo = 0;
    let hi = ZIPF_CDF.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ZIPF_CDF[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return LEXICON[(lo * 7919 + TOPIC_NAMES.indexOf(topic) * 104729) % LEXICON.length];
  }
  np(topic: string): string {
    const r = this.rand();
    if (r < 0.35) return `the ${this.noun(topic)}`;
    if (r < 0.65) return `the ${this.pick(ADJ)} ${this.noun(topic)}`;
    if (r < 0.8) return `a ${this.pick(ADJ)} ${this.noun(topic)} ${this.pick(PREP)} ${this.pick(PLACE)}`;
    return `${this.pick(PERSON)}'s ${this.noun(topic)}`;
  }
  sentence(topic: string): string {
    const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
    switch (this.int(9)) {
      case 0:
        return `${cap(this.np(topic))} ${this.pick(VERB)} ${this.np(topic)}.`;
      case 1:
        return `In ${1850 + this.int(175)}, ${this.pick(PERSON)} ${this.pick(VERB_PAST)} ${this.np(topic)} ${this.pick(PREP)} ${this.pick(PLACE)}.`;
      case 2:
        return `${cap(this.np(topic))} ${this.pick(ADV)} ${this.pick(VERB)} ${this.np(topic)} ${this.pick(LINK)} ${this.np(topic)} ${this.pick(VERB)} ${this.np(topic)}.`;
      case 3:
        return `About ${2 + this.int(98)} percent of ${this.np(topic)} ${this.pick(VERB)} ${this.np(topic)} each ${this.pick(['week', 'month', 'season', 'year'])}.`;
      case 4:
        return `Why does ${this.np(topic)} ${this.pick(VERB).replace(/s$/, '')} ${this.np(topic)}?`;
      case 5:
        return `${this.pick(PERSON)} noted that ${this.np(topic)} was ${this.pick(ADJ)}, ${this.pick(ADJ)} and ${this.pick(['worth keeping', 'hard to find', 'easy to miss', 'often late', 'well known'])}.`;
      case 6:
        return `${cap(this.pick(LINK))} ${this.np(topic)} ${this.pick(VERB)} ${this.np(topic)}, ${this.np(topic)} ${this.pick(ADV)} ${this.pick(VERB)} ${this.np(topic)} ${this.pick(PREP)} ${this.np(topic)}.`;
      case 7:
        return `The ${this.pick(GENERIC)} from ${this.pick(PLACE)} lists ${2 + this.int(40)} ${this.noun(topic)}s, ${this.int(12)} of them ${this.pick(ADJ)}.`;
      default:
        return `${cap(this.np(topic))} ${this.pick(VERB)} ${this.np(topic)} and ${this.pick(VERB)} ${this.np(topic)}.`;
    }
  }
  paragraph(topic: string, min = 3, max = 8): string {
    const n = min + this.int(max - min + 1);
    return Array.from({ length: n }, () => this.sentence(topic)).join(' ');
  }
  heading(topic: string): string {
    const adj = this.pick(ADJ);
    return `${adj[0].toUpperCase()}${adj.slice(1)} ${this.noun(topic)}s of ${this.pick(PLACE)}`;
  }
  /** A short search-box query about a topic. */
  query(): string {
    const topic = this.pick(TOPIC_NAMES);
    switch (this.int(4)) {
      case 0:
        return `${this.pick(TOPICS[topic])} ${this.pick(TOPICS[topic])}`;
      case 1:
        return `how does the ${this.pick(ADJ)} ${this.pick(TOPICS[topic])} ${this.pick(VERB).replace(/s$/, '')} the ${this.pick(TOPICS[topic])}`;
      case 2:
        return this.rand() < 0.5 ? `${this.pick(PERSON)} ${this.pick(TOPICS[topic])} ${this.pick(PLACE)}` : `${this.term(topic)} ${this.pick(TOPICS[topic])}`;
      default:
        return this.sentence(topic);
    }
  }
}

export interface CorpusFile {
  name: string;
  bytes: Uint8Array;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * `files` documents, a third each .md, .txt and .html, about `totalBytes` in all (each file 0.5–1.5×
 * the mean), made of sections of 1–4 paragraphs on one main topic with a second topic mixed in.
 * HTML files carry a <style>, a <script> and a <nav> the loader must drop.
 */
export function generateCorpus(files: number, totalBytes: number, seed = 7): CorpusFile[] {
  const g = new TextGen(seed);
  const enc = new TextEncoder();
  const out: CorpusFile[] = [];
  const mean = totalBytes / files;
  for (let f = 0; f < files; f++) {
    const main = TOPIC_NAMES[f % TOPIC_NAMES.length];
    const other = g.pick(TOPIC_NAMES);
    const title = `${g.heading(main)} (${f + 1})`;
    const target = mean * (0.5 + g.rand());
    const sections: { heading: string; paras: string[] }[] = [];
    for (let size = 0; size < target || sections.length < 2; ) {
      const topic = g.rand() < 0.8 ? main : other;
      const s = { heading: g.heading(topic), paras: Array.from({ length: 1 + g.int(4) }, () => g.paragraph(topic)) };
      sections.push(s);
      size += s.heading.length + s.paras.reduce((n, p) => n + p.length + 2, 4);
    }
    const kind = f % 3;
    const stem = `doc-${String(f).padStart(4, '0')}-${main}`;
    let name: string;
    let text: string;
    if (kind === 0) {
      name = `${stem}.md`;
      text = `# ${title}\n\n${sections.map((s, i) => `${i % 3 === 2 ? '###' : '##'} ${s.heading}\n\n${s.paras.join('\n\n')}\n`).join('\n')}`;
    } else if (kind === 1) {
      name = `${stem}.txt`;
      text = `${title}\n\n${sections.map((s) => `${s.heading}\n\n${s.paras.join('\n\n')}\n`).join('\n')}`;
    } else {
      name = `${stem}.html`;
      text =
        `<!doctype html><html><head><title>${escapeHtml(title)}</title><style>body{font-family:serif}</style>` +
        `<script>window.analytics=${f};</script></head><body><nav><a href="/">Home</a></nav><h1>${escapeHtml(title)}</h1>\n` +
        sections.map((s) => `<h2>${escapeHtml(s.heading)}</h2>\n${s.paras.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}`).join('\n') +
        `\n</body></html>\n`;
    }
    out.push({ name, bytes: enc.encode(text) });
  }
  return out;
}
