import type { AdminEvent } from '../../../shared/api';

/** A subscriber of the bus. It must not throw; a throwing listener is dropped from that one delivery. */
export type EventListener = (event: AdminEvent) => void;

/**
 * The one in-process event bus behind `GET /api/events` (and later the tray). Delivery is synchronous and
 * cheap; listeners that do I/O (an SSE socket) buffer on their own. Payloads follow the shared schema and
 * never carry a token.
 */
export class EventBus {
  private readonly listeners = new Set<EventListener>();
  private readonly closers = new Map<EventListener, () => void>();

  /** Delivers an event to every current listener. */
  publish(event: AdminEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A broken subscriber (a socket that closed mid-write) must not stop the others or the publisher.
      }
    }
  }

  /**
   * Adds a listener; returns the unsubscribe function. `onClose` runs when the bus shuts down (core stop), so a
   * long-lived subscriber such as an SSE response can end itself instead of holding the server open.
   */
  subscribe(listener: EventListener, onClose?: () => void): () => void {
    this.listeners.add(listener);
    if (onClose) this.closers.set(listener, onClose);
    return () => {
      this.listeners.delete(listener);
      this.closers.delete(listener);
    };
  }

  /** Ends every subscription, calling each `onClose`. */
  closeAll(): void {
    const closers = [...this.closers.values()];
    this.listeners.clear();
    this.closers.clear();
    for (const close of closers) {
      try {
        close();
      } catch {
        // Closing a socket that is already gone is not an error worth stopping shutdown for.
      }
    }
  }

  /** How many listeners are attached (tests, diagnostics). */
  get size(): number {
    return this.listeners.size;
  }
}
