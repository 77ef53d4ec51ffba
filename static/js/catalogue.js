/*
 * The catalogue without full reloads (progressive enhancement).
 *
 * Without this script the filter form is a plain GET form and every link is a
 * plain link. With it, changing a checkbox, the years or the sort order, or
 * following a chip, "clear all" or pagination link, fetches the same URL with
 * the header "X-Fragment: catalogue"; the server answers with the facets and
 * the results only, which replace their counterparts here, and the address bar
 * follows (history.pushState), so every state stays a shareable URL.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-catalogue]");
  if (!form || !window.fetch || !window.history.pushState) return;
  document.documentElement.classList.add("catalogue-enhanced");

  var panel = document.getElementById("filter-panel");
  if (panel && window.matchMedia("(min-width: 56rem)").matches) panel.open = true;

  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.parentNode.appendChild(status);

  function urlFromForm() {
    // The first sort option is the default (relevance when searching, else
    // title): leaving it out lets a new search sort by relevance.
    var sort = document.getElementById("sort");
    var defaultSort = sort && sort.options.length ? sort.options[0].value : "";
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (String(value).trim() === "" || (key === "sort" && value === defaultSort)) return;
      params.append(key, value);
    });
    var query = params.toString();
    return form.action.split("?")[0] + (query ? "?" + query : "");
  }

  function swap(html) {
    var incoming = new DOMParser().parseFromString(html, "text/html");
    var focused = document.activeElement && document.activeElement.id;
    var open = Array.prototype.map.call(
      document.querySelectorAll("details.facet[open]"),
      function (details) { return details.id; }
    );
    ["catalogue-facets", "catalogue-results"].forEach(function (id) {
      var current = document.getElementById(id);
      var next = incoming.getElementById(id);
      if (current && next) current.replaceWith(document.adoptNode(next));
    });
    open.forEach(function (id) {
      var details = document.getElementById(id);
      if (details) details.open = true;
    });
    var facets = document.getElementById("catalogue-facets");
    var count = document.getElementById("filter-panel-count");
    if (facets && count) count.textContent = facets.dataset.selectedCount || "";
    var heading = document.getElementById("results-heading");
    if (heading) status.textContent = heading.textContent.trim();
    if (focused && document.getElementById(focused)) {
      document.getElementById(focused).focus();
    }
  }

  function load(url, push) {
    var results = document.getElementById("catalogue-results");
    if (results) results.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { "X-Fragment": "catalogue" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        swap(html);
        if (push) window.history.pushState({ catalogue: true }, "", url);
        var search = document.getElementById("catalogue-q");
        if (search) search.value = new URL(url, location.href).searchParams.get("q") || "";
      })
      .catch(function () { window.location.href = url; });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.form !== form || target.name === "q") return;
    load(urlFromForm(), true);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(urlFromForm(), true);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#catalogue-results a[href]");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    var url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname !== location.pathname) return;
    event.preventDefault();
    load(url.href, true).then(function () {
      var heading = document.getElementById("results-heading");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    });
  });

  // Mark this entry, so that going back to it reloads the results, while
  // following an in-page link (the skip link) does not.
  window.history.replaceState({ catalogue: true }, "");
  window.addEventListener("popstate", function (event) {
    if (event.state && event.state.catalogue) load(location.href, false);
  });
})();
