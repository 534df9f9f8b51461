// The TV's language: interface strings from the server (translated there), numbers and times in its locale.
let strings = {};
let locale = "en";

export async function loadStrings(url, language) {
  locale = language || navigator.language || "en";
  const response = await fetch(url);
  strings = response.ok ? await response.json() : {};
}

// t("page_of", { page: 1, pages: 3 }) → "page 1 of 3", in the channel's language.
export function t(key, values = {}) {
  const text = strings[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

export function formatNumber(value) {
  return Number(value).toLocaleString(locale, { maximumFractionDigits: 1 });
}

export function formatTime(date = new Date(), seconds = false) {
  return date.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}) });
}

export function currentLocale() {
  return locale;
}
