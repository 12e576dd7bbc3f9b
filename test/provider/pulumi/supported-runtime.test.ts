import { strict as assert } from "assert";
import { runtimeProblems } from "../../../provider/pulumi/supported-runtime";

describe("the runtime VmRestore is loaded on", () => {
    it("accepts Node.js 20 with @pulumi/pulumi 3.248 (the last release that supports Node.js 20)", () => {
        assert.deepEqual(runtimeProblems("20.20.2", { version: "3.248.0", engines: { node: ">=20" } }), []);
    });

    it("accepts Node.js 22 with the newest @pulumi/pulumi 3", () => {
        assert.deepEqual(runtimeProblems("22.11.0", { version: "3.276.0", engines: { node: ">=22" } }), []);
    });

    it("names the Node.js version that is too old, and what to do", () => {
        const [p] = runtimeProblems("18.19.0", { version: "3.248.0", engines: { node: ">=18" } });
        assert.match(p, /needs Node\.js 20 or newer; this is Node\.js 18\.19\.0\. Upgrade Node\.js/);
    });

    it("names an @pulumi/pulumi outside the supported range, and the fix", () => {
        assert.match(
            runtimeProblems("20.20.2", { version: "3.100.0" })[0],
            /needs @pulumi\/pulumi >=3\.200\.0 <4\.0\.0; 3\.100\.0 is installed\. Run `npm install @pulumi\/pulumi@\^3`/,
        );
        assert.match(runtimeProblems("22.1.0", { version: "4.0.0" })[0], /4\.0\.0 is installed/);
    });

    it("says when the installed @pulumi/pulumi itself does not support this Node.js (its engines), with both ways out", () => {
        const [p] = runtimeProblems("20.20.2", { version: "3.276.0", engines: { node: ">=22" } });
        assert.match(
            p,
            /@pulumi\/pulumi 3\.276\.0 requires Node\.js >=22 .*this is Node\.js 20\.20\.2\. Use Node\.js 22 or newer, or install an @pulumi\/pulumi release that supports Node\.js 20 \(3\.248\.0/,
        );
    });

    it("says how to install @pulumi/pulumi when it cannot be loaded", () => {
        assert.deepEqual(runtimeProblems("20.20.2", undefined), [
            "VmRestore needs @pulumi/pulumi (a peer dependency), which cannot be loaded here. Run `npm install @pulumi/pulumi`.",
        ]);
    });
});
