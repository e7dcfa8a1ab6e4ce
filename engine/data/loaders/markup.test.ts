import { describe, expect, it } from 'vitest';
import { load, checkDocument, sectionOf } from './test-helpers.ts';

describe('markdown', () => {
  const md = [
    '---',
    'title: "The Field Guide"',
    'tags: [a, b]',
    '---',
    'Before any heading.',
    '',
    '# Birds',
    'Birds have feathers.',
    '',
    '## Songbirds',
    'Robins sing at dawn.',
    '',
    '### Thrushes',
    'Thrushes eat worms.',
    '',
    '## Raptors ##',
    'Hawks hunt by day.',
    '',
    '```python',
    '# not a heading, a comment',
    'print("hawk")',
    '```',
    '',
    '# Fish',
    '#### Deep sea',
    'Anglerfish carry a lure.',
    '',
    'Mammals',
    '=======',
    'Whales breathe air.',
    '',
    'Bats',
    '----',
    'Bats fly at night.',
    '',
    '---',
    '',
    'After a rule.',
  ].join('\n');

  it('gives each run of text its heading path, nested, across ATX and setext headings', async () => {
    const doc = checkDocument(await load('guide.md', md));
    expect(doc.title).toBe('The Field Guide');
    expect(doc.fullText).not.toContain('tags:');
    expect(sectionOf(doc, 'Before any heading').headingPath).toEqual([]);
    expect(sectionOf(doc, 'feathers').headingPath).toEqual(['Birds']);
    expect(sectionOf(doc, 'Robins').headingPath).toEqual(['Birds', 'Songbirds']);
    expect(sectionOf(doc, 'Thrushes eat').headingPath).toEqual(['Birds', 'Songbirds', 'Thrushes']);
    // A new h2 closes the h3 before it; closing #s are not part of the heading.
    expect(sectionOf(doc, 'Hawks').headingPath).toEqual(['Birds', 'Raptors']);
    // Code fences keep their '#' lines as text.
    expect(sectionOf(doc, 'Hawks').text).toContain('# not a heading, a comment');
    // A skipped level leaves no gap in the path.
    expect(sectionOf(doc, 'Anglerfish').headingPath).toEqual(['Fish', 'Deep sea']);
    expect(sectionOf(doc, 'Whales').headingPath).toEqual(['Mammals']);
    expect(sectionOf(doc, 'Bats fly').headingPath).toEqual(['Mammals', 'Bats']);
    expect(sectionOf(doc, 'After a rule').headingPath).toEqual(['Mammals', 'Bats']);
    // Heading lines are structure, not body text.
    expect(doc.sections.some((s) => /^#/m.test(s.text.replace(/```[\s\S]*?```/g, '')))).toBe(false);
  });

  it('takes the title from the first h1, else the file name; ignores empty headings', async () => {
    expect((await load('x.md', 'intro\n\n## Sub\n\ntext\n\n# Real Title\n\nmore')).title).toBe('Real Title');
    const doc = await load('docs/release-plan.markdown', 'Just text.\n\n#\n\nUnder an empty heading.');
    expect(doc.title).toBe('release-plan');
    expect(sectionOf(doc, 'Under an empty').headingPath).toEqual([]);
  });
});

describe('html', () => {
  const html = `<!DOCTYPE html><html><head>
    <title>  Garden   Tools </title>
    <style>body { color: STYLETEXT; }</style>
    <script>var tracking = "SCRIPTTEXT";</script>
  </head><body>
    <nav><a href="/"><img src="logo.png">NAVHOME</a><br> | <a href="/shop">NAVSHOP</a><input type="search"></nav>
    <noscript>NOSCRIPTTEXT</noscript>
    <div aria-hidden="true">ARIAHIDDEN<br/><hr></div><p hidden>HIDDENTEXT <b>nested</b><img src="x"></p>
    <p>Intro &amp; welcome, caf&eacute; &lt;tools&gt;.</p>
    <h1>Garden tools</h1>
    <p>Tools <em>make</em>
       gardening easier.</p>
    <h2>Spades</h2><p>A spade has a flat blade.</p>
    <h3>Border spades</h3><p>Border spades are narrow.</p>
    <h4>Tiny</h4><h5>Tinier</h5><h6>Tiniest</h6><p>Six levels deep.</p>
    <h2>Shears <small>(and loppers)</small></h2>
    <table><tr><th>Model</th><th>Price</th></tr><tr><td>Snip 2</td><td>$19</td></tr><tr><td><p>Lop XL</p></td><td>$45</td></tr></table>
    <ul><li>Oil the blades</li><li>Store dry</li></ul>
    <pre>line one
  line two</pre>
    <p>Unclosed paragraph <b>bold
  </body></html>`;

  it('keeps only readable text: script, style, nav, noscript and hidden content are dropped', async () => {
    const doc = checkDocument(await load('tools.html', html));
    for (const noise of ['STYLETEXT', 'SCRIPTTEXT', 'NAVHOME', 'NAVSHOP', 'NOSCRIPTTEXT', 'ARIAHIDDEN', 'HIDDENTEXT', 'nested', 'tracking', 'color']) {
      expect(doc.fullText).not.toContain(noise);
    }
    expect(doc.fullText).toContain('Intro & welcome, café <tools>.');
    expect(doc.fullText).toContain('Tools make gardening easier.');
    expect(doc.fullText).toContain('Unclosed paragraph bold');
  });

  it('builds heading paths from h1-h6 and titles the document by <title>', async () => {
    const doc = checkDocument(await load('tools.htm', html));
    expect(doc).toMatchObject({ title: 'Garden Tools', format: 'html' });
    expect(sectionOf(doc, 'Intro').headingPath).toEqual([]);
    expect(sectionOf(doc, 'gardening easier').headingPath).toEqual(['Garden tools']);
    expect(sectionOf(doc, 'flat blade').headingPath).toEqual(['Garden tools', 'Spades']);
    expect(sectionOf(doc, 'narrow').headingPath).toEqual(['Garden tools', 'Spades', 'Border spades']);
    expect(sectionOf(doc, 'Six levels').headingPath).toEqual(['Garden tools', 'Spades', 'Border spades', 'Tiny', 'Tinier', 'Tiniest']);
    expect(sectionOf(doc, 'Snip 2').headingPath).toEqual(['Garden tools', 'Shears (and loppers)']);
  });

  it('keeps table rows together as lines, list items as lines, and <pre> line breaks', async () => {
    const doc = await load('tools.html', html);
    const shears = sectionOf(doc, 'Snip 2').text;
    expect(shears).toContain('Model | Price\nSnip 2 | $19\nLop XL | $45');
    expect(shears).toContain('Oil the blades\nStore dry');
    expect(shears).toContain('line one\nline two');
    // Paragraphs are separated by blank lines for the chunker.
    expect(sectionOf(doc, 'Intro').text).toBe('Intro & welcome, café <tools>.');
  });

  it('titles by the first heading when there is no <title>, else by file name', async () => {
    expect((await load('page.html', '<p>x</p><h2>Second level</h2><p>y</p>')).title).toBe('Second level');
    expect((await load('dir/page.html', '<p>only text</p>')).title).toBe('page');
  });
});
