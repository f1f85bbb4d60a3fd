// Every operation in src/ is checked against the server's schema and typed:
// a schema change that breaks one breaks `npm run build`.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/**/*.test.ts'],
  ignoreNoDocuments: false,
  silent: true,
  generates: {
    './generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Decimal: 'string', Long: 'number', DateTime: 'string', ID: 'string' },
      },
    },
  },
};

export default config;
