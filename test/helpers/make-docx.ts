/**
 * Writes small, valid Word .docx files (OOXML in a ZIP, via jszip: not one of Weir's own
 * dependencies, but always installed as mammoth's), so loader tests and the shipped corpus have
 * real documents. Headings use the built-in "heading 1".."heading 3" paragraph styles (defined
 * in styles.xml, as Word writes them), so a reader that maps styles finds the structure; plus
 * plain paragraphs, bulleted paragraphs, simple tables, and the title in docProps/core.xml.
 *
 * Format reference: ECMA-376 Part 1 (WordprocessingML) and Part 2 (Open Packaging Conventions).
 */
import JSZip from 'jszip';

export type DocxBlock =
  | string
  | { heading: 1 | 2 | 3; text: string }
  | { bullet: string }
  | { table: string[][] };

export interface DocxOptions {
  /** Written to docProps/core.xml as dc:title. */
  title?: string;
}

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const run = (text: string) => `<w:r><w:t xml:space="preserve">${xml(text)}</w:t></w:r>`;
const para = (text: string, style?: string) => `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}${run(text)}</w:p>`;

function block(b: DocxBlock): string {
  if (typeof b === 'string') return para(b);
  if ('heading' in b) return para(b.text, `Heading${b.heading}`);
  if ('bullet' in b) return para(b.bullet, 'ListBullet');
  const rows = b.table.map((cells) => `<w:tr>${cells.map((c) => `<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>${para(c)}</w:tc>`).join('')}</w:tr>`);
  return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>${rows.join('')}</w:tbl>`;
}

const style = (id: string, name: string, extra = '') =>
  `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/><w:qFormat/>${extra}</w:style>`;

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="${W}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
${style('Heading1', 'heading 1', '<w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr>')}
${style('Heading2', 'heading 2', '<w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr>')}
${style('Heading3', 'heading 3', '<w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/></w:rPr>')}
${style('ListBullet', 'List Bullet')}
</w:styles>`;

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>`;

const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>`;

const DOC_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>`;

const core = (title?: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${title === undefined ? '' : `<dc:title>${xml(title)}</dc:title>`}<dc:creator>weir tests</dc:creator></cp:coreProperties>`;

/** A plain ZIP of the given files (e.g. a .docx without its Word parts, for error tests). */
export async function makeZip(files: Record<string, string>): Promise<Uint8Array> {
  const zip = new JSZip();
  const date = new Date(Date.UTC(2024, 0, 1));
  for (const [name, content] of Object.entries(files)) zip.file(name, content, { date });
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/** The .docx bytes; a fixed timestamp on every entry makes the same input give the same bytes. */
export async function makeDocx(blocks: DocxBlock[], opts: DocxOptions = {}): Promise<Uint8Array> {
  const document = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="${W}"><w:body>${blocks.map(block).join('')}<w:sectPr/></w:body></w:document>`;
  const zip = new JSZip();
  const date = new Date(Date.UTC(2024, 0, 1));
  zip.file('[Content_Types].xml', CONTENT_TYPES, { date });
  zip.file('_rels/.rels', ROOT_RELS, { date });
  zip.file('word/document.xml', document, { date });
  zip.file('word/_rels/document.xml.rels', DOC_RELS, { date });
  zip.file('word/styles.xml', STYLES, { date });
  zip.file('docProps/core.xml', core(opts.title), { date });
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}
