// fugong's service worker: the pages people fill in the field (the daily
// report, the inspection visit, the checkpoint post) and the static files
// stay on the phone, so they open without a network; a form posted with no
// network goes into the outbox (offline-queue.js) and is sent when the
// network returns (Background Sync where the browser has it; the pages
// also send on load and on the online event).
importScripts('/static/offline-queue.js');

var PAGES = FugongQueue.pageCache, STATIC = 'fugong-static-v1', offlinePage = FugongQueue.offlinePage;

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(STATIC).then(function (c) {
    return c.addAll(['/static/style.css', '/static/offline-queue.js', '/static/offline.js', '/static/favicon.svg']);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== PAGES && k !== STATIC; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function page(title, body) {
  return new Response('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>' + title + '</title><link rel="stylesheet" href="/static/style.css"></head><body><main class="offline-page">' + body +
    '<p><a class="button" href="/">返回首页</a></p></main><script src="/static/offline-queue.js"></script><script src="/static/offline.js"></script></body></html>',
    { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}

self.addEventListener('fetch', function (event) {
  var req = event.request, url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  var action = req.method === 'POST' && req.mode === 'navigate' && FugongQueue.offlineAction(url.pathname);
  if (action) {
    var copy = req.clone();
    event.respondWith(fetch(req).catch(function () {
      return copy.formData().then(function (fd) {
        return FugongQueue.add(url.pathname, action.label, fd, action.personal);
      }).then(function () {
        if (self.registration.sync) self.registration.sync.register('fugong-outbox').catch(function () {});
        return page('已离线保存', '<div class="offline-saved" role="status"><strong>已离线保存，联网后自动上报</strong>' +
          '<p>网络不通，这份表单已保存在本手机上，恢复联网后会自动发送，发送结果在首页显示。</p></div>');
      });
    }));
    return;
  }
  if (req.method !== 'GET') return;
  if (url.pathname.indexOf('/static/') === 0) {
    event.respondWith(caches.open(STATIC).then(function (c) {
      return c.match(req).then(function (hit) {
        var fresh = fetch(req).then(function (res) {
          if (res.ok) c.put(req, res.clone());
          return res;
        });
        return hit || fresh;
      });
    }));
    return;
  }
  if (req.mode === 'navigate' && offlinePage(url.pathname)) {
    event.respondWith(fetch(req).then(function (res) {
      if (res.ok && !res.redirected) {
        var keep = res.clone();
        caches.open(PAGES).then(function (c) { c.put(req, keep); });
      }
      return res;
    }).catch(function () {
      return caches.open(PAGES).then(function (c) { return c.match(req); }).then(function (hit) {
        return hit || page('当前离线', '<div class="offline-saved" role="status"><strong>当前没有网络</strong><p>这个页面还没有保存在本手机上，联网后再打开。</p></div>');
      });
    }));
  }
});

self.addEventListener('sync', function (event) {
  if (event.tag === 'fugong-outbox') event.waitUntil(FugongQueue.flush());
});

self.addEventListener('message', function (event) {
  if (event.data === 'flush') event.waitUntil(FugongQueue.flush());
});
