// ESLint for the UI: typescript-eslint's strict, type-checked rules.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["ui/dist/**", "node_modules/**", "target/**", "tests/**", "src-tauri/**", "crates/**"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    files: ["ui/**/*.ts"],
    languageOptions: {
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Counts and IDs in Japanese sentences are the normal case.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
    },
  },
  {
    // Tests build fakes and poke at the DOM: some strictness there costs more than it finds.
    files: ["ui/**/*.test.ts", "ui/src/shared/testContext.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-type-assertion": "off",
      // Tauri rejects a command with its serialised error, not an Error: the mocks do the same.
      "@typescript-eslint/only-throw-error": "off",
    },
  },
);
