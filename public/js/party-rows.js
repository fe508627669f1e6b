// The intake form's party rows (templates/pages/cases/new.hbs): adding or removing a row swaps
// only the parties fieldset (htmx), so the page stays where it was; the keyboard's focus, lost
// with the button that was replaced, goes to the row added (its first field) or the rows' legend.
document.addEventListener('htmx:after:swap', () => {
  const parties = document.getElementById('parties');
  if (!parties || parties.contains(document.activeElement)) return;
  const rows = parties.querySelectorAll('fieldset.party');
  const last = rows[rows.length - 1];
  const first = last?.querySelector('input:not([type=hidden]), select, textarea');
  if (first) first.focus();
  else parties.focus();
});
