import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** One (event type, schema version) the domain declares, and the TypeScript alias that holds its shape. */
export interface DeclaredEventVersion {
  type: string;
  version: number;
  /** The exported alias: `ObjectiveSet` for the version written today, `ObjectiveSetV1` for an older one. */
  alias: string;
  /** Its TSDoc, which becomes the schema's description. */
  description?: string;
  /** Repository-relative file that declares it. */
  file: string;
}

/** Where the domain's sources are, from the repository root. */
export const DOMAIN_SOURCES = 'libs/okr-domain/src/lib';

const OLDER_VERSION = /^(.+)V(\d+)$/;

/**
 * Every event type and schema version the domain declares, read from its sources: each exported
 * `type X = DomainEvent<'X', Data>` is the version written today; an older shape kept for its
 * upcaster is exported as `type XV1 = DomainEvent<'X', OldData>` (`XV2`, ...). The version written
 * today is the one after the last older version (1 when there is none). An alias named otherwise
 * is refused, so that no event type escapes the catalogue under a name nobody can map to a version.
 */
export function declaredEventVersions(root: string): DeclaredEventVersion[] {
  const found = domainSourceFiles(join(root, DOMAIN_SOURCES)).flatMap((path) => eventAliases(path, relative(root, path)));
  const byType = new Map<string, typeof found>();
  for (const alias of found) byType.set(alias.type, [...(byType.get(alias.type) ?? []), alias]);

  const declared: DeclaredEventVersion[] = [];
  for (const [type, aliases] of byType) {
    const current = aliases.filter((a) => a.alias === type);
    const older = aliases.filter((a) => a.alias !== type);
    for (const alias of older) {
      const match = OLDER_VERSION.exec(alias.alias);
      if (match?.[1] !== type) {
        throw new Error(`${alias.file}: the alias ${alias.alias} of event type ${type} must be named ${type} (written today) or ${type}V<N> (an older version)`);
      }
    }
    const [written] = current;
    if (!written || current.length !== 1) throw new Error(`event type ${type} needs exactly one alias named ${type} (the version written today)`);
    const olderVersions = older.map((a) => ({ ...a, version: Number(OLDER_VERSION.exec(a.alias)?.[2]) })).sort((a, b) => a.version - b.version);
    olderVersions.forEach((a, index) => {
      if (a.version !== index + 1) throw new Error(`event type ${type}: older versions must be V1..V${olderVersions.length}, found ${a.alias}`);
    });
    declared.push(...olderVersions, { ...written, version: olderVersions.length + 1 });
  }
  return declared.sort((a, b) => a.type.localeCompare(b.type) || a.version - b.version);
}

function domainSourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return domainSourceFiles(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
    })
    .sort();
}

/** Exported `type A = DomainEvent<'T', ...>` aliases of one file. */
function eventAliases(path: string, file: string): Omit<DeclaredEventVersion, 'version'>[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const aliases: Omit<DeclaredEventVersion, 'version'>[] = [];
  for (const statement of source.statements) {
    if (!ts.isTypeAliasDeclaration(statement)) continue;
    if (!statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const node = statement.type;
    if (!ts.isTypeReferenceNode(node) || node.typeName.getText(source) !== 'DomainEvent') continue;
    const literal = node.typeArguments?.[0];
    if (!literal || !ts.isLiteralTypeNode(literal) || !ts.isStringLiteral(literal.literal)) continue;
    const description = ts
      .getJSDocCommentsAndTags(statement)
      .filter(ts.isJSDoc)
      .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? '')
      .join('\n')
      .trim();
    aliases.push({ type: literal.literal.text, alias: statement.name.text, file, ...(description ? { description } : {}) });
  }
  return aliases;
}
