// The report page's behaviour: draws every figure with Vega from the compiled specs embedded in
// the page, shows tooltips, toggles series, sorts tables. Inlined into report.html (offline).
(function () {
  'use strict';
  var started = performance.now();
  var specs = JSON.parse(document.getElementById('figure-specs').textContent);
  var tip = document.getElementById('tooltip');

  function showTooltip(handler, event, item, value) {
    if (value == null || value === '' || !event) {
      tip.style.display = 'none';
      return;
    }
    var lines = typeof value === 'object'
      ? Object.keys(value).map(function (k) { return k + ': ' + value[k]; })
      : [String(value)];
    tip.textContent = lines.join('\n');
    tip.style.left = (event.pageX + 12) + 'px';
    tip.style.top = (event.pageY + 12) + 'px';
    tip.style.display = 'block';
  }

  var views = {};
  window.greenbatchViews = views;
  var pending = [];
  document.querySelectorAll('figure[data-figure]').forEach(function (fig) {
    var name = fig.getAttribute('data-figure');
    var view = new vega.View(vega.parse(specs[name]), {
      renderer: 'svg', container: fig.querySelector('.chart'), hover: true
    });
    view.tooltip(showTooltip);
    views[name] = view;
    pending.push(view.runAsync());
    fig.querySelectorAll('.toggles input').forEach(function (box) {
      box.addEventListener('change', function () {
        var hidden = [];
        fig.querySelectorAll('.toggles input').forEach(function (b) { if (!b.checked) hidden.push(b.value); });
        view.signal('hidden', hidden).runAsync();
      });
    });
  });
  Promise.all(pending).then(function () {
    document.body.setAttribute('data-draw-ms', String(Math.round(performance.now() - started)));
    document.body.setAttribute('data-figures', String(pending.length));
    document.body.setAttribute('data-figures-drawn',
      String(document.querySelectorAll('figure[data-figure] .chart svg').length));
  }, function (error) {
    document.body.setAttribute('data-figures-error', String(error));
    throw error;
  });

  // Sortable tables: a click on a header sorts by that column (numbers by value), again reverses.
  function key(cell) {
    var text = cell.textContent.trim();
    var number = parseFloat(text.replace(/[^0-9eE+\-.]/g, ' ').trim().split(' ')[0]);
    return isNaN(number) ? text : number;
  }
  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('th').forEach(function (th, column) {
      th.addEventListener('click', function () {
        var ascending = th.getAttribute('data-order') !== 'ascending';
        table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('data-order'); });
        th.setAttribute('data-order', ascending ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[column]), y = key(b.cells[column]);
          var order = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === 'number' ? -1 : 1);
          return ascending ? order : -order;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
})();
