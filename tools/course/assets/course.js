/* Course site behaviour: the next-session marker and maths rendering.
 * Material for MkDocs swaps pages without reloading (instant navigation), so
 * everything runs on each page through its `document$` observable. */
(function () {
  "use strict";

  // Mark past sessions, and the next one (the first that has not ended yet).
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

  function renderMaths(root) {
    if (typeof renderMathInElement !== "function") return;
    renderMathInElement(root, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "$", right: "$", display: false },
        { left: "\\(", right: "\\)", display: false },
        { left: "\\[", right: "\\]", display: true }
      ],
      ignoredClasses: ["cs-bibtex", "jp-OutputArea"],
      throwOnError: false
    });
  }

  function copyButtons(root) {
    root.querySelectorAll("[data-copy-target]").forEach(function (button) {
      if (button.dataset.csBound) return;
      button.dataset.csBound = "1";
      button.addEventListener("click", function () {
        var target = document.getElementById(button.getAttribute("data-copy-target"));
        if (!target) return;
        var done = function () {
          var old = button.textContent;
          button.textContent = "Copied";
          button.classList.add("cs-copied");
          setTimeout(function () { button.textContent = old; button.classList.remove("cs-copied"); }, 1500);
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(target.textContent).then(done, done);
        } else {
          var area = document.createElement("textarea");
          area.value = target.textContent;
          document.body.appendChild(area);
          area.select();
          try { document.execCommand("copy"); } catch (e) { /* ignore */ }
          document.body.removeChild(area);
          done();
        }
      });
    });
  }

  function onPage() {
    var root = document.querySelector(".md-content") || document.body;
    markSessions(root);
    renderMaths(root);
    copyButtons(root);
  }

  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(onPage);
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
})();
