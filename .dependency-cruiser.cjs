// Which code may import which. Each top-level folder runs in its own process (shared/ in all of
// them), so an import across the line either fails at run time (the sandboxed renderer and preload
// have no Node, the core runs without Electron) or drags one process's code into another bundle. `npm run deps` checks it.

// The `electron` package, resolved (wherever its node_modules is) or not (a bare `electron`).
const electronPackage = '(^|/)node_modules/electron/|^electron$';

// The loose files in electron/core that wire every domain together: they sit above the domain
// folders, where everything else loose in electron/core sits below them.
// app/ wires every domain together (create-core, node-main): nothing else may import it.
const coreCompositionRoot = '^electron/core/app/';
const coreDomainFolder = '^electron/core/[^/]+$';
// lib/ is below everything (logger, drop, worker threads): any file may use it, it uses nothing of the core.
const coreDomainFile = '^electron/core/(?!lib/)[^/]+/';
const coreLib = '^electron/core/lib/';

module.exports = {
  forbidden: [
    {
      name: 'renderer-not-to-electron',
      comment:
        'The renderer is a sandboxed web page: it reaches main only through window.ringside (built by the preload from shared/contract.ts). Code under electron/ or the electron package needs Node and would break or bloat the renderer bundle.',
      severity: 'error',
      from: { path: '^renderer/' },
      to: { path: ['^electron/', electronPackage] },
    },
    {
      name: 'shared-stays-pure',
      comment:
        'shared/ is bundled into both the renderer (no Node) and main (no DOM), so it may depend on neither side nor on Electron.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: ['^electron/', '^renderer/', electronPackage] },
    },
    {
      name: 'shared-no-node-builtins',
      comment: 'shared/ runs in the renderer too, where Node built-ins (fs, path, node:*) do not exist.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-runs-in-plain-node',
      comment:
        'electron/core also runs without Electron (browser mode via node-main.ts, tests, worker threads): it may not reach into the desktop shell, the preload, or the electron package. The shell adapts Electron to the core, not the other way round.',
      severity: 'error',
      from: { path: '^electron/core/' },
      to: { path: ['^electron/(shell|preload)/', electronPackage] },
    },
    {
      name: 'preload-only-contract',
      comment:
        'The preload runs sandboxed (no Node built-ins; esbuild bundles whatever it imports) and builds window.ringside from the IPC contract and nothing else, so only shared/, the electron package and its own folder are allowed: anything else would put main-process code into the page\'s reach.',
      severity: 'error',
      from: { path: '^electron/preload/' },
      to: { pathNot: ['^shared/', '^electron/preload/', electronPackage] },
    },
    {
      name: 'core-domains-no-cycles',
      comment:
        'Domain folders under electron/core (compliance, data, import, supervision, workspace, ...) must form a hierarchy: a cycle between two of them means neither can be understood, tested or moved alone.',
      severity: 'error',
      scope: 'folder',
      from: { path: coreDomainFolder },
      to: { path: coreDomainFolder, circular: true },
    },
    // Folder-scoped cycles cannot see the loose files of electron/core as one "core-root" folder
    // (dependency-cruiser folds a folder's subfolders into it), so the next three rules keep
    {
      name: 'core-has-no-loose-files',
      comment: 'Every file of the core lives in the folder of its domain (sip, calls, media, ipc, app, compliance, …) or in lib/: a loose file would hide which domain it belongs to.',
      severity: 'error',
      from: { path: '^electron/core/[^/]+\\.ts$' },
      to: {},
    },
    {
      name: 'core-lib-at-the-bottom',
      comment: 'electron/core/lib is the toolbox every part of the core uses; if it imported any of them, every domain would depend on every other through it.',
      severity: 'error',
      from: { path: coreLib },
      to: { path: '^electron/core/', pathNot: coreLib },
    },
    {
      name: 'core-domains-not-to-composition-root',
      comment: 'app/ (create-core, node-main) imports every domain; a domain importing it closes a cycle through the whole core.',
      severity: 'error',
      from: { path: coreDomainFile, pathNot: coreCompositionRoot },
      to: { path: coreCompositionRoot },
    },
    {
      name: 'no-circular',
      comment:
        'A run-time import cycle makes module start-up order matter (ESM bindings still in their temporal dead zone). Cycles closed by an `import type` are erased by the compiler and do not count: the zustand slices typing themselves against the store, and the shared/ rule packs typing against compliance and campaign, are such cycles.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'An import the tool cannot resolve is invisible to every rule above, so a broken resolution (say, of the .js specifiers that point at .ts files) must fail rather than pass quietly.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    // Tests (tests/) are not cruised: they may import anything.
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count for layering: a renderer type taken from electron/ still ties the
    // two builds together.
    tsPreCompilationDeps: true,
    // electron/tsconfig.json extends this one and changes only lib, types and jsx, none of which
    // affects resolution (neither file sets paths or baseUrl), so one tsconfig serves both trees.
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve packages the way Node's ESM loader and tsc do (package.json "exports" first), so
    // an exports-only package is not reported as unresolvable.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
