/** Command-line helpers shared by the drill and report commands. */

/** The value after option argv[i]; an error naming the option when it is missing. */
export function optionValue(argv: string[], i: number, usage: string): string {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${argv[i]} needs a value; ${usage}`);
    return v;
}
