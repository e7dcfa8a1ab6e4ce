/**
 * What every loader returns: a document as an ordered list of sections, each with its heading
 * path (and page for PDFs), plus the full text the sections' character spans point into. The
 * chunker and citations only ever see this shape, never the source format.
 */

export type DocumentFormat = 'txt' | 'md' | 'html' | 'pdf' | 'docx' | 'json' | 'jsonl' | 'csv';

export type MetadataValue = string | number | boolean;

export interface Section {
  text: string;
  /** Enclosing headings, outermost first; [] when the format has none. */
  headingPath: string[];
  /** 1-based page number (PDF only). */
  page?: number;
  /** Character span of `text` in the document's `fullText`: fullText.slice(start, end) === text. */
  start: number;
  end: number;
  /** Record fields other than the text (json, jsonl, csv). */
  metadata?: Record<string, MetadataValue>;
}

export interface LoadedDocument {
  name: string;
  title: string;
  format: DocumentFormat;
  sections: Section[];
  /** The sections' texts joined by blank lines; every span points into this. */
  fullText: string;
}

/** A section before spans are assigned (what a format parser produces). */
export type RawSection = Omit<Section, 'start' | 'end'>;
