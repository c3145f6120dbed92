import type { ReadDocument } from '../read-store.port';

/**
 * The embedded store's documents are plain JSON (what a reopened store reads back), never aliasing a
 * caller's objects, and never mutated once stored (a write replaces the document). So each stored
 * document's JSON text is computed once, when it is made, and kept beside it: the commit writes that
 * text, "did the update change it?" compares two texts, and a copy handed to a caller is one
 * `JSON.parse` of it. Without it, every write serialised the same document three or four times and
 * every read twice (stringify + parse), most of a catch-up's time.
 */
const texts = new WeakMap<object, string>();

/** A stored document made from `value`: a deep JSON copy (undefined fields dropped), its text kept. */
export const storedDocument = <T extends object>(value: T): T => {
  const text = JSON.stringify(value);
  const document = JSON.parse(text) as T;
  texts.set(document, text);
  return document;
};

/** A stored document read back from its text (the file's row), the text kept. */
export const documentFromText = (text: string): ReadDocument => {
  const document = JSON.parse(text) as ReadDocument;
  texts.set(document, text);
  return document;
};

/** The JSON text of a stored document (computed and kept once for a document made elsewhere). */
export const textOf = (document: object): string => {
  let text = texts.get(document);
  if (text === undefined) {
    text = JSON.stringify(document);
    texts.set(document, text);
  }
  return text;
};

/** A deep copy of a stored document for a caller, who may change it freely. */
export const copyOf = <T>(document: T): T => JSON.parse(textOf(document as object)) as T;

/** Deep copies of stored documents for a caller. */
export const copiesOf = <T>(documents: readonly T[]): T[] => documents.map((document) => copyOf(document));
