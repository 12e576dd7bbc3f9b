// ESLint (flat config): the recommended JavaScript and typescript-eslint rules for every TypeScript
// file in the repository; formatting is Prettier's job (eslint-config-prettier turns off the rules
// that would disagree with it).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
    { ignores: ["**/node_modules/**", "dist/**", "emulator/dist/**", "test/spec-data/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    prettier,
    {
        files: ["**/*.ts"],
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
            "@typescript-eslint/consistent-type-imports": "off",
            eqeqeq: ["error", "smart"],
            "no-console": "off",
        },
    },
    {
        // The provider runs inside a closure that Pulumi serializes into state: a module it needs is
        // required where it is used, so the serializer captures a require() call rather than the
        // module object (and the Azure SDK loads only when a credential is first needed).
        files: ["provider/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // Two modules are required on purpose: the network guard patches the real `net` and `dns`
        // module objects (an ES import gives read-only copies), and the emulator loads node-forge
        // only when it first makes a certificate (starting without TLS stays fast).
        files: ["test/support/network-guard.ts", "emulator/server/certificate-authority.ts"],
        rules: { "@typescript-eslint/no-require-imports": ["error", { allow: ["^net$", "^dns$", "^node-forge$"] }] },
    },
);
