// Demo storefront wiring only: the theme picker and the variant picker. No widget logic here.
const themePicker = document.getElementById('theme-picker');
if (themePicker) {
  themePicker.value = localStorage.getItem('demo-theme') || '';
  document.body.className = themePicker.value;
  themePicker.addEventListener('change', () => {
    document.body.className = themePicker.value;
    localStorage.setItem('demo-theme', themePicker.value);
  });
}

// Variant picker: the radio buttons carry the SKU; the element follows its sku attribute.
for (const picker of document.querySelectorAll('[data-variant-for]')) {
  const widget = document.getElementById(picker.dataset.variantFor);
  picker.addEventListener('change', (event) => {
    if (event.target.name === 'variant') widget.setAttribute('sku', event.target.value);
  });
}

// The demo shows what the widget reports to the host page.
const log = document.getElementById('event-log');
if (log) {
  for (const name of ['backorder:status', 'backorder:submitted', 'backorder:queued', 'backorder:error']) {
    document.addEventListener(name, (event) => {
      const line = document.createElement('li');
      line.textContent = `${name} ${JSON.stringify(event.detail)}`;
      log.prepend(line);
      while (log.children.length > 8) log.lastElementChild.remove();
    });
  }
}
