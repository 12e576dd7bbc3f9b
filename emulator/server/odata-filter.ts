/**
 * The small OData `$filter` dialect Azure Backup list calls use:
 * `field op 'value' and field op 'value' ...` with op one of eq, ne, ge, gt, le, lt.
 */
import { invalidInput } from "./arm-errors";

export type FilterOp = "eq" | "ne" | "ge" | "gt" | "le" | "lt";

export interface FilterClause {
    field: string;
    op: FilterOp;
    value: string;
}

const OPS = new Set(["eq", "ne", "ge", "gt", "le", "lt"]);

/** Parses a $filter; throws a 400 BMSUserErrorInvalidInput ArmError when it is not this dialect. */
export function parseFilter(filter: string | undefined): FilterClause[] {
    if (filter === undefined || filter.trim() === "") return [];
    const tokens = tokenize(filter);
    const clauses: FilterClause[] = [];
    let i = 0;
    for (;;) {
        const field = tokens[i];
        const op = tokens[i + 1];
        const value = tokens[i + 2];
        if (!field || field.quoted || !op || op.quoted || !OPS.has(op.text.toLowerCase()) || !value) {
            throw invalidInput(`The $filter '${filter}' is not supported: expected "field eq 'value' [and ...]".`, "$filter");
        }
        clauses.push({ field: field.text, op: op.text.toLowerCase() as FilterOp, value: value.text });
        i += 3;
        if (i >= tokens.length) break;
        const conj = tokens[i];
        if (conj.quoted || conj.text.toLowerCase() !== "and") {
            throw invalidInput(`The $filter '${filter}' is not supported: only 'and' can join clauses.`, "$filter");
        }
        i += 1;
    }
    return clauses;
}

interface Token {
    text: string;
    quoted: boolean;
}

function tokenize(s: string): Token[] {
    const out: Token[] = [];
    let i = 0;
    while (i < s.length) {
        const c = s[i];
        if (/\s/.test(c)) {
            i++;
        } else if (c === "'") {
            let text = "";
            i++;
            for (;;) {
                if (i >= s.length) throw invalidInput(`Unterminated string in $filter '${s}'.`, "$filter");
                if (s[i] === "'") {
                    if (s[i + 1] === "'") {
                        text += "'";
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                text += s[i++];
            }
            out.push({ text, quoted: true });
        } else {
            let text = "";
            while (i < s.length && !/\s/.test(s[i]) && s[i] !== "'") text += s[i++];
            out.push({ text, quoted: false });
        }
    }
    return out;
}

/** The value of the first clause on `field` (case-insensitive) with operator `op`. */
export function clauseValue(clauses: FilterClause[], field: string, op: FilterOp = "eq"): string | undefined {
    return clauses.find((c) => c.field.toLowerCase() === field.toLowerCase() && c.op === op)?.value;
}

/**
 * Parses the time format azure-cli puts into filters ("2026-11-01 12:00:00 AM", also the
 * examples' "2016-01-01 00:00:00 AM") or any ISO 8601 timestamp; UTC. Undefined if unparseable.
 */
export function parseFilterTime(value: string): number | undefined {
    const m = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(AM|PM)?\s*(Z)?$/i.exec(value.trim());
    if (m) {
        let hour = Number(m[4]);
        const ampm = m[8]?.toUpperCase();
        if (ampm === "AM" && hour === 12) hour = 0;
        if (ampm === "PM" && hour < 12) hour += 12;
        const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
        return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, Number(m[5]), Number(m[6] ?? 0), ms);
    }
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
}
