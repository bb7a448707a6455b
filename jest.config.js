// Unit tests live next to the code (*.test.ts, fakes only); e2e tests drive real etcd, runc, iptables and kubectl.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];
const shared = {
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: { '^@kubets/([a-z-]+)$': '<rootDir>/$1/src', '^@kubets/([a-z-]+)/(.*)$': '<rootDir>/$1/src/$2' },
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};
module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/*/src/**/*.test.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.test.ts'], setupFilesAfterEnv: ['<rootDir>/e2e/setup.ts'] },
  ],
};
