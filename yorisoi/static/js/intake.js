// yorisoi: the intake form's issue checklist (intake/_issue_checklist.html). Without script
// every issue and every ◎ shows and the form works the same; the server makes a single chosen
// issue the ◎ too (services.main_issue_of).
(() => {
  // Compare as a person reads: full/half width alike (NFKC), katakana as hiragana, any case.
  const fold = (text) =>
    text
      .normalize("NFKC")
      .replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60))
      .toLowerCase();

  function setUp(picker) {
    const box = picker.querySelector("[data-issue-filter-box]");
    const input = box.querySelector("input[type=search]");
    const status = box.querySelector("[aria-live]");
    const rows = [...picker.querySelectorAll("[data-issue]")];
    const checkbox = (row) => row.querySelector("input[type=checkbox]");
    const main = (row) => row.querySelector("input[type=radio]");
    const name = (row) => row.querySelector("label").textContent.trim();

    picker.classList.add("issue-picker--enhanced"); // app.css: ◎ of chosen issues only
    box.hidden = false;

    // ◎ follows the chosen issues: an unchosen issue cannot be the ◎, and a single one is.
    function settle() {
      const chosen = rows.filter((row) => checkbox(row).checked);
      rows.forEach((row) => {
        const on = checkbox(row).checked;
        row.classList.toggle("is-chosen", on);
        if (!on) main(row).checked = false;
      });
      if (chosen.length === 1) main(chosen[0]).checked = true;
    }

    function matches(row, typed) {
      const group = row.closest("[data-issue-group]").querySelector("legend").textContent;
      return fold(name(row)).includes(typed) || fold(group).includes(typed);
    }

    function filter() {
      const typed = fold(input.value.trim());
      let shown = 0;
      rows.forEach((row) => {
        const show = !typed || checkbox(row).checked || matches(row, typed);
        row.hidden = !show;
        if (show) shown += 1;
      });
      picker.querySelectorAll("[data-issue-group]").forEach((group) => {
        group.hidden = !group.querySelector("[data-issue]:not([hidden])");
      });
      const found = rows.filter((row) => typed && matches(row, typed)).length;
      if (!typed) status.textContent = "";
      else if (!found) status.textContent = status.dataset.none;
      else status.textContent = status.dataset.shown.replace("{n}", String(shown));
    }

    picker.addEventListener("change", (event) => {
      const row = event.target.closest("[data-issue]");
      if (!row) return;
      // Choosing the ◎ of an issue (possible without the filter's hiding) chooses the issue.
      if (event.target === main(row) && main(row).checked) checkbox(row).checked = true;
      settle();
    });

    input.addEventListener("input", filter);

    // Enter chooses the first issue that matches and is not chosen yet, and keeps what was
    // typed selected so the next word replaces it; it never submits the form from here.
    // Escape empties the box.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        filter();
        return;
      }
      if (event.key !== "Enter") return;
      event.preventDefault();
      const typed = fold(input.value.trim());
      if (!typed) return;
      const row = rows.find((r) => !checkbox(r).checked && matches(r, typed));
      if (!row) return;
      checkbox(row).checked = true;
      settle();
      filter();
      status.textContent = status.dataset.chosen.replace("{name}", name(row));
      input.select();
    });

    settle();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-issue-picker]").forEach(setUp);
  });

  // Enter in the person search searches at once (htmx listens for "search") instead of
  // submitting a form that is only begun; without script Enter submits and the form says
  // what is missing.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !event.target.matches("#person-q")) return;
    event.preventDefault();
    htmx.trigger(event.target, "search");
  });
})();
