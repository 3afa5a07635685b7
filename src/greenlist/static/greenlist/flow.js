// Bulk pages: a header checkbox selects or clears every row's checkbox of the same name.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.dataset.selectAll || !box.form) return;
  for (const row of box.form.querySelectorAll(`input[name="${box.dataset.selectAll}"]`)) {
    row.checked = box.checked;
  }
});
