// Unit tests live next to the code (*.test.ts, fakes only); e2e tests drive real etcd, runc, iptables and kubectl.
const path = require('path');
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const shared = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@kubets/([a-z-]+)$': '<rootDir>/$1/src', '^@kubets/([a-z-]+)/(.*)$': '<rootDir>/$1/src/$2' },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};
// `jest --selectProjects e2e some/file.test.ts` makes the file a project name (the option takes a list), which
// would silently run every suite: treat test files named on the command line as the only ones to run.
const named = process.argv.filter((a) => /\.test\.ts$/.test(a)).map((a) => path.resolve(a));
const only = (globs) => (named.length ? named : globs);
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: only(['<rootDir>/*/src/**/*.test.ts']).filter((f) => !f.includes(`${path.sep}e2e${path.sep}`)) },
    { ...shared, displayName: 'e2e', testMatch: only(['<rootDir>/e2e/**/*.test.ts']).filter((f) => f.startsWith('<rootDir>') || f.includes(`${path.sep}e2e${path.sep}`)), setupFilesAfterEnv: ['<rootDir>/e2e/setup.ts'] },
  ],
};
