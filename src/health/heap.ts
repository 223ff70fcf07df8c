// A binary min-heap keyed by due time, with each entry knowing its own index so it can be
// removed in O(log n) (Varnish keeps `heap_idx` in vbp_target for the same reason, lib/libvarnish/vbh.c).

export interface HeapEntry {
  due: number;
  /** Position in the heap, or -1 when not in it. */
  heapIndex: number;
}

export class TimerHeap<E extends HeapEntry> {
  readonly #items: E[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): E | undefined {
    return this.#items[0];
  }

  push(entry: E): void {
    if (entry.heapIndex !== -1) throw new Error('entry is already in the heap');
    entry.heapIndex = this.#items.length;
    this.#items.push(entry);
    this.#up(entry.heapIndex);
  }

  pop(): E | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  remove(entry: E): boolean {
    const i = entry.heapIndex;
    if (i < 0 || this.#items[i] !== entry) return false;
    const last = this.#items.pop() as E;
    entry.heapIndex = -1;
    if (last !== entry) {
      this.#items[i] = last;
      last.heapIndex = i;
      this.#down(i);
      this.#up(last.heapIndex);
    }
    return true;
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    const t = items[a];
    items[a] = items[b];
    items[b] = t;
    items[a].heapIndex = a;
    items[b].heapIndex = b;
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#items[parent].due <= this.#items[i].due) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.#items[l].due < this.#items[m].due) m = l;
      if (r < n && this.#items[r].due < this.#items[m].due) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }
}
