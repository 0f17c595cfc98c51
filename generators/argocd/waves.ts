// Sync waves of the root Application: Argo CD itself (wave 0, upstream
// manifests), the AppProjects, the platform add-ons in the order their needs
// give, and last the apps. With the Application health check in argocd-cm
// (health.ts) the root waits for every child of a wave to be synced and healthy.
import type { PlatformAddon } from "../platform/addon.js";
import { byCodeUnit } from "../order.js";

export const ROOT_WAVES = { argocd: 0, projects: 1, firstPlatform: 2 } as const;

/** Each add-on's wave: one after the latest of its needs. Throws on an unknown need or a cycle. */
export function addonWaves(addons: readonly PlatformAddon[]): ReadonlyMap<string, number> {
  const byId = new Map(addons.map((a) => [a.id, a]));
  const waves = new Map<string, number>();
  const visit = (id: string, path: readonly string[]): number => {
    const known = waves.get(id);
    if (known !== undefined) return known;
    const addon = byId.get(id);
    if (!addon) throw new Error(`platform add-on ${path.at(-1)} needs "${id}", which this cluster does not run`);
    if (path.includes(id)) throw new Error(`platform add-ons need each other in a cycle: ${[...path, id].join(" -> ")}`);
    const wave =
      addon.needs.length === 0 ? ROOT_WAVES.firstPlatform : 1 + Math.max(...addon.needs.map((n) => visit(n, [...path, id])));
    waves.set(id, wave);
    return wave;
  };
  for (const addon of [...addons].sort((a, b) => byCodeUnit(a.id, b.id))) visit(addon.id, []);
  return waves;
}

/** Apps sync after every platform add-on. */
export function appsWave(waves: ReadonlyMap<string, number>): number {
  return Math.max(ROOT_WAVES.firstPlatform - 1, ...waves.values()) + 1;
}
