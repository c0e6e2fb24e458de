/* page.js - mprof's HTML report: draws the recording's data (the JSON in #mprof-data) with
 * dygraphs for the time series and our own code for spans, marks, flame graphs and tables.
 * Every string from the recording reaches the page through textContent, never as markup. */
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('mprof-data').textContent);
  var app = document.createElement('div');
  app.id = 'app';
  document.body.appendChild(app);

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }
  function mib(v) {
    if (v === null || v === undefined || isNaN(v)) return '-';
    if (Math.abs(v) >= 1024) return (v / 1024).toFixed(2) + ' GiB';
    return v.toFixed(Math.abs(v) < 10 ? 2 : 1) + ' MiB';
  }
  function bytes(b) {
    if (b >= 1073741824) return (b / 1073741824).toFixed(2) + ' GiB';
    if (b >= 1048576) return (b / 1048576).toFixed(1) + ' MiB';
    if (b >= 1024) return (b / 1024).toFixed(1) + ' KiB';
    return Math.round(b) + ' B';
  }
  function secs(s) {
    if (s === null || s === undefined || isNaN(s)) return '-';
    if (Math.abs(s) < 0.001) return (s * 1e6).toFixed(0) + ' \u00b5s';
    if (Math.abs(s) < 1) return (s * 1000).toFixed(1) + ' ms';
    return s.toFixed(s < 100 ? 3 : 1) + ' s';
  }
  function section(title, id) {
    var h = el('h2', null, title, app);
    if (id) h.id = id;
    return el('div', null, null, app);
  }
  function missing(parent, text) { el('p', 'missing', text, parent); }
  var hd = D.head || {};

  /* ---- headline ---- */
  el('h1', null, D.cmdline || D.file, app);
  el('div', 'sub', D.file + ' \u00b7 ' + hd.samples + ' samples every ' +
     secs(hd.interval) + ' \u00b7 backend ' + hd.backend, app);
  var cards = el('div', 'cards', null, app);
  cards.id = 'headline';
  function card(k, v, w, key) {
    var c = el('div', 'card', null, cards);
    if (key) c.setAttribute('data-key', key);
    el('div', 'k', k, c);
    el('div', 'v', v, c);
    if (w) el('div', 'w', w, c);
  }
  card(hd.true_peak === 0 ? 'peak RSS (samples only)' : 'true peak RSS', mib(hd.peak),
       'at ' + secs(hd.peak_t), 'peak');
  if (hd.heap_peak !== undefined)
    card('heap peak', mib(hd.heap_peak), 'at ' + secs(hd.heap_peak_t) +
         (hd.heap_exit !== undefined ? ', ' + mib(hd.heap_exit) + ' at exit' : ''), 'heap');
  else
    card('heap peak', 'not recorded', hd.heap_note || 'needs the allocation hooks', 'heap');
  card('duration', secs(hd.duration), null, 'duration');
  card('exit status', hd.exit_status === undefined ? 'unknown' : hd.exit_status,
       hd.exit_status === undefined ? 'the recording has no EXIT line' : null, 'exit');
  if (hd.mmap_peak !== undefined) card('own anonymous mmap', mib(hd.mmap_peak), 'beside the heap');
  var notes = [];
  if (hd.true_peak === 0) notes.push('true peak unavailable: samples only');
  (hd.lost || []).forEach(function (l) { notes.push('lost ' + l[0] + ': ' + l[1]); });
  if (hd.heap_ends) notes.push('heap series ends: ' + hd.heap_ends);
  (hd.notes || []).forEach(function (n) { if (!/^lost /.test(n)) notes.push(n); });
  if (notes.length) {
    var ul = el('ul', 'notes', null, app);
    ul.id = 'notes';
    notes.forEach(function (n) { el('li', null, n, ul); });
  }

  /* ---- memory over time ---- */
  var S = D.series, L = S.levels, spans = D.spans, gcs = D.gcs || [];
  var memBox = section('Memory over time', 'memory');
  var bar = el('div', 'bar', null, memBox);
  var reset = el('button', null, 'reset zoom', bar);
  el('span', 'sub', 'drag to zoom, shift+drag to pan, double-click or reset to see it all; ' +
     'the range selector below the chart moves the window', bar);
  var chartDiv = el('div', 'chart', null, memBox);
  chartDiv.id = 'memchart';
  var hover = el('div', 'hover', '\u00a0', memBox);
  hover.id = 'memhover';
  var labels = ['time', 'RSS', 'heap'].concat(S.children.map(function (c) {
    return /other children$/.test(c) ? c : 'child ' + c;
  }));
  var hasHeap = L[0].hmid.some(function (v) { return v !== null; });
  /* One row per bucket: [t, [lo, line, hi] per series]. */
  function rowsOf(lv, from, to, out) {
    for (var i = 0; i < lv.t.length; i++) {
      var t = lv.t[i];
      if (t < from || t > to) continue;
      var row = [t, lv.rlo[i] === null ? null : [lv.rlo[i], lv.rhi[i], lv.rtop[i]],
                 lv.hmid[i] === null ? null : [lv.hlo[i], lv.hmid[i], lv.hhi[i]]];
      for (var c = 0; c < lv.c.length; c++) {
        var v = lv.c[c][i];
        row.push(v === null ? null : [v, v, v]);
      }
      row.lvl = lv;
      row.i = i;
      out.push(row);
    }
    return out;
  }
  /* The overview everywhere, the finest level that keeps the window under ~3000 points
   * inside it: the range selector keeps the whole run, the chart shows detail. */
  var level = 0;
  function rowsFor(w0, w1) {
    var k = 0, frac = (w1 - w0) / (S.span || 1);
    while (k + 1 < L.length && L[k + 1].t.length * frac <= 3000) k++;
    level = k;
    if (k === 0) return rowsOf(L[0], -Infinity, Infinity, []);
    var out = rowsOf(L[0], -Infinity, w0, []);
    rowsOf(L[k], w0, w1, out);
    rowsOf(L[0], w1, Infinity, out);
    out.sort(function (a, b) { return a[0] - b[0]; });
    return out;
  }
  var rows = rowsFor(-Infinity, Infinity);
  var lanes = 0;
  spans.list.forEach(function (s) { lanes = Math.max(lanes, s[3] + 1); });
  lanes = Math.min(lanes, 6);
  var LANE = 15;
  function colour(name) {
    var h = 0;
    for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    return 'hsl(' + (h % 360) + ',55%,70%)';
  }
  function underlay(ctx, area, g) {
    var r = g.xAxisRange();
    ctx.save();
    ctx.font = '11px sans-serif';
    ctx.textBaseline = 'middle';
    spans.list.forEach(function (s) {
      if (s[2] < r[0] || s[1] > r[1] || s[3] >= lanes) return;
      var x0 = Math.max(g.toDomXCoord(s[1]), area.x);
      var x1 = Math.min(g.toDomXCoord(s[2]), area.x + area.w);
      var y = area.y + s[3] * LANE;
      ctx.fillStyle = colour(spans.names[s[0]]);
      ctx.globalAlpha = 0.18;
      ctx.fillRect(x0, y + LANE, Math.max(x1 - x0, 1), area.h - (s[3] + 1) * LANE);
      ctx.globalAlpha = 0.9;
      ctx.fillRect(x0, y, Math.max(x1 - x0, 1), LANE - 2);
      var name = spans.names[s[0]];
      if (x1 - x0 > 30) {
        ctx.fillStyle = '#000';
        var text = name + ' ' + secs(s[2] - s[1]);
        while (text.length > 1 && ctx.measureText(text).width > x1 - x0 - 4)
          text = text.slice(0, -2);
        ctx.fillText(text, x0 + 2, y + LANE / 2);
      }
    });
    ctx.globalAlpha = 1;
    /* every collection a tick on the axis; the ones that matter (generation 2, or
     * 1 MiB freed) a dashed line across */
    gcs.forEach(function (c) {
      if (c[0] < r[0] || c[0] > r[1]) return;
      var x = g.toDomXCoord(c[0]), big = c[2] >= 2 || c[4] >= 1;
      ctx.strokeStyle = ctx.fillStyle = big ? '#c00' : '#e99';
      if (big) {
        ctx.setLineDash([3, 3]);
        ctx.beginPath();
        ctx.moveTo(x, area.y + lanes * LANE);
        ctx.lineTo(x, area.y + area.h);
        ctx.stroke();
      }
      ctx.beginPath();
      ctx.moveTo(x - 4, area.y + area.h);
      ctx.lineTo(x + 4, area.y + area.h);
      ctx.lineTo(x, area.y + area.h - (big ? 9 : 5));
      ctx.fill();
    });
    ctx.restore();
  }
  function describe(row, dom) {
    var lines = ['t = ' + secs(row[0])];
    var n = row.lvl.t.length < hd.samples ? ' (min to max of a bucket)' : '';
    if (row[1]) {
      var r = row[1];
      lines.push('RSS ' + (r[0] === r[1] ? mib(r[1]) : mib(r[0]) + ' to ' + mib(r[1])) + n +
                 (r[2] > r[1] ? ', true peak ' + mib(r[2]) : ''));
    }
    if (row[2]) {
      var h = row[2];
      lines.push('heap ' + mib(h[1]) + ' (interval min ' + mib(h[0]) + ', max ' + mib(h[2]) + ')');
    }
    for (var c = 3; c < row.length; c++)
      if (row[c]) lines.push(labels[c] + ' ' + mib(row[c][1]));
    if (dom) {
      var g = graph, area = g.getArea(), t = g.toDataXCoord(dom[0]);
      var lane = Math.floor((dom[1] - area.y) / LANE);
      spans.list.forEach(function (s) {
        if (t >= s[1] && t <= s[2] && (lane === s[3] || lane >= lanes))
          lines.push(spans.names[s[0]] + ': ' + secs(s[1]) + ' to ' + secs(s[2]) + ' (' +
                     secs(s[2] - s[1]) + '), RSS ' + mib(s[4]) + ' \u2192 ' + mib(s[5]) +
                     (s[6] !== null ? ', heap ' + mib(s[6]) + ' \u2192 ' + mib(s[7]) : ''));
      });
      gcs.forEach(function (c) {
        if (Math.abs(g.toDomXCoord(c[0]) - dom[0]) <= 4)
          lines.push('collection (generation ' + c[2] + ') at ' + secs(c[0]) + ': ' +
                     secs(c[1]) + ', freed ' + mib(c[4]) + ', ' + c[3] + ' objects');
      });
    }
    return lines.join('\n');
  }
  var colours = ['#1f60c4', '#2a9d3a', '#b05cc7', '#e07b00', '#8c564b', '#17becf', '#7f7f7f',
                 '#bcbd22', '#d62728'];
  var graph = new Dygraph(chartDiv, rows, {
    labels: labels,
    customBars: true,
    colors: colours.slice(0, labels.length - 1),
    fillAlpha: 0.22,
    strokeWidth: 1.5,
    legend: 'never',
    showRangeSelector: true,
    /* with a range selector, dygraphs makes a drag pan; keep drag-to-zoom, shift+drag pans */
    interactionModel: Dygraph.defaultInteractionModel,
    rangeSelectorHeight: 36,
    xlabel: 'seconds',
    ylabel: 'MiB',
    axes: { y: { valueRange: null, includeZero: true } },
    includeZero: true,
    connectSeparatedPoints: true,
    underlayCallback: underlay,
    highlightCallback: function (ev, x, pts, row) {
      hover.textContent = describe(current[row] || current[0], graph.eventToDomCoords(ev));
    },
    unhighlightCallback: function () { hover.textContent = '\u00a0'; },
    drawCallback: function (g) {
      var r = g.xAxisRange();
      chartDiv.setAttribute('data-range', r[0].toFixed(6) + ',' + r[1].toFixed(6));
      chartDiv.setAttribute('data-level', String(level));
      relevel(g, r);
    },
  });
  var current = rows, pending = null, lastKey = '';
  function relevel(g, r) {
    var key = r[0].toFixed(6) + ',' + r[1].toFixed(6);
    if (key === lastKey || L.length < 2) return;
    lastKey = key;
    if (pending) clearTimeout(pending);
    pending = setTimeout(function () {
      pending = null;
      var whole = g.isZoomed('x') ? r : [-Infinity, Infinity];
      var was = level, next = rowsFor(whole[0], whole[1]);
      if (level === was && level === 0) return;
      current = next;
      g.updateOptions(g.isZoomed('x') ? { file: next, dateWindow: r } : { file: next });
    }, 60);
  }
  reset.addEventListener('click', function () { graph.resetZoom(); });
  var keyBar = el('div', 'bar', null, memBox);
  labels.slice(1).forEach(function (l, i) {
    if (i === 1 && !hasHeap) return;
    var k = el('span', 'legend-key', null, keyBar);
    k.style.background = colours[i];
    el('span', null, l + (i === 0 ? ' (band: samples to the true peak, MAXRSS)' :
                          i === 1 ? ' (band: the interval\u2019s min to max)' : ''), keyBar);
  });
  if (spans.list.length)
    el('span', 'sub', '\u00a0\u00a0shaded spans: brackets (FUNC), hover for their figures' +
       (spans.left_out ? '; ' + spans.left_out + ' shorter brackets left out' : ''), keyBar);
  if (gcs.length) el('span', 'sub', '\u00a0\u00a0red marks: cycle collections (GC); dashed: generation 2 or 1 MiB freed', keyBar);
  if (!hasHeap)
    missing(memBox, 'No heap series: ' + (hd.heap_note || 'the allocation hooks did not report ' +
            '(a static program, or a recording of the original mprof)') + '.');
  if (!spans.list.length)
    missing(memBox, 'No brackets: mark functions with @profile (Python) or mprof_enter()/' +
            'MPROF_SCOPE() (include/mprof.h) to see them as spans.');

  /* ---- sites over time ---- */
  var stBox = section('Sites over time', 'sitetime');
  if (D.sitetime && D.sitetime.t.length) {
    var ST = D.sitetime;
    var stDiv = el('div', 'chart small', null, stBox);
    stDiv.id = 'sitechart';
    var stHover = el('div', 'hover', '\u00a0', stBox);
    var stRows = ST.t.map(function (t, i) {
      return [t].concat(ST.v.map(function (s) { return s[i] / 1048576; }));
    });
    var stColours = ST.names.map(function (n, i) {
      return 'hsl(' + Math.round(i * 360 / ST.names.length) + ',60%,55%)';
    });
    new Dygraph(stDiv, stRows, {
      labels: ['time'].concat(ST.names), colors: stColours, stackedGraph: true, fillGraph: true, legend: 'never',
      xlabel: 'seconds', ylabel: 'MiB live', includeZero: true, fillAlpha: 0.6,
      highlightCallback: function (ev, x, pts) {
        stHover.textContent = 't = ' + secs(x) + '\n' + pts.slice().reverse().map(function (p) {
          return p.name + ': ' + mib(p.yval);
        }).join('\n');
      },
    });
    var stKey = el('div', 'bar', null, stBox);
    stKey.id = 'sitekey';
    ST.names.forEach(function (n, i) {
      el('span', 'legend-key', null, stKey).style.background = stColours[i];
      el('span', null, n, stKey);
    });
    el('div', 'sub', 'The live bytes of the largest allocation sites, sampled during the run' +
       ' (at most every ' + secs(ST.interval) + ').', stBox);
  } else {
    missing(stBox, D.stacks ? 'This recording has no per-site samples (STKSITES lines): ' +
            'record it again with this mprof and --stacks.' :
            'Needs allocation stacks: record with mprof run --stacks (or --stacks=all).');
  }

  /* ---- where the memory comes from ---- */
  var fBox = section('Where the memory comes from', 'flames');
  var K = D.stacks;
  function flame(parent, tree, title, id) {
    el('h3', null, title, parent);
    if (!tree || !tree[1]) { missing(parent, 'Nothing: no bytes under this measure.'); return; }
    var strs = K.strs;
    var b = el('div', 'bar', null, parent);
    var search = el('input', 'search', null, b);
    search.placeholder = 'search frames (text or /regex/)';
    search.id = id + '-search';
    var resetF = el('button', null, 'reset zoom', b);
    var found = el('span', 'sub', '', b);
    found.id = id + '-found';
    var box = el('div', 'flame', null, parent);
    box.id = id;
    var info = el('div', 'hover', '\u00a0', parent);
    var ROW = 17, root = tree, path = [tree];
    /* node: [name, bytes, blocks, line, kind, kids] -> parent links once */
    (function link(n, p) { n.p = p; n[5].forEach(function (k) { link(k, n); }); })(tree, null);
    function depth(n) { var d = 0; n[5].forEach(function (k) { d = Math.max(d, depth(k)); }); return d + 1; }
    function tint(n) {
      var name = strs[n[0]], h = 0;
      for (var i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
      if (n[4] >= 2) return 'hsl(' + (200 + h % 30) + ',60%,' + (68 + h % 12) + '%)'; /* python */
      if (n[4] === 1) return 'hsl(' + (40 + h % 20) + ',80%,' + (70 + h % 10) + '%)';
      if (n[4] < 0) return '#ccc';
      return 'hsl(' + (h % 40) + ',75%,' + (62 + h % 14) + '%)';
    }
    function matches(n, q) {
      if (!q) return false;
      var s = strs[n[0]] + (n[3] >= 0 ? ' ' + strs[n[3]] : '');
      return q.test(s);
    }
    function query() {
      var s = search.value.trim();
      if (!s) return null;
      var m = /^\/(.*)\/([a-z]*)$/.exec(s);
      try { return m ? new RegExp(m[1], m[2].indexOf('i') < 0 ? m[2] + 'i' : m[2]) :
        new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'); }
      catch (e) { return null; }
    }
    function draw() {
      box.textContent = '';
      var W = box.clientWidth || 1000, q = query(), hits = 0, sum = 0;
      var anc = [];
      for (var a = root.p; a; a = a.p) anc.unshift(a);
      var rowsN = anc.length + depth(root);
      box.style.height = (rowsN * ROW + 2) + 'px';
      function put(n, x, w, d, isAnc) {
        var e = el('div', 'fr' + (isAnc ? ' anc' : ''), w > 28 ? strs[n[0]] : '', box);
        e.style.left = x + 'px';
        e.style.width = Math.max(w, 1) + 'px';
        e.style.top = d * ROW + 'px';
        e.style.background = tint(n);
        e.node = n;
        e.setAttribute('data-name', strs[n[0]]);
        e.setAttribute('data-kind', n[4] >= 2 ? 'python' : n[4] === 1 ? 'inlined' : n[4] < 0 ? 'all' : 'native');
        e.title = strs[n[0]] + (n[3] >= 0 ? ' (' + strs[n[3]] + ')' : '');
        if (matches(n, q)) e.classList.add('hit');
        return e;
      }
      anc.forEach(function (n, i) { put(n, 0, W, i, true); });
      (function walk(n, x, w, d, under) {
        put(n, x, w, d, false);
        var hit = q && matches(n, q);
        if (hit) hits++;
        if (hit && !under) sum += n[1];
        var at = x;
        n[5].forEach(function (k) {
          var kw = w * k[1] / (n[1] || 1);
          if (kw >= 0.5) walk(k, at, kw, d + 1, under || hit);
          else if (q && matches(k, q)) { hits++; if (!(under || hit)) sum += k[1]; }
          at += kw;
        });
      })(root, 0, W, anc.length, false);
      box.setAttribute('data-root', strs[root[0]]);
      found.textContent = q ? hits + ' frames match: ' + bytes(sum) + ' (' +
        (100 * sum / (root[1] || 1)).toFixed(1) + '% of ' + strs[root[0]] + ')' : '';
      found.setAttribute('data-share', q ? (100 * sum / (root[1] || 1)).toFixed(2) : '');
    }
    box.addEventListener('click', function (ev) {
      var n = ev.target.node;
      if (!n) return;
      root = n === root && n.p ? n.p : n;
      draw();
    });
    box.addEventListener('mousemove', function (ev) {
      var n = ev.target.node;
      if (!n) return;
      info.textContent = strs[n[0]] + '\n' + bytes(n[1]) + (K.all ? '' : ' (estimated)') + ', ' +
        (100 * n[1] / (tree[1] || 1)).toFixed(2) + '% of all, ' + Math.round(n[2]) + ' blocks' +
        (n[3] >= 0 ? '\n' + strs[n[3]] : '') + '\n' +
        (n[4] >= 2 ? 'Python frame' : n[4] === 1 ? 'native frame, inlined' : n[4] < 0 ? '' : 'native frame');
    });
    search.addEventListener('input', draw);
    resetF.addEventListener('click', function () { root = tree; draw(); });
    window.addEventListener('resize', draw);
    draw();
  }
  if (K && K.flame_peak) {
    el('div', 'sub', 'Process ' + K.pid + ' (' + K.exe + '): heap peak ' + bytes(K.peak) +
       ', still allocated at exit ' + bytes(K.leak) + ', ' + K.allocs + ' allocations recorded' +
       (K.all ? '; every allocation recorded: exact figures' :
        '; stacks sampled every ' + bytes(K.sample_bytes) + ' on average: estimates') +
       '. Click a frame to zoom into it, click it again (or reset) to zoom out.', fBox);
    if (K.lost) missing(fBox, K.lost + ' allocations have no stack (stack table full, or the ' +
                        'recorder fell behind).');
    flame(fBox, K.flame_peak, 'The heap at its peak', 'flame-peak');
    flame(fBox, K.flame_leak, 'Still allocated at exit (leaks)', 'flame-leak');
  } else {
    missing(fBox, K ? 'No process recorded allocation stacks.' :
            'Needs allocation stacks: record with mprof run --stacks (sampled, estimates) or ' +
            '--stacks=all (every allocation, exact) to see flame graphs of the heap at its ' +
            'peak and of what leaked, and the tables of sites.');
  }

  /* ---- tables ---- */
  function table(parent, id, cols, data) {
    var t = el('table', 't', null, el('div', 'scroll', null, parent));
    t.id = id;
    var tr = el('tr', null, null, el('thead', null, null, t));
    var body = el('tbody', null, null, t);
    var by = -1, asc = false;
    function fill() {
      body.textContent = '';
      data.forEach(function (r) {
        var row = el('tr', null, null, body);
        cols.forEach(function (c, i) { el('td', c.text ? 's' : null, c.fmt(r[i], r), row); });
      });
    }
    cols.forEach(function (c, i) {
      var th = el('th', c.text ? 's' : null, c.name, tr);
      th.addEventListener('click', function () {
        asc = by === i ? !asc : !!c.text;
        by = i;
        data.sort(function (a, b) {
          var x = a[i], y = b[i];
          if (x === null) x = -Infinity;
          if (y === null) y = -Infinity;
          var r = c.text ? String(x).localeCompare(String(y)) : x - y;
          return asc ? r : -r;
        });
        Array.prototype.forEach.call(tr.children, function (h) { h.className = c.text ? 's' : ''; });
        th.className = (c.text ? 's ' : '') + 'sorted' + (asc ? ' asc' : '');
        fill();
      });
    });
    fill();
    return t;
  }
  var tBox = section('Tables', 'tables');
  var est = K && !K.all ? '~' : '';
  var siteCols = [
    { name: 'bytes', fmt: function (v) { return est + bytes(v); } },
    { name: 'blocks', fmt: function (v) { return est + Math.round(v); } },
    { name: 'share', fmt: function (v) { return v.toFixed(1) + '%'; } },
    { name: 'site', text: 1, fmt: function (v) { return v; } },
  ];
  el('h3', null, 'Allocation sites at the heap peak', tBox);
  if (K && K.sites_peak) table(tBox, 'sites-peak', siteCols, K.sites_peak.slice());
  else missing(tBox, 'Needs allocation stacks (mprof run --stacks).');
  el('h3', null, 'Leaks: still allocated at exit', tBox);
  if (K && K.sites_leak && K.sites_leak.length) table(tBox, 'sites-leak', siteCols, K.sites_leak.slice());
  else missing(tBox, K ? 'Nothing was still allocated at exit.' :
               'Needs allocation stacks (mprof run --stacks).');
  if (K && K.sites_gc && K.sites_gc.length) {
    el('h3', null, 'Freed by the cycle collector', tBox);
    el('p', 'sub', 'What the garbage collector\u2019s ' + K.collections + ' collections freed: ' +
       est + bytes(K.gc_whole) + ' in all, by the ' +
       'site that allocated it: ' + (K.all ? 'exact (every allocation recorded, --stacks=all).' :
       'estimated from sampled allocations (~); --stacks=all gives exact figures.'), tBox);
    table(tBox, 'sites-gc', [
      { name: 'bytes', fmt: function (v) { return est + bytes(v); } },
      { name: 'blocks', fmt: function (v) { return est + Math.round(v); } },
      { name: 'share', fmt: function (v) { return v.toFixed(1) + '%'; } },
      { name: 'site', text: 1, fmt: function (v) { return v; } },
      { name: 'collections', fmt: function (v) { return v; } },
    ], K.sites_gc.slice());
  }
  el('h3', null, 'Functions (brackets)', tBox);
  if (D.functions.length)
    table(tBox, 'functions', [
      { name: 'function', text: 1, fmt: function (v) { return v; } },
      { name: 'calls', fmt: function (v) { return v; } },
      { name: 'time', fmt: secs },
      { name: 'peak', fmt: mib },
      { name: 'heap retained per call', fmt: function (v) {
        return v === null ? 'not recorded' : (v >= 0 ? '+' : '') + mib(v);
      } },
    ], D.functions.slice());
  else missing(tBox, 'No brackets: @profile (Python) or mprof_enter()/MPROF_SCOPE() in C.');
  el('h3', null, 'Cycle collections', tBox);
  if (gcs.length)
    table(tBox, 'gcs', [
      { name: 'at', fmt: secs }, { name: 'duration', fmt: secs },
      { name: 'generation', fmt: function (v) { return v; } },
      { name: 'objects', fmt: function (v) { return v; } },
      { name: 'heap freed', fmt: mib },
    ], gcs.slice());
  else missing(tBox, 'No collections recorded (GC lines come from Python\u2019s cycle collector, ' +
               'or mprof_gc_begin()/mprof_gc_end()).');

  window.mprofPage = { graph: graph, data: D };
  document.body.setAttribute('data-mprof-ready', '1');
})();
