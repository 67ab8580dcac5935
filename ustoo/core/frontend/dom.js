// What the journal's and the escrow's scripts both do with their pages.

export const $ = (id) => document.getElementById(id);
export const readJson = (id) => JSON.parse($(id).textContent);

export function element(tag, attributes = {}, ...children) {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "text") made.textContent = value;
    else if (name === "className") made.className = value;
    else made.setAttribute(name, value);
  }
  made.append(...children.filter((child) => child !== null && child !== undefined));
  return made;
}

// htmx (loaded by every page) notes the current address in sessionStorage as it loads; these pages
// leave no mark in the browser, not even that they were open.
export function forgetAddress() {
  try {
    sessionStorage.removeItem("htmx-current-path-for-history");
  } catch {
    // no sessionStorage at all: nothing to forget
  }
}
