/**
 * Prints a state file (or `pulumi stack export` output) with VmRestore's packed provider code
 * unpacked in place, so it can be read or searched (e.g. for secrets) like any other state:
 *
 *   pulumi stack export | npm run --silent provider-code
 *   npm run --silent provider-code -- ~/.pulumi/stacks/myproject/dev.json | grep -c backupJobs
 */
import * as fs from "fs";
import { readableProviderCode } from "../provider/pulumi/packed-provider";

const file = process.argv[2];
const text = file && file !== "-" ? fs.readFileSync(file, "utf8") : fs.readFileSync(0, "utf8");
process.stdout.write(readableProviderCode(text));
