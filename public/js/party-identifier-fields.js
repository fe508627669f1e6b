// The intake form's ID field follows its party's kind (case-intake.view-model.ts): a person's
// resident ID, an organisation's 统一社会信用代码 — label, hint and pattern from the input's
// data attributes. Without this script the server renders them for the kind last submitted.
document.addEventListener('change', (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !/^parties\.\d+\.kind$/.test(select.name)) return;
  const input = document.getElementById(`field-${select.name.replace(/kind$/, 'idNumber')}`);
  if (!input) return;
  const kind = select.value === 'organisation' ? 'Organisation' : 'Person';
  const label = document.querySelector(`label[for="${input.id}"]`);
  if (label && input.dataset[`label${kind}`]) label.textContent = input.dataset[`label${kind}`];
  const hint = document.getElementById(`${input.id}-hint`);
  if (hint && input.dataset[`hint${kind}`]) hint.textContent = input.dataset[`hint${kind}`];
  if (input.dataset[`pattern${kind}`]) input.setAttribute('pattern', input.dataset[`pattern${kind}`]);
});
