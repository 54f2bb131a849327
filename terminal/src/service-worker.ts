/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { base, build, files, version } from '$service-worker';

/**
 * Offline start for a till that reboots without network: the app shell and assets are precached
 * per build; navigations go to the network first and fall back to the cached index.html. The hub's
 * API and socket are never cached — a till must not act on a stale answer.
 */
const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `stockfleet-till-${version}`;
const SHELL = `${base}/`;
const ASSETS = [...build, ...files];

function neverCache(url: URL): boolean {
  return url.pathname.startsWith('/api/') || url.pathname.startsWith('/socket.io') || url.pathname === '/api';
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(ASSETS);
      // The shell: the hub serves index.html for /till/ (SPA fallback).
      const shell = await fetch(SHELL, { cache: 'reload' });
      if (shell.ok) await cache.put(SHELL, shell);
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE && key.startsWith('stockfleet-till-')) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin || neverCache(url)) return;

  if (req.mode === 'navigate') {
    event.respondWith(
      (async () => {
        try {
          const res = await fetch(req);
          if (res.ok) {
            const cache = await caches.open(CACHE);
            await cache.put(SHELL, res.clone());
          }
          return res;
        } catch {
          const cached = (await caches.match(SHELL)) ?? (await caches.match(`${base}/index.html`));
          return cached ?? new Response('offline', { status: 503, headers: { 'Content-Type': 'text/plain' } });
        }
      })(),
    );
    return;
  }

  if (url.pathname.startsWith(`${base}/`) && ASSETS.includes(url.pathname)) {
    // Build assets are immutable (hashed names): cache first.
    event.respondWith(
      (async () => {
        const cached = await caches.match(req);
        if (cached) return cached;
        const res = await fetch(req);
        if (res.ok) (await caches.open(CACHE)).put(req, res.clone());
        return res;
      })(),
    );
  }
});
