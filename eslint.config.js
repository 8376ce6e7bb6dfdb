import js from "@eslint/js";
import tseslint from "typescript-eslint";

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
