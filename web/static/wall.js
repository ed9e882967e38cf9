// The wall view (/wall) refreshes itself: every data-every seconds it
// fetches its figures (data-src, an HTML fragment) and puts them in place
// of the last ones. When the server cannot be reached, or answers with
// something else than the fragment (a login page once the session ended),
// the last good figures stay and the banner says 数据更新中断 until a fetch
// succeeds again. One timer, one request at a time, old nodes replaced: it
// runs for days without growing.
(function () {
  'use strict';
  var root = document.getElementById('wall-live');
  var banner = document.getElementById('wall-status');
  if (!root || !banner || !window.fetch) {
    return;
  }
  var every = (parseInt(root.getAttribute('data-every'), 10) || 30) * 1000;
  var src = root.getAttribute('data-src');
  var busy = false;

  function failed() {
    banner.hidden = false;
    document.body.classList.add('stale');
  }

  function tick() {
    if (busy) {
      return;
    }
    busy = true;
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () {
      if (ctl) {
        ctl.abort();
      }
    }, Math.max(every - 2000, 5000));
    fetch(src, {credentials: 'same-origin', cache: 'no-store', signal: ctl ? ctl.signal : undefined})
      .then(function (r) {
        if (!r.ok || r.headers.get('X-Wall-Fragment') !== '1') {
          throw new Error('wall: ' + r.status);
        }
        return r.text();
      })
      .then(function (html) {
        var t = document.createElement('template');
        t.innerHTML = html;
        root.replaceChildren(t.content);
        banner.hidden = true;
        document.body.classList.remove('stale');
      })
      .catch(failed)
      .then(function () {
        clearTimeout(timer);
        busy = false;
      });
  }

  setInterval(tick, every);
})();
