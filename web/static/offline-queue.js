// The phone's outbox of forms filed without a network, shared by the pages
// (offline.js) and the service worker (sw.js): each entry is a form's
// fields (photos as Blobs) with its idempotency key, kept in IndexedDB
// until the server has answered it. Plain ES2017, no build step.
(function (scope) {
  'use strict';
  var DB = 'fugong-offline', STORE = 'outbox';
  // The pages kept on the phone for offline use (the forms people fill in
  // the field, and the lists that lead to them).
  var PAGES = [/^\/$/, /^\/enterprises\/[^/]+\/reports\/\d{4}-\d{2}-\d{2}$/, /^\/enterprises\/[^/]+\/visits\/new$/,
    /^\/enterprises\/[^/]+\/visits$/, /^\/checkpoints\/\d+\/(desk|register)$/, /^\/isolation-points\/\d+$/, /^\/pairings$/, /^\/enterprises\/[^/]+$/];
  function offlinePage(path) {
    return PAGES.some(function (re) { return re.test(path); });
  }
  // The forms those pages post, what the outbox calls them, and whether
  // they carry personal data (deleted from the phone once sent).
  var ACTIONS = [[/^\/enterprises\/[^/]+\/reports\/\d{4}-\d{2}-\d{2}$/, '日报'], [/^\/enterprises\/[^/]+\/visits$/, '督导检查'],
    [/^\/checkpoints\/\d+\/register$/, '代为登记', true], [/^\/registrations\/\d+\/confirm$/, '登记核验']];
  function offlineAction(path) {
    for (var i = 0; i < ACTIONS.length; i++) {
      if (ACTIONS[i][0].test(path)) return { label: ACTIONS[i][1], personal: !!ACTIONS[i][2] };
    }
    return null;
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  // run opens the store in mode and resolves with what fn's request gives.
  function run(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), out;
        var req = fn(tx.objectStore(STORE));
        if (req) req.onsuccess = function () { out = req.result; };
        tx.oncomplete = function () { db.close(); resolve(out); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() { return run('readonly', function (s) { return s.getAll(); }); }
  function get(id) { return run('readonly', function (s) { return s.get(id); }); }
  function put(entry) { return run('readwrite', function (s) { return s.put(entry); }); }
  function remove(id) { return run('readwrite', function (s) { return s.delete(id); }); }
  function clear() { return run('readwrite', function (s) { return s.clear(); }); }

  // fields turns FormData into a list IndexedDB can keep (Files are Blobs).
  function fields(fd) {
    var out = [];
    fd.forEach(function (v, k) {
      if (typeof v === 'string') out.push([k, v]);
      else if (v.size > 0) out.push([k, v, v.name]);
    });
    return out;
  }

  function formData(entry, csrf) {
    var fd = new FormData();
    entry.fields.forEach(function (f) {
      if (f[0] === 'csrf' && csrf) fd.append('csrf', csrf);
      else if (f.length === 3) fd.append(f[0], f[1], f[2]);
      else fd.append(f[0], f[1]);
    });
    return fd;
  }

  // add keeps a form the network did not take.
  function add(action, label, fd, personal) {
    var fs = fields(fd), key = '';
    fs.forEach(function (f) { if (f[0] === 'key') key = f[1]; });
    if (!key) {
      key = 'offline-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
      fs.push(['key', key]);
    }
    return put({ action: action, label: label, fields: fs, key: key, personal: !!personal,
      state: 'waiting', created: new Date().toISOString() });
  }

  // messages reads the errors of a form the server showed again.
  function messages(html) {
    var out = [], re = /<(?:span class="error"[^>]*|div class="alert"[^>]*)>([^<]+)/g, m;
    while ((m = re.exec(html)) && out.length < 10) {
      var t = m[1].replace(/&#34;|&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
      if (t && out.indexOf(t) < 0) out.push(t);
    }
    return out.join('；');
  }

  // send posts one entry; the server's answer settles it: a redirect to
  // what was stored, or the form shown again with the reasons. No answer
  // (no network, the server down) leaves it waiting.
  function send(entry, csrf) {
    return fetch(entry.action, { method: 'POST', body: formData(entry, csrf), credentials: 'same-origin',
      headers: { 'Idempotency-Key': entry.key }, redirect: 'follow' }).then(function (res) {
      var path = new URL(res.url).pathname;
      if (path === '/login') {
        entry.note = '登录已过期，请重新登录，登录后自动上报';
        return put(entry).then(function () { return entry; });
      }
      if (res.status >= 500 || res.status === 429) {
        entry.note = '服务器暂时无法处理，稍后自动重试';
        return put(entry).then(function () { return entry; });
      }
      return res.text().then(function (html) {
        if (res.ok && res.redirected) {
          entry.state = 'stored';
          entry.result = res.url;
          entry.message = '已上报';
        } else {
          entry.state = 'refused';
          entry.message = messages(html) || ('未被接收（' + res.status + '）');
        }
        entry.sent = new Date().toISOString();
        delete entry.note;
        if (entry.personal || entry.state === 'stored') {
          entry.fields = []; // personal data leaves the phone once sent
        }
        return put(entry).then(function () { return entry; });
      });
    }, function () { return entry; });
  }

  var flushing = null;
  // flush sends every waiting entry, one after another.
  function flush(csrf) {
    if (flushing) return flushing;
    flushing = all().then(function (entries) {
      var waiting = entries.filter(function (e) { return e.state === 'waiting'; });
      return waiting.reduce(function (p, e) {
        return p.then(function () { return send(e, csrf); });
      }, Promise.resolve());
    }).then(function () { flushing = null; }, function (err) { flushing = null; throw err; });
    return flushing;
  }

  scope.FugongQueue = { offlinePage: offlinePage, offlineAction: offlineAction, pageCache: 'fugong-pages-v1', add: add, all: all, get: get, put: put, remove: remove, clear: clear, flush: flush };
})(self);
