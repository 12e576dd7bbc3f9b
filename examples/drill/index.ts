// `pulumi up` entry point of the drill project (the repository's Pulumi.yaml points here).
import { drillProgram } from "./drill-program";
import { readDrillSettings } from "./drill-settings";

const result = drillProgram(readDrillSettings());
export const restores = result.restores;
