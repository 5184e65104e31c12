// Which combination a preview shows, and whether it moves on by itself.
// It starts moving unless the person asked for reduced motion; a step they
// take stops it, so what they stepped to stays on screen.

/** How long a combination stays on screen while the preview cycles. */
export const cycleEvery = 4000;

export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

export class Cycle {
  /** Counts up without end; the preview takes it modulo its count of combinations. */
  index = $state(0);
  playing = $state(false);
  /** Said to screen readers: set by a step the person took, never by the timer. */
  announcement = $state('');

  constructor(reducedMotion = prefersReducedMotion()) {
    this.playing = !reducedMotion;
  }

  /** The timer's step: nothing is announced. */
  tick(): void {
    this.index++;
  }

  /** The person's step: the cycling stops and the new position is announced. */
  next(say: (index: number) => string): void {
    this.index++;
    this.playing = false;
    this.announcement = say(this.index);
  }

  toggle(): void {
    this.playing = !this.playing;
  }
}
