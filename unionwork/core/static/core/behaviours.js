// Small page behaviours declared with data- attributes, because the Content-Security-Policy
// allows no inline event handlers (onchange=, onclick=, onsubmit=). Delegated on the document, so
// they also work in fragments htmx loads later (the org tree's children).
(function () {
  // <select data-autosubmit>: choosing a value submits its form (year, month pickers).
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el && el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  // <form data-confirm="question">: ask before submitting.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form && form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  }, true);
  // The org tree: ▸/▾ opens and closes a unit's children (htmx loads them on the first click).
  document.addEventListener("click", function (e) {
    var el = e.target && e.target.closest ? e.target.closest("[data-uw-tree-toggle]") : null;
    if (!el) return;
    el.textContent = el.textContent === "▸" ? "▾" : "▸";
    var sub = el.parentNode.querySelector(".uw-sub");
    if (sub) sub.classList.toggle("d-none", el.textContent === "▸");
  });
})();
