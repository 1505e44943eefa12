// The last few thousand lab events, so a GUI that connects late can draw what already happened.
import type { LabEvent } from '../../contract/events.js';

export class EventLog {
  private events: LabEvent[] = [];
  constructor(private capacity = 5000) {}

  add(e: LabEvent): void {
    this.events.push(e);
    // Trimmed in steps of a tenth: shifting thousands of entries at every event was a hot spot.
    if (this.events.length > this.capacity + Math.ceil(this.capacity / 10)) this.events.splice(0, this.events.length - this.capacity);
  }

  since(seq: number, filter?: { request_id?: string; instance_uuid?: string }): LabEvent[] {
    return this.events.filter(
      (e) =>
        e.seq > seq &&
        (!filter?.request_id || e.ctx?.request_id === filter.request_id) &&
        (!filter?.instance_uuid || e.ctx?.instance_uuid === filter.instance_uuid),
    );
  }
}
