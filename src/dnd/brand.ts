/**
 * `instanceof` for dnd's error classes that holds across copies of their module.
 *
 * The data commands are bundled (scripts/bundle-commands.mjs), so a command's errors are
 * instances of the bundle's copy of DndError/JobError/InterruptedError, while the entry
 * (bin/run.js) maps errors to exit codes with the classes of dist/. The same happens to
 * a library user with two copies of dnd installed. A branded class recognises an object
 * whose prototype chain holds a prototype branded with the same name, from any copy;
 * subclasses stay distinct (a JobError is not an InterruptedError).
 */
const BRAND = Symbol.for('dnd.class');

type Branded = { [BRAND]?: string };

function holdsBrand(x: unknown, name: string): boolean {
  for (let p = x === null || typeof x !== 'object' ? null : Object.getPrototypeOf(x); p; p = Object.getPrototypeOf(p)) {
    if (Object.prototype.hasOwnProperty.call(p, BRAND) && (p as Branded)[BRAND] === name) return true;
  }
  return false;
}

/** Brands `cls` as `name` (unique within dnd, e.g. `dnd.JobError`). */
export function brand(cls: abstract new (...args: never[]) => unknown, name: string): void {
  Object.defineProperty(cls.prototype, BRAND, { value: name });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: typeof cls, x: unknown): boolean {
      if (Function.prototype[Symbol.hasInstance].call(this, x)) return true;
      // a subclass inherits this static method: it is recognised by its own prototype only
      return this === cls && holdsBrand(x, name);
    },
  });
}
