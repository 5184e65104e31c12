// Bridges an XState actor to runes: the snapshot is $state.raw, replaced on
// every transition, and components read narrow $derived values from it.
// (@xstate/svelte returns stores, not runes.)
import { createActor, type Actor, type AnyActorLogic, type InputFrom, type SnapshotFrom } from 'xstate';

export class ActorState<L extends AnyActorLogic> {
  readonly actor: Actor<L>;
  snapshot = $state.raw<SnapshotFrom<L>>() as SnapshotFrom<L>;

  constructor(logic: L, input: InputFrom<L>) {
    this.actor = createActor(logic, { input } as never) as Actor<L>;
    this.snapshot = this.actor.getSnapshot();
    this.actor.subscribe((s) => {
      this.snapshot = s;
    });
  }

  start(): this {
    this.actor.start();
    return this;
  }

  stop(): void {
    this.actor.stop();
  }
}
