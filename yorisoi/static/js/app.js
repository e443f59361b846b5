// yorisoi: small progressive enhancements. No inline handlers anywhere (CSP).

// htmx requests carry the CSRF token of the page's form.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});

// "Add a row" buttons of Django formsets: fetch the next empty row, bump TOTAL_FORMS,
// move focus to the new row's first field.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-row]");
  if (!button) return;
  const total = document.querySelector(button.dataset.total);
  const rows = document.querySelector(button.dataset.rows);
  const index = parseInt(total.value, 10);
  htmx
    .ajax("GET", `${button.dataset.addRow}?row=${index}`, { target: rows, swap: "beforeend" })
    .then(() => {
      total.value = String(index + 1);
      const added = rows.lastElementChild;
      const first = added && added.querySelector("select, input");
      if (first) first.focus();
    });
});

// After a failed submit, take keyboard and screen-reader users straight to the list of errors.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});

// The header's disclosure buttons (the user menu; メニュー on a phone): the button's
// aria-expanded is the state, and app.css shows or hides what it controls from that alone.
// A popup (the user menu) also closes on a click elsewhere; Escape closes either and puts
// focus back on its button.
function setExpanded(button, expanded) {
  button.setAttribute("aria-expanded", expanded ? "true" : "false");
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-disclosure]");
  if (button) setExpanded(button, button.getAttribute("aria-expanded") !== "true");
  document.querySelectorAll("[data-disclosure-popup][aria-expanded=true]").forEach((open) => {
    const panel = document.getElementById(open.getAttribute("aria-controls"));
    if (open !== button && !(panel && panel.contains(event.target))) setExpanded(open, false);
  });
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("[data-disclosure][aria-expanded=true]").forEach((open) => {
    const panel = document.getElementById(open.getAttribute("aria-controls"));
    if (panel && panel.contains(document.activeElement)) open.focus();
    setExpanded(open, false);
  });
});

// Pickers (people.picker): without script the search button submits the form (the view shows
// the matches). With script it searches through htmx, so it stops being the form's default
// button (Enter elsewhere submits the form), and Enter in the search box searches.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-picker] [data-picker-search]").forEach((button) => {
    button.type = "button";
  });
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !event.target.matches("[data-picker] input[type=search]")) return;
  event.preventDefault();
  event.target.closest("[data-picker]").querySelector("[data-picker-search]").click();
});

// A match the user checks moves up to the chosen ones, so that the
// next search does not take it away. A radio picker keeps one chosen record.
document.addEventListener("change", (event) => {
  const input = event.target.closest("[data-picker-match]");
  if (!input || !input.checked) return;
  const chosen = input.closest("[data-picker]").querySelector("[data-picker-chosen]");
  if (input.type === "radio") {
    chosen.querySelectorAll("label:not([data-picker-none])").forEach((label) => label.remove());
  }
  input.removeAttribute("data-picker-match");
  const matches = input.closest("fieldset");
  chosen.prepend(input.closest("label"));
  if (matches && !matches.querySelector("label")) matches.remove();
  input.focus();
});

// Type-to-filter for a long grouped select (data-filter-select): options that do not contain
// what was typed are hidden; the chosen option always stays. Without script the select works.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-filter-select]").forEach((select) => {
    const input = document.createElement("input");
    input.type = "search";
    input.className = "filter-select";
    input.placeholder = select.dataset.filterSelect;
    input.setAttribute("aria-label", select.dataset.filterSelect);
    input.setAttribute("aria-controls", select.id);
    select.before(input);
    input.addEventListener("input", () => {
      const typed = input.value.trim().toLowerCase();
      select.querySelectorAll("optgroup").forEach((group) => {
        let shown = 0;
        group.querySelectorAll("option").forEach((option) => {
          const match = !typed || option.selected ||
            option.textContent.toLowerCase().includes(typed) ||
            group.label.toLowerCase().includes(typed);
          option.hidden = !match;
          if (match) shown += 1;
        });
        group.hidden = shown === 0;
      });
    });
  });
});
