// Lint: RxJS practices (eslint-plugin-rxjs-x, recommended + the strict rules STYLE.md names) on the
// library code, type-aware through typescript-eslint. `pnpm lint`; CI runs it.
import tseslint from 'typescript-eslint';
import rxjsX from 'eslint-plugin-rxjs-x';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'packages/labrx/src/studio/assets/**'] },
  {
    files: ['packages/*/src/**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'rxjs-x': rxjsX, '@typescript-eslint': tseslint.plugin },
    rules: {
      ...rxjsX.configs.recommended.rules,
      'rxjs-x/no-nested-subscribe': 'error',
      'rxjs-x/no-ignored-error': 'error',
      'rxjs-x/no-exposed-subjects': 'error',
      'rxjs-x/no-sharereplay': 'error',
      'rxjs-x/no-unsafe-takeuntil': 'error',
      'rxjs-x/no-internal': 'error',
      'rxjs-x/throw-error': 'error',
      // With noUncheckedIndexedAccess on, a `!` the compiler does not need is noise that hides the ones it does.
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
);
