import { describe, expect, it } from 'vitest';
import { baseEcosystem, normalizePackageName } from '../../src/model/package-name.js';

describe('normalizePackageName', () => {
  it.each([
    ['PyPI', 'Django', 'django'],
    ['PyPI', 'zope.interface', 'zope-interface'],
    ['PyPI', 'Foo__Bar-._baz', 'foo-bar-baz'],
    ['npm', '@Scope/Name', '@Scope/Name'],
    ['Go', 'github.com/Azure/go-autorest', 'github.com/Azure/go-autorest'],
    ['Maven', ' org.apache.logging.log4j : log4j-core ', 'org.apache.logging.log4j:log4j-core'],
    ['Packagist', 'Symfony/HTTP-Kernel', 'symfony/http-kernel'],
    ['NuGet', 'Newtonsoft.Json', 'newtonsoft.json'],
    ['crates.io', 'Inflector', 'Inflector'],
    ['Debian:12', 'libssl3', 'libssl3'],
  ])('%s %s → %s', (ecosystem, name, expected) => {
    expect(normalizePackageName(ecosystem, name)).toBe(expected);
  });

  it('drops release suffixes from ecosystems', () => {
    expect(baseEcosystem('Debian:12')).toBe('Debian');
    expect(baseEcosystem('Alpine:v3.18')).toBe('Alpine');
    expect(baseEcosystem('npm')).toBe('npm');
  });
});
