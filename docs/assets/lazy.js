// Brings the figures of a post to life as the reader scrolls near them: each element's script is
// fetched when the first of its kind comes within a screen or so, and each figure's tag is put in
// the page only then, so a post with many figures starts fast. A figure that follows another
// (for="id") brings that one along.
const base = new URL('../elements/', import.meta.url);
const scripts = new Map();

function load(tag) {
  if (!scripts.has(tag)) scripts.set(tag, import(new URL(`${tag}.js`, base).href));
  return scripts.get(tag);
}

/** The placeholder whose template holds the element with this id. */
function placeholderOf(id) {
  return [...document.querySelectorAll('.da-lazy')].find((box) =>
    box.querySelector('template')?.content.getElementById(id),
  );
}

function show(box) {
  if (!box.isConnected) return;
  observer.unobserve(box);
  const template = box.querySelector('template');
  const content = template.content.cloneNode(true);
  const links = [...content.querySelectorAll('[for]')].map((el) => el.getAttribute('for'));
  box.replaceWith(content);
  void load(box.dataset.tag);
  for (const id of links) {
    const linked = placeholderOf(id);
    if (linked) show(linked);
  }
}

const observer = new IntersectionObserver(
  (entries) => {
    for (const entry of entries) if (entry.isIntersecting) show(entry.target);
  },
  { rootMargin: '100% 0px' },
);
for (const box of document.querySelectorAll('.da-lazy')) observer.observe(box);
