// Offline entry on the pages: forms marked data-offline are kept on the
// phone when there is no network (offline-queue.js) and sent when it
// returns; a panel says how many wait and how each sent one ended, with a
// way to fix and send again a refused one. Without this script every page
// works as before.
(function () {
  'use strict';
  var Q = self.FugongQueue;
  if (!Q || !window.indexedDB || !window.fetch || !window.FormData) return;

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(function () {});
  }

  function csrf() {
    var el = document.querySelector('input[name="csrf"]');
    return el ? el.value : '';
  }

  function newKey() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  // The panel at the top of the page: the waiting count and the results.
  var panel = el('section', { 'class': 'offline-panel', 'aria-live': 'polite', hidden: '' });
  function render() {
    return Q.all().then(function (entries) {
      panel.textContent = '';
      var waiting = entries.filter(function (e) { return e.state === 'waiting'; });
      var done = entries.filter(function (e) { return e.state !== 'waiting'; });
      if (!entries.length) { panel.hidden = true; return; }
      panel.hidden = false;
      if (waiting.length) {
        var w = el('p', { 'class': 'offline-waiting', role: 'status' });
        w.appendChild(el('strong', {}, '已离线保存，联网后自动上报'));
        w.appendChild(document.createTextNode('：本手机上有 ' + waiting.length + ' 条待上报'));
        panel.appendChild(w);
        var ul = el('ul', { 'class': 'offline-list' });
        waiting.forEach(function (e) {
          ul.appendChild(el('li', {}, e.label + (e.note ? '（' + e.note + '）' : '')));
        });
        panel.appendChild(ul);
      }
      if (done.length) {
        panel.appendChild(el('p', { 'class': 'offline-head' }, '离线记录的上报结果'));
        var rl = el('ul', { 'class': 'offline-list' });
        done.forEach(function (e) {
          var li = el('li', { 'class': 'offline-' + e.state });
          li.appendChild(el('span', { 'class': 'tag' }, e.state === 'stored' ? '已上报' : '未被接收'));
          li.appendChild(document.createTextNode(' ' + e.label + (e.state === 'refused' ? '：' + e.message : '') + ' '));
          if (e.state === 'stored' && e.result) li.appendChild(el('a', { href: new URL(e.result).pathname + new URL(e.result).search }, '查看'));
          if (e.state === 'refused' && e.fields.length) li.appendChild(el('a', { href: e.action + '#offline-' + e.id }, '修改后重新提交'));
          var ok = el('button', { type: 'button', 'class': 'link', 'data-dismiss': e.id }, '知道了');
          li.appendChild(ok);
          rl.appendChild(li);
        });
        panel.appendChild(rl);
      }
    });
  }
  panel.addEventListener('click', function (ev) {
    var id = ev.target.getAttribute && ev.target.getAttribute('data-dismiss');
    if (id) Q.remove(Number(id)).then(render);
  });

  function flush() {
    if (navigator.onLine === false) return render();
    return Q.flush(csrf()).then(render, render);
  }

  // keep caches the pages this page links to that work offline (a
  // cadre's firms and their visit forms), while there is a network.
  function keepLinked() {
    if (!window.caches || navigator.onLine === false) return Promise.resolve();
    var seen = {}, urls = [];
    Array.prototype.forEach.call(document.querySelectorAll('main a[href^="/"]'), function (a) {
      var u = new URL(a.getAttribute('href'), location.href); // an SVG link's href is no string
      if (Q.offlinePage(u.pathname) && !seen[u.pathname] && urls.length < 20) {
        seen[u.pathname] = true;
        urls.push(u.pathname);
      }
    });
    return caches.open(Q.pageCache).then(function (c) {
      return Promise.all(urls.map(function (u) {
        return c.match(u).then(function (hit) {
          if (hit) return null;
          return fetch(u, { credentials: 'same-origin' }).then(function (res) {
            if (res.ok && !res.redirected) return c.put(u, res);
          }, function () {});
        });
      }));
    });
  }

  // fill puts a refused entry's fields back in its form to be fixed.
  function fill(form, entry) {
    entry.fields.forEach(function (f) {
      if (f[0] === 'csrf' || f[0] === 'key') return;
      var inputs = form.querySelectorAll('[name="' + f[0].replace(/"/g, '') + '"]');
      Array.prototype.forEach.call(inputs, function (input) {
        if (input.type === 'radio' || input.type === 'checkbox') input.checked = input.value === f[1];
        else if (input.type === 'file') {
          if (f.length === 3 && window.DataTransfer) {
            var dt = new DataTransfer();
            dt.items.add(new File([f[1]], f[2], { type: f[1].type }));
            input.files = dt.files;
          }
        } else input.value = f[1];
      });
    });
  }

  function init() {
    var main = document.querySelector('main') || document.body;
    main.insertBefore(panel, main.firstChild);
    var fixing = /^#offline-(\d+)$/.exec(location.hash);
    Array.prototype.forEach.call(document.querySelectorAll('form[data-offline]'), function (form) {
      // A page the phone kept may be opened many times: each filing is
      // its own, so each gets its own key.
      var key = form.querySelector('input[name="key"]');
      if (!key) {
        key = el('input', { type: 'hidden', name: 'key' });
        form.appendChild(key);
      }
      key.value = newKey();
      if (fixing) {
        Q.get(Number(fixing[1])).then(function (entry) {
          if (entry && entry.action === new URL(form.action).pathname) {
            fill(form, entry);
            form.setAttribute('data-replaces', entry.id);
          }
        });
      }
      form.addEventListener('submit', function (ev) {
        var replaces = form.getAttribute('data-replaces');
        if (replaces) Q.remove(Number(replaces));
        if (navigator.onLine !== false) return; // the network decides; the service worker keeps it if it fails
        ev.preventDefault();
        var action = new URL(form.action).pathname;
        Q.add(action, form.getAttribute('data-offline') || document.title, new FormData(form), form.hasAttribute('data-personal')).then(function () {
          if (navigator.serviceWorker && navigator.serviceWorker.ready) {
            navigator.serviceWorker.ready.then(function (reg) { if (reg.sync) return reg.sync.register('fugong-outbox'); }).catch(function () {});
          }
          form.reset();
          key.value = newKey();
          return render();
        }).then(function () {
          panel.scrollIntoView({ block: 'start' });
        });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll('form[action="/logout"]'), function (form) {
      form.addEventListener('submit', function (ev) {
        if (form.getAttribute('data-cleared')) return;
        ev.preventDefault();
        Q.all().then(function (entries) {
          var waiting = entries.filter(function (e) { return e.state === 'waiting'; }).length;
          if (waiting && !confirm('本手机上还有 ' + waiting + ' 条离线记录未上报，退出后将被删除。确定退出？')) return;
          var gone = [Q.clear()];
          if (window.caches) gone.push(caches.keys().then(function (ks) { return Promise.all(ks.map(function (k) { return caches.delete(k); })); }));
          return Promise.all(gone).then(function () {
            form.setAttribute('data-cleared', '1');
            form.submit();
          });
        });
      });
    });
    window.addEventListener('online', flush);
    // data-offline-ready tells when the pages this one leads to are kept.
    flush().then(keepLinked).then(function () { document.documentElement.setAttribute('data-offline-ready', '1'); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
