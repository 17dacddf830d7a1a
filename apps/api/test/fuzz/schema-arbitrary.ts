import fc from 'fast-check';

/** Just enough of JSON Schema (as @nestjs/swagger writes it into openapi.json) to generate values from. */
export interface JsonSchema {
  $ref?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  items?: JsonSchema;
  uniqueItems?: boolean;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  allOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  nullable?: boolean;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>>;
  components: { schemas: Record<string, JsonSchema> };
}

/** Values a client should never send: out of range, of the wrong type, or made to hurt a parser. */
export const HOSTILE: fc.Arbitrary<unknown> = fc.constantFrom(
  -1,
  2 ** 32,
  2 ** 53 + 2,
  1e308,
  -1e308,
  0.5,
  '',
  '\u0000',
  'é€😀\u202e',
  '9'.repeat(400),
  null,
  [],
  {},
  true,
  { $ne: 1 },
  '__proto__',
  "1'; DROP TABLE sessions; --",
);

/** Values that follow `schema` (strings and arrays kept short), built by fast-check. */
export function valueOf(schema: JsonSchema, doc: OpenApiDocument, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) return valueOf(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!, doc, depth);
  const choices = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (choices) return fc.oneof(...choices.map((c) => valueOf(c, doc, depth)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object': {
      if (depth > 3 || !schema.properties) return fc.constant({});
      const properties = Object.fromEntries(Object.entries(schema.properties).map(([name, s]) => [name, valueOf(s, doc, depth + 1)]));
      return fc.record(properties, { requiredKeys: schema.required ?? [] });
    }
    case 'array': {
      const item = valueOf(schema.items ?? {}, doc, depth + 1);
      return schema.uniqueItems ? fc.uniqueArray(item, { maxLength: 6, selector: (v) => JSON.stringify(v) }) : fc.array(item, { maxLength: 6 });
    }
    case 'string':
      return fc.oneof(
        fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 40) }),
        fc.string({ unit: 'grapheme', minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 20, 20) }),
      );
    case 'number':
    case 'integer': {
      const min = schema.minimum ?? -(2 ** 31);
      const max = schema.maximum ?? 2 ** 31;
      return fc.oneof(fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }), fc.constantFrom(min, max));
    }
    case 'boolean':
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value of the schema, or one broken on purpose: a field replaced by a hostile value, a required field dropped, a field added. */
export function bodyOf(schema: JsonSchema, doc: OpenApiDocument): fc.Arbitrary<unknown> {
  const valid = valueOf(schema, doc);
  const broken = fc.tuple(valid, fc.nat(), HOSTILE, fc.constantFrom('replace', 'drop', 'add', 'whole')).map(([value, n, hostile, how]) => {
    if (how === 'whole' || value === null || typeof value !== 'object' || Array.isArray(value)) return hostile;
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys.length > 0 ? keys[n % keys.length]! : 'extra';
    if (how === 'replace') copy[key] = hostile;
    else if (how === 'drop') delete copy[key];
    else copy[`unknown_${n % 7}`] = hostile;
    return copy;
  });
  return fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: broken, weight: 2 });
}
