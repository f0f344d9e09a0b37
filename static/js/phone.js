// Phone pages: steppers, chips, and an outbox that keeps sessions logged offline on the
// phone and sends them (exactly once, thanks to client_id) when the connection is back.
// Each kept session names the athlete it was logged for; the server refuses it (409) when
// the phone is now signed in for someone else, and the phone shows it as not sent.
(function () {
  "use strict";
  var OUTBOX = "itbrehab-outbox";

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // Whose pages these are (set on <body> by the server); absent on pages for nobody
  // (the refusal page, the "switch athlete?" question).
  var body = document.body;
  var ATHLETE = body.dataset.athlete || "";
  var ATHLETE_NAME = body.dataset.athleteName || "";
  // The phone was just signed out (link revoked, expired or unknown): "404" or "410".
  var SIGNED_OUT = body.dataset.signedOut || "";
  var LAST_ATHLETE = "itbrehab-athlete";  // whose pages the phone showed last ("" = nobody)
  // Only the signed-in pages and the "switch athlete?" question send the outbox. The
  // refusal pages answer under "no-referrer", where Chromium posts with "Origin: null" and
  // CSRF protection would refuse every item.
  var SENDS = body.dataset.outbox === "send";

  // Answers that end an item's wait: sending it again as it is would change nothing.
  var REASONS = {
    401: "this phone is no longer signed in — open your link again, or ask your PT for a new one.",
    403: "the server refused it (security check) — open your link again, then send it again.",
    404: "this phone is no longer signed in — open your link again, or ask your PT for a new one.",
    410: "your link was revoked or has expired — ask your PT for a new one.",
  };
  var SIGNED_OUT_STATUSES = [401, 404, 410];

  function readOutbox() {
    try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (e) { return []; }
  }
  function writeOutbox(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); showOutbox(); }
  function sameItem(a, b) { return a.fields.client_id === b.fields.client_id; }
  // Change one item where it stands (the outbox keeps the order things were logged in).
  function updateItem(item, changes) {
    writeOutbox(readOutbox().map(function (i) {
      if (!sameItem(i, item)) return i;
      Object.keys(changes).forEach(function (k) {
        if (changes[k] === undefined) delete i[k]; else i[k] = changes[k];
      });
      return i;
    }));
  }
  function removeFromOutbox(item) {
    writeOutbox(readOutbox().filter(function (i) { return !sameItem(i, item); }));
  }

  var ACTIVITIES = { walk: "Walk", walk_run: "Walk–run", run: "Run", cross_training: "Cross-training", strength: "Strength" };
  // What the athlete entered, in words: a session not sent stays readable on the phone.
  function describe(fields) {
    var parts = [ACTIVITIES[fields.activity] || fields.activity || "Session"];
    if (fields.terrain) parts.push(fields.terrain);
    if (fields.surface) parts.push(fields.surface);
    if (fields.duration_min) parts.push(fields.duration_min + " min");
    if (fields.pain_during) parts.push("pain during " + fields.pain_during);
    if (fields.pain_after) parts.push("pain after " + fields.pain_after);
    if (fields.stopped_early) parts.push("stopped early");
    if (fields.file_sha256) parts.push("from your watch");
    var text = (fields.date ? fields.date + ": " : "") + parts.join(", ");
    if (fields.notes) text += " — “" + fields.notes + "”";
    return text;
  }

  function actionButton(label, className, onClick) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "outbox-action " + className;
    button.textContent = label;
    button.addEventListener("click", onClick);
    return button;
  }

  function showOutbox() {
    var box = document.getElementById("outbox");
    if (!box) return;
    var items = readOutbox();
    var waiting = items.filter(function (i) { return !i.error; }).length;
    var failed = items.filter(function (i) { return i.error; });
    box.textContent = "";
    if (waiting) {
      var p = document.createElement("p");
      p.textContent = waiting + (waiting === 1 ? " session is" : " sessions are") + " saved on this phone, waiting to send.";
      box.appendChild(p);
    }
    // A session the server refused is never dropped silently: fix it, send it again where
    // it belongs, or discard it.
    failed.forEach(function (item) {
      var row = document.createElement("p");
      row.className = "outbox-failed";
      row.dataset.status = item.status || 400;
      var head = document.createElement("strong");
      var mine = !item.athlete || item.athlete === ATHLETE;
      if (item.status === 409) {
        head.textContent = "Not sent — logged for " + (item.athleteName || "another athlete") + ".";
      } else if (REASONS[item.status]) {
        head.textContent = "Not sent: " + REASONS[item.status];
      } else {
        head.textContent = "Not saved (" + item.fields.date + "): " + item.error;
      }
      row.appendChild(head);
      var what = document.createElement("span");
      what.className = "outbox-what";
      what.textContent = describe(item.fields);
      row.appendChild(document.createTextNode(" "));
      row.appendChild(what);
      row.appendChild(document.createTextNode(" "));
      var actions = [];
      if (!item.status || item.status === 400) {
        // Only into this athlete's form: never another athlete's session on this record.
        if (mine) {
          var fix = document.createElement("a");
          fix.href = item.url;
          fix.className = "outbox-fix";
          fix.textContent = "Fix it";
          fix.addEventListener("click", function () {
            sessionStorage.setItem(FIX, JSON.stringify(item.fields));
            removeFromOutbox(item);
          });
          actions.push(fix);
        }
      } else if (ATHLETE && item.athlete === ATHLETE && !SIGNED_OUT) {
        // Signed in again for the athlete it was logged for (a new link, or switched back).
        actions.push(actionButton("Send again", "outbox-retry", function () {
          updateItem(item, { error: undefined, status: undefined });
          flush();
        }));
      }
      actions.push(actionButton("Discard", "outbox-discard", function () {
        if (window.confirm("Discard this session? It has not been saved.")) removeFromOutbox(item);
      }));
      actions.forEach(function (action, i) {
        if (i) row.appendChild(document.createTextNode(" · "));
        row.appendChild(action);
      });
      box.appendChild(row);
    });
    box.hidden = !waiting && !failed.length;
  }

  var FIX = "itbrehab-fix";

  // Put a refused session back into the form, as the athlete entered it.
  function restore(form) {
    var saved = sessionStorage.getItem(FIX);
    if (!saved) return;
    sessionStorage.removeItem(FIX);
    var fields = JSON.parse(saved);
    Object.keys(fields).forEach(function (name) {
      // The form's own athlete stays: the server compares it with the phone's.
      if (name === "client_id" || name === "csrfmiddlewaretoken" || name === "athlete") return;
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "radio") input.checked = input.value === fields[name];
        else if (input.type === "checkbox") input.checked = true;
        else input.value = fields[name];
      });
    });
    var note = document.createElement("p");
    note.className = "form-errors";
    note.setAttribute("role", "alert");
    note.textContent = "This session was not saved. Check it and save again.";
    form.insertBefore(note, form.firstChild);
  }

  // --- CSRF: always the token the server expects now -------------------------------------
  // A new sign-in (another link, a switch of athlete) gives the phone a new CSRF secret, and
  // a page cached offline may be days old: the token is read when sending, never kept with
  // the item.
  function cookieToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  // Fetch a fresh phone page for its token; resolves {ok, status, token}.
  function freshPage(url) {
    return fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) return { ok: false, status: response.status, token: "" };
        return response.text().then(function (html) {
          var input = new DOMParser().parseFromString(html, "text/html").querySelector("input[name=csrfmiddlewaretoken]");
          return { ok: true, status: response.status, token: cookieToken() || (input ? input.value : "") };
        });
      });
  }
  function currentToken(item) {
    var token = cookieToken();
    return token ? Promise.resolve(token) : freshPage(item.url).then(function (page) { return page.token; });
  }

  // A weak signal can leave a request hanging for minutes: give up after SEND_TIMEOUT_MS
  // and keep the session in the outbox (client_id makes a late duplicate harmless).
  var SEND_TIMEOUT_MS = 15000;
  function send(item, token) {
    var body = new URLSearchParams(item.fields);
    body.delete("csrfmiddlewaretoken");  // an old item's token, captured when it was queued
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS) : null;
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token },
      body: body,
      signal: controller ? controller.signal : undefined,
    }).finally(function () { clearTimeout(timer); });
  }

  // Send with the current token; on a CSRF refusal (403) fetch a fresh token and try once
  // more. Resolves with the answer ({status, ok, json?}); rejects when the network fails.
  function deliver(item) {
    return currentToken(item).then(function (token) {
      return send(item, token).then(function (response) {
        if (response.status !== 403) return response;
        return freshPage(item.url).then(function (page) {
          return page.ok ? send(item, page.token) : page;  // signed out meanwhile: say why
        });
      });
    });
  }

  // Record the server's answer on the item. Returns a promise of true when the item is
  // still waiting (5xx, 429…: try again later).
  function settle(item, response) {
    if (response.ok) { removeFromOutbox(item); return Promise.resolve(false); }
    if (response.status === 400) {
      return response.json().then(function (data) {
        var messages = [];
        Object.keys(data.errors || {}).forEach(function (k) {
          data.errors[k].forEach(function (e) { messages.push(e.message); });
        });
        updateItem(item, { error: messages.join(" ") || "rejected", status: 400 });
        return false;
      });
    }
    if (response.status === 409 || REASONS[response.status]) {
      updateItem(item, { error: "not sent", status: response.status });
      return Promise.resolve(false);
    }
    return Promise.resolve(true);
  }

  var flushing = false;
  var retryTimer = null;
  var RETRY_MS = 30000;
  function flush() {
    if (flushing || !navigator.onLine || !SENDS) return;
    var items = readOutbox().filter(function (i) { return !i.error; });
    if (!items.length) return;
    flushing = true;
    clearTimeout(retryTimer);
    var later = false;
    var signedOut = 0;  // once the server says this phone is signed out, the rest fail alike
    var chain = Promise.resolve();
    items.forEach(function (item) {
      chain = chain.then(function () {
        if (signedOut) { updateItem(item, { error: "not sent", status: signedOut }); return; }
        return deliver(item).then(function (response) {
          if (SIGNED_OUT_STATUSES.indexOf(response.status) >= 0) signedOut = response.status;
          return settle(item, response);
        }).then(function (wait) { later = later || wait; }, function () { later = true; /* offline: keep it */ });
      });
    });
    chain.then(function () {
      flushing = false;
      showOutbox();
      if (later) retryTimer = setTimeout(flush, RETRY_MS);
    });
  }

  // --- Cached pages: never another athlete's, never after a sign-out ---------------------
  function scope() { return (body.dataset.sw || "/m/sw.js").replace(/sw\.js$/, ""); }
  function forgetPages() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        return caches.open(key).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.filter(function (r) {
              return new URL(r.url).pathname.indexOf(scope()) === 0;
            }).map(function (r) { return cache.delete(r); }));
          });
        });
      }));
    });
  }
  function watchAthlete() {
    // After any refusal the worker holds no pages (it forgets them on a 404 or 410): the
    // next signed-in page has it fetch them again, as for a new athlete.
    if ("refused" in body.dataset) localStorage.setItem(LAST_ATHLETE, "");
    if (SIGNED_OUT) {
      // What was waiting cannot be sent any more: say so now rather than "waiting" forever.
      readOutbox().filter(function (i) { return !i.error; }).forEach(function (item) {
        updateItem(item, { error: "not sent", status: parseInt(SIGNED_OUT, 10) });
      });
      forgetPages();
      return;
    }
    var last = localStorage.getItem(LAST_ATHLETE);
    if (!ATHLETE || last === ATHLETE) return;
    // Another athlete (or someone new after a sign-out) on this phone: the pages the
    // worker cached are not theirs. It swaps them only once it has fresh copies. The
    // first time (nothing cached yet), its install caches them for this athlete.
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (last !== null) {
      if (!worker) return;  // ask again on the next page
      worker.postMessage("refresh-pages");
    }
    localStorage.setItem(LAST_ATHLETE, ATHLETE);
  }

  // Today's date in the clinic's time zone ("YYYY-MM-DD"), as the server judges "today".
  function clinicToday(zone) {
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
        .formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
      return parts.year + "-" + parts.month + "-" + parts.day;
    } catch (e) { return null; }
  }

  function setUpLogForm(form) {
    var idField = form.querySelector("input[name=client_id]");
    if (idField) idField.value = uuid4();  // a cached page must never reuse one
    restore(form);

    // Offline, the service worker shows the log page as it was cached, maybe days ago:
    // a date still at that day's "today" becomes today, or the session lands on the wrong day.
    var dateField = form.querySelector("input[name=date]");
    if (dateField && dateField.dataset.timeZone && dateField.value === dateField.max) {
      var today = clinicToday(dateField.dataset.timeZone);
      if (today && today > dateField.max) { dateField.max = today; dateField.value = today; }
    }

    form.querySelectorAll(".stepper").forEach(function (stepper) {
      var input = stepper.querySelector("input");
      var step = parseInt(stepper.dataset.step || "1", 10);
      function bump(delta) {
        var value = parseInt(input.value || "0", 10) + delta;
        input.value = Math.max(parseInt(input.min || "1", 10), Math.min(parseInt(input.max || "300", 10), value));
      }
      stepper.querySelector(".step-down").addEventListener("click", function () { bump(-step); });
      stepper.querySelector(".step-up").addEventListener("click", function () { bump(step); });
    });

    function toggleRunning() {
      var checked = form.querySelector("input[name=activity]:checked");
      var running = !checked || ["walk", "walk_run", "run"].indexOf(checked.value) >= 0;
      form.querySelectorAll(".running-only").forEach(function (el) { el.hidden = !running; });
    }
    // Intervals belong to walk–runs only: switching away clears them rather than leaving
    // numbers the server will refuse.
    function clearIntervals(event) {
      if (event.target.value === "walk_run") return;
      ["run_interval_sec", "walk_interval_sec", "repeats"].forEach(function (name) {
        var input = form.querySelector("[name=" + name + "]");
        if (input) input.value = "";
      });
    }
    form.querySelectorAll("input[name=activity]").forEach(function (el) {
      el.addEventListener("change", toggleRunning);
      el.addEventListener("change", clearIntervals);
    });
    toggleRunning();

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var fields = {};
      new FormData(form).forEach(function (value, key) { fields[key] = value; });
      delete fields.csrfmiddlewaretoken;  // read afresh at each send, never stored
      // Tagged with the athlete this page was for: the server refuses it (409) for anyone else.
      var item = { url: form.action, fields: fields, athlete: fields.athlete || ATHLETE, athleteName: ATHLETE_NAME };
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      function keep(changes) {
        var items = readOutbox();
        items.push(Object.assign(item, changes || {}));
        writeOutbox(items);
      }
      deliver(item).then(function (response) {
        if (response.ok) {
          // 200, not 201: stored before (this watch file's session): say so at home.
          var done = response.status === 200 && form.dataset.again ? form.dataset.again : form.dataset.done;
          window.location.href = done || "../?saved=1";
          return;
        }
        if (response.status === 400) {
          // Let the server show its messages beside the fields, with the token it expects now.
          var token = form.querySelector("input[name=csrfmiddlewaretoken]");
          if (token && cookieToken()) token.value = cookieToken();
          form.submit();
          return;
        }
        if (response.status === 409 || REASONS[response.status]) {
          // Not sent, and never lost: the home page (or the refusal page) shows it and why.
          keep({ error: "not sent", status: response.status });
          window.location.href = form.dataset.home || "../";
          return;
        }
        keep();  // a server error: keep it and send it later, as if offline
        window.location.href = form.dataset.offline || "../?saved=offline";
      }).catch(function () {
        keep();
        window.location.href = form.dataset.offline || "../?saved=offline";
      });
    });
  }

  // --- Import from watch: the server reads the file, so it needs a connection -------------
  // Never queued in the outbox: a file is not a session, and the athlete checks what it
  // says before saving. Offline (or when the server cannot be reached) the page says so
  // and stays as it is, the log form below still there to fill in by hand.
  var PROBE_TIMEOUT_MS = 8000;
  function reachable(url) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, PROBE_TIMEOUT_MS) : null;
    return fetch(url, { credentials: "same-origin", cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function () { return true; }, function () { return false; })
      .finally(function () { clearTimeout(timer); });
  }
  function setUpWatchImport(form) {
    var offline = document.getElementById("watch-offline");
    var button = form.querySelector("button[type=submit]");
    var probe = document.querySelector("link[rel=manifest]");
    function sayOffline() {
      offline.hidden = false;
      button.disabled = false;
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      offline.hidden = true;
      if (!navigator.onLine) { sayOffline(); return; }
      button.disabled = true;
      // The manifest is tiny and never answered from the service worker's cache.
      (probe ? reachable(probe.href) : Promise.resolve(true)).then(function (online) {
        if (!online) { sayOffline(); return; }
        // A page shown from the cache may hold an old token: send the one in use now.
        var token = form.querySelector("input[name=csrfmiddlewaretoken]");
        if (token && cookieToken()) token.value = cookieToken();
        form.submit();
      });
    });
    window.addEventListener("pageshow", function () { button.disabled = false; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("log-form");
    if (form) setUpLogForm(form);
    var watchImport = document.getElementById("watch-import");
    if (watchImport) setUpWatchImport(watchImport);
    watchAthlete();
    showOutbox();
    flush();
    window.addEventListener("online", flush);
    var sw = document.body.dataset.sw;
    if (sw && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(sw, { scope: sw.replace(/sw\.js$/, "") }).catch(function () {});
    }
  });
})();
