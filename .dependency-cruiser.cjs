// Who may import whom (README.md, "Architecture"), checked by `npm test`'s lint step:
//   npx depcruise --config .dependency-cruiser.cjs schema api relayer dapp scripts tests
// Each rule's name and comment are what a forbidden import is told.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'schema-imports-nothing-of-ours',
      severity: 'error',
      comment: 'schema is the leaf every package shares: it imports npm libraries only',
      from: { path: '^schema/' },
      to: { path: '^(api|relayer|dapp|scripts|tests)/' },
    },
    {
      name: 'api-relayer-dapp-stand-side-by-side',
      severity: 'error',
      comment:
        'api, relayer and dapp never import each other: they talk over HTTP or the chain; shared code goes to schema',
      from: { path: '^(api|relayer|dapp)/' },
      to: { path: '^(api|relayer|dapp)/', pathNot: '^$1/' },
    },
    {
      name: 'packages-never-import-scripts-or-tests',
      severity: 'error',
      comment: 'nothing imports scripts/ or tests/; test helpers shared with a package live in a package',
      from: { path: '^(schema|api|relayer|dapp)/' },
      to: { path: '^(scripts|tests)/', pathNot: '^tests/support/' },
    },
    {
      name: 'only-test-files-import-test-support',
      severity: 'error',
      comment:
        "@privexbot/test-support (tests/support: the LLM stand-in) is for the packages' test files, never product code",
      from: { path: '^(schema|api|relayer|dapp)/', pathNot: '[.]test[.]tsx?$' },
      to: { path: '^tests/support/' },
    },
    {
      name: 'gateway-never-imports-the-api-platform',
      severity: 'error',
      comment:
        'the inference gateway (api/src/gateway) imports schema and npm libraries only: its trusted code base stays small',
      from: { path: '^api/src/gateway/' },
      to: { path: '^api/', pathNot: '^api/src/gateway/' },
    },
    {
      name: 'widget-imports-nothing-of-ours',
      severity: 'error',
      comment:
        'the widget (dapp/widget/src) stays tiny: nothing of ours except the SSE codec and the Markdown parser, inlined at build',
      from: { path: '^dapp/widget/src/' },
      to: {
        path: '^(schema|api|relayer|dapp|scripts|tests)/',
        pathNot: ['^dapp/widget/src/', '^schema/src/sse/', '^schema/src/markdown/'],
      },
    },
    {
      name: 'sentence-model-is-server-only',
      severity: 'error',
      comment:
        '@privexbot/schema/sentence-model loads onnxruntime-node, a native addon: only the api, the gateway, scripts and tests may import it',
      from: { path: '^(dapp|relayer)/' },
      to: { path: '^schema/src/sentence-model/' },
    },
    {
      name: 'import-packages-through-their-exports',
      severity: 'error',
      comment:
        "another package's code is imported by its name and public entry (@privexbot/x/..., the exports of its package.json), never by a relative path into it",
      from: { path: '^(schema|api|relayer|dapp|scripts|tests)/' },
      to: {
        path: '^(schema|api|relayer|dapp)/',
        pathNot: '^$1/',
        dependencyTypes: ['local'],
      },
    },
    {
      name: 'only-exported-entries',
      severity: 'error',
      comment: "an import of @privexbot/x/... must name an entry in x's package.json exports",
      from: { path: '^(schema|api|relayer|dapp|scripts|tests)/' },
      to: { couldNotResolve: true, path: '^@privexbot/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|generated|\\.cache)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
