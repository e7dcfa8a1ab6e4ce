/*
 * Weir web app embed: <script src="{origin}/apps/{name}/embed.js" async></script>
 * Adds a floating chat bubble (bottom right) that opens the app in an iframe panel. No dependencies;
 * the only global it leaves is a guard, so a page that includes it twice gets one bubble per app.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var src;
  try {
    src = new URL(script.src, location.href);
  } catch (e) {
    return;
  }
  var m = /^\/apps\/([^/]+)\/embed\.js$/.exec(src.pathname);
  if (!m) return;
  var name = decodeURIComponent(m[1]);
  var guard = (window.__weirEmbed = window.__weirEmbed || {});
  var id = src.origin + '/' + name;
  if (guard[id]) return;
  guard[id] = true;

  var appUrl = src.origin + '/apps/' + encodeURIComponent(name) + '?embed=1';
  var label = script.getAttribute('data-title') || name;
  var accent = /^#[0-9a-f]{6}$/i.test(script.getAttribute('data-accent') || '') ? script.getAttribute('data-accent') : '#2f6df6';
  var prefix = 'weir-embed-' + name.replace(/[^A-Za-z0-9_-]/g, '_');

  function start() {
    var host = document.createElement('div');
    host.setAttribute('data-weir-embed', name);
    // A shadow root keeps the page's CSS off the bubble and the bubble's off the page.
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    var style = document.createElement('style');
    style.textContent =
      ':host{all:initial}' +
      '.bubble{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;' +
      'background:' + accent + ';color:#fff;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483646;display:flex;align-items:center;justify-content:center}' +
      '.bubble:focus-visible{outline:3px solid #1c2230;outline-offset:3px}' +
      '.panel{position:fixed;right:20px;bottom:88px;width:400px;height:600px;max-width:calc(100vw - 40px);max-height:calc(100vh - 108px);' +
      'border:0;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);background:#fff;z-index:2147483647;display:none}' +
      '.panel.open{display:block}' +
      '@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;height:100vh;max-width:100vw;max-height:100vh;border-radius:0}}';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'bubble';
    button.setAttribute('aria-label', 'Open chat: ' + label);
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', prefix + '-panel');
    button.innerHTML =
      '<svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
    var frame = null;

    function open() {
      if (!frame) {
        frame = document.createElement('iframe');
        frame.id = prefix + '-panel';
        frame.className = 'panel';
        frame.title = label;
        frame.src = appUrl;
        frame.setAttribute('allow', 'clipboard-write');
        root.appendChild(frame);
      }
      frame.classList.add('open');
      button.setAttribute('aria-expanded', 'true');
      button.setAttribute('aria-label', 'Close chat: ' + label);
      frame.focus();
    }
    function close() {
      if (!frame || !frame.classList.contains('open')) return;
      frame.classList.remove('open');
      button.setAttribute('aria-expanded', 'false');
      button.setAttribute('aria-label', 'Open chat: ' + label);
      button.focus();
    }
    button.addEventListener('click', function () {
      if (frame && frame.classList.contains('open')) close();
      else open();
    });
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') close();
    });
    // Escape pressed inside the app (another origin) arrives as a message from the iframe.
    window.addEventListener('message', function (e) {
      if (e.origin === src.origin && frame && e.source === frame.contentWindow && e.data && e.data.type === 'weir-embed-close') close();
    });
    root.appendChild(style);
    root.appendChild(button);
    document.body.appendChild(host);
  }

  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
