// The one picker: every <select data-picker-url> becomes a search-as-you-type box (Tom Select)
// that asks the scoped JSON source as the user types. Works offline (vendored) and on phones.
(function () {
  "use strict";
  function init(root) {
    (root || document).querySelectorAll("select[data-picker-url]").forEach(function (el) {
      if (el.tomselect) return;
      var url = el.dataset.pickerUrl;
      var multiple = el.multiple;
      var ts = new TomSelect(el, {
        valueField: "value",
        labelField: "text",
        // The server searches (name, pinyin, initials, code): keep every option it sends.
        score: function () { return function () { return 1; }; },
        maxOptions: 50,
        maxItems: multiple ? null : 1,
        closeAfterSelect: !multiple,
        allowEmptyOption: !el.required,
        placeholder: el.dataset.placeholder || "",
        loadThrottle: 250,
        preload: "focus",
        // Single: the search box sits in the drop-down, so the control keeps its height while
        // focused and a tap on the button below it lands where the user aimed.
        plugins: multiple ? ["remove_button"] : ["dropdown_input"],
        shouldLoad: function () { return true; },
        load: function (query, callback) {
          // Answers can arrive out of order (the preload on focus, then each keystroke): only the
          // answer to what the box holds now may replace the options.
          var sep = url.indexOf("?") < 0 ? "?" : "&";
          fetch(url + sep + "q=" + encodeURIComponent(query), {credentials: "same-origin",
                headers: {"Accept": "application/json"}})
            .then(function (r) { return r.ok ? r.json() : {results: []}; })
            .then(function (data) {
              if (query !== this.inputValue()) { callback(); return; }
              this.clearOptions();
              callback(data.results);
            }.bind(this))
            .catch(function () { callback(); });
        },
        render: {
          no_results: function () { return '<div class="no-results">' + (el.dataset.noResults || "没有找到") + "</div>"; },
          loading: function () { return '<div class="spinner-border spinner-border-sm m-2" role="status"></div>'; }
        }
      });
      // With the search box in the drop-down, the closed box says what to do (app.css shows it).
      ts.control.dataset.placeholder = el.dataset.placeholder || "";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
