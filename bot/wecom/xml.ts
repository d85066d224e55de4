// WeCom's XML, read with fast-xml-parser: every field a string (MsgId and CreateTime must not become numbers).
import { XMLParser, XMLValidator } from 'fast-xml-parser';

const parser = new XMLParser({
  parseTagValue: false,
  ignoreAttributes: true,
  processEntities: false,
  isArray: (name) => name === 'SelectedItem' || name === 'OptionId',
});

export type XmlObject = { [k: string]: string | XmlObject | XmlObject[] | string[] };

/** The children of the root `<xml>` element; throws on anything that is not such a document. */
export function parseWecomXml(text: string): XmlObject {
  if (XMLValidator.validate(text) !== true) throw new Error('not XML');
  const doc = parser.parse(text) as { xml?: XmlObject };
  if (!doc.xml || typeof doc.xml !== 'object') throw new Error('no <xml> root');
  return doc.xml;
}

export const field = (x: XmlObject, name: string): string | undefined =>
  typeof x[name] === 'string' ? x[name] : undefined;

/** CDATA-wrapped XML for a passive reply (the text is ours, but a `]]>` must still not end the section). */
export function cdata(value: string): string {
  return `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}
