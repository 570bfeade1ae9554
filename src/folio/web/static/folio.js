/* Folio web interface: live totals for the opening-balance grid and the journal entry form.
 * A help while typing only: the server parses every amount and decides whether a set or an
 * entry balances. Amounts are exact (BigInt minor units), read as the server reads them. */
(function () {
  "use strict";

  function normalize(text, exponent) {
    var s = text.trim().replace(/[\s\u00a0'€$]/g, "");
    var hasComma = s.indexOf(",") >= 0, hasDot = s.indexOf(".") >= 0;
    if (hasComma && hasDot) {
      var mark = s.lastIndexOf(",") > s.lastIndexOf(".") ? "," : ".";
      var group = mark === "," ? "." : ",";
      return s.split(group).join("").replace(mark, ".");
    }
    if (hasComma) {
      var parts = s.split(",");
      var tail = parts[parts.length - 1];
      if (parts.length === 2 && tail.length > 0 && tail.length <= exponent && /^\d+$/.test(tail)) {
        return parts[0] + "." + tail;
      }
      return parts.join("");
    }
    var dots = s.split(".");
    if (dots.length > 2) return dots.join("");
    if (dots.length === 2 && dots[1].length === 3 && exponent < 3 &&
        /^[+-]?[1-9]\d{0,2}$/.test(dots[0]) && /^\d+$/.test(dots[1])) {
      return dots[0] + dots[1];
    }
    return s;
  }

  /* Minor units as a BigInt; 0n for empty; null when it is not an amount. */
  function parseMinor(text, exponent) {
    if (!text || !text.trim()) return 0n;
    var m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(normalize(text, exponent));
    if (!m) return null;
    var fraction = (m[3] || "").replace(/0+$/, "");
    if (fraction.length > exponent) return null;
    var digits = m[2] + fraction.padEnd(exponent, "0");
    var value = BigInt(digits);
    return m[1] === "-" ? -value : value;
  }

  function formatMinor(value, exponent) {
    var negative = value < 0n;
    var digits = (negative ? -value : value).toString().padStart(exponent + 1, "0");
    var whole = exponent ? digits.slice(0, -exponent) : digits;
    var fraction = exponent ? "." + digits.slice(-exponent) : "";
    return (negative ? "-" : "") + whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + fraction;
  }

  function sums(form, exponent) {
    var debit = 0n, credit = 0n, invalid = 0;
    form.querySelectorAll("input.amt").forEach(function (input) {
      var value = parseMinor(input.value, exponent);
      input.classList.toggle("invalid", value === null || (value !== null && value < 0n));
      if (value === null || value < 0n) { invalid += 1; return; }
      if (input.dataset.side === "debit") debit += value; else credit += value;
    });
    return { debit: debit, credit: credit, invalid: invalid };
  }

  function setText(id, text) {
    var el = document.getElementById(id);
    if (el) el.textContent = text;
  }

  function initGrid(form) {
    var exponent = parseInt(form.dataset.exponent || "2", 10);
    var button = document.getElementById("book-set");
    function update() {
      var t = sums(form, exponent);
      var diff = t.debit - t.credit;
      setText("ob-total-debit", formatMinor(t.debit, exponent));
      setText("ob-total-credit", formatMinor(t.credit, exponent));
      setText("ob-difference", formatMinor(diff < 0n ? -diff : diff, exponent));
      setText("ob-offset-debit", diff < 0n ? formatMinor(-diff, exponent) : "");
      setText("ob-offset-credit", diff > 0n ? formatMinor(diff, exponent) : "");
      var ready = diff === 0n && t.debit > 0n && t.invalid === 0;
      var status = document.getElementById("ob-status");
      if (status) {
        status.className = "status " + (ready ? "ok" : "bad");
        status.textContent = t.invalid ? t.invalid + " amount(s) cannot be read; write them like 1234.56."
          : t.debit === 0n && t.credit === 0n ? "Enter the balances."
          : diff === 0n ? "Balanced: the offset account nets to zero. Ready to book."
          : "Not balanced: debit balances are " + (diff > 0n ? "higher" : "lower") + " by " +
            formatMinor(diff < 0n ? -diff : diff, exponent) + ".";
      }
      var outer = document.getElementById("ob-difference");
      if (outer) outer.classList.toggle("zero", diff === 0n);
      if (button) button.disabled = !ready;
    }
    form.addEventListener("input", update);
    update();
  }

  function initEntry(form) {
    var exponent = parseInt(form.dataset.exponent || "2", 10);
    var button = document.getElementById("post-entry");
    function update() {
      var t = sums(form, exponent);
      var diff = t.debit - t.credit;
      setText("e-total-debit", formatMinor(t.debit, exponent));
      setText("e-total-credit", formatMinor(t.credit, exponent));
      setText("e-difference", formatMinor(diff < 0n ? -diff : diff, exponent));
      var out = document.getElementById("e-difference");
      if (out) out.classList.toggle("zero", diff === 0n && t.debit > 0n);
      if (button) button.disabled = !(diff === 0n && t.debit > 0n && t.invalid === 0);
    }
    var add = document.getElementById("add-line");
    if (add) {
      add.addEventListener("click", function () {
        var rows = form.querySelectorAll("tr.entry-line");
        var copy = rows[rows.length - 1].cloneNode(true);
        copy.classList.remove("bad");
        copy.querySelectorAll("input").forEach(function (i) { i.value = ""; i.classList.remove("invalid"); });
        copy.querySelectorAll("select").forEach(function (s) { s.selectedIndex = 0; });
        copy.querySelectorAll(".error").forEach(function (e) { e.remove(); });
        rows[rows.length - 1].after(copy);
        update();
      });
    }
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    update();
  }

  /* With a script, the account filter hides grid rows in place, so typed balances stay and
   * every row is still booked; without one, the server filters (?q=). */
  function initFilter(form, grid) {
    var input = form.querySelector("input[name=q]");
    var shown = document.getElementById("ob-shown");
    function apply() {
      var q = input.value.trim().toLowerCase(), count = 0, rows = grid.querySelectorAll("tbody tr");
      rows.forEach(function (row) {
        var number = row.dataset.number || "", text = (number + " " + (row.dataset.name || "")).toLowerCase();
        var hit = !q || (/^\d+$/.test(q) ? number.indexOf(q) === 0 : text.indexOf(q) >= 0);
        row.hidden = !hit;
        if (hit) count += 1;
      });
      if (shown) shown.textContent = count + " of " + rows.length + " accounts shown; all are booked.";
    }
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    input.addEventListener("input", apply);
  }

  function init(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var grid = scope.querySelector ? scope.querySelector("#ob-grid") : null;
    if (grid && !grid.dataset.ready) {
      grid.dataset.ready = "1";
      initGrid(grid);
      var filter = document.getElementById("ob-filter");
      if (filter && !new URLSearchParams(location.search).get("q")) initFilter(filter, grid);
    }
    var entry = scope.querySelector ? scope.querySelector("#new-entry") : null;
    if (entry && !entry.dataset.ready) { entry.dataset.ready = "1"; initEntry(entry); }
  }

  window.folio = { parseMinor: parseMinor, formatMinor: formatMinor };
  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }
})();
