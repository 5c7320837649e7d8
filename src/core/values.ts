/** Guards for what storage, tokens and servers hand back, which can be anything. */

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A JSON object: a record that is not an array. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> => isRecord(value) && !Array.isArray(value);

/** `JSON.parse`, with null for what does not parse (and for null itself). */
export function parseJson(text: string | null): unknown {
  try {
    return JSON.parse(text as string);
  } catch {
    return null;
  }
}

/**
 * A version of the stored session: a whole number that can still grow, and be told from the next one
 * (Infinity could never be overtaken, and past 2^52 adding one stops being exact): anything else is garbage.
 */
export const isVersion = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) < 2 ** 52;
