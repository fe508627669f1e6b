// Draws the statistics charts with ECharts (served by the app) from the JSON the page
// carries in a data attribute (escaped by the template like any other text). Without JavaScript the table above shows the same figures.
(() => {
  function start() {
    const source = document.getElementById('stats-data');
    if (!source || typeof echarts === 'undefined') return;
    const data = JSON.parse(source.dataset.json || '{}');
    const draw = (id, option) => {
      const element = document.getElementById(id);
      if (!element) return;
      const chart = echarts.init(element, null, { renderer: 'svg' });
      chart.setOption({ animation: false, tooltip: { trigger: 'axis' }, grid: { containLabel: true, left: 8, right: 8 }, ...option });
      window.addEventListener('resize', () => chart.resize());
      element.dataset.rendered = 'true';
    };
    draw('chart-monthly', {
      legend: {},
      // room on the right for the last month's label, which sits centred under its bar
      grid: { containLabel: true, left: 8, right: 24 },
      xAxis: { type: 'category', data: data.monthly.map((row) => row.month) },
      yAxis: { type: 'value', minInterval: 1 }, // counts of cases: whole numbers only
      series: [
        { name: data.labels.received, type: 'bar', data: data.monthly.map((row) => row.received) },
        { name: data.labels.closed, type: 'line', data: data.monthly.map((row) => row.closed) },
      ],
    });
    // Dispute types as horizontal bars: their names (房屋征收/拆迁纠纷) read level and whole
    // beside the bars, wrapped if long, where rotated labels under columns were clipped. The
    // chart grows with the number of types so that each keeps a readable row.
    const typeChart = document.getElementById('chart-by-type');
    if (typeChart) typeChart.style.height = `${Math.max(320, 80 + data.byType.length * 36)}px`;
    draw('chart-by-type', {
      legend: {},
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: {
        type: 'category',
        inverse: true, // the table's order, top to bottom
        data: data.byType.map((row) => row.name),
        axisLabel: { interval: 0, width: 112, overflow: 'break', lineHeight: 14 },
      },
      series: [
        { name: data.labels.received, type: 'bar', data: data.byType.map((row) => row.received) },
        { name: data.labels.closed, type: 'bar', data: data.byType.map((row) => row.closed) },
      ],
    });
    draw('chart-by-level', {
      tooltip: { trigger: 'item' },
      series: [{ type: 'pie', radius: ['35%', '70%'], data: data.byLevel.map((row) => ({ name: row.name, value: row.closed })) }],
    });
    draw('chart-by-unit', {
      legend: {},
      // room on the right for the last value label ("100%")
      grid: { containLabel: true, left: 8, right: 32 },
      xAxis: { type: 'value', axisLabel: { formatter: (value) => `${Math.round(value * 100)}%` } },
      yAxis: { type: 'category', data: data.byUnit.map((row) => row.name) },
      series: [
        { name: data.labels.escalation, type: 'bar', data: data.byUnit.map((row) => row.escalation) },
        { name: data.labels.returned, type: 'bar', data: data.byUnit.map((row) => row.returned) },
        { name: data.labels.transferred, type: 'bar', data: data.byUnit.map((row) => row.transferred) },
        { name: data.labels.questioned, type: 'bar', data: data.byUnit.map((row) => row.questioned) },
      ],
    });
    draw('chart-by-reason', {
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: data.byReason.map((row) => row.name) },
      series: [{ name: data.labels.escalations, type: 'bar', data: data.byReason.map((row) => row.escalations) }],
    });
    draw('chart-petitions', {
      legend: {},
      xAxis: { type: 'category', data: data.petitionsByCategory.map((row) => row.name) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: data.labels.petitionsReceived, type: 'bar', data: data.petitionsByCategory.map((row) => row.received) },
        { name: data.labels.petitionsAccepted, type: 'bar', data: data.petitionsByCategory.map((row) => row.accepted) },
        { name: data.labels.petitionsReplied, type: 'bar', data: data.petitionsByCategory.map((row) => row.replied) },
      ],
    });
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
