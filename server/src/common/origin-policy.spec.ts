import { OriginPolicy, type RequestOrigin } from './origin-policy';

describe(OriginPolicy.name, () => {
  const withPublicUrl = new OriginPolicy({ publicUrl: 'https://hub.example.test', allowedOrigins: ['http://tills.example.test:8480'] });
  const dev = new OriginPolicy({ publicUrl: undefined, allowedOrigins: [] });

  it.each<[string, OriginPolicy, RequestOrigin, boolean]>([
    ['no Origin, no Sec-Fetch-Site (node client, CLI, tests)', withPublicUrl, { host: 'evil.example' }, true],
    ['PUBLIC_URL origin', withPublicUrl, { origin: 'https://hub.example.test', secFetchSite: 'same-origin' }, true],
    ['PUBLIC_URL origin, any case', withPublicUrl, { origin: 'HTTPS://HUB.example.test' }, true],
    ['an ALLOWED_ORIGINS entry', withPublicUrl, { origin: 'http://tills.example.test:8480', secFetchSite: 'same-origin' }, true],
    ['the Host origin once PUBLIC_URL is set', withPublicUrl, { origin: 'http://127.0.0.1:8480', host: '127.0.0.1:8480' }, false],
    ['a foreign Origin', withPublicUrl, { origin: 'http://evil.example' }, false],
    ['the opaque origin "null"', withPublicUrl, { origin: 'null' }, false],
    ['cross-site, whatever the Origin says', withPublicUrl, { origin: 'https://hub.example.test', secFetchSite: 'cross-site' }, false],
    ['cross-site without Origin', withPublicUrl, { secFetchSite: 'cross-site' }, false],
    ['same-site from a sibling origin', withPublicUrl, { origin: 'https://other.example.test', secFetchSite: 'same-site' }, false],
    ['same-site without Origin', withPublicUrl, { secFetchSite: 'same-site' }, false],
    ['same-site from an allowed origin', withPublicUrl, { origin: 'http://tills.example.test:8480', secFetchSite: 'same-site' }, true],
    ['user-initiated (none) without Origin', withPublicUrl, { secFetchSite: 'none' }, true],
    ['dev: the origin the Host header names', dev, { origin: 'http://127.0.0.1:8480', host: '127.0.0.1:8480', secFetchSite: 'same-origin' }, true],
    ['dev: default port spelled out in Host', dev, { origin: 'http://localhost', host: 'localhost:80' }, true],
    ['dev: another port of the same host', dev, { origin: 'http://127.0.0.1:5173', host: '127.0.0.1:8480' }, false],
    ['dev: a foreign Origin', dev, { origin: 'http://evil.example', host: '127.0.0.1:8480' }, false],
    ['dev: an Origin and no Host', dev, { origin: 'http://127.0.0.1:8480' }, false],
  ])('%s', (_what, sut, request, allowed) => {
    expect(sut.refusal(request) === null).toBe(allowed);
  });
});
