// Strict query validation (from 2.75 Nova refuses unknown query parameters).
import { badRequest } from '../faults.js';
import { pyRepr } from '../validation.js';

export function validateQuery(query: Record<string, unknown>, known: string[]): void {
  for (const key of Object.keys(query)) {
    if (!known.includes(key)) {
      throw badRequest(
        `Invalid input for query parameters ${key}. Value: ${pyRepr(query[key])}. Additional properties are not allowed (${pyRepr(key)} was unexpected)`,
      );
    }
  }
}
