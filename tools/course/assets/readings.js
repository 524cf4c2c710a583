/* The readings page: two views (by session, by topic) and filters by text, topic, type and years, all in
 * the page (no server).  Without JavaScript both views are shown, one after the other, with their long
 * groups collapsed; the filters stay hidden, since they would do nothing. */
(function () {
  "use strict";

  function readings(root) {
    var form = root.querySelector(".cs-readings-filter");
    if (!form || form.dataset.csBound) return;
    form.dataset.csBound = "1";
    form.hidden = false;
    var views = Array.prototype.slice.call(root.querySelectorAll(".cs-view"));
    var links = Array.prototype.slice.call(root.querySelectorAll(".cs-view-link"));
    var groups = Array.prototype.slice.call(root.querySelectorAll(".cs-group"));
    var entries = Array.prototype.slice.call(root.querySelectorAll(".cs-view .cs-entry"));
    var status = form.querySelector(".cs-filter-status");
    var total = {};
    entries.forEach(function (entry) {
      // what a text search reads: the entry as shown, and every author where it shows three
      entry.dataset.text = (entry.textContent + " " + (entry.dataset.authors || "")).toLowerCase().replace(/\s+/g, " ");
      total[entry.dataset.key] = true;
    });
    groups.forEach(function (group) { group.dataset.wasOpen = group.open ? "1" : ""; });

    function show(view) {
      views.forEach(function (v) { v.hidden = v.id !== view; });
      links.forEach(function (a) { a.setAttribute("aria-current", a.dataset.view === view ? "true" : "false"); });
      try { sessionStorage.setItem("cs-readings-view", view); } catch (e) { /* private mode */ }
    }

    function value(name) { var el = form.elements[name]; return el ? el.value.trim() : ""; }

    function apply() {
      var q = value("q").toLowerCase(), topic = value("topic"), type = value("type");
      var from = parseInt(value("from"), 10), to = parseInt(value("to"), 10);
      var active = Boolean(q || topic || type || !isNaN(from) || !isNaN(to));
      entries.forEach(function (entry) {
        var year = parseInt(entry.dataset.year, 10);
        entry.hidden = active && !(
          (!q || entry.dataset.text.indexOf(q) >= 0) &&
          (!topic || (" " + entry.dataset.topics + " ").indexOf(" " + topic + " ") >= 0) &&
          (!type || entry.dataset.type === type) &&
          (isNaN(from) || year >= from) && (isNaN(to) || year <= to));
      });
      groups.forEach(function (group) {
        var shown = group.querySelectorAll(".cs-entry:not([hidden])").length;
        group.hidden = active && shown === 0;
        group.open = active ? shown > 0 : group.dataset.wasOpen === "1";
        group.querySelectorAll(".cs-entries").forEach(function (list) {
          var label = list.previousElementSibling;
          if (label && label.classList.contains("cs-label")) label.hidden = !list.querySelector(".cs-entry:not([hidden])");
        });
      });
      var view = views.filter(function (v) { return !v.hidden; })[0];
      var seen = {};
      if (view) view.querySelectorAll(".cs-entry:not([hidden])").forEach(function (e) { seen[e.dataset.key] = true; });
      var count = Object.keys(seen).length, all = Object.keys(total).length;
      status.textContent = active ? "Showing " + count + " of " + all + " papers." : "";
    }

    function chooseTopic(topic) {
      if (form.elements.topic) form.elements.topic.value = topic;
      apply();
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    links.forEach(function (a) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation();  // not a navigation: keep Material's instant loading out of it
        show(a.dataset.view);
        apply();
      });
    });
    root.querySelectorAll(".cs-show-topic").forEach(function (button) { button.hidden = false; });
    root.addEventListener("click", function (event) {
      var chip = event.target.closest(".cs-view .cs-topic[data-topic], .cs-show-topic");
      if (!chip) return;
      event.preventDefault();
      event.stopPropagation();
      chooseTopic(chip.dataset.topic);
    });

    // From a paper's page: #topic-x shows all the topic's papers, ?type=x and ?year=n the papers of that type
    // or year (a query, not an anchor: the page has no such place); a link to a session opens it.
    var hash = decodeURIComponent(location.hash.slice(1));
    var stored = null;
    try { stored = sessionStorage.getItem("cs-readings-view"); } catch (e) { /* private mode */ }
    var year = /[?&]year=(\d+)/.exec(location.search);
    var type = /[?&]type=([a-z0-9-]+)/.exec(location.search);
    if (year || type) {
      if (year) form.elements.from.value = form.elements.to.value = year[1];
      var option = type && form.querySelector("select[name=type] option[data-slug='" + type[1] + "']");
      if (option) form.elements.type.value = option.value;
      show(stored === "by-topic" ? "by-topic" : "by-session");
      apply();
    } else if (hash.indexOf("topic-") === 0) {
      show("by-topic");
      if (hash !== "topic--none") chooseTopic(hash.slice(6));
      else apply();
    } else {
      show(hash.indexOf("session-") === 0 || hash === "by-session" ? "by-session" : hash === "by-topic" ? "by-topic" :
        stored === "by-topic" ? "by-topic" : "by-session");
      apply();
    }
    var target = hash && document.getElementById(hash);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.scrollIntoView();
    }
  }

  function run() { readings(document.querySelector(".md-content") || document.body); }

  // Material announces each page on document$ (instant navigation swaps pages without reloading); opened
  // from a file it may never do so, so the page's own load runs it too (binding happens once).
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(run);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
})();
