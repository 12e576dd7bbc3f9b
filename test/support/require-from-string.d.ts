/** The one function of require-from-string (it ships no types): loads a module from its source text. */
declare module "require-from-string" {
    export default function requireFromString(code: string, filename?: string): unknown;
}
