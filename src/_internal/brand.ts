/**
 * Multiple inheritance for error classes through brands (the idea of undici's
 * `lib/core/errors.js`): each branded class owns a symbol, an instance carries the brands of every
 * class it "is", and `Symbol.hasInstance` checks the brand of the class it is called on. That lets
 * `ConnectTimeout` be both a `ConnectionError` and a `Timeout`, as in requests.
 */
const BRANDS = Symbol.for('requests-ts.brands');
const MARK = Symbol('requests-ts.mark');
const PARENTS = Symbol('requests-ts.parents');

type Ctor = abstract new (...args: any[]) => unknown;
interface BrandedCtor {
  [MARK]?: symbol;
  [PARENTS]?: readonly Ctor[];
}
const marksByClass = new WeakMap<object, ReadonlySet<symbol>>();

/**
 * Installs a brand on `cls`; `also` names further parents beyond the prototype chain (the second
 * base of a Python class). `instanceof cls` is then true for any value carrying the brand.
 */
export function brand(cls: Ctor, name: string, also: readonly Ctor[] = []): void {
  const target = cls as unknown as BrandedCtor;
  target[MARK] = Symbol.for(`requests-ts.${name}`);
  target[PARENTS] = also;
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: BrandedCtor, value: unknown): boolean {
      if (value === null || typeof value !== 'object') return false;
      const marks = (value as { [BRANDS]?: ReadonlySet<symbol> })[BRANDS];
      const mine = Object.hasOwn(this, MARK) ? this[MARK] : undefined;
      if (marks === undefined || mine === undefined) {
        return Function.prototype[Symbol.hasInstance].call(this, value);
      }
      return marks.has(mine);
    },
  });
}

function marksOf(cls: object): ReadonlySet<symbol> {
  const cached = marksByClass.get(cls);
  if (cached) return cached;
  const marks = new Set<symbol>();
  for (let c: any = cls; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const branded = c as BrandedCtor;
    if (Object.hasOwn(branded, MARK)) marks.add(branded[MARK]!);
    for (const parent of (Object.hasOwn(branded, PARENTS) && branded[PARENTS]) || []) {
      for (const m of marksOf(parent)) marks.add(m);
    }
  }
  marksByClass.set(cls, marks);
  return marks;
}

/** Stamps `instance` with the brands of its class and every parent, computed once per class. */
export function stamp(instance: object): void {
  Object.defineProperty(instance, BRANDS, { value: marksOf(instance.constructor) });
}
