/* The readings page: two views (by session, by topic) and filters by text, topic, type and years.  The
 * by-session view has each paper's entry once (those of its collapsed groups in files, loaded when one opens
 * or the filters are set), and the filters read the entries as shown.  Without
 * JavaScript both views are shown, one after the other, with their long groups collapsed; the filters stay
 * hidden, since they would do nothing.
 *
 * The by-topic view's groups link the files of their entries (readings/list-*.html, a hundred entries each),
 * which are loaded into the groups when the view is shown.  A long list (thousands of papers) is not one page
 * of them all: its by-session groups are so too, each loaded when it opens, and the filters read every paper's
 * words from one file (the form's data-lists) before they load the groups that have papers to show.  Those
 * files are fetched, so they need the site served (not opened as a file): without, the links open them. */
(function () {
  "use strict";

  var OPEN_AT_MOST = 10;  // a long list's filter opens (and loads) this many groups at most; the others show counts

  function readings(root) {
    var form = root.querySelector(".cs-readings-filter");
    if (!form || form.dataset.csBound) return;
    form.dataset.csBound = "1";
    form.hidden = false;
    var views = Array.prototype.slice.call(root.querySelectorAll(".cs-view"));
    var links = Array.prototype.slice.call(root.querySelectorAll(".cs-view-link"));
    var groups = Array.prototype.slice.call(root.querySelectorAll(".cs-group"));
    var status = form.querySelector(".cs-filter-status");
    var lazy = form.dataset.lists;  // the long list's data file, or undefined
    var data = null, fetching = null;  // its data, once loaded (and the request for it)
    var info = {};  // each paper's words, topics, year and type, by its key (its slug), read from its full entry
    read(root);
    groups.forEach(function (group) { group.dataset.wasOpen = group.open ? "1" : ""; });

    // What the filters read of a paper, from its full entry as shown: its words (those of its buttons aside) and
    // the authors it does not show (data-authors, after the third), its topic chips, its year and its type. A
    // line that points to the entry (a paper assigned again) is filtered as its paper.
    function read(container) {
      container.querySelectorAll(".cs-view .cs-entry:not(.cs-entry--ref)").forEach(function (entry) {
        var key = entry.dataset.key;
        if (info[key]) return;
        var words = Array.prototype.reduce.call(entry.querySelectorAll("button"), function (text, button) {
          return text.replace(button.textContent, "");
        }, entry.textContent);
        var shown = function (selector) { var el = entry.querySelector(selector); return el ? el.textContent : ""; };
        info[key] = [(words + " " + (entry.dataset.authors || "")).toLowerCase().replace(/\s+/g, " "),
          Array.prototype.map.call(entry.querySelectorAll("a.cs-topic"), topicOf).join(" "),
          shown(".cs-entry-year"), shown(".cs-entry-type")];
      });
    }

    function topicOf(chip) { return chip.dataset.topic || decodeURIComponent(chip.hash).replace(/^#topic-/, ""); }

    function show(view) {
      views.forEach(function (v) { v.hidden = v.id !== view; });
      links.forEach(function (a) { a.setAttribute("aria-current", a.dataset.view === view ? "true" : "false"); });
      try { sessionStorage.setItem("cs-readings-view", view); } catch (e) { /* private mode */ }
    }

    function value(name) { var el = form.elements[name]; return el ? el.value.trim() : ""; }

    // Whether a paper (its words, topics, year and type) passes the filters; .active: whether any is set.
    function filter() {
      var q = value("q").toLowerCase(), topic = value("topic"), type = value("type");
      var from = parseInt(value("from"), 10), to = parseInt(value("to"), 10);
      var test = function (text, topics, year, kind) {
        year = parseInt(year, 10);
        return (!q || text.indexOf(q) >= 0) && (!topic || (" " + topics + " ").indexOf(" " + topic + " ") >= 0) &&
          (!type || kind === type) && (isNaN(from) || year >= from) && (isNaN(to) || year <= to);
      };
      test.active = Boolean(q || topic || type || !isNaN(from) || !isNaN(to));
      return test;
    }

    // The entries a group shows (a long list's, once its data is here, as that data says), and the headings of
    // its lists with them.
    function hide(group, test) {
      group.querySelectorAll(".cs-entry").forEach(function (entry) {
        var key = entry.dataset.key, paper = info[key];
        entry.hidden = test.active && !(lazy && data ? matching[key] : paper && test(paper[0], paper[1], paper[2], paper[3]));
      });
      group.querySelectorAll(".cs-entries").forEach(function (list) {
        var label = list.previousElementSibling;
        if (label && label.classList.contains("cs-label")) label.hidden = !list.querySelector(".cs-entry:not([hidden])");
      });
    }

    // A long list's group: the links to the files of its entries, and loading one of them into it, in order.
    function files(group) { return Array.prototype.slice.call(group.querySelectorAll("a.cs-group-file")); }

    function load(group, index) {
      var link = files(group)[index];
      if (!link || link.dataset.csLoaded) return;
      link.dataset.csLoaded = "1";
      var part = document.createElement("div");
      part.className = "cs-group-part";
      part.dataset.part = index;
      var later = Array.prototype.filter.call(group.querySelectorAll(".cs-group-part"), function (p) { return +p.dataset.part > index; });
      if (later.length) later[0].before(part); else group.appendChild(part);
      busy(group, 1);
      fetch(link.href).then(function (response) {
        if (!response.ok) throw new Error(response.statusText);
        return response.text();
      }).then(function (html) {
        var loaded = new DOMParser().parseFromString(html, "text/html").body;  // a page of its own: its body
        while (loaded.firstChild) part.appendChild(document.adoptNode(loaded.firstChild));
        link.hidden = true;
        link.parentNode.hidden = files(group).every(function (a) { return a.hidden; });
        read(part);
        hide(group, filter());
        document.dispatchEvent(new CustomEvent("cs:content", { detail: part }));  // course.js: its copy buttons
      }).catch(function () {  // not served (a file on disk): the link opens the file instead
        part.remove();
        link.dataset.csFailed = "1";
      }).then(function () {
        busy(group, -1);  // the filters of a short list count the entries shown: once all are here
        if (!lazy && !root.querySelector(".cs-group[aria-busy]")) apply();
      });
    }

    // aria-busy while a group's files load
    function busy(group, change) {
      var loading = (parseInt(group.dataset.loading || "0", 10)) + change;
      group.dataset.loading = loading;
      if (loading > 0) group.setAttribute("aria-busy", "true"); else group.removeAttribute("aria-busy");
    }

    // A group that loads on demand gets its files: a short list's, all of them once its view is shown (a group
    // that starts collapsed, data-loads="open": once it opens too, or the filters need its entries); a long
    // list's, once open, those that have papers to show (the first, without filters).
    function fill(group) {
      var test = filter(), parts = data && data.groups[group.id];
      var wanted = group.dataset.loads !== "open" || group.open || test.active;
      if (!lazy && wanted && !group.closest(".cs-view").hidden) files(group).forEach(function (link, i) { load(group, i); });
      if (!lazy || !group.open) return;
      if (!test.active || !parts) {
        if (!group.querySelector(".cs-group-part")) load(group, 0);
        return;
      }
      parts.forEach(function (slugs, i) {
        if (slugs.some(function (slug) { return matching[slug]; })) load(group, i);
      });
    }

    var matching = {};  // a long list's papers that pass the filters (their slugs)
    var filtered = false;  // whether the filters were set when they were last applied (a group the reader opened stays open)

    function apply() {
      var test = filter(), active = test.active, opened = {};  // groups opened, by view
      if (lazy && active && !data) {
        status.textContent = "Loading the list\u2026";
        if (!fetching) {
          fetching = fetch(lazy).then(function (r) { return r.json(); }).then(function (d) { data = d; apply(); }, function () {
            fetching = null;
            status.textContent = "The filters of so long a list need the site served, not opened as a file.";
          });
        }
        return;
      }
      matching = {};
      if (lazy && active) {
        Object.keys(data.papers).forEach(function (slug) {
          var p = data.papers[slug];
          if (test(p[0], p[1], p[2], p[3])) matching[slug] = true;
        });
      }
      groups.forEach(function (group) {
        hide(group, test);
        var shown = group.querySelectorAll(".cs-entry:not([hidden])").length;
        if (lazy) {  // counted in the data, loaded or not; a few groups open
          shown = !active ? 0 : (data.groups[group.id] || []).reduce(function (n, slugs) {
            return n + slugs.filter(function (slug) { return matching[slug]; }).length;
          }, 0);
          var count = group.querySelector(".cs-count");
          count.dataset.all = count.dataset.all || count.textContent;
          count.textContent = active ? shown + " of " + count.dataset.all : count.dataset.all;
        }
        group.hidden = active && shown === 0 && !failed(group);
        var view = group.closest(".cs-view");  // a long list opens a few groups of the view shown, none of the other
        opened[view.id] = (opened[view.id] || 0) + (active && shown > 0 ? 1 : 0);
        if (active) group.open = shown > 0 && (!lazy || !view.hidden && opened[view.id] <= OPEN_AT_MOST);
        else if (filtered) group.open = group.dataset.wasOpen === "1";  // the filters cleared: the groups as they were
        fill(group);
      });
      filtered = active;
      var view = views.filter(function (v) { return !v.hidden; })[0];
      var seen = lazy ? matching : {};
      if (!lazy && view) view.querySelectorAll(".cs-entry:not([hidden])").forEach(function (e) { seen[e.dataset.key] = true; });
      var count = Object.keys(seen).length, all = parseInt(form.dataset.papers, 10);
      status.textContent = view && view.querySelector(".cs-group-file[data-cs-failed]") ?
        "Opened as a file, the page cannot load this view's lists: each opens from its link." :
        active ? "Showing " + count + " of " + all + " papers." : "";
    }

    // A group whose files could not load (a file on disk): it shows their links, whatever the filters.
    function failed(group) { return !group.querySelector(".cs-entry") && Boolean(group.querySelector("[data-cs-failed]")); }

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
        event.stopPropagation();  // a view of this page, not a navigation: no other handler follows it
        show(a.dataset.view);
        apply();
      });
    });
    // Each topic's group offers the topic's papers listed under other topics too: its topic in the filter.
    root.querySelectorAll(".cs-view .cs-topic-meta").forEach(function (meta) {
      var topic = meta.closest(".cs-group").id.replace(/^topic-/, "");
      var option = form.querySelector("select[name=topic] option[value='" + topic + "']");
      var count = option && /\((\d+)\)$/.exec(option.textContent);
      if (!count) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cs-chip cs-show-topic";
      button.dataset.topic = topic;
      button.textContent = "Show all " + count[1];
      meta.append(" \u00b7 ", button);
    });
    root.addEventListener("click", function (event) {
      var file = event.target.closest("a.cs-group-file");
      if (file && !file.dataset.csFailed) {  // a long group's next file: into the page
        event.preventDefault();
        event.stopPropagation();
        var group = file.closest(".cs-group");
        load(group, files(group).indexOf(file));
        return;
      }
      var chip = event.target.closest(".cs-view a.cs-topic, .cs-show-topic");
      if (!chip) return;
      event.preventDefault();
      event.stopPropagation();
      chooseTopic(topicOf(chip));
    });
    groups.forEach(function (group) { group.addEventListener("toggle", function () { fill(group); }); });

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

  // Material announces the page on document$; opened from a file it may never do so, so the page's own load
  // runs it too (binding happens once).
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(run);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
})();
