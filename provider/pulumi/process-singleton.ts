/**
 * One object per provider process, shared by every resource and every call it serves.
 *
 * A module-level `let` does not do this in a dynamic provider: Pulumi's closure serializer
 * captures module variables by value and rebuilds a function's captured environment on every call,
 * so an assignment made in one call is gone in the next. The process's global object is not
 * captured; it is the one place that lives as long as the process. The object is made on first use,
 * inside the provider process, so nothing it holds is ever serialized into state.
 */
export function processSingleton<T>(name: string, make: () => T): T {
    const key = Symbol.for(name);
    const store = globalThis as unknown as Record<symbol, T | undefined>;
    let value = store[key];
    if (value === undefined) {
        value = make();
        store[key] = value;
    }
    return value;
}
