/**
 * When the tray's native menu is rebuilt (issue 12). Electron has no portable way to change a built menu item's
 * label, so a new label means a new menu — and rebuilding closes an open menu on some desktops and costs a native
 * round trip. So: a change of structure (items, ids, kinds, checked, enabled) rebuilds at once, because it changes
 * what a click does; a change of labels only (quota ticking, "updated 2m ago", countdowns) rebuilds at most every
 * {@link LABEL_MIN_INTERVAL_MS}; no change, no rebuild. Pure.
 */
import type { TrayMenuItem } from './tray-template';

/** Shortest gap between two rebuilds that only change labels (ms). */
export const LABEL_MIN_INTERVAL_MS = 2000;

/** A menu reduced to what decides a rebuild. */
export interface MenuShape {
  /** Every item's id, kind, checked and enabled state and nesting: what clicks do. */
  readonly structure: string;
  /** Every label and tooltip, in order: what the user reads. */
  readonly labels: string;
}

/** The shape of a menu template. */
export function menuShape(items: readonly TrayMenuItem[]): MenuShape {
  const structure: string[] = [];
  const labels: string[] = [];
  const walk = (list: readonly TrayMenuItem[], depth: number): void => {
    for (const item of list) {
      structure.push(
        `${depth}|${item.id ?? ''}|${item.type ?? 'normal'}|${String(item.checked ?? '')}|${String(item.enabled ?? true)}`,
      );
      labels.push(`${item.label ?? ''}\u0000${item.toolTip ?? ''}`);
      if (item.submenu) walk(item.submenu, depth + 1);
    }
  };
  walk(items, 0);
  return { structure: structure.join('\n'), labels: labels.join('\n') };
}

/** What the tray does with a freshly computed menu. */
export type MenuUpdate =
  /** Build and show it now. */
  | { readonly kind: 'build' }
  /** Nothing the user could notice changed. */
  | { readonly kind: 'skip' }
  /** Only labels changed, too soon after the last build: try again in `inMs`. */
  | { readonly kind: 'later'; readonly inMs: number };

/**
 * Decide for `next` given the menu shown (null before the first) and when it was built. `urgent` is a refresh the
 * user asked for with a click: its outcome is shown at once.
 */
export function planMenuUpdate(
  shown: { readonly shape: MenuShape; readonly builtAtMs: number } | null,
  next: MenuShape,
  nowMs: number,
  urgent = false,
): MenuUpdate {
  if (shown === null || shown.shape.structure !== next.structure) return { kind: 'build' };
  if (shown.shape.labels === next.labels) return { kind: 'skip' };
  const wait = shown.builtAtMs + LABEL_MIN_INTERVAL_MS - nowMs;
  return urgent || wait <= 0 ? { kind: 'build' } : { kind: 'later', inMs: wait };
}
