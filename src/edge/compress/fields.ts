// The part of a header collection the compress module edits (HeaderMap has it).
export interface Fields {
  get(name: string): string | null;
  set(name: string, value: string): void;
  unset(name: string): void;
}
