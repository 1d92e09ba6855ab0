/**
 * The integer key a registry index stores a number under. The index keeps 10-digit keys with
 * a first three digits of 200–999 (NANP: NPA-NXX-XXXX); other registries map their national
 * numbers into that space. Null when the number cannot be on that registry.
 */
import type { RegistryName } from '../../../shared/compliance.js';

export function registryKey(registry: RegistryName, e164: string): number | null {
  if (registry === 'US' || registry === 'CA') {
    if (!/^\+1[2-9]\d{9}$/.test(e164)) return null;
    return Number(e164.slice(2));
  }
  // GB: not mapped yet, so a GB lookup has no answer (and the gate blocks on a missing answer).
  return null;
}
