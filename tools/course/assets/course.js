/* Course site behaviour: the next-session marker, maths rendering, copy buttons, and the readings filters' script.
 * Everything runs once per page, when Material announces it on its `document$` observable (or on the page's
 * own load, opened from a file). */
(function () {
  "use strict";

  // Mark past sessions, and the next one (the first that has not ended yet).
  /* The element matching selector, the first time it is asked for (a filter binds its handlers once). */
  function unbound(root, selector) {
    var el = root.querySelector(selector);
    if (!el || el.dataset.csBound) return null;
    el.dataset.csBound = "1";
    return el;
  }

  function markSessions(root) {
    var now = Date.now();
    var next = null;
    root.querySelectorAll(".cs-session[data-end], .cs-session-head[data-end]").forEach(function (el) {
      var end = Date.parse(el.getAttribute("data-end"));
      // A session page knows only its predecessor: it is next if that one has ended.
      var prevEnd = el.getAttribute("data-prev-end");
      var previousOver = el.classList.contains("cs-session") || !prevEnd || Date.parse(prevEnd) < now;
      el.classList.toggle("cs-past", end < now);
      el.classList.remove("cs-next");
      if (end >= now && previousOver && !el.classList.contains("cs-session--cancelled") && next === null) next = el;
    });
    if (next) {
      next.classList.add("cs-next");
      if (!next.querySelector(".cs-next-badge")) {
        var badge = document.createElement("span");
        badge.className = "cs-badge cs-next-badge";
        badge.textContent = "Next";
        var title = next.querySelector(".cs-session-title, .cs-meta");
        if (title) title.appendChild(badge);
      }
    }
    // Home page: show only the first upcoming session.
    var items = root.querySelectorAll(".cs-upcoming-item");
    if (items.length) {
      var shown = false;
      items.forEach(function (el) {
        var upcoming = Date.parse(el.getAttribute("data-end")) >= now;
        el.hidden = !(upcoming && !shown);
        if (upcoming && !shown) { shown = true; el.classList.add("cs-next"); }
      });
      var over = root.querySelector(".cs-term-over");
      if (over) over.hidden = shown;
    }
  }

  /* Assignments, in the reader's own clock (a static build stays right): the home page shows what is due
   * next; the assignments page marks past deadlines and moves them after the upcoming ones. */
  function markAssignments(root) {
    var now = Date.now();
    var items = root.querySelectorAll(".cs-due-item");
    if (items.length) {
      var shown = false;
      items.forEach(function (el) {
        var upcoming = Date.parse(el.getAttribute("data-due")) >= now;
        el.hidden = !(upcoming && !shown);
        if (upcoming) shown = true;
      });
      var done = root.querySelector(".cs-all-done");
      if (done) done.hidden = shown;
    }
    var list = root.querySelector(".cs-assignments");
    if (list) {
      list.querySelectorAll(".cs-assignment[data-due]").forEach(function (el) {
        var past = Date.parse(el.getAttribute("data-due")) < now;
        el.classList.toggle("cs-past", past);
        var label = el.querySelector(".cs-past-label");
        if (label) label.hidden = !past;
        if (past) list.appendChild(el);  // after the upcoming ones, still in due order
      });
    }
  }

  /* The schedule: a jump to the reader's current week, and a compact view (remembered) that keeps
   * only dates and titles. */
  function scheduleTools(root) {
    var tools = unbound(root, ".cs-schedule-tools");
    if (!tools) return;
    var weeks = Array.prototype.slice.call(root.querySelectorAll("h2[data-monday]"));
    var now = Date.now(), day = 24 * 3600 * 1000, current = weeks[0];
    weeks.forEach(function (h) { if (Date.parse(h.getAttribute("data-monday")) <= now) current = h; });
    var last = weeks[weeks.length - 1];
    if (current && !(current === last && now > Date.parse(last.getAttribute("data-monday")) + 7 * day)) {
      tools.querySelector(".cs-jump-week").setAttribute("href", "#" + current.id);
    } else {
      tools.querySelector(".cs-jump-week").hidden = true;  // the term is over
    }
    var schedule = tools.closest("article") || root;
    var toggle = tools.querySelector(".cs-compact-toggle");
    function show(compact) {
      schedule.classList.toggle("cs-compact", compact);
      toggle.setAttribute("aria-pressed", compact ? "true" : "false");
      try { localStorage.setItem("cs-compact-schedule", compact ? "1" : ""); } catch (e) { /* private mode */ }
    }
    var saved = "";
    try { saved = localStorage.getItem("cs-compact-schedule") || ""; } catch (e) { /* private mode */ }
    show(saved === "1");
    toggle.addEventListener("click", function () { show(!schedule.classList.contains("cs-compact")); });
  }

  /* KaTeX (about 300 kB with its fonts) is fetched only by a page whose maths the build left untypeset,
   * when it first needs it. */
  var assets = ((document.currentScript && document.currentScript.src) || "").replace(/course\.js(\?.*)?$/, "");
  var katexLoading = null;

  function load(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) { el[name] = attributes[name]; });
      el.onload = resolve;
      el.onerror = reject;
      document.head.appendChild(el);
    });
  }

  function loadKatexCss() {
    return document.querySelector('link[rel="stylesheet"][href$="katex/katex.min.css"]')
      ? Promise.resolve() : load("link", { rel: "stylesheet", href: assets + "katex/katex.min.css" });
  }

  function loadKatex() {
    if (typeof renderMathInElement === "function") return Promise.resolve();
    if (!katexLoading) {
      katexLoading = Promise.all([
        loadKatexCss(),
        load("script", { src: assets + "katex/katex.min.js" }).then(function () {
          return load("script", { src: assets + "katex/auto-render.min.js" });
        })
      ]);
    }
    return katexLoading;
  }

  /* The readings filters (readings.js) are fetched only by the page that has them, like KaTeX: every other
   * page is 12 kB lighter. Loaded late, readings.js runs on the page at once. */
  var readingsLoading = null;

  function loadReadings(root) {
    if (readingsLoading || !root.querySelector(".cs-readings-filter")) return;
    readingsLoading = load("script", { src: assets + "readings.js" });
  }

  /* The build typesets the maths (course/maths); what it left (it had no Node) is TeX in the text. */
  function hasMaths(root) {
    if (!/\$|\\\(|\\\[/.test(root.textContent || "")) return false;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement && node.parentElement.closest(".katex, .clipboard-copy-txt, .jp-OutputArea, pre, code, script, style")
          ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    while (walker.nextNode()) if (/\$|\\\(|\\\[/.test(walker.currentNode.data)) return true;
    return false;
  }

  /* Each block with maths is typeset when it comes near the viewport: a page whose maths starts below the
   * fold fetches no KaTeX on its first screen, and a long page never typesets all its maths at once. */
  var mathsObserver = null;

  /* Maths the build typeset comes with KaTeX's stylesheet in the page's head (the plugin links it). */
  function renderMaths(root) {
    if (root.querySelector("[data-cs-typeset]") || !hasMaths(root)) return;  // the build typeset all of it
    var blocks = Array.prototype.filter.call(
      root.querySelectorAll(".md-typeset > :not(.course-notebook), .course-notebook .jp-MarkdownCell"), hasMaths);
    if (!("IntersectionObserver" in window) || !blocks.length) { typesetWhenLoaded(root); return; }
    if (mathsObserver) mathsObserver.disconnect();
    mathsObserver = new IntersectionObserver(function (entries, observer) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        typesetWhenLoaded(entry.target);
      });
    }, { rootMargin: "600px 0px" });
    blocks.forEach(function (block) { mathsObserver.observe(block); });
  }

  function typesetWhenLoaded(el) {
    loadKatex().then(function () { typeset(el); }, function () { /* offline: the TeX source stays readable */ });
  }

  function typeset(root) {
    renderMathInElement(root, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true }
      ],
      ignoredClasses: ["cs-bibtex", "clipboard-copy-txt", "jp-OutputArea", "katex"],
      throwOnError: false
    });
  }

  // Copy buttons (Copy BibTeX on paper pages and in lists of papers): a paper's page copies the text of the
  // element its data-copy-target names, a list the paper's own .bib download (data-copy-url), fetched on the
  // click; where that fails (a page opened as a file), the button opens the file instead. Pages ship them
  // hidden, as they work only with JavaScript: shown here. One listener serves them all, also the buttons a
  // page copies or loads later.
  // The page's own buttons are shipped hidden; a list's entries (inside data-bibtex, the link to a paper's .bib
  // with * for its slug) get theirs here, each copying its paper's .bib (once: a copied entry keeps its button).
  function copyButtons(root) {
    root.querySelectorAll("[data-copy-target], [data-copy-url]").forEach(function (button) { button.hidden = false; });
    root.querySelectorAll("[data-bibtex] .cs-entry[data-key]").forEach(function (entry) {
      var chips = entry.querySelector(".cs-chips");
      if (!chips || chips.querySelector(".cs-copy")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "cs-chip cs-copy";
      button.setAttribute("data-copy-url", entry.closest("[data-bibtex]").getAttribute("data-bibtex").split("*").join(entry.dataset.key));
      button.textContent = "Copy BibTeX";
      chips.appendChild(button);
    });
  }

  function copied(button) {
    if (button.classList.contains("cs-copied")) return;
    var old = button.textContent;
    button.textContent = "Copied";
    button.classList.add("cs-copied");
    setTimeout(function () { button.textContent = old; button.classList.remove("cs-copied"); }, 1500);
  }

  // Without the clipboard API (an insecure origin, an older browser): a selected textarea and execCommand.
  function writeText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* ignore */ }
    document.body.removeChild(area);
    return Promise.resolve();
  }

  function copy(button) {
    var done = function () { copied(button); };
    var url = button.getAttribute("data-copy-url");
    if (!url) {
      var target = document.getElementById(button.getAttribute("data-copy-target"));
      if (target) writeText(target.textContent).then(done, done);
      return;
    }
    var unreachable = false;
    var text = fetch(url).then(function (response) {
      if (!response.ok) throw new Error(response.statusText);
      return response.text();
    }).catch(function (error) { unreachable = true; throw error; });
    var written = null;
    if (typeof ClipboardItem !== "undefined" && navigator.clipboard && navigator.clipboard.write && window.isSecureContext) {
      try {  // Safari lets a click write to the clipboard only at once: the write starts now, with the text to come
        written = navigator.clipboard.write([new ClipboardItem({
          "text/plain": text.then(function (t) { return new Blob([t], { type: "text/plain" }); })
        })]);
      } catch (e) { /* a ClipboardItem that takes no promise */ }
    }
    var once = function () {  // the text once fetched, or the file itself where it cannot be fetched
      text.then(writeText).then(done, function () { if (unreachable) location.assign(url); });
    };
    if (written) written.then(done, once); else once();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy-target], button[data-copy-url]");
    if (button) copy(button);
  });

  /* Sign-ups: filter the papers by topic, and close the sign-up buttons once every slot with places has begun. */

  function signupFilter(root) {
    var bar = unbound(root, ".cs-signup-filter");
    if (!bar) return;
    bar.hidden = false;
    var rows = root.querySelectorAll(".cs-signup-row");
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-topic]");
      if (!button) return;
      var topic = button.getAttribute("data-topic");
      bar.querySelectorAll("button[data-topic]").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
      rows.forEach(function (row) {
        var topics = (row.getAttribute("data-topics") || "").split(" ");
        row.hidden = topic !== "" && topics.indexOf(topic) === -1;
      });
    });
  }

  function closeSignups(root) {
    var now = Date.now();
    root.querySelectorAll(".cs-slot[data-start]").forEach(function (slot) {
      slot.classList.toggle("cs-past", Date.parse(slot.getAttribute("data-start")) < now);
    });
    root.querySelectorAll(".cs-signup-button[data-open-until]").forEach(function (button) {
      if (Date.parse(button.getAttribute("data-open-until")) > now) return;
      var note = document.createElement("span");
      note.className = "cs-signup-closed";
      note.textContent = "Sign-up closed";
      button.replaceWith(note);
    });
  }

  /* Each page: every behaviour on its content, once. */
  function onPage() {
    var root = document.querySelector(".md-content") || document.body;
    if (root.dataset.csPage) return;
    root.dataset.csPage = "1";
    markSessions(root);
    markAssignments(root);
    scheduleTools(root);
    renderMaths(root);
    loadReadings(root);
    copyButtons(root);
    signupFilter(root);
    closeSignups(root);
  }

  // Content a page loads later (the groups of a long readings list, readings.js) gets its copy buttons and maths.
  document.addEventListener("cs:content", function (event) {
    copyButtons(event.detail);
    if (hasMaths(event.detail)) typesetWhenLoaded(event.detail);
  });

  // Material announces each page on document$; a page opened from a file may never be announced, so the
  // page's own load runs it too (onPage does its work once per page).
  if (typeof document$ !== "undefined" && document$.subscribe) document$.subscribe(onPage);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", onPage); else onPage();
})();
