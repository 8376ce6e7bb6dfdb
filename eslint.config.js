import js from "@eslint/js";
import tseslint from "typescript-eslint";
import jsdoc from "eslint-plugin-jsdoc";

export default tseslint.config(
  // packages/server/bin: a ten-line plain JavaScript wrapper that loads the built CLI (dist).
  {
    ignores: [
      "**/dist/**",
      "**/node_modules/**",
      "data/**",
      ".bench/**",
      "eslint.config.js",
      "packages/server/bin/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            {
              from: "package",
              name: ["test", "it", "describe", "suite", "before", "after"],
              package: "node:test",
            },
          ],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      // A default branch is a decision too; without one, every case must be handled.
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The SDKs' public surface: every export carries a doc comment (TSDoc: shapes, units, defaults,
    // errors thrown, the Tencent page). Only presence is checked here; what it says is reviewed.
    files: ["packages/{protocol,receiver,client,rest-client}/src/**/*.ts"],
    ignores: ["**/*.test.ts"],
    plugins: { jsdoc },
    rules: {
      "jsdoc/require-jsdoc": [
        "error",
        {
          publicOnly: { esm: true },
          require: { FunctionDeclaration: true, ClassDeclaration: true, MethodDefinition: true },
          contexts: [
            "TSInterfaceDeclaration",
            "TSTypeAliasDeclaration",
            "TSEnumDeclaration",
            "ExportNamedDeclaration > VariableDeclaration",
          ],
          checkConstructors: false,
        },
      ],
    },
  },
  {
    // The console's browser modules: TypeScript checks their names as for .ts files (checkJs,
    // packages/server/console/tsconfig.json), browser globals included.
    files: ["packages/server/console/**/*.js"],
    rules: { "no-undef": "off" },
  },
  {
    // Tests: assertions on values the type system already knows are the point of a test.
    files: ["**/*.test.ts", "**/test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unnecessary-condition": "off",
    },
  },
);
