// A long text field's limit, said while typing (issue 24): a textarea with data-max-length shows
// how much is typed and by how much it is over; a form with a field over its limit is not sent
// (the server would refuse it, and a paste far over the body limit would answer a bare 413 and
// lose it), so what was typed stays in the field. It is also kept as a draft in this tab's
// sessionStorage and put back if the page comes again with the field empty (after a refusal
// the server could not read, a reload, a mistaken click away). The texts are the page's, in
// data attributes (%n typed, %max the limit, %over by how much). Without this script the
// server's own message says the limit.
(() => {
  const fields = () => document.querySelectorAll('textarea[data-max-length]');
  // by id, not name: the case page has several action forms with a field named `reason`
  const draftKey = (field) => `draft:${location.pathname}:${field.id || field.name}`;
  const fill = (template, values) =>
    (template || '').replace(/%(n|max|over)/g, (_, name) => String(values[name]));

  function counterOf(field) {
    let counter = document.getElementById(`${field.id}-count`);
    if (!counter) {
      counter = document.createElement('small');
      counter.id = `${field.id}-count`;
      counter.className = 'text-count';
      counter.setAttribute('aria-live', 'polite');
      field.insertAdjacentElement('afterend', counter);
      const described = field.getAttribute('aria-describedby');
      field.setAttribute('aria-describedby', described ? `${described} ${counter.id}` : counter.id);
    }
    return counter;
  }

  function overBy(field) {
    return field.value.length - Number(field.dataset.maxLength);
  }

  function show(field) {
    const max = Number(field.dataset.maxLength);
    const over = overBy(field);
    const counter = counterOf(field);
    counter.textContent = fill(over > 0 ? field.dataset.overText : field.dataset.countText, {
      n: field.value.length,
      max,
      over,
    });
    counter.classList.toggle('text-over', over > 0);
    if (over > 0) field.setAttribute('aria-invalid', 'true');
    else if (field.dataset.serverInvalid !== 'true') field.removeAttribute('aria-invalid');
  }

  const pending = new WeakMap();
  function keepDraft(field) {
    clearTimeout(pending.get(field));
    pending.set(
      field,
      setTimeout(() => {
        try {
          if (field.value.trim() === '') sessionStorage.removeItem(draftKey(field));
          else sessionStorage.setItem(draftKey(field), field.value);
        } catch {
          // storage full or refused: the text is still in the field
        }
      }, 300),
    );
  }

  function restoreDraft(field) {
    let draft = null;
    try {
      draft = sessionStorage.getItem(draftKey(field));
    } catch {
      return;
    }
    if (!draft || field.value.trim() !== '') return;
    field.value = draft;
    const note = document.createElement('p');
    note.className = 'flash';
    note.setAttribute('role', 'status');
    note.textContent = field.dataset.restoredText || '';
    field.insertAdjacentElement('beforebegin', note);
  }

  function refuseOverLimit(form, event) {
    const over = [...form.querySelectorAll('textarea[data-max-length]')].filter((field) => overBy(field) > 0);
    if (over.length === 0) {
      for (const field of form.querySelectorAll('textarea[data-max-length]')) {
        clearTimeout(pending.get(field));
        try {
          sessionStorage.removeItem(draftKey(field));
        } catch {
          // nothing kept
        }
      }
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    let alert = form.querySelector('.text-limit-refused');
    if (!alert) {
      alert = document.createElement('p');
      alert.className = 'form-error text-limit-refused';
      alert.setAttribute('role', 'alert');
      form.insertAdjacentElement('afterbegin', alert);
    }
    alert.textContent = over[0].dataset.refusedText || '';
    over[0].focus();
  }

  function start() {
    for (const field of fields()) {
      if (field.getAttribute('aria-invalid') === 'true') field.dataset.serverInvalid = 'true';
      restoreDraft(field);
      show(field);
    }
  }

  document.addEventListener('input', (event) => {
    const field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.dataset.maxLength) return;
    show(field);
    keepDraft(field);
  });
  // capture: before htmx or anything else sends the form
  document.addEventListener('submit', (event) => refuseOverLimit(event.target, event), true);
  // htmx buttons (add or remove a party) send the form without a submit event; cancelling this event stops the request
  document.addEventListener(
    'htmx:before:request',
    (event) => {
      const form = event.target.closest ? event.target.closest('form') : null;
      if (form) refuseOverLimit(form, event);
    },
    true,
  );
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
